package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// errInterrupted is returned by a command stopped by SIGINT or SIGTERM
// after it saved its state and said how to continue; run exits with
// exitInterrupted.
var errInterrupted = errors.New("interrupted")

// output is an output file, the flag that names it and the extension of
// the format written there (".npy", ".png", ".npz").
type output struct{ flag, path, ext string }

// checkOutputs refuses, before any work starts, an output that cannot be
// written safely (safefile.CheckOutput: empty, a device, a link, a folder,
// one of the inputs, a missing folder), that is a run's own file
// (runs.RunFile) or whose name does not end in the extension of what is
// written there (so two outputs of one command, each of its own format or
// time, never share a name). Errors name the flag.
func checkOutputs(inputs []string, outs ...output) error {
	for _, o := range outs {
		if err := safefile.CheckOutput(o.path, inputs...); err != nil {
			return fmt.Errorf("--%s %q: %v", o.flag, o.path, err)
		}
		if run, ok := runs.RunFile(o.path); ok {
			return fmt.Errorf("--%s %q: a file of the run in %s, which its own command writes; write to a file outside it", o.flag, o.path, run)
		}
		if ext := filepath.Ext(o.path); !strings.EqualFold(ext, o.ext) {
			return fmt.Errorf("--%s %q: writes a %s file; give a name ending in %s", o.flag, o.path, o.ext, o.ext)
		}
	}
	return nil
}

// checkTime checks that t is a time cfg's model can run to: finite, ≥ 0,
// a whole number of Euler steps of dt, at most chaoslib.MaxEulerSteps steps.
func checkTime(flag string, t float64, cfg chaoslib.Config) error {
	if _, err := cfg.StepsAt(t); err != nil {
		return fmt.Errorf("--%s %g: %v", flag, t, err)
	}
	return nil
}

// runTimes returns the sampling times of --t and --times (given: whether
// --t was on the command line): --times's list, else --t, else the model's
// T; the two flags together are refused. Each time is checked (checkTime),
// and two times of one Euler step are refused (they would name two files
// of the same samples).
func runTimes(tGiven bool, t float64, times string, cfg chaoslib.Config) ([]float64, error) {
	if tGiven && times != "" {
		return nil, errors.New("give --t or --times, not both")
	}
	ts := []float64{cfg.T}
	if tGiven {
		ts = []float64{t}
	}
	if times != "" {
		var err error
		if ts, err = parseTimes(times); err != nil {
			return nil, err
		}
	}
	flag := "t"
	if times != "" {
		flag = "times"
	}
	at := map[int]float64{} // Euler step → the time listed for it
	for _, t := range ts {
		if err := checkTime(flag, t, cfg); err != nil {
			return nil, err
		}
		n := cfg.EulerSteps(t)
		if u, ok := at[n]; ok {
			return nil, fmt.Errorf("--times %q: %g and %g are the same Euler step (t = %g)", times, u, t, cfg.RunTime(t))
		}
		at[n] = t
	}
	return ts, nil
}

// parseTimes parses "1,2,4" into at most chaoslib.MaxTimes distinct times ≥ 0.
func parseTimes(s string) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) > chaoslib.MaxTimes {
		return nil, fmt.Errorf("--times: %d times, at most %d", len(parts), chaoslib.MaxTimes)
	}
	var out []float64
	for _, f := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("--times %q: %q is not a time ≥ 0", s, f)
		}
		if slices.Contains(out, v) { // each time names one output file
			return nil, fmt.Errorf("--times %q: %g is listed twice", s, v)
		}
		out = append(out, v)
	}
	return out, nil
}

// checkRows checks a count of chains or samples given by a flag.
func checkRows(flag string, n int) error {
	if n <= 0 || n > chaoslib.MaxRows {
		return fmt.Errorf("--%s %d: must be in 1…%d", flag, n, chaoslib.MaxRows)
	}
	return nil
}

// checkScoreN checks a flag that sets how many samples the indices score:
// at least indices.MinN (a covariance needs two), at most chaoslib.MaxRows.
func checkScoreN(flag string, n int) error {
	if n < indices.MinN || n > chaoslib.MaxRows {
		return fmt.Errorf("--%s %d: must be in %d…%d (the indices compare covariances, which need %d samples or more)",
			flag, n, indices.MinN, chaoslib.MaxRows, indices.MinN)
	}
	return nil
}

// checkMemory is chaoslib.CheckMemory for an estimate that a flag drives,
// in the flag's words.
func checkMemory(flag string, value any, need int64) error {
	var fe *chaoslib.FieldError
	if err := chaoslib.CheckMemory(flag, value, need); errors.As(err, &fe) {
		return fmt.Errorf("--%s %v: %s", flag, value, fe.Rule)
	}
	return nil
}

// warn prints a note that does not stop the command (e.g. a stale lock
// taken over).
func warn(msg string) { fmt.Fprintln(os.Stderr, "chaosgen: note:", msg) }

// precheckRun refuses a foreign or busy run folder dir for kind before the
// data are loaded (runs.CheckRun), without creating or marking it, so that
// a command refused later (an unbuilt --device, say) leaves no folder
// behind; the run loop claims it for the run.
func precheckRun(dir, kind string) error {
	if err := runs.CheckRun(dir, kind); err != nil {
		return fmt.Errorf("--out: %v", err)
	}
	return nil
}
