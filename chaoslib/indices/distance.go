package indices

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/chaosgen/chaosgen/internal/openblas"
)

// float is the element type of a distance search: float32 (SGEMM) or
// float64 (DGEMM).
type float interface{ float32 | float64 }

// dense is a row-major matrix of either precision.
type dense[T float] struct {
	Rows, Cols, Stride int
	Data               []T
}

func dense64(x blas64.General) dense[float64] {
	return dense[float64]{Rows: x.Rows, Cols: x.Cols, Stride: x.Stride, Data: x.Data}
}

func dense32(x blas32.General) dense[float32] {
	return dense[float32]{Rows: x.Rows, Cols: x.Cols, Stride: x.Stride, Data: x.Data}
}

// gemmNT sets c (m×n, stride n) = alpha·a·bᵀ for a (m×k) and b (n×k), in
// the precision of T.
func gemmNT[T float](m, n, k int, alpha T, a []T, lda int, b []T, ldb int, c []T) {
	switch a := any(a).(type) {
	case []float32:
		openblas.Impl.Sgemm(blas.NoTrans, blas.Trans, m, n, k, float32(alpha), a, lda, any(b).([]float32), ldb, 0, any(c).([]float32), n)
	case []float64:
		openblas.Impl.Dgemm(blas.NoTrans, blas.Trans, m, n, k, float64(alpha), a, lda, any(b).([]float64), ldb, 0, any(c).([]float64), n)
	}
}

// nnBlock is the number of rows in one block of the distance computation: a
// block pair needs one nnBlock×nnBlock float64 buffer (8 MiB). Tests shrink it
// to exercise block edges.
var nnBlock = 1024

// nnSearch finds nearest neighbours under the Euclidean distance, with the
// squared distances computed block by block through one GEMM per block pair,
// in the precision T, while the norms and the sums are float64:
//
//	d²_ij = ‖q_i‖² + ‖r_j‖² − 2 q_i·r_j
//
// The rows of r fall into two categories (cat; nil puts all in category 0),
// and for every query row i the search keeps, per category, the smallest d²_ij
// and its index j (the lowest index among equal values), so the result does
// not depend on the block layout.
type nnSearch[T float] struct {
	q, r     dense[T]
	qsq, rsq []float64 // ‖q_i‖², ‖r_j‖²
	self     bool      // q and r are the same matrix; row i never pairs with itself
	skip     []int     // if set, query row i never pairs with row skip[i] of r
	cat      func(j int) int

	minD [2][]float64 // per category, per query row: smallest d², +Inf if none
	arg  [2][]int     // its index in r, −1 if none

	g              []T     // block buffer, allocated by the first block
	rowCat, colCat []uint8 // categories of the rows of a block pair
	colMin         [2][]float64
	colArg         [2][]int
}

// gemmTol bounds the rounding error of the float64 GEMM formula for d²_ij
// between rows of squared norms a and b in N dimensions (the largest b over
// all rows may be used):
//
//	|d²_gemm − d²| ≤ γ_{N+2}(‖q‖² + ‖r‖² + 2‖q‖‖r‖) ≤ 2γ_{N+2}(‖q‖² + ‖r‖²),
//	γ_k = k·u/(1 − k·u), u = 2⁻⁵³,
//
// doubled for safety: 4γ_{N+2}(a + b). For N = 784 and s-space rows
// (‖·‖² ≤ 784) it is at most ≈ 5.5e-10.
func gemmTol(N int, a, b float64) float64 { return 4 * gamma(N+2, 0x1p-53) * (a + b) }

// gemmTol32 bounds the error of d²_ij when q_i·r_j comes from SGEMM on
// float32 rows (the norms and sums stay float64):
//
//	|fl32(q·r) − q·r| ≤ γ_N Σ_k |q_k r_k| ≤ γ_N(‖q‖² + ‖r‖²)/2,  u = 2⁻²⁴,
//
// so |d²_sgemm − d²| ≤ γ_N(‖q‖² + ‖r‖²) plus float64 rounding far below it;
// doubled for safety, 2γ_{N+2}(a + b): about 0.15 for N = 784 in s-space.
func gemmTol32(N int, a, b float64) float64 { return 2 * gamma(N+2, 0x1p-24) * (a + b) }

// gamma is γ_k = k·u/(1 − k·u), the bound of k rounding errors of unit u.
func gamma(k int, u float64) float64 { return float64(k) * u / (1 - float64(k)*u) }

// nearestSelf searches, for each row i of z, the rows j ≠ i of z (self
// excluded by index, not by distance). Only block pairs J ≥ I are computed;
// each serves the rows of both blocks, as d² is symmetric.
func nearestSelf[T float](z dense[T], cat func(j int) int) *nnSearch[T] {
	s := newSearch(z, z, true, cat)
	for i0 := 0; i0 < z.Rows; i0 += nnBlock {
		for j0 := i0; j0 < z.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, z.Rows), j0, min(j0+nnBlock, z.Rows))
		}
	}
	return s
}

// nearestCross returns, for each row of q, the index of the nearest row of r
// (lowest index among equal GEMM values) and the squared distance.
func nearestCross[T float](q, r dense[T]) ([]int, []float64) {
	s := newSearch(q, r, false, nil)
	for i0 := 0; i0 < q.Rows; i0 += nnBlock {
		for j0 := 0; j0 < r.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, q.Rows), j0, min(j0+nnBlock, r.Rows))
		}
	}
	return s.arg[0], s.minD[0]
}

func newSearch[T float](q, r dense[T], self bool, cat func(j int) int) *nnSearch[T] {
	s := &nnSearch[T]{
		q: q, r: r, self: self, cat: cat,
		qsq:    sqNorms(q),
		rowCat: make([]uint8, nnBlock),
		colCat: make([]uint8, nnBlock),
	}
	if self {
		s.rsq = s.qsq
	} else {
		s.rsq = sqNorms(r)
	}
	for c := range 2 {
		s.minD[c] = make([]float64, q.Rows)
		s.arg[c] = make([]int, q.Rows)
		for i := range q.Rows {
			s.minD[c][i] = math.Inf(1)
			s.arg[c][i] = -1
		}
		if self {
			s.colMin[c] = make([]float64, nnBlock)
			s.colArg[c] = make([]int, nnBlock)
		}
	}
	return s
}

func sqNorms[T float](x dense[T]) []float64 {
	out := make([]float64, x.Rows)
	for i := range x.Rows {
		var s float64
		for _, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			s += float64(v) * float64(v)
		}
		out[i] = s
	}
	return out
}

// categories returns the category of rows [j0, j1) of r in dst.
func (s *nnSearch[T]) categories(dst []uint8, j0 int) []uint8 {
	for b := range dst {
		if s.cat != nil {
			dst[b] = uint8(s.cat(j0 + b))
		} else {
			dst[b] = 0
		}
	}
	return dst
}

// offer records j as a candidate of category c for query row i at d².
func (s *nnSearch[T]) offer(c uint8, i, j int, d float64) {
	m := &s.minD[c][i]
	if d < *m || (d == *m && j < s.arg[c][i]) {
		*m = d
		s.arg[c][i] = j
	}
}

// block processes query rows [i0, i1) against rows [j0, j1) of r; in the self
// case with j0 > i0 it also processes rows [j0, j1) against [i0, i1).
func (s *nnSearch[T]) block(i0, i1, j0, j1 int) {
	bi, bj, N := i1-i0, j1-j0, s.q.Cols
	both := s.self && j0 != i0 // columns are queries too
	diag := s.self && j0 == i0 // skip the diagonal entries
	if s.g == nil {
		s.g = make([]T, min(nnBlock, s.q.Rows)*min(nnBlock, s.r.Rows))
	}
	g := s.g[:bi*bj]
	if N > 0 {
		gemmNT(bi, bj, N, -2, s.q.Data[i0*s.q.Stride:], s.q.Stride, s.r.Data[j0*s.r.Stride:], s.r.Stride, g)
	} else {
		clear(g)
	}
	if s.skip != nil {
		for a, j := range s.skip[i0:i1] {
			if j >= j0 && j < j1 {
				g[a*bj+j-j0] = T(math.Inf(1))
			}
		}
	}
	colCat := s.categories(s.colCat[:bj], j0)
	var rowCat []uint8
	if both {
		rowCat = s.categories(s.rowCat[:bi], i0)
		for c := range 2 {
			for b := range bj {
				s.colMin[c][b] = math.Inf(1)
				s.colArg[c][b] = -1
			}
		}
	}
	rsq := s.rsq[j0:j1]
	for a := range bi {
		i := i0 + a
		ga := g[a*bj : (a+1)*bj]
		qa := s.qsq[i]
		// Row minima per category; b increases, so the first of equal values
		// (the lowest index) is kept.
		m := [2]float64{math.Inf(1), math.Inf(1)}
		arg := [2]int{-1, -1}
		switch {
		case diag:
			for b, gv := range ga {
				if b == a {
					continue
				}
				v := float64(gv) + qa + rsq[b]
				if c := colCat[b]; v < m[c] {
					m[c], arg[c] = v, j0+b
				}
			}
		case both:
			// Column minima too: rows of J against row i (category rowCat[a]);
			// a increases, so again the lowest index is kept.
			cm, ca := s.colMin[rowCat[a]][:bj], s.colArg[rowCat[a]][:bj]
			for b, gv := range ga {
				v := float64(gv) + qa + rsq[b]
				if c := colCat[b]; v < m[c] {
					m[c], arg[c] = v, j0+b
				}
				if v < cm[b] {
					cm[b], ca[b] = v, i
				}
			}
		default:
			for b, gv := range ga {
				v := float64(gv) + qa + rsq[b]
				if c := colCat[b]; v < m[c] {
					m[c], arg[c] = v, j0+b
				}
			}
		}
		for c := range 2 {
			if arg[c] >= 0 {
				s.offer(uint8(c), i, arg[c], m[c])
			}
		}
	}
	if both {
		for c := range 2 {
			for b := range bj {
				if s.colArg[c][b] >= 0 {
					s.offer(uint8(c), j0+b, s.colArg[c][b], s.colMin[c][b])
				}
			}
		}
	}
}
