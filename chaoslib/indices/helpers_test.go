package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// mk builds a blas32.General from rows.
func mk(rows ...[]float32) blas32.General {
	if len(rows) == 0 {
		return blas32.General{}
	}
	N := len(rows[0])
	x := blas32.General{Rows: len(rows), Cols: N, Stride: N, Data: make([]float32, 0, len(rows)*N)}
	for _, r := range rows {
		if len(r) != N {
			panic("ragged rows")
		}
		x.Data = append(x.Data, r...)
	}
	return x
}

// uniform returns an n×N set of values uniform in [lo, hi).
func uniform(rng *rand.Rand, n, N int, lo, hi float32) blas32.General {
	x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
	for i := range x.Data {
		x.Data[i] = lo + (hi-lo)*rng.Float32()
	}
	return x
}

// gaussian returns an n×N set of standard normal values.
func gaussian(rng *rand.Rand, n, N int) blas32.General {
	x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	return x
}

// withStride returns a copy of x stored with Stride = Cols + pad, the padding
// filled with NaN so that any read past Cols shows.
func withStride(x blas32.General, pad int) blas32.General {
	s := x.Cols + pad
	y := blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: s, Data: make([]float32, x.Rows*s)}
	for i := range y.Data {
		y.Data[i] = float32(math.NaN())
	}
	for i := range x.Rows {
		copy(y.Data[i*s:i*s+x.Cols], row(x, i))
	}
	return y
}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.17g, want %.17g (tolerance %g)", name, got, want, tol)
	}
}
