package chaoslib

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
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

// TestGemmSetBytes: bench's memory estimate of its GEMM operands, by hand
// for two shapes, and equal to what newGemmSet allocates.
func TestGemmSetBytes(t *testing.T) {
	counts := map[backend.GemmShape]int{
		{M: 2, N: 3, K: 4}:               5, // a 2×4, b 4×3, c 2×3: 26 values
		{M: 1, N: 1, K: 5, TransB: true}: 1, // a 1×5, b 1×5, c 1×1: 11; the last, copied to the host: 1
	}
	if got, want := gemmSetBytes(counts), int64(4*(26+11+1)); got != want {
		t.Errorf("gemmSetBytes = %d, want %d", got, want)
	}
	be := newCPU(t)
	g := newGemmSet(be, counts)
	defer g.free()
	n := len(g.host)
	for i := range g.shapes {
		for _, m := range []backend.Mat{g.a[i], g.b[i], g.c[i]} {
			n += m.Rows() * m.Cols()
		}
	}
	if got := gemmSetBytes(counts); got != int64(4*n) {
		t.Errorf("gemmSetBytes = %d, newGemmSet allocates %d", got, 4*n)
	}
}

// TestBenchSplitsTheStep: MsByCall adds up to MsPerStep, with time in the
// calls a 2-layer step makes (GEMMs, the fused Euler passes, the uploads of
// starts and data) and none in calls it does not make (Symmetrize is the
// unrestricted model's).
func TestBenchSplitsTheStep(t *testing.T) {
	r, err := BenchTrainingStep(toyConfig(Restricted), newCPU(t), 3)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, ms := range r.MsByCall {
		sum += ms
	}
	if math.Abs(sum-r.MsPerStep) > 1e-9*r.MsPerStep {
		t.Errorf("MsByCall adds up to %g ms, MsPerStep is %g", sum, r.MsPerStep)
	}
	for _, name := range []string{"Gemm", "EulerTanh", "Upload"} {
		if !(r.MsByCall[name] > 0) {
			t.Errorf("MsByCall[%q] = %g, want > 0 (%v)", name, r.MsByCall[name], r.MsByCall)
		}
	}
	if _, ok := r.MsByCall["Symmetrize"]; ok {
		t.Errorf("a 2-layer step timed Symmetrize: %v", r.MsByCall)
	}
}
