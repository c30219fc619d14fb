package runs

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// toySet is a small labelled set of two noisy prototypes in s-space.
func toySet(n, N int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := &data.Set{Dataset: "toy", Split: "train", X: blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}, Labels: make([]uint8, n)}
	for i := 0; i < n; i++ {
		s.Labels[i] = uint8(i % 2)
		for j := 0; j < N; j++ {
			v := float32(-0.8)
			if (i%2 == 0) == (j < N/2) {
				v = 0.8
			}
			s.X.Data[i*N+j] = v + 0.1*float32(rng.NormFloat64())
			s.X.Data[i*N+j] = max(-1, min(1, s.X.Data[i*N+j]))
		}
	}
	return s
}

func toyOptions(t *testing.T, dir string, steps int) (chaoslib.Config, RunOptions) {
	cfg := chaoslib.Tiny(chaoslib.Restricted)
	cfg.N, cfg.Hidden, cfg.Batch, cfg.Chains, cfg.Steps = 16, []int{8}, 8, 8, steps
	be := cpu.New(1)
	t.Cleanup(func() { be.Close() })
	return cfg, RunOptions{Dir: dir, Device: be, Train: toySet(40, 16, 1), Test: toySet(20, 16, 2), EvalEvery: 3, EvalN: 10}
}

// TestRunWritesAndResumes: a run writes config.json, metrics.csv and
// log-spaced checkpoints; an interrupted run resumed to the same total ends
// with bit-identical parameters and the same metrics, and its config.json
// keeps the command that started it.
func TestRunWritesAndResumes(t *testing.T) {
	whole := t.TempDir()
	res, err := Train(toyOptions(t, whole, 12))
	if err != nil {
		t.Fatal(err)
	}
	_, steps, _ := Checkpoints(whole)
	if want := []int{1, 2, 5, 10, 12}; !slices.Equal(steps, want) {
		t.Fatalf("checkpoint steps %v, want %v", steps, want)
	}
	rows, err := ReadMetrics(filepath.Join(whole, "metrics.csv"))
	if err != nil || len(rows) != 5 || rows[0].Step != 0 || rows[4].Step != 12 || rows[4].ER == nil {
		t.Fatalf("metrics rows %+v, err %v", rows, err)
	}
	if rec, err := ReadRunRecord(whole); err != nil || rec.Config.Steps != 12 || !strings.HasPrefix(rec.BLAS, "OpenBLAS ") {
		t.Fatalf("config.json (want steps 12 and the BLAS kernels): %+v, %v", rec, err)
	}

	// interrupt after step 7, then resume
	part := t.TempDir()
	cfg, o := toyOptions(t, part, 12)
	o.Command = "start"
	ctx, cancel := context.WithCancel(context.Background())
	o.Context = ctx
	o.Progress = func(p Progress) {
		if p.Step == 7 {
			cancel()
		}
	}
	if _, err := Train(cfg, o); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	if _, err := os.Stat(CheckpointPath(part, 7)); err != nil {
		t.Fatal("no checkpoint at the interruption")
	}
	cfg, o = toyOptions(t, part, 12)
	o.Resume, o.Command = true, "resume"
	res2, err := Train(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	// config.json keeps the command that started the run and lists the resume
	if rec, err := ReadRunRecord(part); err != nil || rec.Command != "start" || !slices.Equal(rec.ResumedBy, []string{"resume"}) {
		t.Fatalf("resumed run's record: command %q, resumed by %q (%v); want \"start\", [\"resume\"]", rec.Command, rec.ResumedBy, err)
	}
	a, _ := chaoslib.LoadCheckpoint(res.Checkpoint)
	b, _ := chaoslib.LoadCheckpoint(res2.Checkpoint)
	for i := range a.Params {
		for j, v := range a.Params[i].Data {
			if b.Params[i].Data[j] != v {
				t.Fatalf("resumed run differs in %s", a.Params[i].Name)
			}
		}
	}
	rows2, _ := ReadMetrics(filepath.Join(part, "metrics.csv"))
	if len(rows2) != len(rows) || rows2[4].E2 != rows[4].E2 {
		t.Fatalf("resumed metrics differ: %+v vs %+v", rows2, rows)
	}
	// a second fresh run into the same folder is refused
	if _, err := Train(toyOptions(t, whole, 12)); err == nil {
		t.Fatal("overwrote an existing run")
	}
}

func TestLogSteps(t *testing.T) {
	got := LogSteps(100, 3)
	for _, s := range []int{1, 2, 5, 10, 22, 46, 100} {
		if !got[s] {
			t.Errorf("LogSteps(100, 3) lacks %d: %v", s, got)
		}
	}
	defer func() { // perDecade 0 looped for ever
		if msg, _ := recover().(string); !strings.Contains(msg, "perDecade = 0") {
			t.Errorf("LogSteps(100, 0): panic %q", msg)
		}
	}()
	LogSteps(100, 0)
}

// TestReadRunRecordOldKey reads a shipped run's config.json, written before
// Config.Model became Config.Arch.
func TestReadRunRecordOldKey(t *testing.T) {
	dir := filepath.Join("..", "..", "pretrained", "deep-mnist")
	rec, err := ReadRunRecord(dir)
	if os.IsNotExist(err) {
		t.Skip("no pretrained/deep-mnist")
	}
	if err != nil {
		t.Fatal(err)
	}
	if rec.Config.Arch != chaoslib.Deep || rec.Config.Validate() != nil {
		t.Fatalf("Arch %q (validate: %v), want deep and valid", rec.Config.Arch, rec.Config.Validate())
	}
}

// TestReadRunRecordChecks: a hand-edited config.json is refused naming the
// file: an RBM's record, a config Validate refuses, a negative eval_n.
func TestReadRunRecordChecks(t *testing.T) {
	good := chaoslib.Tiny(chaoslib.Restricted)
	badG := good
	badG.G = -1
	for _, tc := range []struct {
		rec  map[string]any
		want string // "" for no error
	}{
		{map[string]any{"config": good, "eval_n": 100}, ""},
		{map[string]any{"config": good}, ""}, // eval_n 0: written before it was recorded
		{map[string]any{"model": "rbm", "config": good}, "is an RBM run's"},
		{map[string]any{"config": badG}, "config.json: chaoslib: config field G = -1"},
		{map[string]any{"config": good, "eval_n": -5}, "eval_n -5 must be ≥ 0"},
		{map[string]any{"config": good, "eval_every": -1}, "eval_every -1"},
	} {
		dir := t.TempDir()
		js, _ := json.Marshal(tc.rec)
		os.WriteFile(RecordPath(dir), js, 0o644)
		_, err := ReadRunRecord(dir)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: %v, want %q", js, err, tc.want)
		}
	}
}

// TestTrainRBMResumes: the RBM goes through the same run loop: config.json
// (an RBMRecord), metrics.csv, log-spaced checkpoints; an interrupted run
// resumed to the same total ends with the same parameters and metrics, also
// from the older one-file layout (DIR/rbm.npz).
func TestTrainRBMResumes(t *testing.T) {
	cfg := rbm.Config{N: 16, M: 6, K: 3, LR: 0.05, Batch: 8, Chains: 8, Steps: 12, InitStd: 0.01, InitBias: "data", Seed: 3}
	opts := func(dir string) RunOptions {
		return RunOptions{Dir: dir, Train: toySet(40, 16, 1), Test: toySet(20, 16, 2), EvalEvery: 4, EvalN: 10}
	}
	whole := t.TempDir()
	res, err := TrainRBM(cfg, opts(whole))
	if err != nil {
		t.Fatal(err)
	}
	if _, steps, _ := Checkpoints(whole); !slices.Equal(steps, []int{1, 2, 5, 10, 12}) {
		t.Fatalf("checkpoint steps %v", steps)
	}
	rows, err := ReadMetrics(filepath.Join(whole, "metrics.csv"))
	if err != nil || len(rows) != 4 || rows[3].Step != 12 || rows[3].T != 3 || rows[3].ER != nil {
		t.Fatalf("metrics rows %+v, err %v; want steps 0, 4, 8, 12 with t = k = 3 and no ER", rows, err)
	}
	if rec, err := ReadRBMRecord(whole); err != nil || rec.Config.Steps != 12 || rec.EvalEvery != 4 {
		t.Fatalf("config.json: %+v, %v", rec, err)
	}
	want, _ := rbm.Load(res.Checkpoint)

	part := t.TempDir()
	o := opts(part)
	ctx, cancel := context.WithCancel(context.Background())
	o.Context = ctx
	o.Progress = func(p Progress) {
		if p.Step == 6 {
			cancel()
		}
	}
	if _, err := TrainRBM(cfg, o); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err = %v, want ErrInterrupted", err)
	}
	// the older layout: the one file DIR/rbm.npz, no checkpoints/
	if err := os.Rename(CheckpointPath(part, 6), filepath.Join(part, "rbm.npz")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(CheckpointDir(part)); err != nil {
		t.Fatal(err)
	}
	o = opts(part)
	o.Resume = true
	res2, err := TrainRBM(cfg, o)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rbm.Load(res2.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != 12 || !slices.Equal(got.W.Data, want.W.Data) || !slices.Equal(got.B, want.B) || !slices.Equal(got.C, want.C) {
		t.Fatal("resumed RBM differs from the uninterrupted one")
	}
	rows2, _ := ReadMetrics(filepath.Join(part, "metrics.csv"))
	if len(rows2) != len(rows) || rows2[3].E2 != rows[3].E2 || rows2[3].EAAI != rows[3].EAAI {
		t.Fatalf("resumed metrics differ: %+v vs %+v", rows2, rows)
	}
}

// TestEnsureRunRefusesAnotherConfig: a run trained with one config is not
// reused, nor trained on, when EnsureRun is asked for another (as
// `figures --quick` then `figures` into the same --runs would); the same
// config with more steps resumes it.
func TestEnsureRunRefusesAnotherConfig(t *testing.T) {
	root := t.TempDir()
	cfg, o := toyOptions(t, "", 3)
	c := Case{Arch: cfg.Arch, Dataset: "toy"}
	d := &Data{Train: o.Train, Test: o.Test}
	ck, err := EnsureRun(context.Background(), root, c, cfg, o.Device, d, 3, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := cfg
	other.LR *= 2
	for _, steps := range []int{3, 6} {
		other.Steps = steps
		if _, err := EnsureRun(context.Background(), root, c, other, o.Device, d, 3, 10, nil); err == nil {
			t.Fatalf("a run of lr %g was used for lr %g (%d steps)", cfg.LR, other.LR, steps)
		}
	}
	if _, steps, _ := Checkpoints(filepath.Join(root, c.Name())); steps[len(steps)-1] != 3 {
		t.Fatalf("the refused run was trained on to step %d", steps[len(steps)-1])
	}
	cfg.Steps = 6
	ck6, err := EnsureRun(context.Background(), root, c, cfg, o.Device, d, 3, 10, nil)
	if err != nil || ck6 == ck {
		t.Fatalf("same config, more steps: %q, %v", ck6, err)
	}
}

func TestResumedBLAS(t *testing.T) {
	for _, c := range []struct{ record, now, want string }{
		{"A", "A", "A"},
		{"A", "B", "A, resumed with B"},
		{"A, resumed with B", "B", "A, resumed with B"},
		{"A, resumed with B", "A", "A, resumed with B, resumed with A"},
		{"", "A", "not recorded, resumed with A"},
	} {
		if got := resumedBLAS(c.record, c.now); got != c.want {
			t.Errorf("resumedBLAS(%q, %q) = %q, want %q", c.record, c.now, got, c.want)
		}
	}
}

// TestTrainRefusals: a resume, or a new run, refuses a metrics.csv it
// cannot read (it would rewrite it) and leaves it as it was; a new run
// refuses the scores of a run whose checkpoints were removed, but not a
// step-0 row alone; an --eval-n beyond the test set is an error, not capped.
func TestTrainRefusals(t *testing.T) {
	dir := t.TempDir()
	if _, err := Train(toyOptions(t, dir, 4)); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(dir, "metrics.csv")
	f, _ := os.OpenFile(metrics, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("# a note of mine\n")
	f.Close()
	before, _ := os.ReadFile(metrics)
	cfg, o := toyOptions(t, dir, 6)
	o.Resume = true
	if _, err := Train(cfg, o); err == nil || !strings.Contains(err.Error(), "repair or move") {
		t.Errorf("resume over an unreadable metrics.csv: error %v", err)
	}
	if after, _ := os.ReadFile(metrics); string(after) != string(before) {
		t.Errorf("metrics.csv changed:\n%s", after)
	}
	if err := os.RemoveAll(CheckpointDir(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(toyOptions(t, dir, 4)); err == nil || !strings.Contains(err.Error(), "move it first") {
		t.Errorf("a new run over an unreadable metrics.csv: error %v", err)
	}

	// a run whose checkpoints were removed keeps its scores from a new run;
	// one stopped before its first step (a step-0 row only) does not
	gone := t.TempDir()
	if _, err := Train(toyOptions(t, gone, 4)); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(CheckpointDir(gone))
	before, _ = os.ReadFile(MetricsPath(gone))
	if _, err := Train(toyOptions(t, gone, 4)); err == nil || !strings.Contains(err.Error(), "scores of a run to step 4") {
		t.Errorf("a new run over another run's scores: error %v", err)
	}
	if after, _ := os.ReadFile(MetricsPath(gone)); string(after) != string(before) {
		t.Errorf("metrics.csv changed:\n%s", after)
	}
	rows, _ := ReadMetrics(MetricsPath(gone))
	if err := WriteMetrics(MetricsPath(gone), rows[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(toyOptions(t, gone, 4)); err != nil {
		t.Errorf("a new run over a step-0 row: %v", err)
	}

	cfg, o = toyOptions(t, t.TempDir(), 4)
	o.EvalN = o.Test.Len() + 1
	if _, err := Train(cfg, o); err == nil || !strings.Contains(err.Error(), "--eval-n 21: the test set has 20 images") {
		t.Errorf("eval-n beyond the test set: error %v", err)
	}
}

// TestRefusedRunLeavesNoTrace: a run refused after it claimed its folder
// leaves the folder as it found it: a --resume of a missing folder makes
// none, and a refused --resume of a run folder written before the marker
// (as pretrained/'s) does not mark it.
func TestRefusedRunLeavesNoTrace(t *testing.T) {
	top := filepath.Join(t.TempDir(), "missing")
	missing := filepath.Join(top, "a", "b") // three folders that the claim makes
	cfg, o := toyOptions(t, missing, 4)
	o.Resume = true
	if _, err := Train(cfg, o); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("--resume of a missing folder: %v", err)
	}
	if _, err := os.Lstat(top); err == nil {
		t.Error("a refused --resume left folders it made")
	}

	legacy := t.TempDir()
	if _, err := Train(toyOptions(t, legacy, 4)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(legacy, safefile.KindFile))
	cfg, o = toyOptions(t, legacy, 2)
	o.Resume = true
	if _, err := Train(cfg, o); err == nil || !strings.Contains(err.Error(), "below the 4 steps") {
		t.Errorf("--resume below the steps done: %v", err)
	}
	for _, f := range []string{safefile.KindFile, safefile.LockFile} {
		if _, err := os.Lstat(filepath.Join(legacy, f)); err == nil {
			t.Errorf("a refused --resume left %s", f)
		}
	}
}

// TestScoreRBMRefusesN: n beyond the test rows (a Head(8) shares the rows
// after it, which were scored without a word) and n ≤ 0 are errors.
func TestScoreRBMRefusesN(t *testing.T) {
	r, err := rbm.New(rbm.Config{N: 16, M: 4, K: 1, LR: 0.01, Batch: 2, Chains: 2, Steps: 1, InitStd: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	test := toySet(20, 16, 2).Head(8).X
	for _, n := range []int{9, 0, -5} {
		if _, err := ScoreRBM(r, test, n, 1, nil); err == nil || !strings.Contains(err.Error(), "the test set has 8 images") {
			t.Errorf("n = %d: %v", n, err)
		}
	}
	if _, err := ScoreRBM(r, test, 8, 1, nil); err != nil {
		t.Error(err)
	}
}
