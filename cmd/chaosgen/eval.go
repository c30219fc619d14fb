package main

import (
	"errors"
	"fmt"
	"math"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/npz"
)

func init() {
	register("eval", "score a checkpoint (chaotic model or RBM) or a samples file: E2, Es, ER, EAAI, coverage", runEval)
}

func runEval(args []string) error {
	fs := newFlags("eval", "(--checkpoint FILE [--t T] | --samples FILE.npy --dataset D) [--n 1000] [--json]")
	cf := addCheckpointFlags(fs, ckHelp{checkpoint: "checkpoint to sample from", n: "number of test images (the first n of the test split, class-balanced)", nDefault: 1000,
		t: sampleTimeHelp, dataset: "data set of the test images (default: the checkpoint's)", seed: "seed of the free runs", json: "print JSON"})
	samples := fs.String("samples", "", "samples to score: .npy, float32, n×784, s-space [−1,1]")
	if err := cf.parse(args); err != nil {
		return err
	}
	if (cf.checkpoint == "") == (*samples == "") {
		return errors.New("give exactly one of --checkpoint FILE or --samples FILE.npy")
	}
	if err := checkScoreN("n", cf.n); err != nil {
		return err
	}
	var rep indices.Report
	if *samples != "" {
		if cf.dataset == "" {
			return errors.New("--samples needs --dataset mnist|fashion-mnist")
		}
		if err := checkDataset(cf.dataset); err != nil {
			return err
		}
		for _, f := range []string{"t", "seed", "device"} {
			if setFlag(fs, f) {
				return fmt.Errorf("--%s applies to --checkpoint only (samples are already taken)", f)
			}
		}
		gen, err := indices.ReadSamplesN(*samples, data.Pixels)
		if err != nil {
			return fmt.Errorf("--samples: %v", err)
		}
		if gen.Rows < cf.n {
			return fmt.Errorf("--samples %s has %d samples, fewer than --n %d", *samples, gen.Rows, cf.n)
		}
		gen.Rows = cf.n
		d, err := loadTestData(cf.dataset, cf.n)
		if err != nil {
			return err
		}
		if rep, err = indices.Score(d.Test.Head(cf.n).X, gen, d.Classifier); err != nil {
			return err
		}
		rep.T = math.NaN()
	} else {
		ck, err := chaoslib.LoadCheckpoint(cf.checkpoint)
		if err != nil {
			if fe := (*npz.FormatError)(nil); errors.As(err, &fe) && fe.Format == rbm.FileFormat {
				r, err := rbm.Load(cf.checkpoint) // an RBM's: a damaged one gets the RBM's own error
				if err != nil {
					return fmt.Errorf("--checkpoint: %v", err)
				}
				return evalRBM(r, cf)
			}
			return fmt.Errorf("--checkpoint: %v", err)
		}
		if cf.dataset == "" {
			cf.dataset = ck.Config.Dataset
		}
		if err := checkDataset(cf.dataset); err != nil {
			return err
		}
		ts, err := runTimes(cf.tGiven(), cf.t, "", ck.Config)
		if err != nil {
			return err
		}
		if err := checkMemory("n", cf.n, ck.Config.SampleBytes(cf.n, 2)); err != nil { // the free runs and the reconstructions
			return err
		}
		m, be, err := modelOnDevice(ck, *cf.device)
		if err != nil {
			return err
		}
		defer be.Close()
		d, err := loadTestData(cf.dataset, cf.n)
		if err != nil {
			return err
		}
		rs, err := chaoslib.Evaluate(m, d.Test.X, cf.n, ts, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: cf.seed})
		if err != nil {
			return err
		}
		rep = rs[0]
	}
	return printReport(rep, cf.json, "t")
}

// loadTestData loads dataset and checks that its test split has n images.
func loadTestData(dataset string, n int) (*runs.Data, error) {
	d, err := runs.LoadData(dataset)
	if err != nil {
		return nil, err
	}
	if n > d.Test.Len() {
		return nil, fmt.Errorf("--n %d: the %s test split has %d images", n, dataset, d.Test.Len())
	}
	return d, nil
}

// evalRBM scores an RBM checkpoint (chaosgen rbm) as RESULTS.md does
// (runs.ScoreRBM, seeded by --seed); Report.T holds k.
func evalRBM(r *rbm.RBM, cf *ckFlags) error {
	if cf.tGiven() {
		return errors.New("--t: an RBM is sampled after its k Gibbs steps, not at a time")
	}
	if cf.dataset == "" {
		cf.dataset = r.Cfg.Dataset
	}
	if err := checkDataset(cf.dataset); err != nil {
		return err
	}
	d, err := loadTestData(cf.dataset, cf.n)
	if err != nil {
		return err
	}
	rep, err := runs.ScoreRBM(r, d.Test.X, cf.n, cf.seed, d.Classifier)
	if err != nil {
		return err
	}
	return printReport(rep, cf.json, "k")
}

// printReport prints r, whose T is named tName in the text: "t" for the
// time a chaotic model's samples were taken, "k" for an RBM's Gibbs steps
// (the JSON keeps "t", as metrics.csv does).
func printReport(r indices.Report, asJSON bool, tName string) error {
	if asJSON {
		type out struct {
			indices.Report
			T *float64 `json:"t"`
		}
		o := out{Report: r}
		if !math.IsNaN(r.T) {
			o.T = &r.T
		}
		return printJSON(o)
	}
	fmt.Printf("n         %d\n", r.N)
	if !math.IsNaN(r.T) {
		fmt.Printf("%-9s %g\n", tName, r.T)
	}
	fmt.Printf("E2        %.6g\nEs        %.6g\n", r.E2, r.Es)
	if r.ER != nil {
		fmt.Printf("ER        %.6g\n", *r.ER)
	}
	fmt.Printf("EAAI      %.6g\nAA_truth  %.6g\nAA_syn    %.6g\ncoverage  %d/%d   classes %v\n",
		r.EAAI, r.AATruth, r.AASyn, r.Coverage, len(r.Hist), r.Hist)
	return nil
}
