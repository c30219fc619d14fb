package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

// runFlags are the flags every training command shares: the run folder,
// --resume and the evaluation settings.
type runFlags struct {
	fs               *flag.FlagSet
	out              string
	resume           bool
	evalEvery, evalN int
}

func addRunFlags(fs *flag.FlagSet) *runFlags {
	r := &runFlags{fs: fs}
	fs.StringVar(&r.out, "out", "", "output folder: config.json, metrics.csv, checkpoints/ (required)")
	fs.BoolVar(&r.resume, "resume", false, "continue from the newest checkpoint in --out up to --steps; other config flags may be given only with the run's own values")
	fs.IntVar(&r.evalEvery, "eval-every", 0, "steps between index evaluations written to metrics.csv (default steps/20; with --resume, the run's)")
	fs.IntVar(&r.evalN, "eval-n", 1000, "test images (and generated samples) per evaluation (with --resume, the run's)")
	return r
}

// parse parses args and checks the shared flags.
func (r *runFlags) parse(args []string) error {
	if err := parseFlags(r.fs, args); err != nil {
		return err
	}
	if err := noArgs(r.fs); err != nil {
		return err
	}
	if r.out == "" {
		return errors.New("--out DIR is required")
	}
	if err := checkScoreN("eval-n", r.evalN); err != nil {
		return err
	}
	if r.evalEvery < 0 {
		return fmt.Errorf("--eval-every %d: must be ≥ 0", r.evalEvery)
	}
	return nil
}

// resumed takes the evaluation settings not given on the command line from
// the run's config.json.
func (r *runFlags) resumed(info runs.RunInfo) {
	if !setFlag(r.fs, "eval-every") {
		r.evalEvery = info.EvalEvery
	}
	if !setFlag(r.fs, "eval-n") {
		r.evalN = info.EvalN
	}
}

// options returns the run options these flags set.
func (r *runFlags) options() runs.RunOptions {
	return runs.RunOptions{Dir: r.out, Resume: r.resume, EvalEvery: r.evalEvery, EvalN: r.evalN}
}
