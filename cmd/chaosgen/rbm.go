package main

import (
	"errors"
	"flag"
	"fmt"
	"reflect"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
)

func init() {
	register("rbm", "train the RBM baseline (±1 units, non-persistent k-step Gibbs) and score it", runRBM)
}

// rbmFlags pairs the rbm.Config fields that have a flag with the flag, in
// the order --resume names changes.
var rbmFlags = []struct{ field, flag string }{{"Dataset", "dataset"}, {"M", "hidden"}, {"K", "k"}, {"LR", "lr"},
	{"Batch", "batch"}, {"Chains", "chains"}, {"Steps", "steps"}, {"Seed", "seed"}, {"InitStd", "init-std"}, {"InitBias", "init-bias"}}

// rbmJob is a parsed `chaosgen rbm` command line.
type rbmJob struct {
	*runFlags
	cfg rbm.Config
}

// parseRBM parses the rbm flags; with --resume it reads the run's
// config.json and checks the flags against it, as train does.
func parseRBM(args []string) (rbmJob, error) {
	def := rbm.FromChaos(chaoslib.PaperMNIST(chaoslib.Restricted))
	j := rbmJob{cfg: def}
	c := &j.cfg
	c.N, c.InitBias = data.Pixels, "zero"
	fs := newFlags("rbm", "--dataset mnist|fashion-mnist --out DIR [--hidden 500] [--k 20] [--lr] [--batch] [--chains] [--steps] [--seed] [--eval-n 1000]")
	fs.StringVar(&c.Dataset, "dataset", def.Dataset, "data set: mnist or fashion-mnist")
	fs.IntVar(&c.M, "hidden", def.M, "hidden units M (as the 2-layer chaotic model)")
	fs.IntVar(&c.K, "k", def.K, "Gibbs steps v→h→v per update and per sample (the chaotic model's T/dt)")
	fs.Float64Var(&c.LR, "lr", def.LR, "learning rate η")
	fs.IntVar(&c.Batch, "batch", def.Batch, "minibatch size B")
	fs.IntVar(&c.Chains, "chains", def.Chains, "Gibbs chains P per update")
	fs.IntVar(&c.Steps, "steps", def.Steps, "total updates")
	fs.Uint64Var(&c.Seed, "seed", def.Seed, "random seed (initial W, minibatches, chains)")
	fs.Float64Var(&c.InitStd, "init-std", def.InitStd, "std of the N(0, std²) initial couplings W (assumed)")
	fs.StringVar(&c.InitBias, "init-bias", c.InitBias, "initial visible biases: zero (as the chaotic models), or data (atanh of the training mean)")
	j.runFlags = addRunFlags(fs)
	if err := j.parse(args); err != nil {
		return j, err
	}
	if j.resume {
		rec, err := runs.ReadRBMRecord(j.out)
		if err != nil {
			return j, fmt.Errorf("--resume: %v", err)
		}
		if j.cfg, err = resumeRBMConfig(fs, j.cfg, rec.Config); err != nil {
			return j, err
		}
		j.resumed(rec.RunInfo)
	}
	if err := checkDataset(j.cfg.Dataset); err != nil {
		return j, err
	}
	return j, rbmFlagError(j.cfg.Validate())
}

// resumeRBMConfig returns the run's own config with the given --steps; any
// other flag given must repeat the run's value (a run that recorded no data
// set takes any --dataset), else every change is named with both values.
func resumeRBMConfig(fs *flag.FlagSet, flags, run rbm.Config) (rbm.Config, error) {
	cfg := run
	var changed []string
	fv, rv := reflect.ValueOf(flags), reflect.ValueOf(run)
	for _, f := range rbmFlags {
		field, name := f.field, f.flag
		if !setFlag(fs, name) {
			continue
		}
		given, own := fmt.Sprint(fv.FieldByName(field).Interface()), fmt.Sprint(rv.FieldByName(field).Interface())
		switch {
		case field == "Steps":
			cfg.Steps = flags.Steps
		case field == "Dataset" && own == "":
			cfg.Dataset = flags.Dataset
		case field == "InitBias" && own == "" && given == "zero": // "" is "zero"
		case given != own:
			changed = append(changed, fmt.Sprintf("--%s %s (the run has %s)", name, given, orDefault(own, `""`)))
		}
	}
	if len(changed) > 0 {
		return cfg, fmt.Errorf("--resume continues the run's own config; these flags would change it: %s", strings.Join(changed, ", "))
	}
	return cfg, nil
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
func rbmFlagError(err error) error {
	var fe *chaoslib.FieldError
	if errors.As(err, &fe) {
		for _, f := range rbmFlags {
			if f.field == fe.Field {
				return fmt.Errorf("--%s %v: %s", f.flag, fe.Value, fe.Rule)
			}
		}
	}
	return err
}
