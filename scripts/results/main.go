// Command results scores the pretrained models and writes RESULTS.md, the
// sample grids under docs/results/ and pretrained/results.json (the indices
// at n = check-n that chaoslib/runs' TestPretrained recomputes).
//
//	go run ./scripts/results [-pretrained pretrained] [-n 10000] [-check-n 1000] [-grids docs/results]
//
// Each chaotic case is pretrained/<model>-<dataset>/ (a run folder whose
// newest checkpoint is scored at t = T); each RBM baseline is
// pretrained/rbm-<dataset>/ (its newest checkpoint, or rbm.npz in the older layout).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/figures"
	"github.com/chaosgen/chaosgen/internal/safefile"
	"github.com/chaosgen/chaosgen/plots"
)

// Entry is one row: a pretrained model's indices and provenance.
type Entry struct {
	Name    string          `json:"name"`
	Command string          `json:"command"`
	Steps   int             `json:"steps"`
	Seconds float64         `json:"train_seconds"`
	Check   indices.Report  `json:"check"` // at n = check-n, seed 1: what TestPretrained recomputes
	Full    *indices.Report `json:"full,omitempty"`
}

func main() {
	dir := flag.String("pretrained", "pretrained", "folder of pretrained runs")
	n := flag.Int("n", 10000, "test images (and samples) for RESULTS.md")
	checkN := flag.Int("check-n", 1000, "test images for the recorded check values")
	grids := flag.String("grids", "docs/results", "folder for the sample grids")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "results: unexpected argument %q (flags go before it)\n", flag.Arg(0))
		os.Exit(2)
	}
	if err := run(*dir, *n, *checkN, *grids); err != nil {
		fmt.Fprintln(os.Stderr, "results:", err)
		os.Exit(1)
	}
}

func run(dir string, n, checkN int, grids string) error {
	be := cpu.New(0)
	defer be.Close()
	var entries []Entry
	for _, ds := range data.Datasets() {
		d, err := runs.LoadData(ds)
		if err != nil {
			return err
		}
		for _, c := range runs.Cases() {
			if c.Dataset != ds {
				continue
			}
			run := filepath.Join(dir, c.Name())
			ck, err := runs.Latest(run)
			if err != nil {
				return err
			}
			if ck == "" {
				fmt.Fprintf(os.Stderr, "skip %s: no checkpoint in %s\n", c.Name(), run)
				continue
			}
			fmt.Fprintf(os.Stderr, "scoring %s …\n", c.Name())
			m, err := chaoslib.LoadModel(ck, be)
			if err != nil {
				return err
			}
			rec, err := runs.ReadRunRecord(run)
			if err != nil {
				return err
			}
			rows, err := lastRows(run)
			if err != nil {
				return err
			}
			e := Entry{Name: c.Name(), Command: rec.Command, Steps: rows[len(rows)-1].Step, Seconds: rows[len(rows)-1].Seconds}
			for _, size := range []int{checkN, n} {
				rs, err := chaoslib.Evaluate(m, d.Test.X, size, []float64{m.Cfg.T}, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: 1})
				if err != nil {
					return err
				}
				if size == checkN {
					e.Check = rs[0]
				} else {
					e.Full = &rs[0]
				}
			}
			img := figures.Fig2(ds, d.Test, map[chaoslib.Arch]*chaoslib.Model{c.Arch: m}, 40, 1)
			if err := saveGrid(grids, c.Name(), img); err != nil {
				return err
			}
			m.Free()
			entries = append(entries, e)
		}
		e, err := scoreRBM(filepath.Join(dir, "rbm-"+ds), d, checkN, n, grids)
		if err != nil {
			return err
		}
		if e != nil {
			entries = append(entries, *e)
		}
	}
	if len(entries) == 0 { // RESULTS.md and results.json are left as they were
		return fmt.Errorf("no model in %s: nothing to score", dir)
	}
	js, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	if err := chaoslib.WriteFileAtomic(filepath.Join(dir, "results.json"), append(js, '\n')); err != nil {
		return err
	}
	return chaoslib.WriteFileAtomic("RESULTS.md", []byte(markdown(entries, n, grids)))
}

// lastRows reads a run's metrics.csv, which must have a row.
func lastRows(run string) ([]runs.MetricsRow, error) {
	rows, err := runs.ReadMetrics(runs.MetricsPath(run))
	if err == nil && len(rows) == 0 {
		err = fmt.Errorf("%s has no rows", runs.MetricsPath(run))
	}
	return rows, err
}

// scoreRBM scores the RBM baseline in folder run, if there is one.
func scoreRBM(run string, d *runs.Data, checkN, n int, grids string) (*Entry, error) {
	latest, err := runs.Latest(run)
	if err != nil || latest == "" {
		return nil, err
	}
	r, err := rbm.Load(latest)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "scoring %s …\n", filepath.Base(run))
	var rec struct {
		Command string `json:"command"`
	}
	if raw, err := safefile.ReadRegular(runs.RecordPath(run), runs.MaxRecordBytes); err == nil {
		json.Unmarshal(raw, &rec)
	}
	rows, err := lastRows(run)
	if err != nil {
		return nil, err
	}
	e := &Entry{Name: filepath.Base(run), Command: rec.Command, Steps: r.Step, Seconds: rows[len(rows)-1].Seconds}
	for _, size := range []int{checkN, n} {
		rep, err := runs.ScoreRBM(r, d.Test.X, size, 1, d.Classifier)
		if err != nil {
			return nil, err
		}
		if size == checkN {
			e.Check = rep
		} else {
			e.Full = &rep
		}
	}
	gen := runs.RBMSamples(r, 40, 1)
	img := plots.LabelledGrids([]string{d.Test.Dataset + "\ntest data", fmt.Sprintf("RBM baseline\nvisible means after k = %d Gibbs steps", r.Cfg.K)},
		[]image.Image{plots.ImageGrid(chaoslib.Rows(d.Test.Head(40).X), data.Side, 10, 1), plots.ImageGrid(chaoslib.Rows(gen), data.Side, 10, 1)})
	return e, saveGrid(grids, e.Name, img)
}

// saveGrid writes a model's sample grid as grids/<name>.png, making grids
// when it is missing.
func saveGrid(grids, name string, img image.Image) error {
	if err := os.MkdirAll(grids, 0o755); err != nil {
		return err
	}
	return plots.SavePNG(filepath.Join(grids, name+".png"), img)
}

func markdown(entries []Entry, n int, grids string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Results\n\nGenerated by `go run ./scripts/results` from the models in `pretrained/`. Indices at t = T on n = %d MNIST or\n", n)
	b.WriteString("Fashion-MNIST test images against as many generated samples (seed 1). For the RBM, the samples are the visible means\nafter k Gibbs steps. Training times are this project's 2-core CPU machine. How these settings were found, the\nissue's targets and what limits the indices: docs/TUNING.md.\n\n")
	b.WriteString("| model | E2 | Es | ER | EAAI | AA_truth | AA_syn | coverage | steps | training time |\n|---|---|---|---|---|---|---|---|---|---|\n")
	for _, e := range entries {
		r := e.Full
		if r == nil {
			r = &e.Check
		}
		er := "–"
		if r.ER != nil {
			er = fmt.Sprintf("%.3g", *r.ER)
		}
		fmt.Fprintf(&b, "| %s | %.3g | %.3g | %s | %.3f | %.3f | %.3f | %d/10 | %d | %.0f s |\n",
			e.Name, r.E2, r.Es, er, r.EAAI, r.AATruth, r.AASyn, r.Coverage, e.Steps, e.Seconds)
	}
	b.WriteString("\n## Commands\n\nEach model was trained by the command below (recorded in its config.json) on a 2-core CPU, mostly with several runs\nside by side: the training times are those of a shared machine. Runs started after round 20 of docs/TUNING.md record\ntheir OpenBLAS kernels in config.json (`blas`): the unrestricted models (round 21) do. The others do not, and were\ntrained with SkylakeX kernels for the models of rounds 12 to 16 (restricted-fashion-mnist, the deep models and the\nRBMs) and with Haswell kernels, set in that machine's environment, for restricted-mnist (round 20).\nThe same kernel family gives the same parameters. Another one rounds GEMMs differently, and the chaotic runs\nthen end with statistically similar but different parameters. `scripts/pretrained.sh RUNS` then packed the\nchaotic models' final checkpoints for sampling (`chaosgen pack --sampling --float16`: the averaged parameters,\nrounded to half floats) into\n`pretrained/<case>/checkpoints/`, copied the RBMs' final checkpoints, and ran this program. The run folder\n(`--out`) is written here as `runs/<case>`; config.json holds the one on the training machine.\n\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "- **%s**: `%s`\n", e.Name, relativeOut(e.Command, e.Name))
	}
	b.WriteString("\n## Samples\n\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "![%s](%s)\n\n", e.Name, filepath.ToSlash(filepath.Join(grids, e.Name+".png")))
	}
	return b.String()
}

// relativeOut returns command with the folder after --out replaced by
// runs/<name>, so that RESULTS.md does not show the training machine's paths.
func relativeOut(command, name string) string {
	f := strings.Fields(command)
	for i := range f[:max(len(f)-1, 0)] {
		if f[i] == "--out" {
			f[i+1] = "runs/" + name
		}
	}
	return strings.Join(f, " ")
}
