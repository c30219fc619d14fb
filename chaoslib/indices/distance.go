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

// nnSearch finds nearest neighbours under the Euclidean distance.
//
// Squared distances are first computed block by block through one DGEMM per
// block pair, d²_ij = ‖q_i‖² + ‖r_j‖² − 2 q_i·r_j, in float64. That formula
// loses accuracy for close points, so it only selects candidates: every column
// whose GEMM value is within the rounding bound tol of the row's best is
// re-evaluated exactly as Σ_k (q_ik − r_jk)² (0 exactly for identical rows),
// and the neighbour is chosen on these exact values. The rounding bound of
// the GEMM formula is |d²_gemm − d²| ≤ 2γ_{N+2}(‖q_i‖² + ‖r_j‖²), with
// γ_k = k·u/(1 − k·u), u = 2⁻⁵³; tol takes twice that, with the largest ‖r_j‖²
// of the block. A candidate j can tie or beat the best exact value b only if
// d²_gemm ≤ b + tol, and the block's exact minimum lies within 2·tol of the
// block's GEMM minimum m, so the rows refined are those with
// d²_gemm ≤ min(b, m + tol) + tol. The result is thus the exact argmin of the
// directly computed distances, whatever the block layout.
//
// Ties of the exact distance are broken by prefer(i, j, k) (whether candidate
// j beats the current best k for query row i); nil means the lower index wins.
type nnSearch struct {
	q, r   blas64.General
	qsq    []float64 // ‖q_i‖²
	rsq    []float64 // ‖r_j‖²
	self   bool      // q and r are the same matrix; row i never pairs with itself
	prefer func(i, j, k int) bool
	gamma  float64

	best  []int     // index of the nearest row of r, −1 if none
	bestD []float64 // its exact squared distance

	g              []float64 // block buffer
	rowMin, colMin []float64
	rowThr, colThr []float64
}

// nearestSelf returns, for each row i of z, the index of its nearest row
// j ≠ i (self excluded by index, not by distance) and the exact squared
// distance; −1 and +Inf when z has a single row. Only block pairs J ≥ I are
// computed; each serves the rows of both blocks.
func nearestSelf(z blas64.General, prefer func(i, j, k int) bool) ([]int, []float64) {
	s := newSearch(z, z, true, prefer)
	for i0 := 0; i0 < z.Rows; i0 += nnBlock {
		for j0 := i0; j0 < z.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, z.Rows), j0, min(j0+nnBlock, z.Rows))
		}
	}
	return s.best, s.bestD
}

// nearestCross returns, for each row of q, the index of its nearest row of r
// (lowest index among exact ties) and the exact squared distance.
func nearestCross(q, r blas64.General) ([]int, []float64) {
	s := newSearch(q, r, false, nil)
	for i0 := 0; i0 < q.Rows; i0 += nnBlock {
		for j0 := 0; j0 < r.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, q.Rows), j0, min(j0+nnBlock, r.Rows))
		}
	}
	return s.best, s.bestD
}

func newSearch(q, r blas64.General, self bool, prefer func(i, j, k int) bool) *nnSearch {
	const u = 0x1p-53
	k := float64(q.Cols + 2)
	s := &nnSearch{
		q: q, r: r, self: self, prefer: prefer,
		qsq:    sqNorms(q),
		gamma:  k * u / (1 - k*u),
		best:   make([]int, q.Rows),
		bestD:  make([]float64, q.Rows),
		g:      make([]float64, min(nnBlock, q.Rows)*min(nnBlock, r.Rows)),
		rowMin: make([]float64, nnBlock),
		colMin: make([]float64, nnBlock),
		rowThr: make([]float64, nnBlock),
		colThr: make([]float64, nnBlock),
	}
	if self {
		s.rsq = s.qsq
	} else {
		s.rsq = sqNorms(r)
	}
	for i := range s.best {
		s.best[i] = -1
		s.bestD[i] = math.Inf(1)
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

// exact is Σ_k (a_k − b_k)² in float64.
func exact(a, b []float64) float64 {
	var s float64
	for k, v := range a {
		d := v - b[k]
		s += d * d
	}
	return s
}

// consider offers row j as neighbour of query row i at exact squared distance d.
func (s *nnSearch) consider(i, j int, d float64) {
	k := s.best[i]
	switch {
	case d < s.bestD[i], k < 0:
	case d > s.bestD[i]:
		return
	case s.prefer != nil:
		if !s.prefer(i, j, k) {
			return
		}
	case j > k:
		return
	}
	s.best[i], s.bestD[i] = j, d
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
	inf := math.Inf(1)
	rowMin, colMin := s.rowMin[:bi], s.colMin[:bj]
	for a := range rowMin {
		rowMin[a] = inf
	}
	for b := range colMin {
		colMin[b] = inf
	}
	var maxR, maxQ float64
	for _, v := range s.rsq[j0:j1] {
		maxR = max(maxR, v)
	}
	for _, v := range s.qsq[i0:i1] {
		maxQ = max(maxQ, v)
	}
	// Pass 1: GEMM squared distances and their row (and column) minima.
	for a := range bi {
		ga := g[a*bj : (a+1)*bj]
		qa := s.qsq[i0+a]
		m := inf
		for b, v := range ga {
			v += qa + s.rsq[j0+b]
			ga[b] = v
			if diag && a == b {
				continue
			}
			m = min(m, v)
			if both {
				colMin[b] = min(colMin[b], v)
			}
		}
		rowMin[a] = m
	}
	rowThr, colThr := s.rowThr[:bi], s.colThr[:bj]
	for a := range bi {
		tol := 4 * s.gamma * (s.qsq[i0+a] + maxR)
		rowThr[a] = min(s.bestD[i0+a], rowMin[a]+tol) + tol
	}
	if both {
		for b := range bj {
			tol := 4 * s.gamma * (s.rsq[j0+b] + maxQ)
			colThr[b] = min(s.bestD[j0+b], colMin[b]+tol) + tol
		}
	}
	// Pass 2: exact distances for the candidates.
	for a := range bi {
		ga := g[a*bj : (a+1)*bj]
		ta := rowThr[a]
		i := i0 + a
		qi := s.q.Data[i*s.q.Stride : i*s.q.Stride+N]
		for b, v := range ga {
			inRow := v <= ta && !(diag && a == b)
			inCol := both && v <= colThr[b]
			if !inRow && !inCol {
				continue
			}
			j := j0 + b
			d := exact(qi, s.r.Data[j*s.r.Stride:j*s.r.Stride+N])
			if inRow {
				s.consider(i, j, d)
			}
			if inCol {
				s.consider(j, i, d)
			}
		}
	}
}
