package main

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
)

func init() {
	register("rbm", "train the RBM baseline ({0,1} or ±1 units, non-persistent k-step Gibbs) and score it", runRBM)
}

// rbmJob is a parsed `chaosgen rbm` command line.
type rbmJob struct {
	*runFlags
	cfg rbm.Config
}

// parseRBM parses the rbm flags; with --resume it reads the run's
// config.json and checks the flags against it, as train does.
func parseRBM(args []string) (rbmJob, error) {
	j := rbmJob{cfg: rbm.Tuned("")}
	c := &j.cfg
	c.N = data.Pixels
	fs := newFlags("rbm", fmt.Sprintf("[--dataset mnist|fashion-mnist] --out DIR [--hidden %d] [--k %d] [--lr] [--batch] [--chains] [--steps] [--seed] [--eval-n 1000]", rbm.TunedM, rbm.TunedK))
	addFieldFlags(fs, rbm.ConfigFields, c, func(f chaoslib.Field[rbm.Config]) string { return f.Help })
	j.runFlags = addRunFlags(fs)
	if err := j.parse(args); err != nil {
		return j, err
	}
	if j.resume {
		rec, err := runs.ReadRBMRecord(j.out)
		if err != nil {
			return j, fmt.Errorf("--resume: %v", err)
		}
		if rec.Config.InitBias == "" { // runs from before --init-bias: "" is "zero"
			rec.Config.InitBias = "zero"
		}
		if rec.Config.Units == "" { // runs from before --units: "" is "spin"
			rec.Config.Units = "spin"
		}
		if j.cfg, err = resumeFields(fs, rbm.ConfigFields, j.cfg, rec.Config); err != nil {
			return j, err
		}
		j.resumed(rec.RunInfo)
	}
	if err := checkDataset(j.cfg.Dataset); err != nil {
		return j, err
	}
	return j, rbmFlagError(j.cfg.Validate())
}

func runRBM(args []string) error {
	j, err := parseRBM(args)
	if err != nil {
		return err
	}
	if err := precheckRun(j.out, runs.KindRBM); err != nil {
		return err
	}
	be, d, err := openDeviceAndData("cpu", j.cfg.Dataset)
	if err != nil {
		return err
	}
	defer be.Close()
	return runTraining("rbm", "k", args, be, d, j.options(), func(o runs.RunOptions) (runs.RunResult, error) { return runs.TrainRBM(j.cfg, o) })
}

// rbmFlagError rewrites an rbm.Config validation error in terms of the flag.
func rbmFlagError(err error) error { return fieldFlagError(rbm.ConfigFields, err) }
