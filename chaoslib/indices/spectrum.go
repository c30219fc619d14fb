package indices

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Spectrum returns the spectrum of the sample set x (n rows, N columns):
//
//	λ_k = σ_k(X − mean(X))² / n,   k = 1 … min(n, N), in decreasing order,
//
// where σ_k are the singular values of the centred n×N matrix Xc. It is
// computed by eigen-decomposition (gonum mat.EigenSym, eigenvalues only), not
// by SVD: for n ≥ N the λ_k are the eigenvalues of the N×N covariance
// (1/n) Xcᵀ Xc, for n < N those of the n×n Gram matrix (1/n) Xc Xcᵀ, which has
// the same non-zero eigenvalues. Both matrices are formed with DSYRK in
// float64. Round-off can make eigenvalues that are 0 in exact arithmetic
// slightly negative; they are clamped to 0. The result has length min(n, N);
// Es pads it with zeros to N.
func Spectrum(x blas32.General) []float64 {
	return spectrumOf(x, nil)
}

// Es is the spectrum error between two sample sets with the same number N of
// columns (the numbers of rows may differ):
//
//	Es = (1/N) Σ_k (λ^data_k − λ^gen_k)²,   k = 1 … N,
//
// with λ as returned by Spectrum, padded with zeros to length N. Es panics if
// the column counts differ, or either set is empty, malformed (CheckMatrix)
// or holds a NaN or ±Inf.
func Es(data, gen blas32.General) float64 {
	samePair("Es", data, gen)
	return esFromSpectra(Spectrum(data), Spectrum(gen), data.Cols)
}

// spectrumOf computes Spectrum(x); cov, when not nil and n ≥ N, is the
// covariance of x already computed by Covariance(x).
func spectrumOf(x blas32.General, cov *blas64.Symmetric) []float64 {
	n, N := x.Rows, x.Cols
	k := min(n, N)
	if k == 0 {
		return []float64{}
	}
	var s blas64.Symmetric
	switch {
	case n >= N && cov != nil:
		s = *cov
	case n >= N:
		s = Covariance(x)
	default:
		xc := centred(x)
		s = blas64.Symmetric{N: n, Stride: n, Uplo: blas.Upper, Data: make([]float64, n*n)}
		blas64.Syrk(blas.NoTrans, 1/float64(n), xc, 0, s)
	}
	// Copy: EigenSym must not see the caller's covariance (it is reused by E2).
	// Entries below 1e-100 are set to 0: gonum's Dsterf (v0.17.0) panics with
	// "insufficient length of a" when it rescales a block of the tridiagonal
	// whose norm is that tiny, which happens for collapsed, saturated sample
	// sets. They are far below float64 resolution of any λ that matters.
	d := slices.Clone(s.Data[:s.N*s.Stride])
	for i, v := range d {
		if math.Abs(v) < 1e-100 {
			d[i] = 0
		}
	}
	a := mat.NewSymDense(s.N, d)
	var eig mat.EigenSym
	if !eigen(&eig, a) {
		return spectrumSVD(x)
	}
	vals := eig.Values(nil) // ascending
	slices.Reverse(vals)
	vals = vals[:k]
	for i, v := range vals {
		if v < 0 {
			vals[i] = 0
		}
	}
	return vals
}

// esFromSpectra is (1/N) Σ_k (a_k − b_k)² with a, b padded with zeros to N.
func esFromSpectra(a, b []float64, N int) float64 {
	if N == 0 {
		return 0
	}
	var s float64
	for k := range N {
		var x, y float64
		if k < len(a) {
			x = a[k]
		}
		if k < len(b) {
			y = b[k]
		}
		d := x - y
		s += d * d
	}
	return s / float64(N)
}

// eigen factorizes a, turning a panic inside gonum's LAPACK into a failure.
func eigen(eig *mat.EigenSym, a *mat.SymDense) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			ok = false
		}
	}()
	return eig.Factorize(a, false)
}

// spectrumSVD is Spectrum through the SVD of the centred data, the fallback
// when the eigen-decomposition fails: λ_k = σ_k² / n.
func spectrumSVD(x blas32.General) []float64 {
	xc := centred(x)
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(xc.Rows, xc.Cols, xc.Data[:xc.Rows*xc.Stride]), mat.SVDNone) {
		panic(fmt.Sprintf("chaoslib: indices: Spectrum: neither eigen-decomposition nor SVD of a %d×%d set converged", x.Rows, x.Cols))
	}
	vals := svd.Values(nil) // decreasing
	for i, v := range vals {
		vals[i] = v * v / float64(x.Rows)
	}
	return vals
}
