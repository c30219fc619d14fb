package main

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/internal/memory"
)

// saveCheckpoint writes the untrained model of cfg as a checkpoint; edit
// (may be nil) changes its arrays first.
func saveCheckpoint(t *testing.T, cfg chaoslib.Config, path string, edit func(*chaoslib.Checkpoint)) string {
	t.Helper()
	be := cpu.New(1)
	defer be.Close()
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := chaoslib.NewTrainer(m, blas32.General{Rows: 1, Cols: cfg.N, Stride: cfg.N, Data: make([]float32, cfg.N)})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ck := tr.Checkpoint()
	if edit != nil {
		edit(ck)
	}
	if err := ck.Save(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func fileSum(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "missing: " + err.Error()
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

// TestIssue15 replays the bad inputs of issue 15 (and a few more) against
// the commands: each must fail with an error that names its cause, before
// any work, leaving every file as it was. Cases that need a data set or
// a training run are covered in chaoslib/runs (resume rules, locks) and
// chaoslib (checkpoint meta.json, divergence).
func TestIssue15(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir()) // run folders are named by their real path
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHAOSGEN_DATA", filepath.Join(dir, "no-data")) // a case that loads the data fails on it
	p := func(name string) string { return filepath.Join(dir, name) }
	ck := saveCheckpoint(t, chaoslib.Tiny(chaoslib.Restricted), p("ck.npz"), nil)
	small := chaoslib.Tiny(chaoslib.Restricted)
	small.N = 100
	ck100 := saveCheckpoint(t, small, p("n100.npz"), nil)
	// a checkpoint whose stored fixed couplings are not its seed's
	odd := saveCheckpoint(t, chaoslib.Tiny(chaoslib.Restricted), p("odd.npz"), func(c *chaoslib.Checkpoint) {
		for i := range c.Params {
			if strings.HasPrefix(c.Params[i].Name, "Jdown") {
				c.Params[i].Data[0] += 1
			}
		}
	})
	os.Mkdir(p("files"), 0o755) // a folder of its own: an rbm.npz marks its folder as an RBM run
	if r, err := rbm.New(rbm.Config{Dataset: "mnist", N: 784, M: 4, K: 2, LR: 0.01, Batch: 2, Chains: 2, Steps: 1, InitStd: 0.01, Seed: 1}); err != nil || r.Save(p("files/rbm.npz")) != nil {
		t.Fatal(err)
	}
	os.Symlink(p("target.npy"), p("link.npy"))
	os.WriteFile(p("afile"), []byte("x"), 0o644)
	os.Mkdir(p("rbm-run"), 0o755)
	os.WriteFile(p("rbm-run/rbm.npz"), []byte("x"), 0o644)
	os.Mkdir(p("other"), 0o755)
	os.WriteFile(p("other/config.json"), []byte(`{"not": "a run"}`), 0o644)
	os.WriteFile(p("other/metrics.csv"), []byte("a,b\n1,2\n"), 0o644)
	os.Mkdir(p("curves-run"), 0o755)
	os.WriteFile(p("curves-run/metrics.csv"), []byte("step,seconds,t,n,E2,Es,ER,EAAI,AA_truth,AA_syn,coverage\n0,0,4,100,0.1,0.1,,0.5,1,1,3\n"), 0o644)
	trainRun := filepath.Join(dir, "train-run")
	if claim, err := runs.ClaimRun(trainRun, runs.KindTrain, nil); err != nil {
		t.Fatal(err)
	} else {
		claim.Release()
	}
	os.Mkdir(runs.CheckpointDir(trainRun), 0o755)
	legacy := p("legacy") // a run folder written before markers, as pretrained/'s
	os.MkdirAll(runs.CheckpointDir(legacy), 0o755)
	rec, _ := json.Marshal(map[string]any{"config": chaoslib.Tiny(chaoslib.Restricted)})
	os.WriteFile(runs.RecordPath(legacy), rec, 0o644)
	os.Symlink(trainRun, p("runlink"))
	os.Symlink(runs.CheckpointDir(trainRun), p("cklink"))
	busy := p("busy")
	claim, err := runs.ClaimRun(busy, runs.KindTrain, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Release()
	times := strings.TrimSuffix(strings.Repeat("1,", 5000), ",")
	var values200 string // 1,2,…,200
	for i := 1; i <= 200; i++ {
		values200 += fmt.Sprintf(",%d", i)
	}
	values200 = values200[1:]
	big := 2 * chaoslib.MaxRows

	watched := []string{ck, ck100, odd, p("other/config.json"), p("other/metrics.csv"), p("rbm-run/rbm.npz"), runs.RecordPath(legacy)}
	before := map[string]string{}
	for _, f := range watched {
		before[f] = fileSum(f)
	}
	for _, tc := range []struct {
		cmd  func([]string) error
		args []string
		want string
	}{
		// data loss
		{runSample, []string{"--checkpoint", ck, "--out", ck}, "is also the input"},
		{runSample, []string{"--checkpoint", ck, "--out", "/dev/null"}, "not a regular file (a device)"},
		{runSample, []string{"--checkpoint", ck, "--out", "/dev/full"}, "not a regular file (a device)"},
		{runSample, []string{"--checkpoint", ck, "--out", p("link.npy")}, "not a regular file (a symbolic link)"},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--png", p("link.npy")}, "symbolic link"},
		{runPack, []string{"--checkpoint", ck, "--out", ck}, "is also the input"},
		{runPack, []string{"--checkpoint", ck}, "--out OUT.npz is required"},
		{runPack, []string{"--out", p("packed.npz")}, "--checkpoint IN is required"},
		{runPack, []string{"--checkpoint", ck, "--out", filepath.Join(trainRun, "config.json")}, "a file of the run in"},
		{runSample, []string{"--checkpoint", ck, "--out", filepath.Join(trainRun, "checkpoints", "step-0000001.npz")}, "a file of the run in"},
		{runPack, []string{"--checkpoint", ck, "--out", runs.RecordPath(legacy)}, "a file of the run in " + legacy},
		{runSample, []string{"--checkpoint", ck, "--out", filepath.Join(legacy, "checkpoints", "step-0000001.npz")}, "a file of the run in " + legacy},
		{runSample, []string{"--checkpoint", ck, "--out", p("runlink/config.json")}, "a file of the run in"},
		{runSample, []string{"--checkpoint", ck, "--out", p("cklink") + "/../config.json"}, "a file of the run in"},
		{runPack, []string{"--checkpoint", odd, "--out", p("packed.npz")}, "does not match the checkpoint's SHA-256"},
		{runSample, []string{"--checkpoint", p("files/rbm.npz"), "--out", p("s.npy")}, "is an RBM's file; of the commands, only eval reads those"},
		{runPack, []string{"--checkpoint", p("files/rbm.npz"), "--out", p("packed.npz")}, "is an RBM's file"},
		{runPack, []string{"--checkpoint", ck, "--out", p("packed.npz"), "--float16"}, "--float16 needs --sampling"},
		{runTrain, []string{"--out", p("rbm-run")}, `holds a run of kind "rbm" (recognised by its files), not "train"`},
		{runTrain, []string{"--out", p("other")}, "not empty and holds no run of kind \"train\""},
		{runRBM, []string{"--out", trainRun}, `holds a run of kind "train"`},
		{runSweep, []string{"--out", trainRun, "--grid", "g=1.5"}, `holds a run of kind "train"`},
		{runTrain, []string{"--out", busy}, "in use by process"},
		// crashes: sizes before allocation
		{runTrain, []string{"--out", p("r"), "--hidden", "100000000"}, "--hidden 100000000: must be in 1…65536"},
		{runTrain, []string{"--out", p("r"), "--hidden", "9223372036854775807"}, "must be in 1…65536"},
		{runTrain, []string{"--out", p("r"), "--chains", "9223372036854775807"}, "--chains 9223372036854775807: must be in 1…"},
		{runTrain, []string{"--out", p("r"), "--batch", "100000000"}, "--batch 100000000: must be in 1…"},
		{runSample, []string{"--checkpoint", ck, "--n", fmt.Sprint(big)}, fmt.Sprintf("--n %d: must be in 1…", big)},
		{runSample, []string{"--checkpoint", ck, "--times", times}, "--times: 5000 times, at most 1000"},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--times", "1,2,1"}, `--times "1,2,1": 1 is listed twice`},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--times", "4,4.0000000001"}, `4 and 4.0000000001 are the same Euler step (t = 4)`},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--times", ""}, `give at least one time`},
		{runSweep, []string{"--out", p("sw"), "--grid", "chains=1e9"}, "no valid config"},
		{runSweep, []string{"--out", p("sw"), "--grid", "g=" + values200 + ";lr=" + values200}, "40000 runs"},
		{runRBM, []string{"--out", p("r"), "--hidden", "1000000000"}, "--hidden 1000000000: must be in 1…65536"},
		{runBench, []string{"--hidden", "100000000"}, "--hidden 100000000: must be in 1…65536"},
		{runLyapunov, []string{"--checkpoint", ck, "--k", "849"}, "--k 849: the network has 848 units"},
		{runLyapunov, []string{"--checkpoint", ck, "--k", "10000000"}, "--k 10000000: the network has"}, // before the memory estimate
		{runFigures, []string{"--out", p("fig"), "--quick", "--n", "1"}, "--n 1: must be in 2…"},
		{runFigures, []string{"--out", p("fig"), "--datasets", "mnist,mnist"}, "mnist is listed twice"},
		{runTrain, []string{"--out", p("r"), "--optimizer", "sgd", "--adam-eps", "NaN"}, "--adam-eps NaN: must be finite and ≥ 0"},
		{runSweep, []string{"--out", p("sw"), "--grid", "g=1.5", "--adam-eps", "NaN"}, "--adam-eps NaN: must be finite and ≥ 0"},
		{runSample, []string{"--checkpoint", "/dev/zero"}, "not a regular file"},
		// an unknown device, named by its flag
		{runSample, []string{"--checkpoint", ck, "--out", p("dev.npy"), "--device", "tpu"}, `--device: unknown device "tpu"`},
		{runEval, []string{"--checkpoint", ck, "--n", "10", "--device", "tpu"}, `--device: unknown device "tpu"`},
		{runBench, []string{"--device", "tpu"}, `--device: unknown device "tpu"`},
		{runSample, []string{"--checkpoint", ck100, "--png", p("g.png"), "--out", p("s100.npy")}, "not the 28×28 pixels"},
		{runAttractors, []string{"--checkpoint", ck100, "--n", "2"}, "N = 100 visible units, not the 784 pixels"},
		{runInpaint, []string{"--checkpoint", ck100, "--mask", "top"}, "N = 100 visible units, not the 784 pixels"},
		// time arithmetic
		{runSample, []string{"--checkpoint", ck, "--t", "1e300"}, "at most 1000000"},
		{runSample, []string{"--checkpoint", ck, "--times", "1,1e300"}, "--times 1e+300"},
		{runEval, []string{"--checkpoint", ck, "--t", "1e300"}, "--t 1e+300"},
		{runTrain, []string{"--out", p("r"), "--T", "1e300"}, "--T 1e+300"},
		{runTrain, []string{"--out", p("r"), "--dt", "1e-300"}, "Euler steps of dt = 1e-300"},
		{runBench, []string{"--T", "1e300"}, "--T 1e+300"},
		{runSample, []string{"--checkpoint", ck, "--t", "1", "--times", "1,2"}, "give --t or --times, not both"},
		{runSample, []string{"--checkpoint", ck, "--t", "0.1"}, "not a whole number of Euler steps of dt = 0.2"},
		{runEval, []string{"--checkpoint", ck, "--t", "0.1"}, "not a whole number of Euler steps"},
		{runInpaint, []string{"--checkpoint", ck, "--mask", "top", "--t", "0.1"}, "not a whole number of Euler steps"},
		{runAttractors, []string{"--checkpoint", ck, "--n", "10", "--t", "0.1"}, "not a whole number of Euler steps"},
		{runSample, []string{"--checkpoint", ck, "--t", "1e9"}, "at most 1000000"},
		{runTrain, []string{"--out", p("r"), "--T", "1e9"}, "at most 1000000"},
		{runTrain, []string{"--out", p("r"), "--T", "4000"}, "--T 4000: T/dt = 20000 Euler steps per training phase; want 1…10000 (change T or dt)"},
		{runTrain, []string{"--out", p("afile")}, "exists and is not a folder"},
		{runRBM, []string{"--out", p("r"), "--k", "1000000000"}, "--k 1000000000: must be in 1…10000"},
		// unclear errors
		{runSample, []string{"--checkpoint", ck, "--out", ""}, `--out "": empty path`},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--png", p("missing/g.png")}, "folder " + p("missing") + " does not exist"},
		// a name that says another format than the one written
		{runSample, []string{"--checkpoint", ck, "--out", p("same.png"), "--png", p("same.png")}, `same.png": writes a .npy file; give a name ending in .npy`},
		{runSample, []string{"--checkpoint", ck, "--out", p("s.npy"), "--png", p("g.jpg")}, `--png "` + p("g.jpg") + `": writes a .png file`},
		{runSample, []string{"--checkpoint", ck, "--out", p("s"), "--times", "1,2"}, `--out "` + p("s") + `": writes .npy files`},
		{runPack, []string{"--checkpoint", ck, "--out", p("x.npy")}, "writes a .npz file"},
		{runInpaint, []string{"--checkpoint", ck, "--mask", "top", "--out", p("c.csv")}, "writes a .npy file"},
		{runAttractors, []string{"--checkpoint", ck, "--png", p("a.svg")}, "writes a .png file"},
		{runCurves, []string{"--out", p("c.pdf"), p("curves-run")}, "writes a .png file"},
		{runPack, []string{"--checkpoint", ck, "--out", p("no/such/dir/x.npz")}, "does not exist"},
	} {
		err := tc.cmd(tc.args)
		t.Logf("%.80q: %v", tc.args, err)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.120q: %v\n\twant an error containing %q", tc.args, err, tc.want)
		}
	}
	for _, f := range watched {
		if got := fileSum(f); got != before[f] {
			t.Errorf("%s changed", f)
		}
	}
	for _, f := range []string{"s.npy", "packed.npz", "same.png", "target.npy", "r", "sw", "s100.npy", "fig"} {
		if _, err := os.Stat(p(f)); err == nil {
			t.Errorf("%s was written by a refused command", f)
		}
	}
	if st, err := os.Lstat(p("link.npy")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced")
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device")
	}
}

// TestIssue15Good: the accepted neighbours of the refused cases work: --t 0
// is the random start (not T), --times names one file per time, pack writes
// a checkpoint that loads.
func TestIssue15Good(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	ck := saveCheckpoint(t, chaoslib.Tiny(chaoslib.Restricted), p("ck.npz"), nil)
	for _, args := range [][]string{
		{"--checkpoint", ck, "--n", "3", "--t", "0", "--out", p("t0.npy")},
		{"--checkpoint", ck, "--n", "3", "--out", p("tT.npy")},
		{"--checkpoint", ck, "--n", "3", "--t", "4", "--out", p("t4.npy")},
		{"--checkpoint", ck, "--n", "3", "--times", "0.2,1", "--out", p("st.npy"), "--png", p("st.png")},
	} {
		if err := runSample(args); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
	}
	if fileSum(p("t0.npy")) == fileSum(p("tT.npy")) {
		t.Errorf("--t 0 gave the samples at T")
	}
	if fileSum(p("t4.npy")) != fileSum(p("tT.npy")) {
		t.Errorf("--t 4 (= T) differs from the default")
	}
	for _, f := range []string{"st_t0.2.npy", "st_t1.npy", "st.png"} {
		if _, err := os.Stat(p(f)); err != nil {
			t.Errorf("--times: %v", err)
		}
	}
	if err := runPack([]string{"--checkpoint", ck, "--out", p("packed.npz")}); err != nil {
		t.Fatal(err)
	}
	got, err := chaoslib.LoadCheckpoint(p("packed.npz"))
	if err != nil || len(got.Regenerated) == 0 {
		t.Fatalf("packed checkpoint: %v", err)
	}
}

// TestMemoryEstimateNamesFlag: a model that fits the size limits but not the
// memory is refused naming the flag and the estimate.
func TestMemoryEstimateNamesFlag(t *testing.T) {
	cfg := chaoslib.PaperMNIST(chaoslib.Deep)
	cfg.Hidden = []int{chaoslib.MaxUnits, chaoslib.MaxUnits}
	if cfg.TrainBytes() <= memory.Available() {
		t.Skip("this machine has the memory for the largest model")
	}
	err := runBench([]string{"--model", "deep", "--hidden", fmt.Sprintf("%d,%d", chaoslib.MaxUnits, chaoslib.MaxUnits)})
	if err == nil || !strings.Contains(err.Error(), "--hidden [65536 65536]: needs about") || !strings.Contains(err.Error(), "available") {
		t.Fatalf("err = %v", err)
	}
}

// TestInterruptExitCode: a command stopped by a signal after saving exits
// with 130.
func TestInterruptExitCode(t *testing.T) {
	register("test-interrupted", "", func([]string) error { return errInterrupted })
	defer delete(commands, "test-interrupted")
	if got := run([]string{"test-interrupted"}); got != exitInterrupted || exitInterrupted != 130 {
		t.Fatalf("exit %d, want 130", got)
	}
}

// FuzzConfigFlags: whatever the flags of train or rbm, parsing never
// panics, and a config it accepts is valid, within the limits and (for
// train) within the memory estimate. Arguments are separated by spaces.
func FuzzConfigFlags(f *testing.F) {
	for _, s := range []string{
		"--out x --hidden 100000000", "--out x --chains 9223372036854775807", "--out x --T 1e300",
		"--out x --dt 1e-300", "--out x --model deep --hidden 5,6 --g 1e300", "--out x --preset tiny --steps -1",
		"--out x --k 1000000000", "--out x --hidden 500 --T 0.3", "--out x --data-clip 1",
	} {
		f.Add(s)
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		f.Fatal(err)
	}
	defer devnull.Close()
	stderr := os.Stderr
	os.Stderr = devnull // the flag package prints usage on errors
	defer func() { os.Stderr = stderr }()
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		for _, a := range args {
			if strings.Contains(a, "resume") {
				return // --resume reads a run folder: not a flag-parsing case
			}
		}
		if j, err := parseTrain(args); err == nil {
			if err := j.cfg.Validate(); err != nil {
				t.Fatalf("train %q accepted an invalid config: %v", args, err)
			}
			if err := j.cfg.CheckTrainMemory(); err != nil {
				t.Fatalf("train %q accepted a config beyond memory: %v", args, err)
			}
		}
		if j, err := parseRBM(args); err == nil {
			if err := j.cfg.Validate(); err != nil {
				t.Fatalf("rbm %q accepted an invalid config: %v", args, err)
			}
		}
	})
}
