package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

func init() {
	register("sweep", "grid or random search over config fields: short runs, indices at t = T in sweep.csv", runSweep)
}

func runSweep(args []string) error {
	fs := newFlags("sweep", `[--model M] [--dataset D] --out DIR --grid "lr=0.05,0.02;optimizer=sgd,adam" [--random K] [config flags as the base] [flags]`)
	cf := addConfigFlags(fs)
	out := fs.String("out", "", "output folder: sweep.csv, sweep.json and one run-NNN/ per config (required unless --dry-run)")
	grid := fs.String("grid", "", `axes, "FIELD=V1,V2;FIELD=…", FIELD one of `+strings.Join(runs.SweepFields, ", ")+`; values as the flag takes them (numbers, or a choice such as optimizer=sgd,adam); hidden is one size for every layer (required)`)
	random := fs.Int("random", 0, "train K random points of the grid instead of all of it (0: the whole grid)")
	sweepSeed := fs.Uint64("sweep-seed", 1, "seed of the --random draws (the runs use --seed)")
	evalN := fs.Int("eval-n", 500, "test images (and generated samples) per evaluation")
	finalN := fs.Int("final-n", 0, "score each run's last checkpoint again at this many test images, and rank by that (0: by the last --eval-n row); small n misranks runs, 10000 is what RESULTS.md quotes")
	dev := deviceFlag(fs)
	dryRun := fs.Bool("dry-run", false, "print the configs and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *grid == "" {
		return errors.New(`--grid is required, e.g. --grid "lr=0.05,0.02;optimizer=sgd,adam"`)
	}
	axes, err := runs.ParseGrid(*grid)
	if err != nil {
		return fmt.Errorf("--grid %q: %v", *grid, err)
	}
	for _, a := range axes { // the grid would override the base flag without a word
		if setFlag(fs, a.Field) {
			return fmt.Errorf("--%s is also an axis of --grid; give its values in one place", a.Field)
		}
	}
	if *random < 0 {
		return fmt.Errorf("--random %d: must be ≥ 0", *random)
	}
	if err := checkScoreN("eval-n", *evalN); err != nil {
		return err
	}
	if *finalN != 0 {
		if err := checkScoreN("final-n", *finalN); err != nil {
			return fmt.Errorf("%w, or 0", err)
		}
	}
	if *out == "" && !*dryRun {
		return errors.New("--out DIR is required")
	}
	base, err := cf.config()
	if err != nil {
		return err
	}
	if err := checkDataset(base.Dataset); err != nil {
		return err
	}
	spec := runs.SweepSpec{Base: base, Axes: axes, Random: *random, Seed: *sweepSeed}
	configs, skipped, err := runs.Points(spec)
	if err != nil {
		return fmt.Errorf("--grid %q: %v", *grid, err)
	}
	if hasAxis(axes, "hidden") && !hasAxis(axes, "lr") {
		for i := range configs { // as `train --hidden`: η follows each point's sizes
			cf.followHidden(&configs[i])
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(os.Stderr, "skipping %s: %v\n", pointText(s.Config, axes), flagError(s.Err))
	}
	if len(configs) == 0 {
		return fmt.Errorf("--grid %q: no valid config (%d skipped)", *grid, len(skipped))
	}
	if *dryRun {
		for i, c := range configs {
			fmt.Printf("run-%03d  %s\n    chaosgen train %s\n", i, pointText(c, axes),
				strings.Join(runs.TrainArgs(c, runs.RunDir(orDefault(*out, "DIR"), i)), " "))
		}
		fmt.Fprintf(os.Stderr, "%d configs, %d skipped\n", len(configs), len(skipped))
		return nil
	}

	for _, c := range configs {
		if err := checkMemory("final-n", *finalN, c.SampleBytes(*finalN, 2)); err != nil { // as eval: the free runs and the reconstructions
			return err
		}
	}
	rec := map[string]any{"command": "chaosgen " + strings.Join(append([]string{"sweep"}, args...), " "),
		"base": base, "axes": axes, "random": *random, "sweep_seed": *sweepSeed, "eval_n": *evalN, "final_n": *finalN, "runs": len(configs)}
	js, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return fmt.Errorf("sweep.json: %v", err)
	}
	sweepJSON := runs.SweepPath(*out)
	if err := precheckRun(*out, runs.KindSweep); err != nil {
		return err
	}
	if err := sameSweep(sweepJSON, js); err != nil {
		return err
	}
	be, d, err := openDeviceAndData(*dev, base.Dataset)
	if err != nil {
		return err
	}
	defer be.Close()
	for _, c := range []struct {
		flag string
		n    int
	}{{"eval-n", *evalN}, {"final-n", *finalN}} { // before the claim: a refused sweep leaves no folder behind
		if c.n > d.Test.Len() {
			return fmt.Errorf("--%s %d: the %s test set has %d images", c.flag, c.n, base.Dataset, d.Test.Len())
		}
	}
	claim, err := runs.ClaimRun(*out, runs.KindSweep, warn)
	if err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	defer claim.Release()
	if err := sameSweep(sweepJSON, js); err != nil { // again under the lock
		return err
	}
	if err := chaoslib.WriteFileAtomic(sweepJSON, append(js, '\n')); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var pp *progressPrinter
	rows, err := runs.Sweep(ctx, configs, *out, be, d, runs.SweepOptions{Axes: axes, EvalN: *evalN, FinalN: *finalN}, func(e runs.SweepEvent) {
		switch {
		case e.Train != nil:
			pp.update(*e.Train)
		case e.Scoring:
			fmt.Fprintf(os.Stderr, "run-%03d: scoring the last checkpoint at n = %d …\n", e.Run, *finalN)
		case e.Row != nil:
			r := e.Row
			note := ""
			if e.Reused {
				note = " (already done)"
			}
			if r.Report != nil {
				fmt.Fprintf(os.Stderr, "run-%03d%s: step %d  n %d  E2 %.3g  Es %.3g  EAAI %.3g  coverage %d  %s\n",
					r.Run, note, r.Steps, r.Report.N, r.Report.E2, r.Report.Es, r.Report.EAAI, r.Report.Coverage, r.Status)
			} else {
				fmt.Fprintf(os.Stderr, "run-%03d%s: %s\n", r.Run, note, r.Status)
			}
		default:
			pp = newProgress(os.Stderr)
			verb := "training"
			if e.Resumed {
				verb = "resuming"
			}
			fmt.Fprintf(os.Stderr, "run-%03d (%d/%d) %s: %s\n", e.Run, e.Run+1, e.Runs, verb, pointText(configs[e.Run], axes))
		}
	})
	if errors.Is(err, runs.ErrInterrupted) {
		fmt.Fprintf(os.Stderr, "\ninterrupted after %d of %d runs; run the same command again to continue\n", len(rows), len(configs))
		return errInterrupted
	}
	if err != nil {
		return err
	}
	printSweepTable(rows, runs.TableFields(configs, axes), *out)
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// pointText writes a config's axis values as "g=1.5 optimizer=adam".
func pointText(c chaoslib.Config, axes []runs.Axis) string {
	parts := make([]string, len(axes))
	for i, a := range axes {
		parts[i] = a.Field + "=" + runs.FieldValue(c, a.Field)
	}
	return strings.Join(parts, " ")
}

// printSweepTable prints the rows sorted by EAAI, then E2 (runs without
// indices last), and the best run's `chaosgen train` line.
func printSweepTable(rows []runs.SweepRow, varied []string, out string) {
	sorted := append([]runs.SweepRow(nil), rows...)
	key := func(r runs.SweepRow) (bool, float64, float64) {
		if r.Report == nil || r.Status != "ok" || math.IsNaN(r.Report.EAAI) {
			return false, 0, 0
		}
		return true, r.Report.EAAI, r.Report.E2
	}
	sort.SliceStable(sorted, func(i, j int) bool {
		oi, ei, e2i := key(sorted[i])
		oj, ej, e2j := key(sorted[j])
		if oi != oj {
			return oi
		}
		if ei != ej {
			return ei < ej
		}
		return e2i < e2j
	})
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	head := []string{"run"}
	for _, f := range varied {
		head = append(head, f)
	}
	head = append(head, "steps", "n", "E2", "Es", "ER", "EAAI", "cov", "status")
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	for _, r := range sorted {
		line := []string{fmt.Sprintf("run-%03d", r.Run)}
		for _, f := range varied {
			line = append(line, runs.FieldValue(r.Config, f))
		}
		line = append(line, strconv.Itoa(r.Steps))
		if p := r.Report; p != nil {
			er := "-"
			if p.ER != nil {
				er = g(*p.ER)
			}
			line = append(line, strconv.Itoa(p.N), g(p.E2), g(p.Es), er, g(p.EAAI), fmt.Sprintf("%d/%d", p.Coverage, data.Classes))
		} else {
			line = append(line, "-", "-", "-", "-", "-", "-")
		}
		status := r.Status
		if len(status) > 40 {
			status = status[:37] + "..."
		}
		fmt.Fprintln(tw, strings.Join(append(line, status), "\t")+"\t")
	}
	tw.Flush()
	if len(sorted) > 0 {
		if ok, _, _ := key(sorted[0]); ok {
			best := sorted[0]
			fmt.Printf("\nbest (lowest EAAI, then E2): run-%03d\n  chaosgen train %s\n", best.Run,
				strings.Join(runs.TrainArgs(best.Config, filepath.Join(out, "best")), " "))
		}
	}
	fmt.Printf("\nall rows: %s\n", runs.SweepTablePath(out))
}

// hasAxis reports whether the grid has an axis over field.
func hasAxis(axes []runs.Axis, field string) bool {
	for _, a := range axes {
		if a.Field == field {
			return true
		}
	}
	return false
}

// sameSweep refuses to run a sweep into a folder whose sweep.json (path)
// records another one: a rerun may only continue the same sweep (every key
// but the command line equal), so that sweep.json and sweep.csv never
// describe a sweep other than the runs they sit beside.
func sameSweep(path string, rec []byte) error {
	raw, err := safefile.ReadRegular(path, runs.MaxRecordBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var old, cur map[string]any
	if err := json.Unmarshal(raw, &old); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(rec, &cur); err != nil {
		return err
	}
	var differ []string
	for k := range cur {
		if k != "command" && !reflect.DeepEqual(old[k], cur[k]) {
			differ = append(differ, k)
		}
	}
	if len(differ) == 0 {
		return nil
	}
	sort.Strings(differ)
	return fmt.Errorf("--out: %s holds another sweep (%s differ from %s); rerun it as it was to continue it, or use another folder",
		filepath.Dir(path), strings.Join(differ, ", "), path)
}
