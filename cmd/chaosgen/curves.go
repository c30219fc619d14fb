package main

import (
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"

	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/figures"
	"github.com/chaosgen/chaosgen/plots"
)

func init() {
	register("curves", "plot E2, Es and EAAI at t = T against training step (or images presented) from the metrics.csv of run folders", runCurves)
}

// runCurves draws figures.Fig5 (the paper's Fig. 5 layout) for the run
// folders given as arguments, one curve per run, named by its folder;
// against the training images presented (figures.Fig5Images) with --x images.
func runCurves(args []string) error {
	fs := newFlags("curves", "--out FILE.png [--title TEXT] [--x step|images] RUN_DIR…")
	out := fs.String("out", "", "PNG to write (required)")
	title := fs.String("title", "", "title of the panels (default: the run folder's name; for several, the name of the folder that holds them all)")
	x := fs.String("x", "step", "x axis: step (parameter updates) or images (step × B, from each run's config.json: runs of different B compare at equal data)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *x != "step" && *x != "images" {
		return fmt.Errorf("--x %q: want step or images", *x)
	}
	dirs := fs.Args()
	if len(dirs) == 0 {
		return errors.New("give one or more run folders, each with a metrics.csv")
	}
	if *out == "" {
		return errors.New("--out FILE.png is required")
	}
	metrics := map[string][]runs.MetricsRow{}
	batch := map[string]int{}
	var inputs []string
	for i, d := range dirs {
		if filepath.Base(d) == "metrics.csv" { // a run's metrics.csv, given for its folder
			d = filepath.Dir(d)
			dirs[i] = d
		}
		if _, err := os.Stat(runs.SweepPath(d)); err == nil {
			return fmt.Errorf("%s is a sweep: give its run folders, e.g. %s", d, filepath.Join(d, "run-*"))
		}
		name := filepath.Base(filepath.Clean(d))
		if _, dup := metrics[name]; dup {
			return fmt.Errorf("two run folders are named %s: the curves would share a name", name)
		}
		p := runs.MetricsPath(d)
		rows, err := runs.ReadMetrics(p)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("%s has no rows", p)
		}
		metrics[name] = rows
		inputs = append(inputs, p)
		if *x == "images" {
			if batch[name], err = runs.ReadBatch(d); err != nil {
				return err
			}
		}
	}
	if err := checkOutputs(inputs, output{"out", *out, ".png"}); err != nil {
		return err
	}
	if *title == "" {
		*title = curvesTitle(dirs)
	}
	var img image.Image
	var err error
	if *x == "images" {
		img, err = figures.Fig5Images(*title, metrics, batch)
	} else {
		img, err = figures.Fig5(*title, metrics)
	}
	if err != nil {
		return err
	}
	if err := plots.SavePNG(*out, img); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", *out)
	return nil
}

// curvesTitle names the run folders dirs: the folder's own name for one, the
// name of the folder that holds them all for several (as sweep-r9 holds its
// run-NNN), or "N runs" when they lie in different folders.
func curvesTitle(dirs []string) string {
	if len(dirs) == 1 {
		return filepath.Base(filepath.Clean(dirs[0]))
	}
	parent := ""
	for i, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return fmt.Sprintf("%d runs", len(dirs))
		}
		if p := filepath.Dir(abs); i == 0 {
			parent = p
		} else if p != parent {
			return fmt.Sprintf("%d runs", len(dirs))
		}
	}
	return filepath.Base(parent)
}
