package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

// ErrInterrupted is returned by Run when its context is cancelled; the
// run's state was checkpointed first.
var ErrInterrupted = errors.New("training interrupted")

// Learner is a model under training, as Run drives it. Train drives the
// chaotic models through one, TrainRBM the RBM baseline.
type Learner interface {
	// Steps returns the updates done and the total to reach.
	Steps() (done, total int)
	// Update makes one training update (Stats may be zero for models that
	// report none).
	Update() (chaoslib.Stats, error)
	// Evaluate scores n generated samples against the first n rows of test
	// (Report.T says at which time or number of sampling steps).
	Evaluate(test blas32.General, n int, cl *indices.Classifier) (indices.Report, error)
	// Save writes a checkpoint (the model, its step and training RNG state,
	// and extra) to path atomically.
	Save(path string, extra map[string]any) error
	// Load restores a checkpoint written by Save, keeping the total steps,
	// and returns its extra.
	Load(path string) (extra map[string]any, err error)
	// Record is the content of the run's config.json.
	Record(info RunInfo) any
	// Kind is the kind of run folder (KindTrain, KindRBM) that Run claims.
	Kind() string
}

// RunOptions describes a training run.
type RunOptions struct {
	Dir    string // output folder (created)
	Resume bool   // continue from Dir's newest checkpoint up to the config's Steps
	Device backend.Backend
	Train  *data.Set // training split
	Test   *data.Set // test split, scored every EvalEvery steps

	EvalEvery  int                 // steps between metrics rows; 0: Steps/20 (at least 1)
	EvalN      int                 // test images per metrics row, at most the test set's; 0: 1000 (or the whole test set, if smaller)
	Classifier *indices.Classifier // labels generated samples for coverage; nil: coverage 0
	PerDecade  int                 // log-spaced checkpoints per decade of steps; 0: 3
	Command    string              // the command line, recorded in config.json

	Context  context.Context // cancelling it checkpoints and returns ErrInterrupted
	Progress func(Progress)  // called after every step (may be nil)
	Warn     func(string)    // told of a stale lock of Dir taken over (may be nil)
}

// Progress is reported after every training step.
type Progress struct {
	Step, Total int
	Seconds     float64 // training time of the whole run, resumed parts included
	StepsPerSec float64 // over this invocation
	Stats       chaoslib.Stats
	Last        *MetricsRow // newest metrics row, if any
}

// RunResult summarizes a finished (or interrupted) run.
type RunResult struct {
	Steps      int
	Seconds    float64
	Checkpoint string      // the newest checkpoint written
	Last       *MetricsRow // the newest metrics row
}

// Run trains (or, with o.Resume, resumes) l in o.Dir: it writes
// config.json (l.Record), scores l every o.EvalEvery steps and at the end
// into metrics.csv (a row at step 0 too), checkpoints at about o.PerDecade
// log-spaced steps per decade and at the last step, reports progress after
// every step, and on cancellation of o.Context checkpoints and returns
// ErrInterrupted. It claims and locks o.Dir for l.Kind() (ClaimRun) for the
// duration. A fresh run refuses a folder that holds checkpoints; a resumed
// one refuses a total below the steps done. On
// an error from l.Update (divergence) the last good checkpoint stays. The
// run's training seconds are kept in the checkpoints, so they add up
// across resumes.
func Run(l Learner, o RunOptions) (RunResult, error) {
	var res RunResult
	if o.Test == nil {
		return res, errors.New("runs: Run needs a test set")
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	switch { // before the claim, so that a refused run leaves no folder behind
	case o.EvalN <= 0:
		o.EvalN = min(1000, o.Test.Len())
	case o.EvalN > o.Test.Len():
		return res, fmt.Errorf("--eval-n %d: the test set has %d images", o.EvalN, o.Test.Len())
	}
	claim, err := ClaimRun(o.Dir, l.Kind(), o.Warn)
	if err != nil {
		return res, err
	}
	wrote := false // until config.json is written, a refusal leaves the folder as it was
	defer func() {
		if wrote {
			claim.Release()
		} else {
			claim.Abandon()
		}
	}()
	metricsPath := MetricsPath(o.Dir)
	var (
		rows    []MetricsRow
		seconds float64
	)
	if o.Resume {
		latest, err := Latest(o.Dir)
		if err != nil {
			return res, err
		}
		if latest == "" {
			return res, fmt.Errorf("--resume: no checkpoint in %s", CheckpointDir(o.Dir))
		}
		extra, err := l.Load(latest)
		if err != nil {
			return res, err
		}
		done, total := l.Steps()
		if total < done {
			return res, fmt.Errorf("--resume: --steps %d is below the %d steps already done (%s); give --steps ≥ %d", total, done, latest, done)
		}
		old, err := ReadMetrics(metricsPath)
		if err != nil && !errors.Is(err, fs.ErrNotExist) { // resuming rewrites it: keep what cannot be read
			return res, fmt.Errorf("--resume: %w; repair or move %s first", err, metricsPath)
		}
		for _, r := range old {
			if r.Step <= done {
				rows = append(rows, r)
			}
		}
		if s, ok := extra["seconds"].(float64); ok {
			seconds = s
		} else if len(rows) > 0 { // files written before the seconds were kept
			seconds = rows[len(rows)-1].Seconds
		}
		res.Checkpoint = latest
	} else if old, _ := Latest(o.Dir); old != "" {
		return res, fmt.Errorf("%s already holds a run (%s); use --resume, or another --out", o.Dir, old)
	} else if err := checkNoScores(metricsPath); err != nil {
		return res, err
	}
	_, total := l.Steps()
	if o.EvalEvery <= 0 {
		o.EvalEvery = max(1, total/20)
	}
	if o.PerDecade <= 0 {
		o.PerDecade = 3
	}
	device := "cpu"
	if o.Device != nil {
		device = o.Device.Name()
	}
	info := RunInfo{Command: o.Command, Device: device, EvalEvery: o.EvalEvery, EvalN: o.EvalN}
	if device == "cpu" {
		info.BLAS = "OpenBLAS " + openblas.Current().String()
	}
	var old RunInfo
	if o.Resume && readJSON(o.Dir, &old) == nil && old.Command != "" {
		info.Command, info.ResumedBy = old.Command, append(old.ResumedBy, o.Command)
		info.BLAS = resumedBLAS(old.BLAS, info.BLAS)
	}
	js, err := json.MarshalIndent(l.Record(info), "", "  ")
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(CheckpointDir(o.Dir), 0o755); err != nil {
		return res, err
	}
	if err := chaoslib.WriteFileAtomic(RecordPath(o.Dir), append(js, '\n')); err != nil {
		os.Remove(CheckpointDir(o.Dir)) // if empty: Abandon then finds the folder as it was
		return res, err
	}
	wrote = true
	evaluate := func() error {
		done, _ := l.Steps()
		rep, err := l.Evaluate(o.Test.X, o.EvalN, o.Classifier)
		if err != nil {
			return fmt.Errorf("scoring step %d: %w", done, err)
		}
		rows = append(rows, MetricsRow{Step: done, Seconds: seconds, Report: rep})
		res.Last = &rows[len(rows)-1]
		return WriteMetrics(metricsPath, rows)
	}
	save := func() error {
		done, _ := l.Steps()
		extra := map[string]any{"seconds": seconds, "command": o.Command}
		if res.Last != nil && res.Last.Step == done {
			extra["indices"] = res.Last.Report
		}
		p := CheckpointPath(o.Dir, done)
		if err := l.Save(p, extra); err != nil {
			return err
		}
		res.Checkpoint = p
		return nil
	}
	if len(rows) > 0 {
		res.Last = &rows[len(rows)-1]
	}
	if done, _ := l.Steps(); done == 0 && len(rows) == 0 {
		if err := evaluate(); err != nil {
			return res, err
		}
	}
	ckSteps := LogSteps(total, o.PerDecade)
	start := time.Now()
	startStep, _ := l.Steps()
	for done := startStep; done < total; {
		if o.Context.Err() != nil {
			if err := save(); err != nil {
				return res, err
			}
			res.Steps, res.Seconds = done, seconds
			return res, ErrInterrupted
		}
		t0 := time.Now()
		st, err := l.Update()
		if err != nil {
			return res, err
		}
		seconds += time.Since(t0).Seconds()
		done, _ = l.Steps()
		if done%o.EvalEvery == 0 || done == total {
			if err := evaluate(); err != nil {
				return res, err
			}
		}
		if ckSteps[done] {
			if err := save(); err != nil {
				return res, err
			}
		}
		if o.Progress != nil {
			o.Progress(Progress{Step: done, Total: total, Seconds: seconds,
				StepsPerSec: float64(done-startStep) / time.Since(start).Seconds(), Stats: st, Last: res.Last})
		}
	}
	done, _ := l.Steps()
	if filepath.Base(res.Checkpoint) != filepath.Base(CheckpointPath(o.Dir, done)) {
		if err := save(); err != nil {
			return res, err
		}
	}
	res.Steps, res.Seconds = done, seconds
	return res, nil
}

// head returns the first n rows of x (sharing memory).
func head(x blas32.General, n int) blas32.General {
	return blas32.General{Rows: n, Cols: x.Cols, Stride: x.Stride, Data: x.Data[:(n-1)*x.Stride+x.Cols]}
}

// resumedBLAS is the BLAS record of a resumed run: the record so far, with
// ", resumed with" now's kernels where they differ from the last ones it
// names ("not recorded" stands for the start of runs older than the record).
func resumedBLAS(record, now string) string {
	switch {
	case record == now || strings.HasSuffix(record, "resumed with "+now):
		return record
	case record == "":
		return "not recorded, resumed with " + now
	}
	return record + ", resumed with " + now
}

// checkNoScores refuses to start a run over a metrics.csv that a new run
// would replace: one with rows past step 0 (a run whose checkpoints were
// removed leaves it), or one that cannot be read. A step-0 row alone, left
// by a run stopped before its first step, costs nothing to redo.
func checkNoScores(path string) error {
	rows, err := ReadMetrics(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("%w; a new run would replace it: move it first, or use another --out", err)
	}
	if n := len(rows); n > 0 && rows[n-1].Step > 0 {
		return fmt.Errorf("%s holds the scores of a run to step %d, but %s has no checkpoint to resume from; a new run would replace them: move metrics.csv (and config.json) away, or use another --out",
			path, rows[n-1].Step, CheckpointDir(filepath.Dir(path)))
	}
	return nil
}
