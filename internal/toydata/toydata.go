// Package toydata makes small synthetic data sets for tests: rows of two
// ±0.9 prototypes (left half on, or right half on) with 10 % of the pixels
// flipped, in s-space.
package toydata

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"
)

// Patterns returns n rows of N columns: even rows are +0.9 on the first N/2
// columns and −0.9 on the rest, odd rows the opposite, and each value is
// negated with probability 0.1 (PCG seeded by seed).
func Patterns(n, N int, seed uint64) blas32.General {
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
