package indices

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// row returns row i of x (Cols values; the stride is honoured).
func row(x blas32.General, i int) []float32 {
	return x.Data[i*x.Stride : i*x.Stride+x.Cols]
}

// to64 returns a float64 copy of x with Stride = Cols.
func to64(x blas32.General) blas64.General {
	out := blas64.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: make([]float64, x.Rows*x.Cols)}
	for i := range x.Rows {
		dst := out.Data[i*x.Cols : (i+1)*x.Cols]
		for j, v := range row(x, i) {
			dst[j] = float64(v)
		}
	}
	return out
}

// stack32 returns the matrix with the rows of a followed by the rows of b,
// with Stride = Cols. a and b must have the same number of columns.
func stack32(a, b blas32.General) blas32.General {
	n, N := a.Rows+b.Rows, a.Cols
	out := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
	for i := range a.Rows {
		copy(row(out, i), row(a, i))
	}
	for i := range b.Rows {
		copy(row(out, a.Rows+i), row(b, i))
	}
	return out
}

// centred returns the float64 matrix Xc = X − 1·meanᵀ, where mean_j =
// (1/n) Σ_μ X_μj is accumulated in float64.
func centred(x blas32.General) blas64.General {
	xc := to64(x)
	n, N := xc.Rows, xc.Cols
	if n == 0 {
		return xc
	}
	mean := make([]float64, N)
	for i := range n {
		for j, v := range xc.Data[i*N : (i+1)*N] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		r := xc.Data[i*N : (i+1)*N]
		for j := range r {
			r[j] -= mean[j]
		}
	}
	return xc
}

// CheckMatrix returns an error unless x is a well-formed row-major matrix:
// Rows, Cols ≥ 0 and, when it has rows, Stride ≥ Cols (and ≥ 1) and Data
// long enough for its last row. A literal that leaves Stride at 0 would
// otherwise read every row as the first.
func CheckMatrix(x blas32.General) error {
	switch {
	case x.Rows < 0 || x.Cols < 0:
		return fmt.Errorf("matrix of %d×%d: sizes must be ≥ 0", x.Rows, x.Cols)
	case x.Rows == 0:
		return nil
	case x.Stride < max(1, x.Cols):
		return fmt.Errorf("matrix of %d×%d has Stride %d; it must be ≥ Cols (and ≥ 1)", x.Rows, x.Cols, x.Stride)
	case len(x.Data) < (x.Rows-1)*x.Stride+x.Cols:
		return fmt.Errorf("matrix of %d×%d (Stride %d) needs %d values; Data has %d", x.Rows, x.Cols, x.Stride, (x.Rows-1)*x.Stride+x.Cols, len(x.Data))
	}
	return nil
}

// checkSets is CheckMatrix of the data and the generated set, the error
// naming the set.
func checkSets(data, gen blas32.General) error {
	if err := CheckMatrix(data); err != nil {
		return fmt.Errorf("data set: %w", err)
	}
	if err := CheckMatrix(gen); err != nil {
		return fmt.Errorf("generated set: %w", err)
	}
	return nil
}

// samePair panics unless a and b are well-formed (CheckMatrix), non-empty,
// finite sets with the same number of columns.
func samePair(fn string, a, b blas32.General) {
	if err := checkSets(a, b); err != nil {
		panic(fmt.Sprintf("chaoslib: indices: %s: %v", fn, err))
	}
	for _, x := range []struct {
		name string
		m    blas32.General
	}{{"data", a}, {"generated", b}} {
		if x.m.Rows == 0 {
			panic(fmt.Sprintf("chaoslib: indices: %s: empty %s set", fn, x.name))
		}
		if err := finite(x.name, x.m); err != nil {
			panic(fmt.Sprintf("chaoslib: %s (%s)", err, fn))
		}
	}
	if a.Cols != b.Cols {
		panic(fmt.Sprintf("chaoslib: indices: %s: column counts differ: %d vs %d", fn, a.Cols, b.Cols))
	}
}
