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
	quick := fs.Bool("quick", false, "tiny models and few steps: a few minutes in all")
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
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	be, err := openDevice(*dev)
	if err != nil {
		return err
	}
	defer be.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	save := func(name string, img image.Image) error {
		p := filepath.Join(*out, name)
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
		if *n > d.Test.Len() {
			return fmt.Errorf("--n %d: the %s test split has %d images", *n, ds, d.Test.Len())
		}
		models := map[chaoslib.Arch]*chaoslib.Model{}
		ckpts := map[chaoslib.Arch]string{}
		metrics := map[string][]runs.MetricsRow{}
		for _, a := range chaoslib.Archs() {
			c := runs.Case{Arch: a, Dataset: ds}
			cfg := runs.TunedConfig(c)
			if *quick {
				cfg = runs.QuickConfig(c)
			}
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
		if err := save("fig2_"+ds+".png", figures.Fig2(ds, d.Test, models, 30, *seed)); err != nil {
			return err
		}
		r := models[chaoslib.Restricted]
		if err := save("fig3a_"+ds+".png", figures.Fig3a(r, 8, *seed)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "scoring %s restricted over t (Fig. 3b) …\n", ds)
		img, _, err := figures.Fig3b(r, d, *n, *seed)
		if err != nil {
			return err
		}
		if err := save("fig3b_"+ds+".png", img); err != nil {
			return err
		}
		if ds == "mnist" || len(dss) == 1 {
			fields, companion, _, err := figures.Fig4(r, func() (*chaoslib.Model, error) { return chaoslib.LoadModel(ckpts[chaoslib.Restricted], be) }, 36, 30, *seed)
			if err != nil {
				return err
			}
			if err := save("fig4_fields_"+ds+".png", fields); err != nil {
				return err
			}
			if err := save("fig4_silenced_"+ds+".png", companion); err != nil {
				return err
			}
		}
		img, err = figures.Fig5(ds, metrics)
		if err != nil {
			return err
		}
		if err := save("fig5_"+ds+".png", img); err != nil {
			return err
		}
		for _, m := range models {
			m.Free()
		}
	}
	return nil
}
