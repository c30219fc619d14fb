package cpu

import (
	"fmt"
	"math"
	"testing"

	"github.com/chaosgen/chaosgen/internal/openblas"
)

// Elementwise passes at the 2-layer training step's sizes, P × (784 + 500)
// for P = 200 and 20,000: the fused Euler + tanh pass by vector level on one
// goroutine, and through the pool with 1 and 2 workers (best level).
//
//	go test -run '^$' -bench 'Elementwise|Sgemm' ./chaoslib/backend/cpu/
func BenchmarkElementwise(b *testing.B) {
	for _, p := range []int{200, 20000} {
		n := p * (784 + 500)
		x, f, phi, bias := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, 1284)
		for i := range x {
			x[i] = float32(math.Sin(float64(i)))
			f[i] = float32(math.Cos(float64(i))) * 3
		}
		for _, l := range vecLevels() {
			b.Run(fmt.Sprintf("P=%d/EulerTanh/%s", p, levelName(l)), func(b *testing.B) {
				for b.Loop() {
					eulerVec(l, x, phi, f, bias, 1284, 0.2)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
		for _, w := range []int{1, 2} {
			be := New(w)
			xm, fm, pm, bm := &Mat{p, 1284, x}, &Mat{p, 1284, f}, &Mat{p, 1284, phi}, &Mat{1, 1284, bias}
			b.Run(fmt.Sprintf("P=%d/EulerTanh/pool-%d", p, w), func(b *testing.B) {
				for b.Loop() {
					be.EulerTanh(xm, pm, fm, bm, 0.2)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
			be.Close()
		}
	}
}

// BenchmarkSgemm times the free run's two GEMM shapes (P×784 · 784×500 and
// P×500 · (784×500)ᵀ) with 1 and 2 OpenBLAS threads, in the kernels the
// environment gives.
func BenchmarkSgemm(b *testing.B) {
	defer openblas.SetThreads(openblas.Threads())
	be := New(1)
	defer be.Close()
	for _, p := range []int{200, 20000} {
		v, h, w := be.NewMat(p, 784), be.NewMat(p, 500), be.NewMat(784, 500)
		for _, th := range []int{1, 2} {
			openblas.SetThreads(th)
			b.Run(fmt.Sprintf("P=%d/threads=%d/%s", p, th, openblas.CoreName()), func(b *testing.B) {
				for b.Loop() {
					be.Gemm(false, false, 1, v, w, 0, h)
					be.Gemm(false, true, 1, h, w, 0, v)
				}
				b.ReportMetric(2*2*float64(p)*784*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
