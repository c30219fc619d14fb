package indices

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	_ "github.com/chaosgen/chaosgen/internal/openblas" // OpenBLAS behind blas64 and gonum/mat.
)

// E2 is the second-moment error between two sample sets:
//
//	C_ij = ⟨s_i s_j⟩ − ⟨s_i⟩⟨s_j⟩   (population covariance of each set, 1/n)
//	E2   = (1/N²) Σ_ij (C^data_ij − C^gen_ij)²
//
// where ⟨·⟩ is the average over the rows of a set and N is the number of
// columns. The sets may have different numbers of rows. Covariances are
// computed as C = (1/n) Xcᵀ Xc from the centred float64 matrix Xc (DSYRK) and
// the sum is accumulated in float64. E2 panics if the column counts differ,
// or either set is empty, malformed (CheckMatrix) or holds a NaN or ±Inf.
func E2(data, gen blas32.General) float64 {
	samePair("E2", data, gen)
	return e2FromCov(Covariance(data), Covariance(gen))
}

// Covariance returns the N×N population covariance C = (1/n) Xcᵀ Xc of the
// rows of x (Xc: x with each column's mean subtracted, in float64) as a
// symmetric matrix of which only the upper triangle is set. It panics if x
// has no rows.
func Covariance(x blas32.General) blas64.Symmetric {
	if x.Rows == 0 {
		panic("chaoslib: indices: covariance of an empty sample set")
	}
	xc := centred(x)
	N := x.Cols
	c := blas64.Symmetric{N: N, Stride: N, Uplo: blas.Upper, Data: make([]float64, N*N)}
	if N > 0 {
		blas64.Syrk(blas.Trans, 1/float64(x.Rows), xc, 0, c)
	}
	return c
}

// e2FromCov is (1/N²) Σ_ij (a_ij − b_ij)² for two symmetric matrices stored
// in their upper triangles: diagonal terms once, off-diagonal terms twice.
func e2FromCov(a, b blas64.Symmetric) float64 {
	if a.N != b.N {
		panic(fmt.Sprintf("chaoslib: indices: E2: sizes differ: %d vs %d", a.N, b.N))
	}
	N := a.N
	if N == 0 {
		return 0
	}
	var diag, off float64
	for i := range N {
		ra := a.Data[i*a.Stride : i*a.Stride+N]
		rb := b.Data[i*b.Stride : i*b.Stride+N]
		d := ra[i] - rb[i]
		diag += d * d
		for j := i + 1; j < N; j++ {
			d := ra[j] - rb[j]
			off += d * d
		}
	}
	return (diag + 2*off) / (float64(N) * float64(N))
}
