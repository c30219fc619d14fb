package chaoslib

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"gonum.org/v1/gonum/blas/blas32"
)

// TestReconstructExactByConstruction: a 2-layer model with h = v units,
// W = 5·I, no random couplings and no bias reconstructs ±0.999 data almost
// exactly: h* = u = W ᵀs (t → ∞ closed form), then v relaxes to Wφ(h*), whose
// tanh saturates to sign(s).
func TestReconstructExactByConstruction(t *testing.T) {
	cfg := Tiny(Restricted)
	cfg.N, cfg.Hidden, cfg.G, cfg.T = 4, []int{4}, 0, 40
	cfg.Dt = 0.2
	m := mustNew(t, cfg)
	w := make([]float32, 16)
	for i := 0; i < 4; i++ {
		w[i*4+i] = 5
	}
	set(t, m, "W_v-h", w...)
	s := toyData(6, 4, 3)
	for i, v := range s.Data {
		s.Data[i] = float32(math.Copysign(0.999, float64(v)))
	}
	rec, err := m.Reconstruct(s, cfg.T, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// φ(h*) = tanh(5·0.999) = 0.99991, v = 5·0.99991, ŝ = tanh(4.9995) = 0.99991
	if er := indices.ER(rec, s); er > 1e-6 {
		t.Fatalf("ER = %g for an exact reconstruction", er)
	}
	if _, err := mustNew(t, Tiny(Unrestricted)).Reconstruct(s, 1, nil); err == nil {
		t.Fatal("unrestricted model reconstructed without hidden units")
	}
}

// TestEvaluateShapes: Evaluate returns one finite report per time, with ER
// only where it applies, and rejects n beyond the test set and times
// between Euler steps.
func TestEvaluateShapes(t *testing.T) {
	for _, arch := range Archs() {
		cfg := toyConfig(arch)
		m := mustNew(t, cfg)
		test := toyData(40, cfg.N, 5)
		rs, err := Evaluate(m, test, 20, []float64{1, cfg.T, 8}, EvalOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 3 || rs[1].T != cfg.T || rs[0].N != 20 {
			t.Fatalf("%s: reports %+v", arch, rs)
		}
		for _, r := range rs {
			if math.IsNaN(r.E2) || math.IsNaN(r.Es) || math.IsNaN(r.EAAI) || (r.ER != nil) != (arch != Unrestricted) {
				t.Fatalf("%s: bad report %+v", arch, r)
			}
		}
		if _, err := Evaluate(m, test, 41, []float64{1}, EvalOptions{}); err == nil {
			t.Fatalf("%s: n > test size accepted", arch)
		}
		if _, err := Evaluate(m, test, 20, []float64{cfg.T, 2.5 * cfg.Dt}, EvalOptions{}); err == nil {
			t.Fatalf("%s: t = 2.5 dt (not a whole number of Euler steps) accepted", arch)
		}
	}
}

// TestSilence: silencing every hidden unit of a 2-layer model leaves v with
// its bias alone, so every sample equals tanh(b) once relaxed.
func TestSilence(t *testing.T) {
	cfg := toyConfig(Restricted)
	m := mustNew(t, cfg)
	rng := rand.New(rand.NewPCG(1, 1))
	set(t, m, "W_v-h", gaussian(rng, cfg.N*cfg.Hidden[0], 0.5)...)
	b := gaussian(rng, cfg.N, 0.5)
	set(t, m, "bias_v", b...)
	all := make([]int, cfg.Hidden[0])
	for i := range all {
		all[i] = i
	}
	if err := m.Silence(1, all); err != nil {
		t.Fatal(err)
	}
	x := m.Sample(3, 40, rng)
	for i := 0; i < 3; i++ {
		for j := 0; j < cfg.N; j++ {
			if d := math.Abs(float64(x.Data[i*cfg.N+j]) - math.Tanh(float64(b[j]))); d > 1e-4 {
				t.Fatalf("sample %d unit %d: %g, want tanh(b) = %g", i, j, x.Data[i*cfg.N+j], math.Tanh(float64(b[j])))
			}
		}
	}
	if err := m.Silence(0, []int{1}); err == nil {
		t.Fatal("silenced a visible unit")
	}
}

// TestSnapshotsFromMatchesSnapshots: starting SnapshotsFrom at the states
// Snapshots draws gives the same read-outs.
func TestSnapshotsFromMatchesSnapshots(t *testing.T) {
	m := mustNew(t, toyConfig(Deep))
	want := m.Snapshots(3, []float64{0.4, 2}, rand.New(rand.NewPCG(4, 4)))
	rng := rand.New(rand.NewPCG(4, 4))
	var starts []blas32.General
	for _, l := range m.Layers {
		starts = append(starts, blas32.General{Rows: 3, Cols: l.Size, Stride: l.Size, Data: gaussian(rng, 3*l.Size, m.Cfg.Sigma)})
	}
	// randomStart draws float32(N·σ) in layer order, as gaussian does
	got, err := m.SnapshotsFrom(starts, []float64{0.4, 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if d := maxAbsDiff(got[i].Data, want[i].Data); d != 0 {
			t.Fatalf("snapshot %d differs by %g", i, d)
		}
	}
	if _, err := m.SnapshotsFrom(starts[:1], []float64{1}); err == nil {
		t.Fatal("missing layers accepted")
	}
}
