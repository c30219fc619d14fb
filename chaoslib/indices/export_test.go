package indices

import (
	"time"

	"gonum.org/v1/gonum/blas/blas32"
)

// For the benchmarks of package indices_test, which may import chaoslib.

// EAAICost is EAAI with its cost counters.
type EAAICost = eaaiCost

// EAAIWithCost is EAAI, also returning its cost.
func EAAIWithCost(data, gen blas32.General) (AA, EAAICost, error) { return eaai(data, gen) }

// SgemmBlockSeconds times one block product of the full EAAI search (as
// BenchmarkSgemm), best of five.
func SgemmBlockSeconds() float64 {
	product, _ := sgemmBlock()
	best := 0.0
	for r := range 5 {
		t0 := time.Now()
		product()
		if d := time.Since(t0).Seconds(); r == 0 || d < best {
			best = d
		}
	}
	return best
}

// FullSearchFlops is the number of flops of the full float32 search of 2n
// rows of N columns.
func FullSearchFlops(n, N int) float64 { return 2 * float64(fullFlops(2*n, N)) }
