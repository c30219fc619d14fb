package chaoslib

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// newCPU returns a CPU backend closed at the end of the test.
func newCPU(t testing.TB) *cpu.Backend {
	be := cpu.New(2)
	t.Cleanup(func() { be.Close() })
	return be
}

// mustNew builds a model or fails the test.
func mustNew(t testing.TB, cfg Config) *Model {
	t.Helper()
	m, err := New(cfg, newCPU(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// toyData returns n rows of N binary-ish patterns: two prototypes with 10%
// of pixels flipped, in s-space.
func toyData(n, N int, seed uint64) blas32.General {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
	for i := 0; i < n; i++ {
		for j := 0; j < N; j++ {
			v := float32(-0.9)
			if (i%2 == 0) == (j < N/2) {
				v = 0.9
			}
			if rng.Float64() < 0.1 {
				v = -v
			}
			x.Data[i*N+j] = v
		}
	}
	return x
}

// covariance returns the population covariance of x's rows, in float64.
func covariance(x blas32.General) []float64 {
	n, N := x.Rows, x.Cols
	mean := make([]float64, N)
	for i := 0; i < n; i++ {
		for j := 0; j < N; j++ {
			mean[j] += float64(x.Data[i*x.Stride+j]) / float64(n)
		}
	}
	c := make([]float64, N*N)
	for i := 0; i < n; i++ {
		r := x.Data[i*x.Stride:]
		for a := 0; a < N; a++ {
			da := float64(r[a]) - mean[a]
			for b := 0; b < N; b++ {
				c[a*N+b] += da * (float64(r[b]) - mean[b]) / float64(n)
			}
		}
	}
	return c
}

// covError is E2 written out: (1/N²) Σ_ij (C^a_ij − C^b_ij)².
func covError(a, b blas32.General) float64 {
	ca, cb := covariance(a), covariance(b)
	var s float64
	for i := range ca {
		s += (ca[i] - cb[i]) * (ca[i] - cb[i])
	}
	return s / float64(len(ca))
}

func maxAbsDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}
