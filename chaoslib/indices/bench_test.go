package indices

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/blas"

	"github.com/chaosgen/chaosgen/internal/openblas"
)

// Benchmarks at the full evaluation size, n = 10,000 samples of N = 784.
// Run once each: go test -run '^$' -bench '10k|gemm' -benchtime=1x
// BenchmarkSgemm and BenchmarkDgemm give the machine's GEMM rates in the
// same run; EAAI's GFLOP/s counts its float32 pass. BenchmarkEAAI10k's
// uniform noise is the hardest case: the bound prunes nothing and EAAI takes
// the full search. BenchmarkEAAIMNIST10k (mnist_bench_test.go) is the
// realistic one.

func BenchmarkEAAI10k(b *testing.B) {
	const n, N = 10000, 784
	rng := rand.New(rand.NewPCG(27, 28))
	data, gen := uniform(rng, n, N, -1, 1), uniform(rng, n, N, -1, 1)
	b.ResetTimer()
	var cost eaaiCost
	for b.Loop() {
		var err error
		if _, cost, err = eaai(data, gen); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cost.Rechecked), "rechecked")
	// Half of the (2n)² distance matrix, 2N flops per entry.
	flops := float64(2*n) * float64(2*n) / 2 * 2 * N
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func BenchmarkEs10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(29, 30))
	data, gen := uniform(rng, 10000, 784, -1, 1), uniform(rng, 10000, 784, -1, 1)
	b.ResetTimer()
	for b.Loop() {
		Es(data, gen)
	}
}

func BenchmarkE2_10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(31, 32))
	data, gen := uniform(rng, 10000, 784, -1, 1), uniform(rng, 10000, 784, -1, 1)
	b.ResetTimer()
	for b.Loop() {
		E2(data, gen)
	}
}

func BenchmarkSamplesIO10k(b *testing.B) {
	x := uniform(rand.New(rand.NewPCG(33, 34)), 10000, 784, -1, 1)
	path := filepath.Join(b.TempDir(), "s.npy")
	b.ResetTimer()
	for b.Loop() {
		if err := WriteSamples(path, x); err != nil {
			b.Fatal(err)
		}
		if _, err := ReadSamples(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSgemm is one block product of EAAI: 1024×1024×784.
func BenchmarkSgemm(b *testing.B) {
	product, flops := sgemmBlock()
	b.ResetTimer()
	for b.Loop() {
		product()
	}
	b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// sgemmBlock returns one block product of the full EAAI search (a
// 1024×1024×784 SGEMM) and its flops.
func sgemmBlock() (product func(), flops float64) {
	const m, k = 1024, 784
	x := uniform(rand.New(rand.NewPCG(35, 36)), m, k, -1, 1)
	c := make([]float32, m*m)
	return func() {
		openblas.Impl.Sgemm(blas.NoTrans, blas.Trans, m, m, k, -2, x.Data, k, x.Data, k, 0, c, m)
	}, 2 * m * m * k
}

// BenchmarkDgemm is the same product in float64 (EAAI's rechecks).
func BenchmarkDgemm(b *testing.B) {
	const m, k = 1024, 784
	x := to64(uniform(rand.New(rand.NewPCG(35, 36)), m, k, -1, 1))
	c := make([]float64, m*m)
	b.ResetTimer()
	for b.Loop() {
		openblas.Impl.Dgemm(blas.NoTrans, blas.Trans, m, m, k, -2, x.Data, k, x.Data, k, 0, c, m)
	}
	b.ReportMetric(2*m*m*k*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
