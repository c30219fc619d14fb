package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/rbm"
)

// TestEvalRBMCheckpoint: eval takes an RBM checkpoint as well as a chaotic
// one, refuses --t for it (an RBM is sampled after k Gibbs steps), and a
// file that is neither keeps the chaotic checkpoint's error.
func TestEvalRBMCheckpoint(t *testing.T) {
	dir := t.TempDir()
	r, err := rbm.New(rbm.Config{Dataset: "mnist", N: 784, M: 4, K: 2, LR: 0.01, Batch: 2, Chains: 2, Steps: 1, InitStd: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rbm.npz")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := runEval([]string{"--checkpoint", path, "--t", "4"}); err == nil || !strings.Contains(err.Error(), "Gibbs steps") {
		t.Errorf("--t with an RBM: %v", err)
	}
	// a damaged RBM checkpoint (its step beyond its steps) gets the RBM's error
	r.Step = 7
	damaged := filepath.Join(dir, "damaged.npz")
	if err := r.Save(damaged); err != nil {
		t.Fatal(err)
	}
	if err := runEval([]string{"--checkpoint", damaged}); err == nil || !strings.Contains(err.Error(), "step 7 is outside 0…1") {
		t.Errorf("a damaged RBM checkpoint: %v, want the RBM's own error", err)
	}
	bad := filepath.Join(dir, "bad.npz")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runEval([]string{"--checkpoint", bad}); err == nil || !strings.HasPrefix(err.Error(), "--checkpoint:") {
		t.Errorf("a file that is no checkpoint: %v", err)
	}
}

// TestEvalSamplesFlags: --t, --seed and --device shape free runs, which a
// samples file does not have: each is refused with --samples, not ignored.
func TestEvalSamplesFlags(t *testing.T) {
	for _, f := range [][]string{{"--t", "4"}, {"--seed", "7"}, {"--device", "cpu"}} {
		args := append([]string{"--samples", "s.npy", "--dataset", "mnist"}, f...)
		if err := runEval(args); err == nil || !strings.Contains(err.Error(), f[0]+" applies to --checkpoint only") {
			t.Errorf("%q: error %v", args, err)
		}
	}
}
