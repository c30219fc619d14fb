package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/chaosgen/chaosgen/chaoslib"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
)

func init() {
	register("train", "train a model by contrastive Hebbian learning", runTrain)
}

// trainJob is a parsed `chaosgen train` command line.
type trainJob struct {
	*runFlags
	cfg    chaoslib.Config
	device *string
}

// parseTrain parses the train flags; with --resume it reads the run's
// config.json and checks the flags against it.
func parseTrain(args []string) (trainJob, error) {
	var j trainJob
	fs := newFlags("train", "[--model unrestricted|restricted|deep] [--dataset mnist|fashion-mnist] --out DIR [flags]")
	cf := addConfigFlags(fs)
	j.runFlags = addRunFlags(fs)
	j.device = deviceFlag(fs)
	if err := j.parse(args); err != nil {
		return j, err
	}
	var err error
	if j.resume {
		rec, rerr := runs.ReadRunRecord(j.out)
		if rerr != nil {
			return j, fmt.Errorf("--resume: %v", rerr)
		}
		if j.cfg, err = cf.resumeConfig(rec.Config); err != nil {
			return j, err
		}
		j.resumed(rec.RunInfo)
	} else if j.cfg, err = cf.config(); err != nil {
		return j, err
	}
	return j, checkDataset(j.cfg.Dataset)
}

func runTrain(args []string) error {
	j, err := parseTrain(args)
	if err != nil {
		return err
	}
	if err := precheckRun(j.out, runs.KindTrain); err != nil {
		return err
	}
	be, d, err := openDeviceAndData(*j.device, j.cfg.Dataset)
	if err != nil {
		return err
	}
	defer be.Close()
	return runTraining("train", "t", args, be, d, j.options(), func(o runs.RunOptions) (runs.RunResult, error) { return runs.Train(j.cfg, o) })
}

// runTraining runs train (runs.Train or runs.TrainRBM) with o on be and d,
// adding what every training command shares: the command line recorded,
// Ctrl-C (and SIGTERM) checkpoint and exit cleanly with the resume command,
// a progress bar, a last good checkpoint named on errors, and a summary.
// cmd is the subcommand's name and args its arguments; timeName labels the
// metrics' time column ("t", or "k" for the RBM's Gibbs steps).
func runTraining(cmd, timeName string, args []string, be backend.Backend, d *runs.Data, o runs.RunOptions,
	train func(runs.RunOptions) (runs.RunResult, error)) error {
	o.Device, o.Train, o.Test, o.Classifier = be, d.Train, d.Test, d.Classifier
	o.Command = "chaosgen " + strings.Join(append([]string{cmd}, args...), " ")
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o.Context, o.Progress, o.Warn = ctx, newProgress(os.Stderr).update, warn
	res, err := train(o)
	if errors.Is(err, runs.ErrInterrupted) {
		fmt.Fprintf(os.Stderr, "\ninterrupted at step %d; saved %s\nresume with: chaosgen %s --out %s --resume\n",
			res.Steps, res.Checkpoint, cmd, o.Dir)
		return errInterrupted
	}
	if err != nil {
		if res.Checkpoint != "" {
			return fmt.Errorf("%w (last good checkpoint: %s)", err, res.Checkpoint)
		}
		return err
	}
	fmt.Fprintf(os.Stderr, "done: %d steps in %.1f s of training; checkpoint %s\n", res.Steps, res.Seconds, res.Checkpoint)
	if l := res.Last; l != nil {
		fmt.Printf("step %d, %s = %g: E2 %.4g  Es %.4g  EAAI %.4g (AA_truth %.3f, AA_syn %.3f)  coverage %d/%d  classes %v\n",
			l.Step, timeName, l.T, l.E2, l.Es, l.EAAI, l.AATruth, l.AASyn, l.Coverage, data.Classes, l.Hist)
	}
	return nil
}

// setFlag reports whether the flag was given on the command line.
func setFlag(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// checkDataset validates a --dataset value.
func checkDataset(name string) error {
	for _, d := range data.Datasets() {
		if d == name {
			return nil
		}
	}
	return fmt.Errorf("--dataset %q: want one of %s", name, strings.Join(data.Datasets(), ", "))
}
