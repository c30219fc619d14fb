package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
)

// randomConfig draws a valid Config with every ConfigFields field away from
// its preset value, floats of any magnitude and digits.
func randomConfig(rng *rand.Rand) chaoslib.Config {
	arch := chaoslib.Archs()[rng.IntN(3)]
	c := chaoslib.PaperMNIST(arch)
	c.Dataset = data.Datasets()[rng.IntN(len(data.Datasets()))]
	for i := range c.Hidden {
		c.Hidden[i] = 1 + rng.IntN(2000)
	}
	pos := func() float64 { return rng.ExpFloat64() * []float64{1e-7, 1e-3, 1, 1e3}[rng.IntN(4)] }
	c.G, c.Sigma, c.LR = pos(), pos(), pos()
	c.Tau = 0.1 + 10*rng.Float64()
	c.Dt = c.Tau * (0.01 + 0.99*rng.Float64())
	c.T = c.Dt * float64(1+rng.IntN(100))
	c.Batch, c.Chains, c.Steps = 1+rng.IntN(1000), 1+rng.IntN(1000), rng.IntN(1e6)
	c.DataClip = rng.Float64() * 0.5
	c.Seed = rng.Uint64()
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	c.LRSchedule, c.LRMin, c.Warmup = pick("constant", "linear", "cosine"), c.LR*rng.Float64(), rng.IntN(min(1000, max(1, c.Steps)))
	if c.LRSchedule == "constant" {
		c.LRMin = 0 // a floor applies to a decay only
	}
	c.Optimizer, c.Beta1, c.Beta2, c.AdamEps = pick("sgd", "momentum", "adam"), rng.Float64(), rng.Float64(), pos()
	c.EMA, c.L2 = rng.Float64(), pos()
	c.Minibatch = pick("replace", "epoch")
	if arch == chaoslib.Unrestricted {
		c.DiagA = pick("trained", "zero")
	} else {
		c.GVisible, c.ClampRelax = pos(), pick("exact", "euler")
	}
	return c
}

// TestTrainArgsRoundTrip: for random configs and every preset, runs.TrainArgs
// and then the train command's flag parsing give back the same Config.
func TestTrainArgsRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var presets []chaoslib.Config // their learning-rule fields at or away from the plain rule's values
	for _, name := range chaoslib.PresetNames() {
		for _, arch := range chaoslib.Archs() {
			c, err := chaoslib.Preset(name, arch, "fashion-mnist")
			if err != nil {
				t.Fatal(err)
			}
			presets = append(presets, c)
		}
	}
	for i := range 200 + len(presets) {
		want := randomConfig(rng)
		if i >= 200 {
			want = presets[i-200]
		}
		if err := want.Validate(); err != nil {
			t.Fatalf("config %d: randomConfig drew an invalid config: %v", i, err)
		}
		args := runs.TrainArgs(want, "runs/x")
		j, err := parseTrain(args)
		if err != nil {
			t.Fatalf("config %d: parse %q: %v", i, args, err)
		}
		if !reflect.DeepEqual(j.cfg, want) || j.out != "runs/x" {
			t.Fatalf("config %d: %q parsed to\n%+v (out %s), want\n%+v", i, args, j.cfg, j.out, want)
		}
	}
}

// writeRun writes a run folder's config.json holding rec.
func writeRun(t *testing.T, rec any) string {
	t.Helper()
	dir := t.TempDir()
	js, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), js, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestResumeRules: --resume accepts flags equal to the run's own values
// (the README's command among them), lets --steps and the evaluation flags
// change, and refuses real changes, naming each with both values.
func TestResumeRules(t *testing.T) {
	run := chaoslib.PaperMNIST(chaoslib.Restricted)
	run.LR, run.DataClip, run.Steps = 0.0025, 0.05, 1500
	info := runs.RunInfo{EvalEvery: 75, EvalN: 500}
	dir := writeRun(t, runs.RunRecord{Config: run, RunInfo: info})
	noData := run
	noData.Dataset = ""
	dirNoData := writeRun(t, runs.RunRecord{Config: noData, RunInfo: info})

	longer := run
	longer.Steps = 3000
	for _, tc := range []struct {
		name string
		args []string
		want chaoslib.Config
		errs []string // substrings of the error; nil: no error
	}{
		{"README command", []string{"--model", "restricted", "--dataset", "mnist", "--out", dir, "--resume"}, run, nil},
		{"bare", []string{"--out", dir, "--resume"}, run, nil},
		{"same values spelled otherwise", []string{"--model", "2-layer", "--lr", "2.5e-3", "--hidden", "500", "--seed", "1", "--out", dir, "--resume"}, run, nil},
		{"more steps", []string{"--steps", "3000", "--out", dir, "--resume"}, longer, nil},
		{"one change", []string{"--g", "2", "--out", dir, "--resume"}, run, []string{"--g 2 (the run has 1.5)"}},
		{"every change named", []string{"--model", "deep", "--lr", "0.01", "--dataset", "fashion-mnist", "--out", dir, "--resume"}, run,
			[]string{"--model deep (the run has restricted)", "--dataset fashion-mnist (the run has mnist)", "--lr 0.01 (the run has 0.0025)"}},
		{"preset refused", []string{"--preset", "tiny", "--out", dir, "--resume"}, run, []string{"--preset"}},
		{"no run", []string{"--out", filepath.Join(dir, "nothing"), "--resume"}, run, []string{"--resume", "config.json"}},
		{"run without data set takes --dataset", []string{"--dataset", "fashion-mnist", "--out", dirNoData, "--resume"},
			func() chaoslib.Config { c := run; c.Dataset = "fashion-mnist"; return c }(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, err := parseTrain(tc.args)
			if tc.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(j.cfg, tc.want) {
					t.Fatalf("config %+v, want %+v", j.cfg, tc.want)
				}
				if j.evalEvery != 75 || j.evalN != 500 {
					t.Fatalf("eval-every %d, eval-n %d: want the run's 75, 500", j.evalEvery, j.evalN)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.errs)
			}
			for _, s := range tc.errs {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

// TestTrainFlagErrors: bad flags fail before any work, naming the flag.
func TestTrainFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{}, "--out DIR is required"},
		{[]string{"--out", "x", "extra"}, `unexpected argument "extra"`},
		{[]string{"--out", "x", "--model", "4-layer"}, "--model: unknown model"},
		{[]string{"--out", "x", "--hidden", "5,x"}, `--hidden "5,x": want positive integers`},
		{[]string{"--out", "x", "--hidden", "5,6"}, "--hidden [5 6]: needs 1 sizes"},
		{[]string{"--out", "x", "--preset", "huge"}, `--preset "huge"`},
		{[]string{"--out", "x", "--T", "4", "--dt", "0.3"}, "--T 4: time 4 is not a whole number of Euler steps"},
		{[]string{"--out", "x", "--batch", "0"}, "--batch 0: must be in 1…"},
		{[]string{"--out", "x", "--g", "much"}, `invalid value "much" for flag -g`},
		{[]string{"--out", "x", "--dataset", "cifar"}, `--dataset "cifar": want one of`},
		{[]string{"--out", "x", "--eval-n", "0"}, "--eval-n 0: must be in 2…"},
		{[]string{"--out", "x", "--eval-n", "1"}, "--eval-n 1: must be in 2…"}, // one sample: E2 = Es = 0
		{[]string{"--out", "x", "--optimizer", "foo"}, `--optimizer "foo": want one of sgd, momentum or adam`},
		{[]string{"--out", "x", "--lr-schedule", "Cosine"}, `--lr-schedule "Cosine": want one of`},
		{[]string{"--out", "x", "--minibatch", "all"}, `--minibatch "all": want one of`},
		{[]string{"--out", "x", "--eval-every", "-1"}, "--eval-every -1: must be ≥ 0"},
	} {
		_, err := parseTrain(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}

// TestRBMResumeRules: rbm --resume follows train's rules.
func TestRBMResumeRules(t *testing.T) {
	run := rbm.FromChaos(chaoslib.PaperMNIST(chaoslib.Restricted))
	run.N, run.LR, run.Steps, run.InitBias, run.Units = data.Pixels, 0.005, 1500, "zero", "spin"
	dir := writeRun(t, runs.RBMRecord{Model: "rbm", Config: run, RunInfo: runs.RunInfo{EvalEvery: 75, EvalN: 500}})
	j, err := parseRBM([]string{"--dataset", "mnist", "--lr", "0.005", "--hidden", "500", "--steps", "3000", "--out", dir, "--resume"})
	if err != nil {
		t.Fatal(err)
	}
	want := run
	want.Steps = 3000
	if !reflect.DeepEqual(j.cfg, want) || j.evalEvery != 75 || j.evalN != 500 {
		t.Fatalf("resumed %+v (eval %d, %d), want %+v (75, 500)", j.cfg, j.evalEvery, j.evalN, want)
	}
	_, err = parseRBM([]string{"--k", "5", "--lr", "0.01", "--out", dir, "--resume"})
	for _, s := range []string{"--k 5 (the run has 20)", "--lr 0.01 (the run has 0.005)"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v lacks %q", err, s)
		}
	}
	chaotic := writeRun(t, runs.RunRecord{Config: chaoslib.PaperMNIST(chaoslib.Restricted)})
	if _, err := parseRBM([]string{"--out", chaotic, "--resume"}); err == nil || !strings.Contains(err.Error(), "not an RBM run") {
		t.Errorf("resuming a chaotic run as an RBM: %v", err)
	}
	if _, err := parseRBM([]string{"--out", "x", "--k", "0"}); err == nil || !strings.Contains(err.Error(), "--k 0") {
		t.Errorf("--k 0: %v", err)
	}
}

// TestDefaultsFollowDataset: with no --hidden, train takes the 2-layer
// model's M and η of the tuned preset for the --dataset given (they differ
// between the data sets); --hidden overrides M, and then η follows it
// (chaoslib.TunedLR, also for the deep model) unless --lr is given too or
// the preset is not tuned.
func TestDefaultsFollowDataset(t *testing.T) {
	mnist, fashion := chaoslib.Tuned(chaoslib.Restricted, "mnist"), chaoslib.Tuned(chaoslib.Restricted, "fashion-mnist")
	if mnist.Hidden[0] == fashion.Hidden[0] {
		t.Fatalf("the tuned preset has M = %d on both data sets; this test needs them to differ", mnist.Hidden[0])
	}
	paper := chaoslib.PaperMNIST(chaoslib.Restricted)
	for _, c := range []struct {
		args []string
		m    int
		lr   float64
	}{
		{nil, mnist.Hidden[0], mnist.LR},
		{[]string{"--dataset", "mnist"}, mnist.Hidden[0], mnist.LR},
		{[]string{"--dataset", "fashion-mnist"}, fashion.Hidden[0], fashion.LR},
		{[]string{"--dataset", "mnist", "--hidden", "1000"}, 1000, 5e-4},        // 0.5/1000
		{[]string{"--dataset", "fashion-mnist", "--hidden", "250"}, 250, 0.002}, // 0.5/250
		{[]string{"--hidden", "250", "--lr", "0.01"}, 250, 0.01},
		{[]string{"--preset", "paper", "--hidden", "250"}, 250, paper.LR},
		{[]string{"--model", "deep", "--hidden", "1000,500"}, 1000, 0.002}, // 2/1000; the preset's M1 = 2,000 has 0.001
		{[]string{"--model", "deep", "--hidden", "4000,500", "--lr", "0.003"}, 4000, 0.003},
	} {
		j, err := parseTrain(append([]string{"--out", "x"}, c.args...))
		if err != nil {
			t.Fatal(err)
		}
		if j.cfg.Hidden[0] != c.m || j.cfg.LR != c.lr {
			t.Errorf("%q: M %d, η %g; want %d, %g", c.args, j.cfg.Hidden[0], j.cfg.LR, c.m, c.lr)
		}
	}
}

// TestRefusedRunLeavesNoFolder: train refused after its flags (here for a
// --device no build has) creates no run folder.
func TestRefusedRunLeavesNoFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	err := runTrain([]string{"--out", out, "--device", "tpu"})
	if err == nil || !strings.Contains(err.Error(), "--device") {
		t.Fatalf("train --device tpu: %v, want a --device error", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("train --device tpu left %s behind (%v)", out, err)
	}
	needMNIST(t)
	err = runTrain([]string{"--out", out, "--preset", "tiny", "--steps", "2", "--eval-n", "20000"}) // refused after the data are loaded
	if err == nil || !strings.Contains(err.Error(), "--eval-n 20000") {
		t.Fatalf("train --eval-n 20000: %v, want an --eval-n error", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("train --eval-n 20000 left %s behind (%v)", out, err)
	}
}
