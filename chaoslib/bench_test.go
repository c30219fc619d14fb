package chaoslib

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkTrainingStep times one CHL step of the 2-layer model at the
// paper's sizes (N = 784, M = 500, B = P = 200, T/dt = 20) and reports
// GFLOP/s beside OpenBLAS SGEMM on the same shapes, measured in the same run.
func BenchmarkTrainingStep(b *testing.B) {
	cfg := PaperMNIST(Restricted)
	be := newCPU(b)
	steps := max(b.N, 3)
	r, err := BenchTrainingStep(cfg, be, steps)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(r.MsPerStep, "ms/step")
	b.ReportMetric(r.GFLOPS, "GFLOP/s")
	b.ReportMetric(r.GemmGFLOPS, "sgemm-GFLOP/s")
	b.ReportMetric(r.Ratio, "ratio")
	b.Log(r)
}

// BenchmarkFreeRunStep: one Euler step of the free dynamics (2-layer, paper
// sizes) must allocate nothing: see allocs/op.
func BenchmarkFreeRunStep(b *testing.B) {
	m, err := New(PaperMNIST(Restricted), newCPU(b))
	if err != nil {
		b.Fatal(err)
	}
	bt := m.newBatch(200)
	m.randomStart(bt, 0, rand.New(rand.NewPCG(1, 1)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.eulerStep(bt, 0)
	}
}

// TestFreeRunStepAllocatesNothing asserts what the benchmark shows.
func TestFreeRunStepAllocatesNothing(t *testing.T) {
	m := mustNew(t, toyConfig(Deep))
	bt := m.newBatch(8)
	m.randomStart(bt, 0, rand.New(rand.NewPCG(1, 1)))
	if a := testing.AllocsPerRun(50, func() { m.eulerStep(bt, 0) }); a != 0 {
		t.Fatalf("%.1f allocations per Euler step, want 0", a)
	}
}
