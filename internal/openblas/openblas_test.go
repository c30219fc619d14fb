package openblas

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// TestSgemmHandCase checks the linked library on a 2×2 product computed by hand.
func TestSgemmHandCase(t *testing.T) {
	a := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{1, 2, 3, 4}}
	b := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{5, 6, 7, 8}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, c)
	want := []float32{19, 22, 43, 50}
	for i := range want {
		if c.Data[i] != want[i] {
			t.Fatalf("c = %v, want %v", c.Data, want)
		}
	}
}

// TestMatUsesBLAS64 checks gonum/mat through blas64: (AᵀA) for a hand case.
func TestMatUsesBLAS64(t *testing.T) {
	a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	var c mat.Dense
	c.Mul(a.T(), a)
	want := mat.NewDense(2, 2, []float64{10, 14, 14, 20})
	if !mat.Equal(&c, want) {
		t.Fatalf("AᵀA = %v, want %v", mat.Formatted(&c), mat.Formatted(want))
	}
}

// TestCoreName: OpenBLAS reports a non-empty kernel family.
func TestCoreName(t *testing.T) {
	if CoreName() == "" {
		t.Fatal("empty OpenBLAS core name")
	}
	t.Logf("OpenBLAS core %q", CoreName())
}
