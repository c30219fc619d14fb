package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
)

// ErrInterrupted is returned by Train when its context is cancelled; the
// run's state was checkpointed first.
var ErrInterrupted = errors.New("training interrupted")

// RunOptions describes a training run.
type RunOptions struct {
	Dir    string          // output folder (created)
	Config chaoslib.Config // with Resume, only Config.Steps is used
	Resume bool            // continue from Dir's newest checkpoint up to Config.Steps
	Device backend.Backend
	Train  *data.Set // training split
	Test   *data.Set // test split, scored every EvalEvery steps

	EvalEvery  int                 // steps between metrics rows; 0: Steps/20 (at least 1)
	EvalN      int                 // test images per metrics row; 0: 1000 (capped by the test set)
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

// RunRecord is config.json.
type RunRecord struct {
	Config    chaoslib.Config `json:"config"`
	Command   string          `json:"command,omitempty"`
	Device    string          `json:"device"`
	EvalEvery int             `json:"eval_every"`
	EvalN     int             `json:"eval_n"`
}

// ReadRunRecord reads a run's config.json.
func ReadRunRecord(run string) (RunRecord, error) {
	var r RunRecord
	raw, err := os.ReadFile(filepath.Join(run, "config.json"))
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("%s: %w", filepath.Join(run, "config.json"), err)
	}
	return r, nil
}

// Train runs (or resumes) a training run, writing config.json, metrics.csv
// and checkpoints into o.Dir, which it claims and locks (ClaimRun) for the
// duration; resuming follows CheckResume. On divergence it returns the
// *chaoslib.DivergedError and leaves the last good checkpoint in place.
func Train(o RunOptions) (RunResult, error) {
	var res RunResult
	if o.Train == nil || o.Test == nil || o.Device == nil {
		return res, errors.New("runs: Train needs Train, Test and Device")
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	claim, err := ClaimRun(o.Dir, KindTrain, o.Warn)
	if err != nil {
		return res, err
	}
	defer claim.Release()
	if err := os.MkdirAll(CheckpointDir(o.Dir), 0o755); err != nil {
		return res, err
	}
	metricsPath := filepath.Join(o.Dir, "metrics.csv")
	var (
		tr      *chaoslib.Trainer
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
		ck, err := chaoslib.LoadCheckpoint(latest)
		if err != nil {
			return res, err
		}
		if err := CheckResume(o.Dir, latest, ck, o.Config.Steps); err != nil {
			return res, err
		}
		ck.Config.Steps = o.Config.Steps
		if tr, err = ck.Resume(o.Device, o.Train.X); err != nil {
			return res, err
		}
		if s, ok := ck.Extra["seconds"].(float64); ok {
			seconds = s
		}
		if old, err := ReadMetrics(metricsPath); err == nil {
			for _, r := range old {
				if r.Step <= ck.Step {
					rows = append(rows, r)
				}
			}
		}
		res.Checkpoint = latest
	} else {
		if old, _ := Latest(o.Dir); old != "" {
			return res, fmt.Errorf("%s already holds a run (%s); use --resume, or another --out", o.Dir, old)
		}
		m, err := chaoslib.New(o.Config, o.Device)
		if err != nil {
			return res, err
		}
		if tr, err = chaoslib.NewTrainer(m, o.Train.X); err != nil {
			return res, err
		}
	}
	defer tr.Close()
	cfg := tr.M.Cfg
	if o.EvalEvery <= 0 {
		o.EvalEvery = max(1, cfg.Steps/20)
	}
	if o.EvalN <= 0 {
		o.EvalN = 1000
	}
	o.EvalN = min(o.EvalN, o.Test.Len())
	if o.PerDecade <= 0 {
		o.PerDecade = 3
	}
	rec := RunRecord{Config: cfg, Command: o.Command, Device: o.Device.Name(), EvalEvery: o.EvalEvery, EvalN: o.EvalN}
	js, _ := json.MarshalIndent(rec, "", "  ")
	if err := chaoslib.WriteFileAtomic(filepath.Join(o.Dir, "config.json"), append(js, '\n')); err != nil {
		return res, err
	}
	evaluate := func() error {
		rs, err := chaoslib.Evaluate(tr.M, o.Test.X, o.EvalN, []float64{cfg.T},
			chaoslib.EvalOptions{Classifier: o.Classifier, Seed: cfg.Seed})
		if err != nil {
			return err
		}
		rows = append(rows, MetricsRow{Step: tr.Step, Seconds: seconds, Report: rs[0]})
		res.Last = &rows[len(rows)-1]
		return WriteMetrics(metricsPath, rows)
	}
	save := func() error {
		ck := tr.Checkpoint()
		ck.Extra = map[string]any{"seconds": seconds, "command": o.Command}
		if res.Last != nil && res.Last.Step == tr.Step {
			ck.Extra["indices"] = res.Last.Report
		}
		p := CheckpointPath(o.Dir, tr.Step)
		if err := ck.Save(p); err != nil {
			return err
		}
		res.Checkpoint = p
		return nil
	}
	if len(rows) > 0 {
		res.Last = &rows[len(rows)-1]
	}
	if tr.Step == 0 && len(rows) == 0 {
		if err := evaluate(); err != nil {
			return res, err
		}
	}
	ckSteps := LogSteps(cfg.Steps, o.PerDecade)
	start, startStep := time.Now(), tr.Step
	for tr.Step < cfg.Steps {
		if o.Context.Err() != nil {
			if err := save(); err != nil {
				return res, err
			}
			res.Steps, res.Seconds = tr.Step, seconds
			return res, ErrInterrupted
		}
		t0 := time.Now()
		st, err := tr.TrainStep()
		if err != nil {
			return res, err
		}
		seconds += time.Since(t0).Seconds()
		if tr.Step%o.EvalEvery == 0 || tr.Step == cfg.Steps {
			if err := evaluate(); err != nil {
				return res, err
			}
		}
		if ckSteps[tr.Step] {
			if err := save(); err != nil {
				return res, err
			}
		}
		if o.Progress != nil {
			o.Progress(Progress{Step: tr.Step, Total: cfg.Steps, Seconds: seconds,
				StepsPerSec: float64(tr.Step-startStep) / time.Since(start).Seconds(), Stats: st, Last: res.Last})
		}
	}
	if res.Checkpoint == "" || filepath.Base(res.Checkpoint) != filepath.Base(CheckpointPath(o.Dir, tr.Step)) {
		if err := save(); err != nil {
			return res, err
		}
	}
	res.Steps, res.Seconds = tr.Step, seconds
	return res, nil
}
