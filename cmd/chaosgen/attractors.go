package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/chaos"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/device"
	"github.com/chaosgen/chaosgen/figures"
	"github.com/chaosgen/chaosgen/plots"
)

func init() {
	register("attractors", "attractor census: where P free runs end for t ≫ T, basin sizes and classes", runAttractors)
}

// attractorsOut is the JSON of `attractors`: the census and its model.
type attractorsOut struct {
	chaos.Census
	Checkpoint string        `json:"checkpoint"`
	Step       int           `json:"step"`
	Arch       chaoslib.Arch `json:"arch"`
	Dataset    string        `json:"dataset"`
	Count      int           `json:"count"` // number of attractors (groups)
}

func runAttractors(args []string) error {
	fs := newFlags("attractors", "--checkpoint FILE --n P [--t 400] [--distance 0.05] [--json] [--png centres.png]")
	ckPath := fs.String("checkpoint", "", "checkpoint file (.npz) (required)")
	n := fs.Int("n", 1000, "number of free runs P")
	t := fs.Float64("t", 0, "end time (default 100·T)")
	dist := fs.Float64("distance", 0.05, "end states closer than this RMS distance (per pixel, s-space) are one attractor")
	dataset := fs.String("dataset", "", "data set of the 1-NN classifier (default: the checkpoint's)")
	png := fs.String("png", "", "write the mean read-outs of the 20 largest attractors, with basin share and class")
	seed := fs.Uint64("seed", 1, "seed of the initial conditions")
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
	case setFlag(fs, "t") && (!(*t > 0) || math.IsInf(*t, 0)):
		return fmt.Errorf("--t %g: must be finite and > 0", *t)
	case !(*dist > 0) || math.IsInf(*dist, 0):
		return fmt.Errorf("--distance %g: must be finite and > 0", *dist)
	}
	if err := checkRows("n", *n); err != nil {
		return err
	}
	if *png != "" {
		if err := checkOutputs([]string{*ckPath}, output{"png", *png}); err != nil {
			return err
		}
	}
	m, ck, d, closeAll, err := openCheckpointAndData(*ckPath, *dataset, *dev)
	if err != nil {
		return err
	}
	defer closeAll()
	if !setFlag(fs, "t") {
		*t = 100 * m.Cfg.T
	}
	if err := checkTime("t", *t, m.Cfg); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "running %d chains to t = %g …\n", *n, *t)
	c, err := chaos.TakeCensus(m, d.Classifier, chaos.CensusOptions{Starts: *n, Time: *t, Distance: *dist, Seed: *seed})
	if err != nil {
		return err
	}
	if *png != "" {
		if err := plots.SavePNG(*png, figures.Attractors(c, 20)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	out := attractorsOut{Census: c, Checkpoint: *ckPath, Step: ck.Step, Arch: ck.Config.Arch, Dataset: d.Train.Dataset, Count: len(c.Attractors)}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	fmt.Printf("%d runs to t = %g: %d attractors (distance %g), %d runs settled\n", c.Starts, c.Time, len(c.Attractors), c.Distance, c.Settled)
	fmt.Printf("%5s %7s %9s %8s %6s\n", "#", "starts", "fraction", "settled", "class")
	for i, a := range c.Attractors[:min(20, len(c.Attractors))] {
		fmt.Printf("%5d %7d %9.3f %8d %6d\n", i+1, a.Size, a.Fraction, a.Settled, a.Class)
	}
	if len(c.Attractors) > 20 {
		fmt.Printf("  … %d more\n", len(c.Attractors)-20)
	}
	return nil
}

// openCheckpointAndData loads a checkpoint's model on the --device backend
// and the data set (default: the checkpoint's) with its 1-NN classifier;
// closeAll releases the model and the backend.
func openCheckpointAndData(ckPath, dataset, dev string) (m *chaoslib.Model, ck *chaoslib.Checkpoint, d *runs.Data, closeAll func(), err error) {
	ck, err = chaoslib.LoadCheckpoint(ckPath)
	if err != nil {
		return nil, nil, nil, nil, fmt.Errorf("--checkpoint: %v", err)
	}
	if dataset == "" {
		dataset = ck.Config.Dataset
	}
	if err := checkDataset(dataset); err != nil {
		return nil, nil, nil, nil, err
	}
	be, d, err := openDeviceAndData(dev, dataset)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if m, err = ck.Model(be); err != nil {
		be.Close()
		return nil, nil, nil, nil, err
	}
	return m, ck, d, func() { m.Free(); be.Close() }, nil
}
