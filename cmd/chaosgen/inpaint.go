package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/inpaint"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
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
	ckPath := fs.String("checkpoint", "", "checkpoint file (.npz) (required)")
	maskSpec := fs.String("mask", "", "what is hidden: top (top half given), left (left half given), square:K (central K×K hidden), random:F (fraction F hidden) (required)")
	n := fs.Int("n", 1000, "number of test images (the first n of the test split, class-balanced)")
	t := fs.Float64("t", 0, "completion time (default: the model's T)")
	dataset := fs.String("dataset", "", "data set of the test images (default: the checkpoint's)")
	out := fs.String("out", "", "write the completions: .npy, n×784 float32, s-space, row i completes test image i")
	png := fs.String("png", "", "write a figure: given pixels, completion, baseline and original of the first 10 images")
	seed := fs.Uint64("seed", 1, "seed of the initial conditions and of random masks")
	asJSON := fs.Bool("json", false, "print JSON")
	dev := fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	switch {
	case *ckPath == "":
		return errors.New("--checkpoint FILE is required")
	case *maskSpec == "":
		return errors.New("--mask is required: top, left, square:K or random:F")
	case setFlag(fs, "t") && (!(*t >= 0) || math.IsInf(*t, 0)):
		return fmt.Errorf("--t %g: must be finite and ≥ 0", *t)
	}
	if err := checkRows("n", *n); err != nil {
		return err
	}
	var outs []output
	for _, o := range []output{{"out", *out}, {"png", *png}} {
		if o.path != "" {
			outs = append(outs, o)
		}
	}
	if err := checkOutputs([]string{*ckPath}, outs...); err != nil {
		return err
	}
	mask, err := inpaint.ParseMask(*maskSpec, data.Side, *seed)
	if err != nil {
		return fmt.Errorf("--mask: %v", err)
	}
	m, ck, d, closeAll, err := openCheckpointAndData(*ckPath, *dataset, *dev)
	if err != nil {
		return err
	}
	defer closeAll()
	if *n > d.Test.Len() {
		return fmt.Errorf("--n %d: the %s test split has %d images", *n, d.Test.Dataset, d.Test.Len())
	}
	if !setFlag(fs, "t") {
		*t = m.Cfg.T
	}
	if err := checkTime("t", *t, m.Cfg); err != nil {
		return err
	}
	test := d.Test.Head(*n)
	mean := inpaint.ColumnMeans(d.Train.X)
	fmt.Fprintf(os.Stderr, "completing %d images (%s) to t = %g …\n", *n, *maskSpec, *t)
	res, comp, err := inpaint.Evaluate(m, test.X, test.Labels, mean, mask, *t, d.Classifier, *seed)
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
		if err := plots.SavePNG(*png, figures.Inpainting(test.X, mask, mean, []blas32.General{comp}, []float64{*t}, m.Cfg.T, 10)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	o := inpaintOut{Result: res, Checkpoint: *ckPath, Step: ck.Step, Arch: string(ck.Config.Arch), Dataset: d.Test.Dataset}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	fmt.Printf("mask %s (%d hidden pixels), n = %d, t = %g\n", res.Mask, res.HiddenPixels, res.N, res.T)
	fmt.Printf("%-22s %16s %12s\n", "", "class agreement", "MSE hidden")
	fmt.Printf("%-22s %16.3f %12.4f\n", "network", res.ClassAgreement, res.MSEHidden)
	fmt.Printf("%-22s %16.3f %12.4f\n", "baseline (train mean)", res.BaselineClassAgreement, res.BaselineMSEHidden)
	return nil
}
