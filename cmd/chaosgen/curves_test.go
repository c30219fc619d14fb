package main

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"golang.org/x/sys/unix"
)

// TestCurves: two runs make one PNG, against step even where they were
// scored at other steps, and against images presented (--x images) where
// their config.json gives B; a run's metrics.csv stands for its folder; a
// sweep's folder is refused naming its runs; a missing metrics.csv or config.json (with
// --x images), an unknown --x, two folders of one name, no folder and an
// existing output folder as --out are errors.
func TestCurves(t *testing.T) {
	root := t.TempDir()
	mk := func(name string, steps ...int) string {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		var rows []runs.MetricsRow
		for i, s := range steps {
			rows = append(rows, runs.MetricsRow{Step: s, Report: indices.Report{T: 4, N: 10, E2: 1e-3 / float64(i+1), Es: 0.5, EAAI: 0.3, Coverage: 10}})
		}
		if err := runs.WriteMetrics(filepath.Join(dir, "metrics.csv"), rows); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	a, b := mk("a", 0, 100, 200), mk("b", 0, 100)
	other := mk("c", 0, 150)
	for dir, batch := range map[string]int{a: 200, other: 2000} {
		rec := runs.RunRecord{Config: chaoslib.Tuned(chaoslib.Restricted, "mnist")}
		rec.Config.Batch = batch
		raw, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config.json"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pipe := filepath.Join(root, "pipe") // a metrics.csv that would block a plain open
	os.Mkdir(pipe, 0o755)
	if err := unix.Mkfifo(filepath.Join(pipe, "metrics.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "curves.png")
	if err := runCurves([]string{"--out", out, a, b}); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Fatalf("curves.png: %v", err)
	}
	sweep := filepath.Join(root, "sweep")
	os.Mkdir(sweep, 0o755)
	os.WriteFile(runs.SweepPath(sweep), []byte("{}"), 0o644)
	for _, args := range [][]string{{a, other}, {"--x", "images", a, other}, {filepath.Join(a, "metrics.csv")}} {
		if err := runCurves(append([]string{"--out", out}, args...)); err != nil {
			t.Errorf("curves %q: %v", args, err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out", filepath.Join(root, "x.png"), filepath.Join(root, "none")}, "metrics.csv"},
		{[]string{"--out", filepath.Join(root, "x.png"), "--x", "images", a, b}, filepath.Join(b, "config.json")},
		{[]string{"--out", filepath.Join(root, "x.png"), "--x", "data", a}, "want step or images"},
		{[]string{"--out", filepath.Join(root, "x.png"), sweep}, "is a sweep: give its run folders, e.g. " + filepath.Join(sweep, "run-*")},
		{[]string{"--out", filepath.Join(root, "x.png"), a, a + "/"}, "two run folders"},
		{[]string{"--out", filepath.Join(root, "x.png")}, "run folders"},
		{[]string{"--out", root, a}, "--out"},
		{[]string{"--out", filepath.Join(root, "x.png"), pipe}, "not a regular file (a named pipe)"},
	} {
		if err := runCurves(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("curves %q: got %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestCurvesTitle: the default title names one run by its folder, and
// several by the folder that holds them, not by whichever came last.
func TestCurvesTitle(t *testing.T) {
	for _, tc := range []struct {
		dirs []string
		want string
	}{
		{[]string{"sweeps/a/run-001/"}, "run-001"},
		{[]string{"sweeps/a/run-001", "sweeps/a/run-002"}, "a"},
		{[]string{"sweeps/a/run-001", "sweeps/b/run-002", "sweeps/a/run-003"}, "3 runs"},
	} {
		if got := curvesTitle(tc.dirs); got != tc.want {
			t.Errorf("curvesTitle(%q) = %q, want %q", tc.dirs, got, tc.want)
		}
	}
}
