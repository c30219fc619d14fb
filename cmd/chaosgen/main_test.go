package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"slices"
	"strings"
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

// TestDecimalInts: an integer flag's zero-padded value is read as decimal
// (Go's flag package reads 010 as 8 and refuses 08), in both spellings of a
// flag; other values, other flags' values and arguments after the flags
// are left as they are.
func TestDecimalInts(t *testing.T) {
	for _, tc := range []struct {
		args []string
		n    int
		seed uint64
		out  string
		rest []string
	}{
		{args: []string{"--n", "010"}, n: 10},
		{args: []string{"-n=08", "--seed=0009"}, n: 8, seed: 9},
		{args: []string{"--n", "-007"}, n: -7},
		{args: []string{"--n", "000"}, n: 0},
		{args: []string{"--n", "0x10"}, n: 16}, // an explicit base stays
		{args: []string{"--out", "010", "--n", "1_000"}, n: 1000, out: "010"},
		{args: []string{"--quick", "010"}, rest: []string{"010"}},                              // a boolean takes no value
		{args: []string{"--", "--n", "010"}, rest: []string{"--n", "010"}},                     // after the flags
		{args: []string{"--quick=true", "x", "--n", "010"}, rest: []string{"x", "--n", "010"}}, // after a positional argument
	} {
		fs := newFlags("test", "")
		n := fs.Int("n", 0, "")
		seed := fs.Uint64("seed", 0, "")
		out := fs.String("out", "", "")
		fs.Bool("quick", false, "")
		if err := parseFlags(fs, tc.args); err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if *n != tc.n || *seed != tc.seed || *out != tc.out || !slices.Equal(fs.Args(), tc.rest) {
			t.Errorf("%q: n %d, seed %d, out %q, rest %q; want %d, %d, %q, %q", tc.args, *n, *seed, *out, fs.Args(), tc.n, tc.seed, tc.out, tc.rest)
		}
	}
}

// TestParseFlagsQuiet: a bad flag prints nothing (no flag list above the
// error) and its error points to -h; -h prints the usage.
func TestParseFlagsQuiet(t *testing.T) {
	for _, tc := range []struct {
		args      []string
		wantUsage bool
		wantErr   string
	}{
		{[]string{"--bogus"}, false, "-bogus (the flags: chaosgen x -h)"},
		{[]string{"--n", "many"}, false, "(the flags: chaosgen x -h)"},
		{[]string{"-h"}, true, ""},
		{[]string{"--n", "3"}, false, ""},
	} {
		fs := newFlags("x", "[--n N]")
		fs.Int("n", 0, "a number")
		var out bytes.Buffer
		fs.SetOutput(&out)
		err := parseFlags(fs, tc.args)
		if got := strings.Contains(out.String(), "usage: chaosgen x"); got != tc.wantUsage {
			t.Errorf("%q: usage printed %v, want %v:\n%s", tc.args, got, tc.wantUsage, out.String())
		}
		if !tc.wantUsage && out.Len() > 0 {
			t.Errorf("%q: printed %q, want nothing", tc.args, out.String())
		}
		switch {
		case tc.wantUsage && !errors.Is(err, flag.ErrHelp):
			t.Errorf("%q: error %v, want flag.ErrHelp", tc.args, err)
		case tc.wantErr == "" && !tc.wantUsage && err != nil:
			t.Errorf("%q: error %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.wantErr)
		}
	}
}
