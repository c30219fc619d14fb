package indices

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/chaosgen/chaosgen/internal/openblas"
)

// nnBlock is the number of rows in one block of the distance computation: a
// block pair needs one nnBlock×nnBlock float64 buffer (8 MiB). Tests shrink it
// to exercise block edges.
var nnBlock = 1024

// nnSearch finds nearest neighbours under the Euclidean distance, with the
// squared distances computed block by block through one DGEMM per block pair:
//
//	d²_ij = ‖q_i‖² + ‖r_j‖² − 2 q_i·r_j   (float64)
//
// The rows of r fall into two categories (cat; nil puts all in category 0),
// and for every query row i the search keeps, per category, the smallest d²_ij
// and its index j (the lowest index among equal values), so the result does
// not depend on the block layout.
type nnSearch struct {
	q, r     blas64.General
	qsq, rsq []float64 // ‖q_i‖², ‖r_j‖²
	self     bool      // q and r are the same matrix; row i never pairs with itself
	cat      func(j int) int

	minD [2][]float64 // per category, per query row: smallest d², +Inf if none
	arg  [2][]int     // its index in r, −1 if none

	g              []float64 // block buffer
	rowCat, colCat []uint8   // categories of the rows of a block pair
	colMin         [2][]float64
	colArg         [2][]int
}

// gemmTol bounds the rounding error of the GEMM formula for d²_ij between
// rows of squared norms a and b in N dimensions (the largest b over all rows
// may be used):
//
//	|d²_gemm − d²| ≤ γ_{N+2}(‖q‖² + ‖r‖² + 2‖q‖‖r‖) ≤ 2γ_{N+2}(‖q‖² + ‖r‖²),
//	γ_k = k·u/(1 − k·u), u = 2⁻⁵³,
//
// doubled for safety: 4γ_{N+2}(a + b). For N = 784 and s-space rows
// (‖·‖² ≤ 784) it is at most ≈ 5.5e-10.
func gemmTol(N int, a, b float64) float64 {
	const u = 0x1p-53
	k := float64(N + 2)
	return 4 * k * u / (1 - k*u) * (a + b)
}

// nearestSelf searches, for each row i of z, the rows j ≠ i of z (self
// excluded by index, not by distance). Only block pairs J ≥ I are computed;
// each serves the rows of both blocks, as d² is symmetric.
func nearestSelf(z blas64.General, cat func(j int) int) *nnSearch {
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
func nearestCross(q, r blas64.General) ([]int, []float64) {
	s := newSearch(q, r, false, nil)
	for i0 := 0; i0 < q.Rows; i0 += nnBlock {
		for j0 := 0; j0 < r.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, q.Rows), j0, min(j0+nnBlock, r.Rows))
		}
	}
	return s.arg[0], s.minD[0]
}

func newSearch(q, r blas64.General, self bool, cat func(j int) int) *nnSearch {
	s := &nnSearch{
		q: q, r: r, self: self, cat: cat,
		qsq:    sqNorms(q),
		g:      make([]float64, min(nnBlock, q.Rows)*min(nnBlock, r.Rows)),
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

func sqNorms(x blas64.General) []float64 {
	out := make([]float64, x.Rows)
	for i := range x.Rows {
		var s float64
		for _, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			s += v * v
		}
		out[i] = s
	}
	return out
}

// categories returns the category of rows [j0, j1) of r in dst.
func (s *nnSearch) categories(dst []uint8, j0 int) []uint8 {
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
func (s *nnSearch) offer(c uint8, i, j int, d float64) {
	m := &s.minD[c][i]
	if d < *m || (d == *m && j < s.arg[c][i]) {
		*m = d
		s.arg[c][i] = j
	}
}

// block processes query rows [i0, i1) against rows [j0, j1) of r; in the self
// case with j0 > i0 it also processes rows [j0, j1) against [i0, i1).
func (s *nnSearch) block(i0, i1, j0, j1 int) {
	bi, bj, N := i1-i0, j1-j0, s.q.Cols
	both := s.self && j0 != i0 // columns are queries too
	diag := s.self && j0 == i0 // skip the diagonal entries
	g := s.g[:bi*bj]
	if N > 0 {
		openblas.Impl.Dgemm(blas.NoTrans, blas.Trans, bi, bj, N, -2,
			s.q.Data[i0*s.q.Stride:], s.q.Stride, s.r.Data[j0*s.r.Stride:], s.r.Stride, 0, g, bj)
	} else {
		clear(g)
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
			for b, v := range ga {
				if b == a {
					continue
				}
				v += qa + rsq[b]
				if c := colCat[b]; v < m[c] {
					m[c], arg[c] = v, j0+b
				}
			}
		case both:
			// Column minima too: rows of J against row i (category rowCat[a]);
			// a increases, so again the lowest index is kept.
			cm, ca := s.colMin[rowCat[a]][:bj], s.colArg[rowCat[a]][:bj]
			for b, v := range ga {
				v += qa + rsq[b]
				if c := colCat[b]; v < m[c] {
					m[c], arg[c] = v, j0+b
				}
				if v < cm[b] {
					cm[b], ca[b] = v, i
				}
			}
		default:
			for b, v := range ga {
				v += qa + rsq[b]
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
