package main

import (
	"errors"
	"fmt"
	"math"
	"os"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/inpaint"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/figures"
	"github.com/chaosgen/chaosgen/plots"
)

func init() {
	register("inpaint", "complete partly hidden test images (conditional generation) and score them", runInpaint)
}

// inpaintOut is the JSON of `inpaint`: the scores and their model.
type inpaintOut struct {
	inpaint.Result
	Checkpoint string `json:"checkpoint"`
	Step       int    `json:"step"`
	Arch       string `json:"arch"`
	Dataset    string `json:"dataset"`
}

func runInpaint(args []string) error {
	fs := newFlags("inpaint", "--checkpoint FILE --mask top|left|square:14|random:0.5 [--n 1000] [--t T] [--out X.npy] [--png X.png] [--json]")
	cf := addCheckpointFlags(fs, ckHelp{n: "number of test images (the first n of the test split, class-balanced)", nDefault: 1000,
		t: "completion time (default: the model's T)", dataset: "data set of the test images (default: the checkpoint's)",
		seed: "seed of the initial conditions and of random masks", json: "print JSON"})
	maskSpec := fs.String("mask", "", "what is hidden: top (top half given), left (left half given), square:K (central K×K hidden), random:F (fraction F hidden) (required)")
	out := fs.String("out", "", "write the completions: .npy, n×784 float32, s-space, row i completes test image i")
	png := fs.String("png", "", "write a figure: given pixels, completion, baseline and original of the first 10 images")
	if err := cf.parse(args); err != nil {
		return err
	}
	if err := cf.requireCheckpoint(); err != nil {
		return err
	}
	switch {
	case *maskSpec == "":
		return errors.New("--mask is required: top, left, square:K or random:F")
	case cf.tGiven() && (!(cf.t >= 0) || math.IsInf(cf.t, 0)):
		return fmt.Errorf("--t %g: must be finite and ≥ 0", cf.t)
	}
	n := cf.n
	if err := checkRows("n", n); err != nil {
		return err
	}
	var outs []output
	for _, o := range []output{{"out", *out, ".npy"}, {"png", *png, ".png"}} {
		if o.path != "" {
			outs = append(outs, o)
		}
	}
	if err := checkOutputs([]string{cf.checkpoint}, outs...); err != nil {
		return err
	}
	mask, err := inpaint.ParseMask(*maskSpec, data.Side, cf.seed)
	if err != nil {
		return fmt.Errorf("--mask: %v", err)
	}
	var t float64
	m, ck, d, closeAll, err := cf.open(func(cfg chaoslib.Config) (err error) {
		if err := checkMemory("n", n, inpaint.Bytes(cfg, n)); err != nil { // beyond the model itself
			return err
		}
		t, err = cf.time(cfg, cfg.T)
		return err
	})
	if err != nil {
		return err
	}
	defer closeAll()
	if n > d.Test.Len() {
		return fmt.Errorf("--n %d: the %s test split has %d images", n, d.Test.Dataset, d.Test.Len())
	}
	test := d.Test.Head(n)
	mean := inpaint.ColumnMeans(d.Train.X)
	fmt.Fprintf(os.Stderr, "completing %d images (%s) to t = %g …\n", n, *maskSpec, t)
	res, comp, err := inpaint.Evaluate(m, test.X, test.Labels, mean, mask, t, d.Classifier, cf.seed)
	if err != nil {
		return err
	}
	if *out != "" {
		if err := indices.WriteSamples(*out, comp); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s (%d×%d)\n", *out, comp.Rows, comp.Cols)
	}
	if *png != "" {
		if err := plots.SavePNG(*png, figures.Inpainting(test.X, mask, mean, []blas32.General{comp}, []float64{t}, m.Cfg.T, 10)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	o := inpaintOut{Result: res, Checkpoint: cf.checkpoint, Step: ck.Step, Arch: string(ck.Config.Arch), Dataset: d.Test.Dataset}
	if cf.json {
		return printJSON(o)
	}
	fmt.Printf("mask %s (%d hidden pixels), n = %d, t = %g\n", res.Mask, res.HiddenPixels, res.N, res.T)
	fmt.Printf("%-22s %16s %12s\n", "", "class agreement", "MSE hidden")
	fmt.Printf("%-22s %16.3f %12.4f\n", "network", res.ClassAgreement, res.MSEHidden)
	fmt.Printf("%-22s %16.3f %12.4f\n", "baseline (train mean)", res.BaselineClassAgreement, res.BaselineMSEHidden)
	return nil
}
