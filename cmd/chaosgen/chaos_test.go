package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestChaosFlagErrors checks that bad input to lyapunov, attractors and
// inpaint fails with a message naming the flag, before any work is done.
func TestChaosFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		run  func([]string) error
		args []string
		flag string
	}{
		{runLyapunov, []string{"--model", "deep"}, "--g"},
		{runLyapunov, []string{"--model", "nope", "--g", "1"}, "--model"},
		{runLyapunov, []string{"--model", "deep", "--g", "1,x"}, "--g"},
		{runLyapunov, []string{"--model", "deep", "--g", "-1"}, "--g"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--hidden", "5"}, "--hidden"},
		{runLyapunov, []string{"--model", "restricted", "--g", "1", "--n", "100000000"}, "--n 100000000: must be in 1…"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--n", "0"}, "--n"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--chains", "0"}, "--chains"},
		{runLyapunov, []string{"--model", "unrestricted", "--g", "1.5", "--chains", "1048576", "--k", "100"}, "--chains 1048576: needs about"}, // ~10¹² B of tangent vectors
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--t-max", "-3"}, "--t-max"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--k", "0"}, "--k"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--transient", "0"}, "default 50"}, // 0 is not "none"
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--g-visible", "-0.5"}, "--g-visible"},
		{runLyapunov, []string{"--model", "unrestricted", "--g", "1", "--g-visible", "0.5"}, "--g-visible"},
		{runLyapunov, []string{"--checkpoint", "x.npz", "--g-visible", "0.5"}, "--g-visible"},
		{runLyapunov, []string{"--checkpoint", "x.npz", "--T", "6"}, "--T"},
		{runInpaint, []string{"--checkpoint", "x.npz", "--mask", "random:0.0001"}, "--mask"}, // hides no pixel
		{runLyapunov, []string{"--checkpoint", "x.npz", "--g", "1"}, "--g"},
		{runLyapunov, []string{"--checkpoint", "/nonexistent.npz"}, "--checkpoint"},
		{runAttractors, []string{"--n", "10"}, "--checkpoint"},
		{runAttractors, []string{"--checkpoint", "x.npz", "--n", "0"}, "--n"},
		{runAttractors, []string{"--checkpoint", "x.npz", "--n", "1000000"}, "--n"}, // above chaos.MaxCensusStarts
		{runAttractors, []string{"--checkpoint", "x.npz", "--t", "-1"}, "--t"},
		{runAttractors, []string{"--checkpoint", "x.npz", "--distance", "0"}, "--distance"},
		{runAttractors, []string{"--checkpoint", "/nonexistent.npz"}, "--checkpoint"},
		{runInpaint, []string{"--checkpoint", "x.npz"}, "--mask"},
		{runInpaint, []string{"--checkpoint", "x.npz", "--mask", "bottom"}, "--mask"},
		{runInpaint, []string{"--checkpoint", "x.npz", "--mask", "square:40"}, "--mask"},
		{runInpaint, []string{"--checkpoint", "x.npz", "--mask", "top", "--n", "-2"}, "--n"},
		{runInpaint, []string{"--checkpoint", "/nonexistent.npz", "--mask", "top"}, "--checkpoint"},
	} {
		err := tc.run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.flag) {
			t.Errorf("%q: error %v, want one naming %s", tc.args, err, tc.flag)
		}
	}
}

// TestLyapunovGVisible: --g-visible and --T reach the untrained networks,
// and change what is measured: each row records its g_v and T, the same
// seed with a weaker drive into the pixels gives another λ_max, and a longer
// T another λ_T.
func TestLyapunovGVisible(t *testing.T) {
	measure := func(extra ...string) lyapunovRow {
		args := append([]string{"--model", "restricted", "--g", "1.5", "--n", "30", "--hidden", "20",
			"--chains", "2", "--t-max", "10", "--transient", "2", "--json"}, extra...)
		var rows []lyapunovRow
		out := captureStdout(t, func() {
			if err := runLyapunov(args); err != nil {
				t.Fatal(err)
			}
		})
		if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != 1 {
			t.Fatalf("%q: %v, %d rows from %q", args, err, len(rows), out)
		}
		return rows[0]
	}
	same, weak := measure(), measure("--g-visible", "0.25")
	if same.GVisible != 0 || weak.GVisible != 0.25 {
		t.Fatalf("rows record g_v = %g and %g, want 0 (= g) and 0.25", same.GVisible, weak.GVisible)
	}
	if same.LambdaMax == weak.LambdaMax {
		t.Errorf("λ_max = %g with and without --g-visible 0.25: the flag had no effect", same.LambdaMax)
	}
	// --T sets the window of λ_T and leaves λ_max (same chains and seed) alone
	long := measure("--T", "6")
	if same.T != 4 || long.T != 6 || long.LambdaT == same.LambdaT || long.LambdaMax != same.LambdaMax {
		t.Errorf("--T 6: T %g (default %g), λ_T %g (default %g), λ_max %g (default %g); want 6 and 4, another λ_T, the same λ_max",
			long.T, same.T, long.LambdaT, same.LambdaT, long.LambdaMax, same.LambdaMax)
	}
}
