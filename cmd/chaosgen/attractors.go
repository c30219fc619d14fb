package main

import (
	"fmt"
	"math"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/chaos"
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
	fs := newFlags("attractors", "--checkpoint FILE --n P [--t TIME] [--distance 0.05] [--json] [--png centres.png]")
	cf := addCheckpointFlags(fs, ckHelp{n: "number of free runs P", nDefault: 1000, t: "end time (default 100·T)",
		dataset: "data set of the 1-NN classifier (default: the checkpoint's)", seed: "seed of the initial conditions", json: "print JSON"})
	dist := fs.Float64("distance", 0.05, "end states closer than this RMS distance (per pixel, s-space) are one attractor")
	png := fs.String("png", "", "write the mean read-outs of the 20 largest attractors, with basin share and class")
	if err := cf.parse(args); err != nil {
		return err
	}
	if err := cf.requireCheckpoint(); err != nil {
		return err
	}
	switch {
	case cf.tGiven() && (!(cf.t > 0) || math.IsInf(cf.t, 0)):
		return fmt.Errorf("--t %g: must be finite and > 0", cf.t)
	case !(*dist > 0) || math.IsInf(*dist, 0):
		return fmt.Errorf("--distance %g: must be finite and > 0", *dist)
	}
	if cf.n <= 0 || cf.n > chaos.MaxCensusStarts {
		return fmt.Errorf("--n %d: must be in 1…%d (the census compares every pair of end states, so its time grows as P²)", cf.n, chaos.MaxCensusStarts)
	}
	if *png != "" {
		if err := checkOutputs([]string{cf.checkpoint}, output{"png", *png, ".png"}); err != nil {
			return err
		}
	}
	var t float64
	m, ck, d, closeAll, err := cf.open(func(cfg chaoslib.Config) (err error) {
		if err := checkMemory("n", cf.n, chaos.CensusBytes(cfg, cf.n)); err != nil { // beyond the model itself
			return err
		}
		t, err = cf.time(cfg, 100*cfg.T)
		return err
	})
	if err != nil {
		return err
	}
	defer closeAll()
	fmt.Fprintf(os.Stderr, "running %d chains to t = %g …\n", cf.n, t)
	c, err := chaos.TakeCensus(m, d.Classifier, chaos.CensusOptions{Starts: cf.n, Time: t, Distance: *dist, Seed: cf.seed})
	if err != nil {
		return err
	}
	if *png != "" {
		if err := plots.SavePNG(*png, figures.Attractors(c, 20)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	out := attractorsOut{Census: c, Checkpoint: cf.checkpoint, Step: ck.Step, Arch: ck.Config.Arch, Dataset: d.Train.Dataset, Count: len(c.Attractors)}
	if cf.json {
		return printJSON(out)
	}
	fmt.Printf("%d runs to t = %.10g: %d attractors (distance %g), %d runs settled\n", c.Starts, c.Time, len(c.Attractors), c.Distance, c.Settled)
	fmt.Printf("%5s %7s %9s %8s %6s\n", "#", "starts", "fraction", "settled", "class")
	for i, a := range c.Attractors[:min(20, len(c.Attractors))] {
		fmt.Printf("%5d %7d %9.3f %8d %6d\n", i+1, a.Size, a.Fraction, a.Settled, a.Class)
	}
	if len(c.Attractors) > 20 {
		fmt.Printf("  … %d more\n", len(c.Attractors)-20)
	}
	return nil
}
