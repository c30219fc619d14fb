package indices_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
)

// shippedCheckpoint is the restricted MNIST model shipped with the
// repository.
var shippedCheckpoint = filepath.Join("..", "..", "pretrained", "restricted-mnist", "checkpoints", "step-0010000.npz")

// BenchmarkEAAIMNIST10k is EAAI on realistic data: the 10,000 MNIST test
// images against 10,000 samples of the shipped restricted model ("model",
// seed fixed) and against the first 10,000 training images ("train").
// It is skipped when MNIST is not cached (chaosgen fetch) or, for "model",
// when the checkpoint is missing. Besides the time it reports the distances
// computed exactly (exact-pairs), the flops of the float32 search (GFLOP)
// against those of the full search (full-GFLOP), the points searched again in
// float64 (rechecked), and the time in units of one block product of the full
// search (sgemm-blocks: the full search is about 191 of them plus its scan),
// measured in the same run.
//
//	go test -run '^$' -bench 'EAAIMNIST|Sgemm' -benchtime=1x ./chaoslib/indices/
func BenchmarkEAAIMNIST10k(b *testing.B) {
	const n = 10000
	test, err := data.Load("mnist", "test")
	if err != nil {
		b.Skipf("MNIST test set not cached: %v", err)
	}
	for _, c := range []struct {
		name string
		gen  func() (blas32.General, error)
	}{
		{"model", func() (blas32.General, error) {
			if _, err := os.Stat(shippedCheckpoint); err != nil {
				return blas32.General{}, err
			}
			m, err := chaoslib.LoadModel(shippedCheckpoint, cpu.New(0))
			if err != nil {
				return blas32.General{}, err
			}
			return m.Sample(n, m.Cfg.T, rand.New(rand.NewPCG(1, 2))), nil
		}},
		{"train", func() (blas32.General, error) {
			train, err := data.Load("mnist", "train")
			if err != nil {
				return blas32.General{}, err
			}
			return train.Head(n).X, nil
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			gen, err := c.gen()
			if err != nil {
				b.Skipf("no generated set: %v", err)
			}
			block := indices.SgemmBlockSeconds()
			var cost indices.EAAICost
			b.ResetTimer()
			t0 := time.Now()
			for b.Loop() {
				if _, cost, err = indices.EAAIWithCost(test.X, gen); err != nil {
					b.Fatal(err)
				}
			}
			sec := time.Since(t0).Seconds() / float64(b.N)
			b.ReportMetric(sec*1e3, "ms")
			b.ReportMetric(float64(cost.Exact), "exact-pairs")
			b.ReportMetric(2*float64(cost.Flops)/1e9, "GFLOP")
			b.ReportMetric(indices.FullSearchFlops(n, test.X.Cols)/1e9, "full-GFLOP")
			b.ReportMetric(float64(cost.Rechecked), "rechecked")
			b.ReportMetric(sec/block, "sgemm-blocks")
		})
	}
}
