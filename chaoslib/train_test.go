package chaoslib

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/datatest"
)

func toyConfig(arch Arch) Config {
	cfg := Tiny(arch)
	cfg.N = 36
	cfg.Hidden = []int{12, 6}[:len(cfg.Hidden)]
	cfg.Batch, cfg.Chains, cfg.Steps = 16, 16, 5
	return cfg
}

func mustTrainer(t testing.TB, cfg Config) *Trainer {
	t.Helper()
	tr, err := NewTrainer(mustNew(t, cfg), toyData(64, cfg.N, 1))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestSymmetryAfterUpdates: A stays exactly symmetric under CHL.
func TestSymmetryAfterUpdates(t *testing.T) {
	tr := mustTrainer(t, toyConfig(Unrestricted))
	if err := tr.Train(nil); err != nil {
		t.Fatal(err)
	}
	a, _ := tr.M.Param("W_v-v")
	N := a.Rows
	var norm float64
	for i := 0; i < N; i++ {
		for j := 0; j < N; j++ {
			if a.Data[i*N+j] != a.Data[j*N+i] {
				t.Fatalf("A[%d,%d] = %g ≠ A[%d,%d] = %g", i, j, a.Data[i*N+j], j, i, a.Data[j*N+i])
			}
			norm += float64(a.Data[i*N+j] * a.Data[i*N+j])
		}
	}
	if norm == 0 {
		t.Fatal("A did not change")
	}
}

// TestFirstUpdateByHand: from zero parameters, one step of the unrestricted
// model changes A by η(⟨ssᵀ⟩ − ⟨φφᵀ⟩) and b by η(⟨s⟩ − ⟨φ⟩), recomputed here
// from the same minibatch and free chains drawn with the same generator.
func TestFirstUpdateByHand(t *testing.T) {
	cfg := toyConfig(Unrestricted)
	data := toyData(64, cfg.N, 1)
	m := mustNew(t, cfg)
	tr, err := NewTrainer(m, data)
	if err != nil {
		t.Fatal(err)
	}
	// replay the trainer's draws: minibatch indices, then free starts
	rng := rand.New(rand.NewPCG(cfg.Seed, streamTraining))
	N, B, P := cfg.N, cfg.Batch, cfg.Chains
	s := make([][]float32, B)
	for r := range s {
		i := rng.IntN(data.Rows)
		s[r] = data.Data[i*N : (i+1)*N]
	}
	ref := mustNew(t, cfg)
	fb := ref.newBatch(P)
	ref.randomStart(fb, 0, rng)
	ref.run(fb, 0, cfg.EulerSteps(cfg.T))
	phi := make([]float32, P*N)
	ref.be.Download(phi, fb.phi[0])

	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	a, _ := m.Param("W_v-v")
	bias, _ := m.Param("bias_v")
	for i := 0; i < N; i++ {
		var ms, mp float64
		for r := 0; r < B; r++ {
			ms += float64(s[r][i]) / float64(B)
		}
		for r := 0; r < P; r++ {
			mp += float64(phi[r*N+i]) / float64(P)
		}
		if d := math.Abs(float64(bias.Data[i]) - cfg.LR*(ms-mp)); d > 1e-6 {
			t.Fatalf("b[%d] = %g, want %g", i, bias.Data[i], cfg.LR*(ms-mp))
		}
		for j := 0; j < N; j++ {
			var ss, pp float64
			for r := 0; r < B; r++ {
				ss += float64(s[r][i]*s[r][j]) / float64(B)
			}
			for r := 0; r < P; r++ {
				pp += float64(phi[r*N+i]*phi[r*N+j]) / float64(P)
			}
			if d := math.Abs(float64(a.Data[i*N+j]) - cfg.LR*(ss-pp)); d > 1e-5 {
				t.Fatalf("A[%d,%d] = %g, want %g", i, j, a.Data[i*N+j], cfg.LR*(ss-pp))
			}
		}
	}
}

// TestDeterminism: the same seed gives bit-identical parameters; another
// seed gives different ones.
func TestDeterminism(t *testing.T) {
	for _, arch := range Archs() {
		run := func(seed uint64) []Param {
			cfg := toyConfig(arch)
			cfg.Seed = seed
			tr := mustTrainer(t, cfg)
			if err := tr.Train(nil); err != nil {
				t.Fatal(err)
			}
			return tr.M.Params()
		}
		a, b, c := run(1), run(1), run(2)
		if !paramsEqual(a, b) {
			t.Errorf("%s: same seed, different parameters", arch)
		}
		if paramsEqual(a, c) {
			t.Errorf("%s: different seeds, same parameters", arch)
		}
	}
}

func paramsEqual(a, b []Param) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || len(a[i].Data) != len(b[i].Data) {
			return false
		}
		for j := range a[i].Data {
			if math.Float32bits(a[i].Data[j]) != math.Float32bits(b[i].Data[j]) {
				return false
			}
		}
	}
	return true
}

// TestDivergenceStops: an absurd learning rate makes the parameters
// overflow, and training stops with a DivergedError naming the step.
func TestDivergenceStops(t *testing.T) {
	cfg := toyConfig(Restricted)
	cfg.LR, cfg.Steps = 1e38, 50
	tr := mustTrainer(t, cfg)
	err := tr.Train(nil)
	var de *DivergedError
	if !errors.As(err, &de) || de.Step < 1 || de.Step > cfg.Steps {
		t.Fatalf("err = %v, want a DivergedError", err)
	}
	t.Log(err)
}

// TestTinyTrainingLowersCovarianceError trains the Tiny 2-layer model for a
// few hundred steps on 2,000 MNIST images and checks that the covariance
// error E2 between generated samples and data at least halves (measured:
// about 6.5e-3 → 2.5e-3).
func TestTinyTrainingLowersCovarianceError(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	set, err := data.Load("mnist", "train")
	if err != nil {
		datatest.Missing(t, err)
	}
	train := set.Head(2000).X
	cfg := Tiny(Restricted)
	cfg.Steps = 300
	tr, err := NewTrainer(mustNew(t, cfg), train)
	if err != nil {
		t.Fatal(err)
	}
	ref := set.Head(500).X
	score := func() float64 {
		return indices.E2(ref, tr.M.Sample(500, cfg.T, rand.New(rand.NewPCG(11, 11))))
	}
	before := score()
	if err := tr.Train(nil); err != nil {
		t.Fatal(err)
	}
	after := score()
	t.Logf("E2 before %.3g, after %d steps %.3g", before, cfg.Steps, after)
	if !(after < before/2) {
		t.Fatalf("E2 fell from %.3g only to %.3g after %d steps", before, after, cfg.Steps)
	}
}
