package chaoslib

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/internal/toydata"
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

// toyData is toydata.Patterns: two noisy ±0.9 prototypes in s-space.
func toyData(n, N int, seed uint64) blas32.General { return toydata.Patterns(n, N, seed) }

func maxAbsDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}
