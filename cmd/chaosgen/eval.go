package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
)

func init() {
	register("eval", "score a checkpoint or a samples file: E2, Es, ER, EAAI, coverage", runEval)
}

func runEval(args []string) error {
	fs := newFlags("eval", "(--checkpoint FILE [--t T] | --samples FILE.npy --dataset D) [--n 1000] [--json]")
	ckPath := fs.String("checkpoint", "", "checkpoint to sample from")
	samples := fs.String("samples", "", "samples to score: .npy, float32, n×784, s-space [−1,1]")
	dataset := fs.String("dataset", "", "data set of the test images (default: the checkpoint's)")
	t := fs.Float64("t", 0, "sampling time, a whole number of Euler steps dt (default: the model's T; 0 is the random start)")
	n := fs.Int("n", 1000, "number of test images (the first n of the test split, class-balanced)")
	asJSON := fs.Bool("json", false, "print JSON")
	seed := fs.Uint64("seed", 1, "seed of the free runs")
	dev := fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if (*ckPath == "") == (*samples == "") {
		return errors.New("give exactly one of --checkpoint FILE or --samples FILE.npy")
	}
	if err := checkRows("n", *n); err != nil {
		return err
	}
	var rep indices.Report
	if *samples != "" {
		if *dataset == "" {
			return errors.New("--samples needs --dataset mnist|fashion-mnist")
		}
		if err := checkDataset(*dataset); err != nil {
			return err
		}
		if setFlag(fs, "t") {
			return errors.New("--t applies to --checkpoint only (samples are already taken)")
		}
		gen, err := indices.ReadSamplesN(*samples, data.Pixels)
		if err != nil {
			return fmt.Errorf("--samples: %v", err)
		}
		if gen.Rows < *n {
			return fmt.Errorf("--samples %s has %d samples, fewer than --n %d", *samples, gen.Rows, *n)
		}
		gen.Rows = *n
		d, err := runs.LoadData(*dataset)
		if err != nil {
			return err
		}
		if *n > d.Test.Len() {
			return fmt.Errorf("--n %d: the %s test split has %d images", *n, *dataset, d.Test.Len())
		}
		if rep, err = indices.Score(d.Test.Head(*n).X, gen, d.Classifier); err != nil {
			return err
		}
		rep.T = math.NaN()
	} else {
		ck, err := chaoslib.LoadCheckpoint(*ckPath)
		if err != nil {
			return fmt.Errorf("--checkpoint: %v", err)
		}
		if *dataset == "" {
			*dataset = ck.Config.Dataset
		}
		if err := checkDataset(*dataset); err != nil {
			return err
		}
		ts, err := runTimes(setFlag(fs, "t"), *t, "", ck.Config)
		if err != nil {
			return err
		}
		if err := checkMemory("n", *n, ck.Config.SampleBytes(*n, 2)); err != nil { // the free runs and the reconstructions
			return err
		}
		be, err := device.Open(*dev)
		if err != nil {
			return fmt.Errorf("--device: %v", err)
		}
		defer be.Close()
		m, err := ck.Model(be)
		if err != nil {
			return err
		}
		d, err := runs.LoadData(*dataset)
		if err != nil {
			return err
		}
		if *n > d.Test.Len() {
			return fmt.Errorf("--n %d: the %s test split has %d images", *n, *dataset, d.Test.Len())
		}
		rs, err := chaoslib.Evaluate(m, d.Test.X, *n, ts, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: *seed})
		if err != nil {
			return err
		}
		rep = rs[0]
	}
	return printReport(rep, *asJSON)
}

func printReport(r indices.Report, asJSON bool) error {
	if asJSON {
		type out struct {
			indices.Report
			T *float64 `json:"t"`
		}
		o := out{Report: r}
		if !math.IsNaN(r.T) {
			o.T = &r.T
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	fmt.Printf("n         %d\n", r.N)
	if !math.IsNaN(r.T) {
		fmt.Printf("t         %g\n", r.T)
	}
	fmt.Printf("E2        %.6g\nEs        %.6g\n", r.E2, r.Es)
	if r.ER != nil {
		fmt.Printf("ER        %.6g\n", *r.ER)
	}
	fmt.Printf("EAAI      %.6g\nAA_truth  %.6g\nAA_syn    %.6g\ncoverage  %d/%d   classes %v\n",
		r.EAAI, r.AATruth, r.AASyn, r.Coverage, len(r.Hist), r.Hist)
	return nil
}
