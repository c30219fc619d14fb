package nbui

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/device"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

// This file holds what every notebook shares: its settings, where its
// trained models come from, progress bars for training, and table cells.
// A notebook declares its settings once, after its imports:
//
//	var nb = nbui.NewNotebook() // then e.g. nb.Retrain = true, nb.Device = "cuda" in a cell
//
// and calls the helpers below from its cells.

// Notebook is a notebook's settings.
type Notebook struct {
	Quick   bool   // tiny models trained in seconds (set by CHAOSGEN_QUICK=1; CI runs this way)
	Retrain bool   // train here even where pretrained/<case> has checkpoints
	Device  string // compute backend: "cpu", or "cuda" (needs %goflags -tags=cuda first)
}

// NewNotebook returns the default settings: Quick from CHAOSGEN_QUICK, no
// retraining, the CPU. Like the CLI, it makes OpenBLAS use the fastest
// kernels for this CPU unless OPENBLAS_CORETYPE is set (openblas.Choose).
func NewNotebook() Notebook {
	openblas.Choose()
	return Notebook{Quick: os.Getenv("CHAOSGEN_QUICK") == "1", Device: "cpu"}
}

// Must stops the cell on an error (the panic shows in the cell's output)
// and returns v otherwise.
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// Check stops the cell on an error.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}

// OpenDevice opens the compute backend named by nb.Device.
func (nb Notebook) OpenDevice() backend.Backend { return Must(device.Open(nb.Device)) }

// Source says where the notebook's trained models come from (see Source).
func (nb Notebook) Source(be backend.Backend) Source {
	return Must(NotebookSource(nb.Quick, nb.Retrain, be))
}

// Trained returns the model of case c and its checkpoint: pretrained if
// available, else trained here (or reused from an earlier notebook) with a
// live progress bar. Interrupting the kernel checkpoints the run; running
// the cell again resumes it.
func (nb Notebook) Trained(be backend.Backend, c runs.Case, d *runs.Data) (*chaoslib.Model, string) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	update, done := TrainingBar("training " + c.Name())
	ck := Must(nb.Source(be).Checkpoint(ctx, c, d, update))
	done()
	fmt.Printf("%-26s %s\n", c.Name(), RelPath(ck))
	return Must(chaoslib.LoadModel(ck, be)), ck
}

// EvalN is the number of test images (and samples) per index evaluation:
// 300 in quick mode, else 1000 (as the runs trained here use;
// runs.FigureEval).
func (nb Notebook) EvalN() int { return runs.FigureEval(nb.Quick, chaoslib.Config{}).N }

// RunDir is the run folder of case c (pretrained or trained here).
func (nb Notebook) RunDir(be backend.Backend, c runs.Case) string {
	dir, _, err := nb.Source(be).RunDir(c)
	Check(err)
	return dir
}

// AboutSettings is the markdown, shown near the top of every notebook,
// that says what nb holds and where the shared helpers live.
func AboutSettings() string {
	return "**Settings.** `nb` holds this notebook's settings (`nbui.Notebook`): `nb.Quick` is on when the environment variable " +
		"`CHAOSGEN_QUICK=1` is set; in a cell, `nb.Retrain = true` ignores the pretrained models and `nb.Device = \"cuda\"` picks the GPU (on a CUDA machine, after a `%goflags -tags=cuda` line). " +
		"The helpers every notebook shares (`nb.Trained`, `nbui.Must`, `nbui.IndexCells`, …) live in package `nbui`; " +
		"the model code itself lives in `chaoslib`."
}

// AboutModels is the markdown that says where the notebook's models come
// from, with the numbers of both configurations taken from the code
// (runs.QuickConfig, runs.TunedConfig: one row per case) and the one in
// use marked.
func (nb Notebook) AboutModels() string {
	// The tables stand at the top level of the markdown: nbconvert does not
	// draw a table nested in a list item.
	describe := func(config func(runs.Case) chaoslib.Config) string {
		var b strings.Builder
		b.WriteString("\n\n| case | hidden | g | g_v | T | η | optimizer | η schedule | B, P | steps | data clipped to | parameter average |\n" +
			"|---|---|---|---|---|---|---|---|---|---|---|---|\n")
		for _, c := range runs.Cases() {
			cfg := config(c)
			hidden, gv, opt, sched, clip, ema := "–", "–", cfg.Optimizer, cfg.LRSchedule, "– (±1)", "–"
			if len(cfg.Hidden) > 0 {
				hidden = fmt.Sprint(cfg.Hidden)
			}
			if cfg.GVisible > 0 {
				gv = fmt.Sprint(cfg.GVisible)
			}
			if cfg.DataClip > 0 {
				clip = fmt.Sprintf("±%g", 1-cfg.DataClip)
			}
			if opt == "" {
				opt = "sgd"
			}
			if sched == "" {
				sched = "constant"
			}
			if cfg.EMA > 0 {
				ema = fmt.Sprintf("decay %g", cfg.EMA)
			}
			fmt.Fprintf(&b, "| %s | %s | %g | %s | %g | %g | %s | %s | %d, %d | %d | %s | %s |\n",
				c.Name(), hidden, cfg.G, gv, cfg.T, cfg.LR, opt, sched, cfg.Batch, cfg.Chains, cfg.Steps, clip, ema)
		}
		return b.String()
	}
	quickText, tunedText := describe(runs.QuickConfig), describe(runs.TunedConfig)
	inUse := "the tuned configuration"
	if nb.Quick {
		inUse = "the quick configuration (`CHAOSGEN_QUICK=1`)"
	}
	return fmt.Sprintf(`**Where the models come from.** For each case (architecture × data set) the notebook uses, in this order:

1. `+"`pretrained/<model>-<dataset>/`"+` in the repository, if it holds checkpoints and `+"`nb.Retrain`"+` is false (the layout of a run folder: `+"`checkpoints/`, `metrics.csv`, `config.json`"+`);
2. otherwise a run trained by the notebooks in `+"`notebooks/runs/`"+` (or `+"`$CHAOSGEN_RUNS`"+`) with `+"`runs.EnsureRun`"+`: a finished run is reused, a shorter or interrupted one is resumed, in one of two configurations:

**quick** (`+"`runs.QuickConfig`, in `runs/quick/`"+`), tiny models (the README's `+"`figures`"+` entry gives their training time):%s
**tuned** (`+"`runs.TunedConfig`, the `tuned` preset of `docs/TUNING.md`, in `runs/tuned/`"+`); RESULTS.md lists each shipped model's training time on a 2-core CPU, and the CUDA backend (`+"`nb.Device = \"cuda\"`"+`) has not been run on a GPU yet (`+"`gpu/README.md`"+`):%s

Where a case is trained here (no checkpoints in `+"`pretrained/`"+`, or `+"`nb.Retrain = true`"+`), this notebook trains it with %s. Training shows a live progress bar. All notebooks share the runs folder, so the models trained by one notebook are reused by the next. Quick-mode models only show that the pipeline works: they are far from converged.`,
		quickText, tunedText, inUse)
}

// TrainingBar returns a progress callback for runs.Train, runs.EnsureRun or
// Source.Checkpoint that shows a bar titled label (created at the first
// step, so nothing shows when nothing is trained) with the newest indices,
// and a function that closes the bar.
func TrainingBar(label string) (update func(runs.Progress), done func()) {
	var bar *Progress
	update = func(p runs.Progress) {
		if bar == nil {
			bar = NewProgress(p.Total, label)
		}
		text := ""
		if l := p.Last; l != nil {
			text = fmt.Sprintf("at step %d: E2 %.2e, Es %.2e, EAAI %.3f", l.Step, l.E2, l.Es, l.EAAI)
		}
		bar.Update(p.Step, text)
	}
	done = func() {
		if bar != nil {
			bar.Done()
		}
	}
	return update, done
}

// RelPath shortens path to be relative to the repository root.
func RelPath(path string) string {
	if root, err := RepoRoot(); err == nil {
		if r, err := filepath.Rel(root, path); err == nil {
			return r
		}
	}
	return path
}

// Num formats an index value for a table: 4 significant digits, "–" for NaN.
func Num(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.4g", v)
}

// IndexColumns are the headers of IndexCells.
var IndexColumns = []string{"E2", "Es", "ER", "EAAI"}

// IndexCells formats E2, Es, ER ("–" when not measured) and EAAI of r for
// a table.
func IndexCells(r indices.Report) []string {
	er := math.NaN()
	if r.ER != nil {
		er = *r.ER
	}
	return []string{Num(r.E2), Num(r.Es), Num(er), Num(r.EAAI)}
}
