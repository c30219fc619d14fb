package main

import (
	"os"
	"testing"
)

// TestExitCodes runs the dispatcher as main does: 2 for no or an unknown
// command, 1 for a failing command, 0 for help.
func TestExitCodes(t *testing.T) {
	// the commands print their usage and errors on stderr: keep test output clean
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	stderr := os.Stderr
	os.Stderr = devnull
	defer func() { os.Stderr = stderr }()

	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, exitUsage},
		{[]string{"frobnicate"}, exitUsage},
		{[]string{"help"}, exitOK},
		{[]string{"--help"}, exitOK},
		{[]string{"train", "-h"}, exitOK},
		{[]string{"train", "--no-such-flag"}, exitError},
		{[]string{"train", "--model", "deep"}, exitError}, // no --out
		{[]string{"train", "--out", t.TempDir(), "--resume"}, exitError},
		{[]string{"sweep", "--grid", "nonsense=1", "--dry-run"}, exitError},
		{[]string{"rbm", "--out", t.TempDir(), "--k", "0"}, exitError},
	} {
		if got := run(tc.args); got != tc.want {
			t.Errorf("chaosgen %q: exit %d, want %d", tc.args, got, tc.want)
		}
	}
}
