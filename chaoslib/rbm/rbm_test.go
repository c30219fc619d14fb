package rbm

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

func mat(rows, cols int, v ...float32) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: v}
}

func near(t *testing.T, what string, got []float32, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i])-want[i]) > tol {
			t.Fatalf("%s[%d] = %.7g, want %.7g (all: %v)", what, i, got[i], want[i], got)
		}
	}
}

func tiny(t *testing.T, n, m int) *RBM {
	t.Helper()
	r, err := New(Config{N: n, M: m, K: 1, LR: 0.1, Batch: 2, Chains: 2, Steps: 1, InitStd: 0.01, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// handRBM: N = M = 2, W = [[1, −0.5], [0.25, 2]], b = (0.3, 0), c = (0.1, −0.2).
func handRBM(t *testing.T) *RBM {
	r := tiny(t, 2, 2)
	copy(r.W.Data, []float32{1, -0.5, 0.25, 2})
	copy(r.B, []float32{0.3, 0})
	copy(r.C, []float32{0.1, -0.2})
	return r
}

// TestConditionalMeans: ⟨h|v⟩ = tanh(Wᵀv + c) and ⟨v|h⟩ = tanh(Wh + b),
// computed by hand.
func TestConditionalMeans(t *testing.T) {
	r := handRBM(t)
	// v = (1, −1): Wᵀv + c = (1 − 0.25 + 0.1, −0.5 − 2 − 0.2) = (0.85, −2.7)
	// v = (0.5, 0.5): (0.625 + 0.1, 0.75 − 0.2) = (0.725, 0.55)
	h := r.HiddenMean(mat(2, 2, 1, -1, 0.5, 0.5))
	near(t, "HiddenMean", h.Data, []float64{math.Tanh(0.85), math.Tanh(-2.7), math.Tanh(0.725), math.Tanh(0.55)}, 1e-6)
	// h = (−1, 1): Wh + b = (−1 − 0.5 + 0.3, −0.25 + 2) = (−1.2, 1.75)
	v := r.VisibleMean(mat(1, 2, -1, 1))
	near(t, "VisibleMean", v.Data, []float64{math.Tanh(-1.2), math.Tanh(1.75)}, 1e-6)
}

// TestUpdateHandCase checks one update against the formulas, with data
// pos = {(1, −1), (0.5, 0.5)} and chains neg = {(−1, 1), (1, 1)}.
func TestUpdateHandCase(t *testing.T) {
	r := handRBM(t)
	r.scratch()
	pos := mat(2, 2, 1, -1, 0.5, 0.5)
	neg := mat(2, 2, -1, 1, 1, 1)
	W := []float64{1, -0.5, 0.25, 2}
	b := []float64{0.3, 0}
	c := []float64{0.1, -0.2}
	hid := func(v []float64) []float64 {
		return []float64{math.Tanh(W[0]*v[0] + W[2]*v[1] + c[0]), math.Tanh(W[1]*v[0] + W[3]*v[1] + c[1])}
	}
	ps := [][]float64{{1, -1}, {0.5, 0.5}}
	ns := [][]float64{{-1, 1}, {1, 1}}
	eta := 0.1
	wantW, wantB, wantC := append([]float64(nil), W...), append([]float64(nil), b...), append([]float64(nil), c...)
	for k := range 2 {
		hp, hn := hid(ps[k]), hid(ns[k])
		for i := range 2 {
			for a := range 2 {
				wantW[i*2+a] += eta / 2 * (ps[k][i]*hp[a] - ns[k][i]*hn[a])
			}
			wantB[i] += eta / 2 * (ps[k][i] - ns[k][i])
			wantC[i] += eta / 2 * (hp[i] - hn[i])
		}
	}
	if err := r.update(pos, neg); err != nil {
		t.Fatal(err)
	}
	near(t, "W", r.W.Data, wantW, 1e-6)
	near(t, "b", r.B, wantB, 1e-6)
	near(t, "c", r.C, wantC, 1e-6)
	if r.Step != 1 {
		t.Fatalf("Step = %d after one update", r.Step)
	}
}

// TestGibbsDeterministicLimit: with huge couplings the conditionals are
// deterministic, so the k-step chain and the sample's mean read-out follow
// by hand whatever the random start.
func TestGibbsDeterministicLimit(t *testing.T) {
	r := tiny(t, 2, 1)
	copy(r.W.Data, []float32{0, 0})
	copy(r.B, []float32{20, -20}) // v = (+1, −1) whatever h
	r.Cfg.K = 3
	s := r.Sample(4, rand.New(rand.NewPCG(3, 3)))
	for i := 0; i < 4; i++ {
		near(t, "sample", s.Data[2*i:2*i+2], []float64{1, -1}, 1e-6)
	}
}

// toyData: n rows of two noisy prototypes in s-space (first half +0.8 and
// second −0.8, or the reverse).
func toyData(n, N int, seed uint64) blas32.General {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := mat(n, N, make([]float32, n*N)...)
	for i := 0; i < n; i++ {
		for j := 0; j < N; j++ {
			v := float32(-0.8)
			if (i%2 == 0) == (j < N/2) {
				v = 0.8
			}
			x.Data[i*N+j] = max(-1, min(1, v+0.1*float32(rng.NormFloat64())))
		}
	}
	return x
}

func toyConfig(steps int) Config {
	return Config{N: 16, M: 8, K: 10, LR: 0.05, Batch: 40, Chains: 40, Steps: steps, InitStd: DefaultInitStd, Seed: 7}
}

func TestDeterministic(t *testing.T) {
	data := toyData(60, 16, 1)
	run := func(seed uint64) *RBM {
		cfg := toyConfig(5)
		cfg.Seed = seed
		r, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Train(data, nil); err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := run(3), run(3), run(4)
	same := func(x, y *RBM) bool {
		for i, v := range x.W.Data {
			if y.W.Data[i] != v {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Fatal("same seed, different weights")
	}
	if same(a, c) {
		t.Fatal("different seeds, same weights")
	}
	sa := a.Sample(5, rand.New(rand.NewPCG(1, 2)))
	sb := b.Sample(5, rand.New(rand.NewPCG(1, 2)))
	for i, v := range sa.Data {
		if sb.Data[i] != v {
			t.Fatal("same seed, different samples")
		}
	}
}

// TestTrainingLowersE2: on two noisy prototypes, training brings the
// second moments of the samples close to the data's.
func TestTrainingLowersE2(t *testing.T) {
	data := toyData(200, 16, 1)
	r, err := New(toyConfig(300))
	if err != nil {
		t.Fatal(err)
	}
	e2 := func() float64 { return indices.E2(data, r.Sample(200, rand.New(rand.NewPCG(9, 9)))) }
	before := e2()
	var calls int
	if err := r.Train(data, func(step int) error { calls++; return nil }); err != nil {
		t.Fatal(err)
	}
	after := e2()
	t.Logf("E2: %.4g before, %.4g after %d steps", before, after, r.Step)
	if calls != 300 || r.Step != 300 {
		t.Fatalf("report called %d times, Step = %d", calls, r.Step)
	}
	if !(after < before/10) {
		t.Fatalf("E2 %.4g → %.4g: training did not lower it tenfold", before, after)
	}
	// both prototypes are produced
	s := r.Sample(200, rand.New(rand.NewPCG(5, 5)))
	var first, second int
	for i := 0; i < s.Rows; i++ {
		if s.Data[i*16] > 0 && s.Data[i*16+15] < 0 {
			first++
		} else if s.Data[i*16] < 0 && s.Data[i*16+15] > 0 {
			second++
		}
	}
	if first < 40 || second < 40 {
		t.Fatalf("prototype counts %d and %d of 200: a mode is missing", first, second)
	}
}

func TestTrainStopsOnReportError(t *testing.T) {
	r, _ := New(toyConfig(10))
	stop := errors.New("stop")
	if err := r.Train(toyData(10, 16, 1), func(step int) error {
		if step == 3 {
			return stop
		}
		return nil
	}); err != stop || r.Step != 3 {
		t.Fatalf("err %v at step %d, want stop at 3", err, r.Step)
	}
	if err := r.TrainStep(toyData(10, 15, 1)); err == nil || !strings.Contains(err.Error(), "10×15") {
		t.Fatalf("wrong-width data: %v", err)
	}
}

func TestSaveLoad(t *testing.T) {
	data := toyData(50, 16, 1)
	r, _ := New(toyConfig(6))
	r.Cfg.Dataset = "toy"
	for range 3 {
		if err := r.TrainStep(data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "rbm.npz")
	if err := r.Save(path); err != nil {
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Cfg != r.Cfg || l.Step != 3 {
		t.Fatalf("loaded config %+v step %d, want %+v step 3", l.Cfg, l.Step, r.Cfg)
	}
	// training continues identically (the RNG state travels with the file)
	if err := r.Train(data, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.Train(data, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2][]float32{{r.W.Data, l.W.Data}, {r.B, l.B}, {r.C, l.C}} {
		for i, v := range p[0] {
			if p[1][i] != v {
				t.Fatal("loaded RBM trains differently")
			}
		}
	}
	// damaged and foreign files are refused with the file's name
	raw, _ := os.ReadFile(path)
	os.WriteFile(path, raw[:len(raw)/2], 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("truncated file: %v", err)
	}
	os.WriteFile(path, []byte("hello"), 0o644)
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "not a chaosgen RBM") {
		t.Fatalf("foreign file: %v", err)
	}
}

func TestValidateAndFromChaos(t *testing.T) {
	c := chaoslib.PaperMNIST(chaoslib.Restricted)
	r := FromChaos(c)
	want := Config{Dataset: "mnist", N: 784, M: 500, K: 20, LR: 0.05, Batch: 200, Chains: 200, Steps: 10000, InitStd: DefaultInitStd, Seed: 1}
	if r != want {
		t.Fatalf("FromChaos = %+v, want %+v", r, want)
	}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		mod   func(*Config)
	}{
		{"M", func(c *Config) { c.M = 0 }},
		{"K", func(c *Config) { c.K = -1 }},
		{"LR", func(c *Config) { c.LR = math.NaN() }},
		{"Chains", func(c *Config) { c.Chains = 0 }},
		{"InitStd", func(c *Config) { c.InitStd = 0 }},
		{"InitStd", func(c *Config) { c.InitStd = 1e308 }}, // W would overflow float32
		{"InitBias", func(c *Config) { c.InitBias = "mean" }},
	} {
		field, c := tc.field, want
		tc.mod(&c)
		var fe *chaoslib.FieldError
		if err := c.Validate(); !errors.As(err, &fe) || fe.Field != field {
			t.Errorf("%s: Validate = %v", field, err)
		}
		if _, err := New(c); err == nil {
			t.Errorf("%s: New accepted a bad config", field)
		}
	}
}

// TestInitVisibleBias: b = atanh of the clipped data mean, set by the first
// TrainStep when InitBias is "data".
func TestInitVisibleBias(t *testing.T) {
	r := tiny(t, 3, 2)
	if err := r.InitVisibleBias(mat(2, 3, 0.5, -1, 1, 0.5, 1, 1)); err != nil {
		t.Fatal(err)
	}
	near(t, "b", r.B, []float64{math.Atanh(0.5), 0, math.Atanh(1 - 1e-3)}, 1e-6)

	data := toyData(30, 16, 1)
	cfg := toyConfig(1)
	a, _ := New(cfg)
	a.InitVisibleBias(data)
	cfg.InitBias = "data"
	b, _ := New(cfg)
	if err := a.TrainStep(data); err != nil {
		t.Fatal(err)
	}
	if err := b.TrainStep(data); err != nil {
		t.Fatal(err)
	}
	for i, v := range a.B {
		if b.B[i] != v {
			t.Fatal(`InitBias "data" differs from InitVisibleBias before the first step`)
		}
	}
}

// TestBinaryUnits: binary units' conditional means are σ of the field
// (computed by hand), and a binary RBM with the parameters of a spin RBM
// rewritten for u = (v+1)/2, g = (h+1)/2 — W' = 4W, b' = 2b − 2W1,
// c' = 2c − 2Wᵀ1, the same energy up to a constant — has the same
// conditionals: ⟨v|h⟩ = 2⟨u|g⟩ − 1 and ⟨h|v⟩ = 2⟨g|u⟩ − 1.
func TestBinaryUnits(t *testing.T) {
	spin := handRBM(t)
	bin := handRBM(t)
	bin.Cfg.Units = "binary"
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	// u = (1, 0): Wᵀu + c = (1.1, −0.7)
	near(t, "binary HiddenMean", bin.HiddenMean(mat(1, 2, 1, 0)).Data, []float64{sig(1.1), sig(-0.7)}, 1e-6)

	w, b, c := spin.W.Data, spin.B, spin.C // W is N×M row-major: W[i][a] = w[2i+a]
	for i := 0; i < 2; i++ {
		for a := 0; a < 2; a++ {
			bin.W.Data[2*i+a] = 4 * w[2*i+a]
		}
		bin.B[i] = 2*b[i] - 2*(w[2*i]+w[2*i+1])
		bin.C[i] = 2*c[i] - 2*(w[i]+w[2+i])
	}
	toS := func(x []float32) []float64 {
		out := make([]float64, len(x))
		for j, v := range x {
			out[j] = 2*float64(v) - 1
		}
		return out
	}
	// h = (−1, 1) ↔ g = (0, 1); h = (1, 1) ↔ g = (1, 1)
	near(t, "visible means", spin.VisibleMean(mat(2, 2, -1, 1, 1, 1)).Data,
		toS(bin.VisibleMean(mat(2, 2, 0, 1, 1, 1)).Data), 2e-6)
	near(t, "hidden means", spin.HiddenMean(mat(2, 2, 1, -1, -1, -1)).Data,
		toS(bin.HiddenMean(mat(2, 2, 1, 0, 0, 0)).Data), 2e-6)

	// Samples come back in s-space: with W = 0, b = 0 every mean is 1/2, s = 0.
	z := tiny(t, 3, 2)
	z.Cfg.Units = "binary"
	clear(z.W.Data)
	near(t, "binary samples", z.Sample(2, rand.New(rand.NewPCG(1, 2))).Data, make([]float64, 6), 1e-7)

	// The data-mean start: σ(b_i) = p_i = (⟨s_i⟩ + 1)/2.
	z.InitVisibleBias(mat(2, 3, 0.5, -1, 0, 0.5, 0.2, 0.6))
	near(t, "σ(b)", []float32{float32(sig(float64(z.B[0]))), float32(sig(float64(z.B[1]))), float32(sig(float64(z.B[2])))},
		[]float64{0.75, 0.3, 0.65}, 1e-6)

	if err := (Config{N: 1, M: 1, K: 1, LR: 1, Batch: 1, Chains: 1, InitStd: 1, Units: "ising"}).Validate(); err == nil || !strings.Contains(err.Error(), "Units") {
		t.Errorf("Units ising: got %v, want an error naming Units", err)
	}
}

// TestSampleNegative: a negative count panics by name, not in makeslice.
func TestSampleNegative(t *testing.T) {
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "Sample of -1 samples") {
			t.Errorf("Sample(-1): panic %q", msg)
		}
	}()
	tiny(t, 2, 2).Sample(-1, rand.New(rand.NewPCG(1, 2)))
}
