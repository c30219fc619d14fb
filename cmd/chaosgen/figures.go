package main

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/figures"
	"github.com/chaosgen/chaosgen/plots"
)

func init() {
	register("figures", "regenerate every figure of the paper (Fig. 2, 3a, 3b, 4, 5) as PNG", runFigures)
}

func runFigures(args []string) error {
	fs := newFlags("figures", "--out DIR [--quick] [--runs DIR] [--datasets mnist,fashion-mnist]")
	out := fs.String("out", "", "folder for the PNG figures (required)")
	quick := fs.Bool("quick", false, "tiny models and few steps (runs.QuickConfig), to check the pipeline, not to judge the figures")
	runsDir := fs.String("runs", "", "folder of runs <model>-<dataset>/ (checkpoints, metrics.csv); missing runs are trained there; a run of another config there is an error (default OUT/runs/quick with --quick, else OUT/runs/tuned)")
	datasets := fs.String("datasets", strings.Join(data.Datasets(), ","), "data sets to draw")
	n := fs.Int("n", 0, "test images per index evaluation (default 1000; --quick 300)")
	seed := fs.Uint64("seed", 1, "seed of the free runs drawn")
	dev := deviceFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	dss := strings.Split(*datasets, ",")
	for i, ds := range dss {
		if err := checkDataset(ds); err != nil {
			return fmt.Errorf("--datasets: %v", err)
		}
		if slices.Contains(dss[:i], ds) {
			return fmt.Errorf("--datasets %q: %s is listed twice", *datasets, ds)
		}
	}
	if *n == 0 {
		*n = runs.FigureEval(*quick, chaoslib.Config{}).N
	} else if err := checkScoreN("n", *n); err != nil {
		return err
	}
	if *runsDir == "" {
		sub := "tuned" // quick and full-size runs never share a folder (as in the notebooks)
		if *quick {
			sub = "quick"
		}
		*runsDir = filepath.Join(*out, "runs", sub)
	}
	caseConfig := func(c runs.Case) chaoslib.Config {
		if *quick {
			return runs.QuickConfig(c)
		}
		return runs.TunedConfig(c)
	}
	fig4 := func(ds string) bool { return ds == "mnist" || len(dss) == 1 } // Fig. 4 once

	// Whatever can refuse the command is checked before the first run is
	// trained or the first file made: the device, the data sets and --n, the
	// runs already in --runs, and the figures' files.
	be, err := openDevice(*dev)
	if err != nil {
		return err
	}
	defer be.Close()
	for _, ds := range dss { // each data set is read (and checked) here, then again for its figures: one in memory at a time
		fmt.Fprintf(os.Stderr, "checking %s …\n", ds)
		d, err := runs.LoadData(ds)
		if err != nil {
			return err
		}
		if *n > d.Test.Len() {
			return fmt.Errorf("--n %d: the %s test split has %d images", *n, ds, d.Test.Len())
		}
		for _, a := range chaoslib.Archs() {
			c := runs.Case{Arch: a, Dataset: ds}
			if err := runs.CheckCase(*runsDir, c, caseConfig(c)); err != nil {
				return err
			}
		}
	}
	_, statErr := os.Stat(*out)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	var outs []output
	for _, ds := range dss {
		for _, f := range figureFiles(ds, fig4(ds)) {
			outs = append(outs, output{"out", filepath.Join(*out, f), ".png"})
		}
	}
	if err := checkOutputs(nil, outs...); err != nil {
		if os.IsNotExist(statErr) {
			os.Remove(*out) // made just now, and still empty
		}
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	save := func(kind, ds string, img image.Image) error {
		p := filepath.Join(*out, figureFile(kind, ds))
		if err := plots.SavePNG(p, img); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", p)
		return nil
	}
	for _, ds := range dss {
		fmt.Fprintf(os.Stderr, "loading %s …\n", ds)
		d, err := runs.LoadData(ds)
		if err != nil {
			return err
		}
		models := map[chaoslib.Arch]*chaoslib.Model{}
		ckpts := map[chaoslib.Arch]string{}
		metrics := map[string][]runs.MetricsRow{}
		for _, a := range chaoslib.Archs() {
			c := runs.Case{Arch: a, Dataset: ds}
			cfg := caseConfig(c)
			fmt.Fprintf(os.Stderr, "%s: run in %s (%d steps)\n", c.Name(), filepath.Join(*runsDir, c.Name()), cfg.Steps)
			pp := newProgress(os.Stderr)
			ck, err := runs.EnsureRun(ctx, *runsDir, c, cfg, be, d, runs.FigureEval(*quick, cfg).Every, *n, pp.update)
			if err != nil {
				return err
			}
			ckpts[a] = ck
			if models[a], err = chaoslib.LoadModel(ck, be); err != nil {
				return err
			}
			rows, err := runs.ReadMetrics(runs.MetricsPath(filepath.Join(*runsDir, c.Name())))
			if err != nil {
				return err
			}
			metrics[string(a)] = rows
		}
		if err := save("fig2", ds, figures.Fig2(ds, d.Test, models, 30, *seed)); err != nil {
			return err
		}
		r := models[chaoslib.Restricted]
		if err := save("fig3a", ds, figures.Fig3a(r, 8, *seed)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scoring %s restricted over t (Fig. 3b) …\n", ds)
		img, _, err := figures.Fig3b(r, d, *n, *seed)
		if err != nil {
			return err
		}
		if err := save("fig3b", ds, img); err != nil {
			return err
		}
		if fig4(ds) {
			fields, companion, _, err := figures.Fig4(r, func() (*chaoslib.Model, error) { return chaoslib.LoadModel(ckpts[chaoslib.Restricted], be) }, 36, 30, *seed)
			if err != nil {
				return err
			}
			if err := save("fig4_fields", ds, fields); err != nil {
				return err
			}
			if err := save("fig4_silenced", ds, companion); err != nil {
				return err
			}
		}
		img, err = figures.Fig5(ds, metrics)
		if err != nil {
			return err
		}
		if err := save("fig5", ds, img); err != nil {
			return err
		}
		for _, m := range models {
			m.Free()
		}
	}
	return nil
}

// figureFiles names the PNGs that figures writes for data set ds, with
// Fig. 4's two when fig4.
func figureFiles(ds string, fig4 bool) []string {
	kinds := []string{"fig2", "fig3a", "fig3b", "fig5"}
	if fig4 {
		kinds = append(kinds, "fig4_fields", "fig4_silenced")
	}
	var names []string
	for _, k := range kinds {
		names = append(names, figureFile(k, ds))
	}
	return names
}

// figureFile names the PNG of a figure kind ("fig2", "fig4_fields", …) for
// data set ds.
func figureFile(kind, ds string) string { return kind + "_" + ds + ".png" }
