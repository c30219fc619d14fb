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

	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
)

func init() {
	register("train", "train a model by contrastive Hebbian learning", runTrain)
}

// trainJob is a parsed `chaosgen train` command line.
type trainJob struct {
	cfg              chaoslib.Config
	out, device      string
	resume           bool
	evalEvery, evalN int
}

// parseTrain parses the train flags; with --resume it reads the run's
// config.json and checks the flags against it.
func parseTrain(args []string) (trainJob, error) {
	var j trainJob
	fs := newFlags("train", "--model unrestricted|restricted|deep --dataset mnist|fashion-mnist --out DIR [flags]")
	cf := addConfigFlags(fs)
	fs.StringVar(&j.out, "out", "", "output folder: config.json, metrics.csv, checkpoints/ (required)")
	fs.BoolVar(&j.resume, "resume", false, "continue from the newest checkpoint in --out up to --steps; other config flags may be given only with the run's own values")
	fs.IntVar(&j.evalEvery, "eval-every", 0, "steps between index evaluations written to metrics.csv (default steps/20; with --resume, the run's)")
	fs.IntVar(&j.evalN, "eval-n", 1000, "test images (and generated samples) per evaluation (with --resume, the run's)")
	fs.StringVar(&j.device, "device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return j, err
	}
	if err := noArgs(fs); err != nil {
		return j, err
	}
	if j.out == "" {
		return j, errors.New("--out DIR is required")
	}
	if j.evalN <= 0 {
		return j, fmt.Errorf("--eval-n %d: must be > 0", j.evalN)
	}
	if j.evalEvery < 0 {
		return j, fmt.Errorf("--eval-every %d: must be ≥ 0", j.evalEvery)
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
		if !setFlag(fs, "eval-every") {
			j.evalEvery = rec.EvalEvery
		}
		if !setFlag(fs, "eval-n") {
			j.evalN = rec.EvalN
		}
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
	be, d, err := openDeviceAndData(j.device, j.cfg.Dataset)
	if err != nil {
		return err
	}
	defer be.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pp := newProgress(os.Stderr)
	res, err := runs.Train(runs.RunOptions{
		Dir: j.out, Config: j.cfg, Resume: j.resume, Device: be, Train: d.Train, Test: d.Test,
		EvalEvery: j.evalEvery, EvalN: j.evalN, Classifier: d.Classifier,
		Command: "chaosgen " + strings.Join(append([]string{"train"}, args...), " "),
		Context: ctx, Progress: pp.update,
	})
	if errors.Is(err, runs.ErrInterrupted) {
		fmt.Fprintf(os.Stderr, "\ninterrupted at step %d; saved %s\nresume with: chaosgen train --out %s --resume\n",
			res.Steps, res.Checkpoint, j.out)
		return nil
	}
	if err != nil {
		if res.Checkpoint != "" {
			return fmt.Errorf("%w (last good checkpoint: %s)", err, res.Checkpoint)
		}
		return err
	}
	fmt.Fprintf(os.Stderr, "done: %d steps in %.1f s of training; checkpoint %s\n", res.Steps, res.Seconds, res.Checkpoint)
	if l := res.Last; l != nil {
		fmt.Printf("step %d, t = %g: E2 %.4g  Es %.4g  EAAI %.4g  coverage %d/%d\n", l.Step, l.T, l.E2, l.Es, l.EAAI, l.Coverage, data.Classes)
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
