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

	"github.com/chaosgen/chaosgen/chaoslib/experiment"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
)

func init() {
	register("train", "train a model by contrastive Hebbian learning", runTrain)
}

func runTrain(args []string) error {
	fs := newFlags("train", "--model unrestricted|restricted|deep --dataset mnist|fashion-mnist --out DIR [flags]")
	cf := addConfigFlags(fs)
	dataset := fs.String("dataset", "mnist", "data set: mnist or fashion-mnist")
	out := fs.String("out", "", "output folder: config.json, metrics.csv, checkpoints/ (required)")
	resume := fs.Bool("resume", false, "continue from the newest checkpoint in --out up to --steps")
	evalEvery := fs.Int("eval-every", 0, "steps between index evaluations written to metrics.csv (default steps/20)")
	evalN := fs.Int("eval-n", 1000, "test images (and generated samples) per evaluation")
	dev := fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out DIR is required")
	}
	if err := checkDataset(*dataset); err != nil {
		return err
	}
	if *evalN <= 0 {
		return fmt.Errorf("--eval-n %d: must be > 0", *evalN)
	}
	if *evalEvery < 0 {
		return fmt.Errorf("--eval-every %d: must be ≥ 0", *evalEvery)
	}
	cfg, err := cf.config(*dataset)
	if err != nil {
		return err
	}
	if *resume {
		var fixed []string
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "model", "preset", "hidden", "g", "tau", "dt", "T", "lr", "sigma", "data-clip", "batch", "chains", "seed":
				fixed = append(fixed, "--"+f.Name)
			}
		})
		if len(fixed) > 0 {
			return fmt.Errorf("--resume continues the run's own config; %s cannot change it (only --steps, --eval-every, --eval-n)", strings.Join(fixed, ", "))
		}
		rec, err := experiment.ReadRunRecord(*out)
		if err != nil {
			return fmt.Errorf("--resume: %v", err)
		}
		if !setFlag(fs, "dataset") && rec.Config.Dataset != "" {
			*dataset = rec.Config.Dataset
		}
		if rec.Config.Dataset != "" && rec.Config.Dataset != *dataset {
			return fmt.Errorf("--resume: %s was trained on %s, not --dataset %s", *out, rec.Config.Dataset, *dataset)
		}
		if !setFlag(fs, "steps") {
			cfg.Steps = rec.Config.Steps
		}
		if !setFlag(fs, "eval-every") {
			*evalEvery = rec.EvalEvery
		}
		if !setFlag(fs, "eval-n") {
			*evalN = rec.EvalN
		}
	}
	be, d, err := openDeviceAndData(*dev, *dataset)
	if err != nil {
		return err
	}
	defer be.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pp := newProgress(os.Stderr)
	res, err := experiment.Train(experiment.RunOptions{
		Dir: *out, Config: cfg, Resume: *resume, Device: be, Train: d.Train, Test: d.Test,
		EvalEvery: *evalEvery, EvalN: *evalN, Classifier: d.Classifier,
		Command: "chaosgen " + strings.Join(append([]string{"train"}, args...), " "),
		Context: ctx, Progress: pp.update,
	})
	if errors.Is(err, experiment.ErrInterrupted) {
		fmt.Fprintf(os.Stderr, "\ninterrupted at step %d; saved %s\nresume with: chaosgen train --out %s --dataset %s --resume\n",
			res.Steps, res.Checkpoint, *out, *dataset)
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
