package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/plots"
)

// streamSample is the PCG stream of `chaosgen sample`'s free runs (seeded by --seed).
const streamSample = 0x73616d70 // "samp"

func init() {
	register("sample", "generate samples from a checkpoint by free runs", runSample)
}

func runSample(args []string) error {
	fs := newFlags("sample", "--checkpoint FILE --n N [--t T | --times 1,2,4] --out samples.npy [--png grid.png]")
	cf := addCheckpointFlags(fs, ckHelp{n: "number of samples (free chains)", nDefault: 100, t: sampleTimeHelp, seed: "seed of the initial conditions"})
	times := fs.String("times", "", "snapshot times, comma-separated, e.g. 1,2,4,8,40,400 (writes one .npy per time)")
	out := fs.String("out", "samples.npy", "output .npy (n×784 float32, s-space); with --times, NAME_t<time>.npy")
	png := fs.String("png", "", "also write an image grid (with --times: rows = chains, columns = times)")
	if err := cf.parse(args); err != nil {
		return err
	}
	if err := cf.requireCheckpoint(); err != nil {
		return err
	}
	n := cf.n
	if err := checkRows("n", n); err != nil {
		return err
	}
	if cf.tGiven() && *times != "" {
		return errors.New("give --t or --times, not both")
	}
	if setFlag(fs, "times") && *times == "" {
		return errors.New("--times \"\": give at least one time")
	}
	var listed []float64 // the --times values, to name the outputs before loading
	if *times != "" {
		var err error
		if listed, err = parseTimes(*times); err != nil {
			return err
		}
	}
	if *times != "" && !strings.EqualFold(filepath.Ext(*out), ".npy") { // the names NAME_t<time>.npy are made from it
		return fmt.Errorf("--out %q: writes .npy files, one per time; give a name ending in .npy", *out)
	}
	outPath := func(t float64) string {
		if *times == "" {
			return *out
		}
		return strings.TrimSuffix(*out, filepath.Ext(*out)) + "_t" + strconv.FormatFloat(t, 'g', -1, 64) + ".npy"
	}
	outs := []output{{"out", outPath(0), ".npy"}}
	if len(listed) > 0 {
		outs = outs[:0]
		for _, t := range listed { // distinct: parseTimes refuses a repeat
			outs = append(outs, output{"out", outPath(t), ".npy"})
		}
	}
	if *png != "" {
		outs = append(outs, output{"png", *png, ".png"})
	}
	if err := checkOutputs([]string{cf.checkpoint}, outs...); err != nil {
		return err
	}
	ck, err := loadCheckpoint(cf.checkpoint)
	if err != nil {
		return err
	}
	if *png != "" && ck.Config.N != data.Pixels {
		return fmt.Errorf("--png: the model has N = %d visible units, not the %d×%d pixels of an image", ck.Config.N, data.Side, data.Side)
	}
	ts, err := runTimes(cf.tGiven(), cf.t, *times, ck.Config)
	if err != nil {
		return err
	}
	if err := checkMemory("n", n, ck.Config.SampleBytes(n, len(ts))); err != nil {
		return err
	}
	m, be, err := modelOnDevice(ck, *cf.device)
	if err != nil {
		return err
	}
	defer be.Close()
	snaps := m.Snapshots(n, ts, rand.New(rand.NewPCG(cf.seed, streamSample)))
	for i, x := range snaps {
		if err := m.CheckFinite(x, ts[i]); err != nil {
			return err
		}
	}
	for i, x := range snaps {
		path := outPath(ts[i])
		if err := indices.WriteSamples(path, x); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s (%d×%d, t = %.10g)\n", path, x.Rows, x.Cols, m.Cfg.RunTime(ts[i]))
	}
	if *png != "" {
		if err := savePNGGrid(*png, snaps, ts, m.Cfg.T, *times != ""); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	return nil
}

// savePNGGrid writes one sample grid, or with snapshots a chains × times grid.
func savePNGGrid(path string, snaps []blas32.General, ts []float64, T float64, snapshots bool) error {
	if !snapshots {
		return plots.SavePNG(path, plots.ImageGrid(chaoslib.Rows(snaps[0]), data.Side, 10, 2))
	}
	k := min(snaps[0].Rows, 8)
	grid := make([][][]float32, len(snaps))
	for i, s := range snaps {
		grid[i] = chaoslib.Rows(s)[:k]
	}
	return plots.SavePNG(path, plots.Fig3aSnapshots(grid, ts, T))
}
