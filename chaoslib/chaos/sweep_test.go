package chaos

import (
	"os"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/internal/toydata"
)

// TestGainSweep checks the layout of GainSweep and the sign change of
// λ_max between g = 0.5 and g = 2 at two sizes.
func TestGainSweep(t *testing.T) {
	be := cpu.New(2)
	defer be.Close()
	cfg := chaoslib.Tiny(chaoslib.Unrestricted)
	calls := 0
	out, err := GainSweep(cfg, be, []int{150, 300}, []float64{0.5, 2}, ModelOptions{Chains: 2, Transient: 20, Time: 40}, func(int, Estimate) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(out[0]) != 2 || calls != 4 {
		t.Fatalf("%d×%d estimates, %d progress calls; want 2×2, 4", len(out), len(out[0]), calls)
	}
	for i := range out {
		if out[i][0].G != 0.5 || out[i][1].G != 2 || !(out[i][0].LambdaMax < 0) || !(out[i][1].LambdaMax > 0) {
			t.Errorf("N row %d: g = %g: λ_max %.3f, g = %g: λ_max %.3f; want < 0 then > 0", i, out[i][0].G, out[i][0].LambdaMax, out[i][1].G, out[i][1].LambdaMax)
		}
	}
}

// TestOverTraining writes two checkpoints of a tiny run and checks that
// OverTraining measures step 0 (the untrained network of the run's config,
// the same as a fresh chaoslib.New) and each checkpoint, in step order.
func TestOverTraining(t *testing.T) {
	be := cpu.New(2)
	defer be.Close()
	cfg := chaoslib.Tiny(chaoslib.Restricted)
	cfg.N, cfg.Hidden, cfg.Batch, cfg.Chains = 36, []int{16}, 10, 10
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := chaoslib.NewTrainer(m, toydata.Patterns(40, cfg.N, 1))
	if err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	if err := os.MkdirAll(runs.CheckpointDir(run), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, step := range []int{2, 5} {
		for tr.Checkpoint().Step < step {
			if _, err := tr.TrainStep(); err != nil {
				t.Fatal(err)
			}
		}
		if err := tr.Checkpoint().Save(runs.CheckpointPath(run, step)); err != nil {
			t.Fatal(err)
		}
	}
	tr.Close()
	mo := ModelOptions{Chains: 2, Transient: 5, Time: 10}
	co := CensusOptions{Starts: 20, Time: 8}
	pts, err := OverTraining(run, be, nil, mo, co, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 3 || pts[0].Step != 0 || pts[1].Step != 2 || pts[2].Step != 5 {
		t.Fatalf("points at steps %v, want 0, 2, 5", pts)
	}
	fresh, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	e, err := Measure(fresh, mo)
	if err != nil {
		t.Fatal(err)
	}
	if p := pts[0].Estimate; p.LambdaMax != e.LambdaMax || p.LambdaT != e.LambdaT || pts[0].Census.Starts != 20 {
		t.Errorf("step 0: %+v, want the fresh network's %+v", pts[0].Estimate, e)
	}
	if pts[2].Estimate.LambdaMax == pts[0].Estimate.LambdaMax {
		t.Error("training did not change λ_max at all")
	}
}
