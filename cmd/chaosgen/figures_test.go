package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

// TestFiguresChecksFirst: figures refuses before it trains a run or makes
// a file. A run of another config in --runs is refused before the runs
// ahead of it are trained, a figure's name taken by a link before any
// training, and a refusal leaves no --out folder behind.
func TestFiguresChecksFirst(t *testing.T) {
	root := t.TempDir()
	p := func(name string) string { return filepath.Join(root, name) }
	if err := runFigures([]string{"--out", p("no-device"), "--device", "tpu"}); err == nil {
		t.Error("--device tpu: no error")
	}
	needMNIST(t)

	// runs/restricted-mnist holds a quick run with another g; the
	// unrestricted run, trained first, must not be started.
	other := runs.QuickConfig(runs.Case{Arch: chaoslib.Restricted, Dataset: "mnist"})
	other.G = 2.5
	dir := filepath.Join(p("runs"), "restricted-mnist")
	if err := os.MkdirAll(runs.CheckpointDir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	saveCheckpoint(t, other, runs.CheckpointPath(dir, 1), nil)
	raw, err := json.Marshal(runs.RunRecord{Config: other})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(runs.RecordPath(dir), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	// out-link already holds a link where fig5_mnist.png goes
	os.Mkdir(p("out-link"), 0o755)
	os.Symlink(p("elsewhere.png"), filepath.Join(p("out-link"), "fig5_mnist.png"))

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", p("out-runs"), "--runs", p("runs")}, "holds a run of another config"},
		{[]string{"--out", p("out-link"), "--runs", p("runs-link")}, "fig5_mnist.png"},
		{[]string{"--out", p("out-n"), "--n", "20000"}, "the mnist test split has 10000 images"},
	} {
		args := append([]string{"--quick", "--datasets", "mnist"}, tc.args...)
		if err := runFigures(args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("figures %q: got %v, want an error containing %q", args, err, tc.want)
		}
	}
	for _, made := range []string{"no-device", "out-runs", "out-n", "runs-link", "runs/unrestricted-mnist"} {
		if _, err := os.Lstat(p(made)); err == nil {
			t.Errorf("a refused figures command made %s", made)
		}
	}
}
