package main

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/device"
	"github.com/chaosgen/chaosgen/plots"
)

// streamSample is the PCG stream of `chaosgen sample`'s free runs (seeded by --seed).
const streamSample = 0x73616d70 // "samp"

func init() {
	register("sample", "generate samples from a checkpoint by free runs", runSample)
}

func runSample(args []string) error {
	fs := newFlags("sample", "--checkpoint FILE --n N [--t T | --times 1,2,4] --out samples.npy [--png grid.png]")
	ckPath := fs.String("checkpoint", "", "checkpoint file (.npz) (required)")
	n := fs.Int("n", 100, "number of samples (free chains)")
	t := fs.Float64("t", 0, "sampling time (default: the model's T)")
	times := fs.String("times", "", "snapshot times, comma-separated, e.g. 1,2,4,8,40,400 (writes one .npy per time)")
	out := fs.String("out", "samples.npy", "output .npy (n×784 float32, s-space); with --times, NAME_t<time>.npy")
	png := fs.String("png", "", "also write an image grid (with --times: rows = chains, columns = times)")
	seed := fs.Uint64("seed", 1, "seed of the initial conditions")
	dev := fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *ckPath == "" {
		return errors.New("--checkpoint FILE is required")
	}
	if *n <= 0 {
		return fmt.Errorf("--n %d: must be > 0", *n)
	}
	if *t < 0 || math.IsNaN(*t) || math.IsInf(*t, 0) {
		return fmt.Errorf("--t %g: must be finite and ≥ 0", *t)
	}
	ts, err := parseTimes(*times)
	if err != nil {
		return err
	}
	ck, err := chaoslib.LoadCheckpoint(*ckPath)
	if err != nil {
		return fmt.Errorf("--checkpoint: %v", err)
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
	if len(ts) == 0 {
		if *t == 0 {
			*t = m.Cfg.T
		}
		ts = []float64{*t}
	}
	snaps := m.Snapshots(*n, ts, rand.New(rand.NewPCG(*seed, streamSample)))
	for i, x := range snaps {
		path := *out
		if *times != "" {
			path = strings.TrimSuffix(*out, ".npy") + "_t" + strconv.FormatFloat(ts[i], 'g', -1, 64) + ".npy"
		}
		if err := indices.WriteSamples(path, x); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s (%d×%d, t = %g)\n", path, x.Rows, x.Cols, ts[i])
	}
	if *png != "" {
		if err := savePNGGrid(*png, snaps, ts, m.Cfg.T, *times != ""); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *png)
	}
	return nil
}

// parseTimes parses "1,2,4" into times (empty string: none).
func parseTimes(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("--times %q: %q is not a time ≥ 0", s, f)
		}
		out = append(out, v)
	}
	return out, nil
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
