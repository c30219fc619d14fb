package runs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// copyDir copies the regular files of src (one level of folders) into a
// new temporary folder.
func copyDir(t *testing.T, src string) string {
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(src, p)
		if info.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, _ := os.ReadFile(p)
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	return dst
}

// TestClaimRunKinds: runs written before the kind marker are recognised by
// their files; each command refuses the others' folders, any non-empty
// folder that is no run, and a folder among a run's own files.
func TestClaimRunKinds(t *testing.T) {
	train := copyDir(t, "../../pretrained/restricted-mnist")
	rbm := copyDir(t, "../../pretrained/rbm-mnist")
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "config.json"), []byte(`{"something": "else"}`), 0o644)
	os.WriteFile(filepath.Join(other, "metrics.csv"), []byte("a,b\n"), 0o644)
	// another tool's folder with an empty checkpoints/: no chaosgen run
	tool := t.TempDir()
	os.Mkdir(filepath.Join(tool, "checkpoints"), 0o755)
	os.WriteFile(filepath.Join(tool, "metrics.csv"), []byte("epoch,loss\n"), 0o644)
	for _, c := range []struct {
		dir, kind string
		ok        bool
	}{
		{train, KindRBM, false}, {train, KindSweep, false}, {train, KindTrain, true},
		{rbm, KindTrain, false}, {rbm, KindSweep, false}, {rbm, KindRBM, true},
		{other, KindTrain, false}, {other, KindRBM, false}, {other, KindSweep, false},
		{tool, KindTrain, false},
		{filepath.Join(t.TempDir(), "new"), KindSweep, true},
	} {
		r, err := ClaimRun(c.dir, c.kind, nil)
		if (err == nil) != c.ok {
			t.Errorf("ClaimRun(%s, %s) = %v, want ok = %v", filepath.Base(c.dir), c.kind, err, c.ok)
		}
		if err == nil {
			if k, _ := safefile.ReadKind(c.dir); k != c.kind {
				t.Errorf("%s: marker %q, want %q", c.dir, k, c.kind)
			}
			r.Release()
		}
	}
	if b, _ := os.ReadFile(filepath.Join(other, "config.json")); string(b) != `{"something": "else"}` {
		t.Errorf("a refused folder was changed")
	}

	// among a run's own files: its checkpoints/ (here empty, which an
	// empty-folder rule would let through) and a folder in it
	marked := t.TempDir()
	if claim, err := ClaimRun(marked, KindTrain, nil); err != nil {
		t.Fatal(err)
	} else {
		claim.Release()
	}
	os.Mkdir(CheckpointDir(marked), 0o755)
	for _, dir := range []string{CheckpointDir(marked), filepath.Join(CheckpointDir(marked), "new"), filepath.Join(train, "checkpoints", "new")} {
		if err := CheckRun(dir, KindRBM); err == nil || !strings.Contains(err.Error(), "lies among the files of the run") {
			t.Errorf("CheckRun(%s) = %v", dir, err)
		}
		if _, err := ClaimRun(dir, KindRBM, nil); err == nil || !strings.Contains(err.Error(), "lies among the files of the run") {
			t.Errorf("ClaimRun(%s) = %v", dir, err)
		}
	}
}

// TestResumeRules: --steps below the checkpoint's step, a checkpoint of
// another config in checkpoints/, and a second writer are refused, and the
// run is left as it was.
func TestResumeRules(t *testing.T) {
	dir := t.TempDir()
	if _, err := Train(toyOptions(t, dir, 6)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	resume := func(steps int) error {
		cfg, o := toyOptions(t, dir, steps)
		o.Resume = true
		_, err := Train(cfg, o)
		return err
	}
	if err := resume(3); err == nil || !strings.Contains(err.Error(), "--steps 3 is below the 6 steps") {
		t.Errorf("resume to 3 of 6: %v", err)
	}
	// a foreign checkpoint, newest in checkpoints/
	cfg, other := toyOptions(t, t.TempDir(), 9)
	cfg.G = 2
	res, err := Train(cfg, other)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(res.Checkpoint)
	os.WriteFile(CheckpointPath(dir, 9), b, 0o644)
	if err := resume(12); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Errorf("foreign checkpoint: %v", err)
	}
	os.Remove(CheckpointPath(dir, 9))
	// a second writer while the first holds the lock
	claim, err := ClaimRun(dir, KindTrain, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := resume(12); err == nil || !strings.Contains(err.Error(), "in use by process") {
		t.Errorf("second writer: %v", err)
	}
	claim.Release()
	if after, _ := os.ReadFile(filepath.Join(dir, "config.json")); string(after) != string(before) {
		t.Errorf("refused resumes rewrote config.json:\n%s\n%s", before, after)
	}
	if err := resume(8); err != nil {
		t.Errorf("a valid resume: %v", err)
	}
	if rec, _ := ReadRunRecord(dir); rec.Config.Steps != 8 {
		t.Errorf("config.json steps %d after resuming to 8", rec.Config.Steps)
	}
}

// TestRBMResumeRules: the RBM's resume refuses a checkpoint of another
// config and a total below the steps done, as the chaotic models' does.
func TestRBMResumeRules(t *testing.T) {
	cfg := rbm.Config{N: 16, M: 6, K: 3, LR: 0.05, Batch: 8, Chains: 8, Steps: 4, InitStd: 0.01, Seed: 3}
	opts := func(dir string, resume bool) RunOptions {
		return RunOptions{Dir: dir, Resume: resume, Train: toySet(40, 16, 1), Test: toySet(20, 16, 2), EvalN: 10}
	}
	dir, other := t.TempDir(), t.TempDir()
	if _, err := TrainRBM(cfg, opts(dir, false)); err != nil {
		t.Fatal(err)
	}
	low := cfg
	low.Steps = 2
	if _, err := TrainRBM(low, opts(dir, true)); err == nil || !strings.Contains(err.Error(), "below the 4 steps") {
		t.Errorf("resume to 2 of 4: %v", err)
	}
	foreign := cfg
	foreign.Seed, foreign.Steps = 4, 6
	res, err := TrainRBM(foreign, opts(other, false))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(res.Checkpoint)
	os.WriteFile(CheckpointPath(dir, 6), b, 0o644)
	more := cfg
	more.Steps = 8
	if _, err := TrainRBM(more, opts(dir, true)); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Errorf("foreign RBM checkpoint: %v", err)
	}
}

// TestRunFile: the files a run folder's command writes, and anything in its
// checkpoints/, belong to the run, whether the folder is marked or
// recognised by its files (as pretrained/'s are), and through a link or
// ".."; other files beside them, and the same names in a folder that holds
// no run, do not.
func TestRunFile(t *testing.T) {
	tmp := t.TempDir()
	if real, err := filepath.EvalSymlinks(tmp); err == nil {
		tmp = real
	}
	run, legacy, plain := filepath.Join(tmp, "run"), filepath.Join(tmp, "legacy"), filepath.Join(tmp, "plain")
	for _, d := range []string{run, legacy, plain, CheckpointDir(run)} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(run, safefile.KindFile), []byte(KindTrain+"\n"), 0o644)
	rec, _ := json.Marshal(map[string]any{"config": chaoslib.Tiny(chaoslib.Restricted)})
	os.WriteFile(RecordPath(legacy), rec, 0o644) // no marker: a run written before markers
	os.Symlink(run, filepath.Join(tmp, "link"))
	os.Symlink(CheckpointDir(run), filepath.Join(tmp, "cklink"))
	away := filepath.Join(tmp, "away") // a run whose checkpoints/ is a link to another disk
	os.MkdirAll(filepath.Join(tmp, "disk"), 0o755)
	os.MkdirAll(away, 0o755)
	os.WriteFile(filepath.Join(away, safefile.KindFile), []byte(KindTrain+"\n"), 0o644)
	os.Symlink(filepath.Join(tmp, "disk"), CheckpointDir(away))
	for _, c := range []struct {
		path, run string // run: "" if the path is no run's file
	}{
		{filepath.Join(run, "config.json"), run},
		{filepath.Join(run, "metrics.csv"), run},
		{filepath.Join(run, "checkpoints", "step-0000001.npz"), run},
		{filepath.Join(run, "checkpoints", "other.npy"), run},
		{filepath.Join(run, "curves.png"), ""},
		{filepath.Join(legacy, "config.json"), legacy},
		{filepath.Join(legacy, "checkpoints", "step-0000001.npz"), legacy},
		{filepath.Join(legacy, "samples.npy"), ""},
		{filepath.Join(tmp, "link", "config.json"), filepath.Join(tmp, "link")}, // named as typed
		{filepath.Join(tmp, "cklink", "step-0000001.npz"), run},
		{filepath.Join(tmp, "cklink") + "/../config.json", run}, // not cleaned, as typed
		{filepath.Join(away, "checkpoints", "step-0000001.npz"), away},
		{filepath.Join(run, "diverged.txt"), run},
		{filepath.Join(run, FinalScoreFile(10000)), run},
		{filepath.Join(run, "final-n10000.json.png"), ""},
		{filepath.Join(plain, "config.json"), ""},
		{filepath.Join(plain, "checkpoints", "step-0000001.npz"), ""},
	} {
		if got, ok := RunFile(c.path); ok != (c.run != "") || got != c.run {
			t.Errorf("RunFile(%s) = %q, %v; want %q", c.path, got, ok, c.run)
		}
	}
}
