package main

import (
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
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--n", "0"}, "--n"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--chains", "0"}, "--chains"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--t-max", "-3"}, "--t-max"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--k", "0"}, "--k"},
		{runLyapunov, []string{"--model", "deep", "--g", "1", "--transient", "0"}, "default 50"}, // 0 is not "none"
		{runInpaint, []string{"--checkpoint", "x.npz", "--mask", "random:0.0001"}, "--mask"},     // hides no pixel
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
