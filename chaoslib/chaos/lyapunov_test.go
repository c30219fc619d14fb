package chaos

import (
	"math"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// linearMap is the System x ← M x on the host: its tangent vectors obey the
// same map, so its exponents are ln|μ_j|/dt for the eigenvalues μ_j of M.
type linearMap struct {
	m       [][]float64
	chains  int
	vectors int
	dt      float64
	tan     []float64 // chains·k × D
}

func (s *linearMap) Chains() int  { return s.chains }
func (s *linearMap) Vectors() int { return s.vectors }
func (s *linearMap) Dim() int     { return len(s.m) }
func (s *linearMap) Dt() float64  { return s.dt }
func (s *linearMap) Step(n int) {
	D := len(s.m)
	tmp := make([]float64, D)
	for range n {
		for r := 0; r < s.chains*s.vectors; r++ {
			row := s.tan[r*D : (r+1)*D]
			for i := range D {
				var v float64
				for j := range D {
					v += s.m[i][j] * row[j]
				}
				tmp[i] = v
			}
			copy(row, tmp)
		}
	}
}
func (s *linearMap) Tangents() blas32.General {
	D := len(s.m)
	g := blas32.General{Rows: s.chains * s.vectors, Cols: D, Stride: D, Data: make([]float32, len(s.tan))}
	for i, v := range s.tan {
		g.Data[i] = float32(v)
	}
	return g
}
func (s *linearMap) SetTangents(v blas32.General) error {
	s.tan = make([]float64, v.Rows*v.Cols)
	for i, x := range v.Data[:v.Rows*v.Cols] {
		s.tan[i] = float64(x)
	}
	return nil
}

// TestLyapunovLinear checks the QR method on an Euler map of a linear flow
// dx/dt = A x with A block upper triangular: M = (1 − k)I + kA, k = dt, has
// eigenvalues 1 − k + k·a for the diagonal entries a = 0.3, −0.2, −1 and
// 1 − k + k(−0.5 ± 0.8i) for the rotation block, so the exponents are
// ln|μ|/dt, the complex pair sharing one modulus. The off-diagonal entries
// do not change the exponents.
func TestLyapunovLinear(t *testing.T) {
	const dt = 0.1
	A := [][]float64{
		{0.3, 0.7, -0.4, 0.2, 0.1},
		{0, -0.5, -0.8, 0.3, 0.5},
		{0, 0.8, -0.5, -0.6, 0.2},
		{0, 0, 0, -0.2, 0.9},
		{0, 0, 0, 0, -1},
	}
	M := make([][]float64, 5)
	for i := range M {
		M[i] = make([]float64, 5)
		for j := range M[i] {
			M[i][j] = dt * A[i][j]
		}
		M[i][i] += 1 - dt
	}
	lam := func(re, im float64) float64 { return math.Log(math.Hypot(1-dt+dt*re, dt*im)) / dt }
	want := []float64{lam(0.3, 0), lam(-0.2, 0), lam(-0.5, 0.8), lam(-0.5, 0.8), lam(-1, 0)}
	sort.Sort(sort.Reverse(sort.Float64Slice(want)))
	for _, tc := range []struct {
		k         int
		transient float64
		time      float64
		tol       float64
	}{
		{1, 20, 200, 1e-3},
		{3, 20, 400, 2e-3},
		{5, 20, 400, 2e-3},
	} {
		sys := &linearMap{m: M, chains: 2, vectors: tc.k, dt: dt}
		sp, err := Lyapunov(sys, Options{Transient: tc.transient, Time: tc.time, Renorm: 7, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if sp.Chains != 2 || len(sp.Exponents) != tc.k {
			t.Fatalf("k=%d: %d chains, %d exponents", tc.k, sp.Chains, len(sp.Exponents))
		}
		for j := range tc.k {
			if d := math.Abs(sp.Exponents[j] - want[j]); d > tc.tol {
				t.Errorf("k=%d: λ_%d = %.5f, want %.5f", tc.k, j+1, sp.Exponents[j], want[j])
			}
		}
		if math.Abs(sp.Time-tc.time) > 1e-9 || math.Abs(sp.Transient-tc.transient) > 1e-9 {
			t.Errorf("k=%d: ran transient %g time %g", tc.k, sp.Transient, sp.Time)
		}
		var sum, wsum float64
		for j := range tc.k {
			sum += sp.Exponents[j]
			wsum += want[j]
		}
		if math.Abs(sum-wsum) > tc.tol*float64(tc.k) {
			t.Errorf("k=%d: Σλ = %.5f, want %.5f", tc.k, sum, wsum)
		}
	}
}

// TestLyapunovRejects checks the argument errors, and that vectors
// renormalised too seldom to carry λ_2 in float32 are refused.
func TestLyapunovRejects(t *testing.T) {
	sys := &linearMap{m: [][]float64{{1}}, chains: 1, vectors: 1, dt: 0.1}
	for _, o := range []Options{{Time: 0}, {Time: math.Inf(1)}, {Time: 1, Transient: -1}, {Time: 1, Renorm: -2}} {
		if _, err := Lyapunov(sys, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if _, err := Lyapunov(&linearMap{m: [][]float64{{1}}, chains: 1, vectors: 2, dt: 0.1}, Options{Time: 1}); err == nil {
		t.Error("2 vectors in 1 dimension: no error")
	}
	// x ← diag(1.03, 0.98) x from dt = 0.1 renormalised once in 100 time
	// units: the second vector keeps e^{−(0.296+0.202)·100} ≈ 10⁻²² of its
	// norm in exact arithmetic, nothing in float32, so λ_2 would be noise.
	seldom := &linearMap{m: [][]float64{{1.03, 0}, {0, 0.98}}, chains: 1, vectors: 2, dt: 0.1}
	if _, err := Lyapunov(seldom, Options{Time: 100, Renorm: 1000}); err == nil || !strings.Contains(err.Error(), "renormalise more often") {
		t.Errorf("renormalised once in 100 time units: %v", err)
	}
	// every 7 steps (0.7 time units) the second vector, once lined up with
	// the second axis, keeps nearly all its norm, and both exponents come out
	seldom.tan = nil
	if sp, err := Lyapunov(seldom, Options{Transient: 20, Time: 100, Renorm: 7}); err != nil || math.Abs(sp.Exponents[1]-math.Log(0.98)/0.1) > 1e-3 {
		t.Errorf("renormalised every 7 steps: %v, %v; want λ_2 = %.4f", sp.Exponents, err, math.Log(0.98)/0.1)
	}
}
