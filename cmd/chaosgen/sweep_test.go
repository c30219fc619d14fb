package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/datatest"
)

// captureStdout returns what fn prints on stdout; its stderr is dropped.
func captureStdout(t *testing.T, fn func()) string {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = f, null
	defer func() { os.Stdout, os.Stderr = stdout, stderr }()
	fn()
	if _, err := f.Seek(0, 0); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// trainLines parses the `chaosgen train …` lines of out with the train
// command's own flags.
func trainLines(t *testing.T, out string) []chaoslib.Config {
	t.Helper()
	var cfgs []chaoslib.Config
	for _, line := range strings.Split(out, "\n") {
		args, ok := strings.CutPrefix(strings.TrimSpace(line), "chaosgen train ")
		if !ok {
			continue
		}
		j, err := parseTrain(strings.Fields(args))
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		cfgs = append(cfgs, j.cfg)
	}
	return cfgs
}

// TestSweepStringAxes: `sweep --dry-run` over string and numeric axes
// prints one point per grid point, last axis fastest, each with a `chaosgen
// train` line that sets the point's values (string flags included); a bad
// choice is refused naming the flag and the value.
func TestSweepStringAxes(t *testing.T) {
	type point struct {
		opt, diag string
		lr        float64
	}
	for _, tc := range []struct {
		grid   string
		random string
		want   []point // in run order; nil: any distinct points of the grid
		n      int
	}{
		{grid: "optimizer=sgd,adam;diag-a=trained,zero;lr=0.01", n: 4,
			want: []point{{"sgd", "trained", 0.01}, {"sgd", "zero", 0.01}, {"adam", "trained", 0.01}, {"adam", "zero", 0.01}}},
		{grid: "optimizer=sgd,momentum,adam;diag-a=trained,zero;lr=0.01,0.02", random: "5", n: 5},
	} {
		args := []string{"--model", "unrestricted", "--preset", "tiny", "--dry-run", "--grid", tc.grid}
		if tc.random != "" {
			args = append(args, "--random", tc.random)
		}
		var err error
		out := captureStdout(t, func() { err = runSweep(args) })
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		cfgs := trainLines(t, out)
		if len(cfgs) != tc.n {
			t.Fatalf("%q: %d train lines, want %d:\n%s", args, len(cfgs), tc.n, out)
		}
		again := captureStdout(t, func() { err = runSweep(args) })
		if err != nil || again != out {
			t.Fatalf("%q: a second run printed other points (%v):\n%s\n%s", args, err, out, again)
		}
		seen := map[point]bool{}
		for i, c := range cfgs {
			p := point{c.Optimizer, c.DiagA, c.LR}
			if tc.want != nil && p != tc.want[i] {
				t.Errorf("%q: run %d is %+v, want %+v", args, i, p, tc.want[i])
			}
			if !strings.Contains(out, "optimizer="+p.opt+" diag-a="+p.diag) || seen[p] || c.Arch != chaoslib.Unrestricted {
				t.Errorf("%q: run %d %+v missing from the listing, repeated, or of another model:\n%s", args, i, p, out)
			}
			seen[p] = true
		}
	}

	for _, tc := range []struct{ grid, want string }{
		{"optimizer=sgd,rmsprop", `--grid "optimizer=sgd,rmsprop": axis "optimizer=sgd,rmsprop": field optimizer: --optimizer "rmsprop": want one of sgd, momentum or adam`},
		{"lr=0.01;minibatch=epoch,shuffle", `--minibatch "shuffle": want one of replace or epoch`},
		{"model=deep", `unknown field "model"`},
	} {
		err := runSweep([]string{"--dry-run", "--grid", tc.grid})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--grid %q: error %v, want one containing %q", tc.grid, err, tc.want)
		}
	}
}

// TestSweepHiddenLR: a grid over hidden with the tuned preset and no η of
// its own gives each point the tuned η for its sizes, as `train --hidden`
// does (0.5/M for the 2-layer model, min(0.002, 2/M1) for the deep one);
// an η from --lr, from the grid or from another preset is kept.
func TestSweepHiddenLR(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []float64
	}{
		{[]string{"--model", "restricted", "--grid", "hidden=1000,4000"}, []float64{5e-4, 1.25e-4}},
		{[]string{"--model", "deep", "--grid", "hidden=500,4000"}, []float64{0.002, 5e-4}},
		{[]string{"--model", "restricted", "--grid", "hidden=1000,4000", "--lr", "0.01"}, []float64{0.01, 0.01}},
		{[]string{"--model", "restricted", "--grid", "hidden=1000,4000;lr=0.003"}, []float64{0.003, 0.003}},
		{[]string{"--model", "restricted", "--grid", "hidden=1000,4000", "--preset", "paper"}, []float64{0.05, 0.05}},
		{[]string{"--model", "restricted", "--grid", "g=1,2"}, []float64{2.5e-4, 2.5e-4}}, // the preset's M = 2,000
	} {
		var err error
		out := captureStdout(t, func() { err = runSweep(append([]string{"--dry-run", "--steps", "10"}, tc.args...)) })
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		cfgs := trainLines(t, out)
		if len(cfgs) != len(tc.want) {
			t.Fatalf("%q: %d points, want %d:\n%s", tc.args, len(cfgs), len(tc.want), out)
		}
		for i, c := range cfgs {
			if c.LR != tc.want[i] {
				t.Errorf("%q: point %d (hidden %v) has η %g, want %g", tc.args, i, c.Hidden, c.LR, tc.want[i])
			}
		}
	}
}

// TestSweepTableStrings: the sweep table shows string columns as the flag
// takes them, and the best run's `chaosgen train` line carries them.
func TestSweepTableStrings(t *testing.T) {
	configs := runs.Grid(runs.SweepSpec{Base: chaoslib.Tiny(chaoslib.Restricted),
		Axes: []runs.Axis{{Field: "lr-schedule", Values: []string{"constant", "cosine"}}, {Field: "optimizer", Values: []string{"momentum", "adam"}}}})
	var rows []runs.SweepRow
	for i, c := range configs {
		// run 2 (cosine, momentum) has the lowest EAAI
		rows = append(rows, runs.SweepRow{Run: i, Config: c, Steps: 10, Status: "ok",
			Report: &indices.Report{EAAI: []float64{0.4, 0.3, 0.1, 0.2}[i], Coverage: 10}})
	}
	out := captureStdout(t, func() { printSweepTable(rows, runs.VariedFields(configs), "sw") })
	lines := strings.Split(out, "\n")
	if head := strings.Fields(lines[0]); !reflect.DeepEqual(head[:3], []string{"run", "lr-schedule", "optimizer"}) {
		t.Fatalf("header %q", lines[0])
	}
	if first := strings.Fields(lines[1]); !reflect.DeepEqual(first[:3], []string{"run-002", "cosine", "momentum"}) {
		t.Fatalf("best row %q", lines[1])
	}
	best := trainLines(t, out)
	if len(best) != 1 || !reflect.DeepEqual(best[0], configs[2]) || !strings.Contains(out, filepath.Join("sw", "best")) {
		t.Fatalf("best-run line does not give back run 2's config:\n%s", out)
	}
}

// TestSweepNErrors: a --final-n or --eval-n that is negative, too small,
// too large for memory or larger than the test set is refused before
// anything is written, so that the corrected command can use the folder.
func TestSweepNErrors(t *testing.T) {
	for _, tc := range []struct {
		flag, n, want string
	}{
		{"final-n", "-1", "--final-n -1: must be in 2…"},
		{"final-n", "1", "--final-n 1: must be in 2…"},
		{"final-n", "4000000000", "--final-n 4000000000:"},
		{"final-n", "20000", "--final-n 20000: the mnist test set has 10000 images"}, // after the data are loaded
		{"eval-n", "20000", "--eval-n 20000: the mnist test set has 10000 images"},
	} {
		if tc.n == "20000" {
			needMNIST(t)
		}
		out := filepath.Join(t.TempDir(), "sw")
		err := runSweep([]string{"--model", "restricted", "--grid", "lr=0.01", "--out", out, "--" + tc.flag, tc.n})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("--%s %s: error %v, want one containing %q", tc.flag, tc.n, err, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--%s %s: %s was created", tc.flag, tc.n, out)
		}
	}
}

// TestSameSweep: a sweep folder is continued only by the same sweep (the
// command line aside); another grid or n is refused, naming the keys.
func TestSameSweep(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sweep.json")
	rec := func(command string, evalN int, axes string) []byte {
		return []byte(fmt.Sprintf(`{"command": %q, "axes": [%q], "eval_n": %d, "runs": 2}`, command, axes, evalN))
	}
	if err := sameSweep(path, rec("a", 500, "lr")); err != nil {
		t.Fatalf("no sweep.json yet: %v", err)
	}
	os.WriteFile(path, rec("a", 500, "lr"), 0o644)
	if err := sameSweep(path, rec("a --device cpu", 500, "lr")); err != nil {
		t.Errorf("same sweep, other command line: %v", err)
	}
	err := sameSweep(path, rec("a", 20, "g"))
	if err == nil || !strings.Contains(err.Error(), "(axes, eval_n differ") {
		t.Errorf("another sweep: error %v, want one naming axes and eval_n", err)
	}
}

// needMNIST loads the MNIST test set, for a test whose case is refused only
// after the data are loaded (datatest.Missing when they are not there).
func needMNIST(t *testing.T) {
	t.Helper()
	if _, err := data.Load("mnist", "test"); err != nil {
		datatest.Missing(t, err)
	}
}

// TestSweepFlagAndAxis: a base flag that the grid also sweeps is refused
// (the grid's values would replace it without a word); a base flag the grid
// leaves alone is kept.
func TestSweepFlagAndAxis(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // "" for no error
	}{
		{[]string{"--lr", "0.1", "--grid", "lr=0.01,0.02"}, "--lr is also an axis of --grid"},
		{[]string{"--grid", "g=1,2;hidden=100", "--hidden", "50"}, "--hidden is also an axis of --grid"},
		{[]string{"--g", "2", "--grid", "lr=0.01,0.02"}, ""},
	} {
		args := append([]string{"--model", "restricted", "--preset", "tiny", "--dry-run"}, tc.args...)
		err := runSweep(args)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
