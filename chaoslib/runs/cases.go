package runs

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/data"
)

// Case is one of the paper's six trained models: an architecture on a data set.
type Case struct {
	Arch    chaoslib.Arch
	Dataset string
}

// Name is the case's folder name, e.g. "restricted-mnist".
func (c Case) Name() string { return string(c.Arch) + "-" + c.Dataset }

// Cases lists the 3 architectures × 2 data sets.
func Cases() []Case {
	var out []Case
	for _, ds := range data.Datasets() {
		for _, a := range chaoslib.Archs() {
			out = append(out, Case{a, ds})
		}
	}
	return out
}

// QuickConfig is the Tiny preset trained for 20–40 s, for `figures --quick`,
// CI and CHAOSGEN_QUICK notebooks: 400 steps with η = 0.02, B = P = 100 and
// data clipped to ±0.95. These three changes from Tiny (found by hand on the
// 2-layer model, MNIST) took it from one saturated mode (EAAI ≈ 0.5) to
// EAAI ≈ 0.27 with 6 classes covered in 400 steps.
func QuickConfig(c Case) chaoslib.Config {
	cfg := chaoslib.Tiny(c.Arch)
	cfg.Dataset = c.Dataset
	cfg.Steps, cfg.LR, cfg.Batch, cfg.Chains, cfg.DataClip = 400, 0.02, 100, 100, 0.05
	return cfg
}

// TunedConfig is the `tuned` preset (chaoslib.Tuned, docs/TUNING.md) for a
// case: the configuration of the shipped models.
func TunedConfig(c Case) chaoslib.Config { return chaoslib.Tuned(c.Arch, c.Dataset) }

// EnsureRun returns the final checkpoint of the run in root/<case>,
// training it (or resuming it up to cfg.Steps) first if it is missing or
// shorter. A run already there must have been trained with cfg, training
// steps aside (its config.json, RunRecord): a run of another config, e.g.
// a QuickConfig run found where a TunedConfig one is asked, is an error
// naming the fields that differ, never reused or trained on. evalN and
// evalEvery are as in RunOptions.
func EnsureRun(ctx context.Context, root string, c Case, cfg chaoslib.Config, be backend.Backend, d *Data,
	evalEvery, evalN int, progress func(Progress)) (string, error) {
	dir := filepath.Join(root, c.Name())
	steps, err := checkRun(dir, cfg)
	if err != nil {
		return "", err
	}
	if n := len(steps); n > 0 && steps[n-1] >= cfg.Steps {
		return CheckpointPath(dir, steps[n-1]), nil
	}
	res, err := Train(cfg, RunOptions{Dir: dir, Resume: len(steps) > 0, Device: be, Train: d.Train, Test: d.Test,
		EvalEvery: evalEvery, EvalN: evalN, Classifier: d.Classifier, Context: ctx, Progress: progress,
		Command: fmt.Sprintf("chaosgen train --model %s --dataset %s --out %s (%d steps)", c.Arch, c.Dataset, dir, cfg.Steps)})
	if err != nil {
		return "", fmt.Errorf("training %s: %w", c.Name(), err)
	}
	return res.Checkpoint, nil
}

// CheckCase refuses the folder root/<case> as EnsureRun would, without
// training anything or creating the folder: a caller that ensures several
// runs checks them all first, so that a refusal does not come after hours
// of training others. A missing run is not an error, and a finished one
// (to cfg.Steps) is only read, so its folder need not be writable.
func CheckCase(root string, c Case, cfg chaoslib.Config) error {
	dir := filepath.Join(root, c.Name())
	steps, err := checkRun(dir, cfg)
	if err != nil || (len(steps) > 0 && steps[len(steps)-1] >= cfg.Steps) {
		return err
	}
	return CheckRun(dir, KindTrain)
}

// checkRun returns the checkpoint steps of the run in dir, after checking
// that a run there was trained with cfg (checkSameRun).
func checkRun(dir string, cfg chaoslib.Config) ([]int, error) {
	_, steps, err := Checkpoints(dir)
	if err != nil {
		return nil, err
	}
	if len(steps) > 0 {
		if err := checkSameRun(dir, cfg); err != nil {
			return nil, err
		}
	}
	return steps, nil
}

// checkSameRun refuses the run in dir unless its recorded config is cfg,
// training steps aside.
func checkSameRun(dir string, cfg chaoslib.Config) error {
	rec, err := ReadRunRecord(dir)
	if err != nil {
		return fmt.Errorf("%s holds checkpoints but its config cannot be read: %w", dir, err)
	}
	a, b := rec.Config, cfg
	a.Steps, b.Steps = 0, 0
	diff := configDiff(a, b)
	if diff == "" {
		return nil
	}
	return fmt.Errorf("%s holds a run of another config than the one asked (%s differ from %s; e.g. a --quick run where a full-size one is asked, or the reverse); remove it or use another runs folder",
		dir, diff, RecordPath(dir))
}

// configDiff names the fields in which a and b differ, "" when they are
// the same config.
func configDiff(a, b chaoslib.Config) string {
	if sameConfig(a, b) {
		return ""
	}
	if f := VariedFields([]chaoslib.Config{a, b}); len(f) > 0 {
		return strings.Join(f, ", ")
	}
	return "the model or data set"
}
