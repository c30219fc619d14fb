package indices

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas32"
)

// AA holds the adversarial-accuracy index and its two parts.
type AA struct {
	EAAI  float64 // (Truth − ½)² + (Syn − ½)²
	Truth float64 // AA_truth: fraction of data samples whose nearest neighbour is data
	Syn   float64 // AA_syn: fraction of generated samples whose nearest neighbour is generated
}

// EAAI is the adversarial-accuracy index (Yale et al. 2020) of a generated set
// against a data set of the same size n and the same number of columns:
//
//	stack the n data and n generated samples (2n points), Euclidean distance;
//	NN(x)    = nearest neighbour of x among the other 2n − 1 points;
//	AA_truth = (1/n) #{data x : NN(x) is data}
//	AA_syn   = (1/n) #{generated x : NN(x) is generated}
//	EAAI     = (AA_truth − ½)² + (AA_syn − ½)²
//
// Perfect mixing gives EAAI = 0, total separation (AA_truth = AA_syn = 1)
// gives 0.5, and so does a generated set that copies the data
// (AA_truth = AA_syn = 0).
//
// Squared distances are computed as ‖a‖² + ‖b‖² − 2a·b with a·b in float32
// (norms and sums in float64). From 2n ≥ 4096 points with N ≥ 4(k+1)
// columns (k = 64) the search is pruned (nearestSelfPruned): every pair gets
// a lower bound on its squared distance from the points' projections onto k
// principal directions of a subsample plus their residual norms, all pairs
// in one (k+3)-column SGEMM, 2(2n)²(k+3) flops (54 GFLOP at n = 10,000),
// 256 rows at a time. For each point only the pairs whose bound is below an
// upper bound on its nearest distance (from the pair of smallest bound) get
// their distance, by float32 dot products, on every core: on the 10,000
// MNIST test images against 10,000 samples of the shipped restricted model,
// 1.03·10⁶ of the 4·10⁸ ordered pairs. Memory: the float32 copy of the
// stacked set (63 MB for n = 10,000, N = 784), the projections (11 MB) and
// a 256×2n float32 buffer (20 MB). When a pilot of 128 points computes more
// than 2% of its pairs (data spread over many directions, e.g. uniform
// noise), and for smaller sets, the search is the full one: one SGEMM per
// 1024×1024 block pair J ≥ I, as the distance matrix is symmetric, about
// 2n²N multiply-adds (330 GFLOP at n = 10,000) and a 4 MiB block buffer.
// When some points need the float64 recheck below, also a float64 copy of
// the set (125 MB at n = 10,000) and an 8 MiB buffer.
//
// The answer is that of the float64 computation (DGEMM, with the tie rule
// below). Either search finds each nearest distance to within the float32
// rounding gemmTol32/2 (the pruned one computes every pair that can hold a
// nearest neighbour). For every point the float32 gap m_own − m_other + tol(x) is within
// 2δ(x) of the float64 gap, δ(x) = gemmTol32(x) + tol(x)/2, so its sign
// decides the point unless |gap| < 2δ(x). Only those near-tie points (a few
// per cent) are searched again in float64: against all 2n − 1 points after
// the full search, against the pairs the bound cannot exclude after the
// pruned one (pruned.recheck).
func EAAI(data, gen blas32.General) (AA, error) {
	aa, _, err := eaai(data, gen)
	return aa, err
}

// eaaiCost is the work of one EAAI call.
type eaaiCost struct {
	Pruned    bool // the pruned search ran (else the full one)
	Exact     int  // distances computed in float32 (pairs; the full search counts each once)
	Flops     int  // multiply-adds of the float32 search
	Rechecked int  // points searched again in float64
}

// eaai is EAAI, also returning its cost.
func eaai(data, gen blas32.General) (AA, eaaiCost, error) {
	var cost eaaiCost
	if err := checkSets(data, gen); err != nil {
		return AA{}, cost, fmt.Errorf("indices: EAAI: %w", err)
	}
	if data.Rows != gen.Rows {
		return AA{}, cost, fmt.Errorf("indices: EAAI needs sets of equal size: %d data vs %d generated samples", data.Rows, gen.Rows)
	}
	if data.Cols != gen.Cols {
		return AA{}, cost, fmt.Errorf("indices: EAAI: column counts differ: %d vs %d", data.Cols, gen.Cols)
	}
	if data.Rows == 0 {
		return AA{}, cost, errors.New("indices: EAAI of empty sets")
	}
	if err := finite("data", data); err != nil {
		return AA{}, cost, err
	}
	if err := finite("generated", gen); err != nil {
		return AA{}, cost, err
	}
	n, N := data.Rows, data.Cols
	z := stack32(data, gen)  // rows [0, n) are data, [n, 2n) generated
	cat := func(j int) int { // 0: data, 1: generated
		if j < n {
			return 0
		}
		return 1
	}
	ps, exact, flops := nearestSelfPruned(z, n)
	cost = eaaiCost{Pruned: ps != nil, Exact: exact, Flops: flops}
	var s *nnSearch[float32]
	if ps != nil {
		s = ps.s
	} else {
		s = nearestSelf(dense32(z), cat)
		cost.Exact = z.Rows * (z.Rows - 1) / 2
		cost.Flops = fullFlops(z.Rows, N)
	}
	maxSq := maxOf(s.qsq)
	var truth, syn int
	count := func(i int) {
		if cat(i) == 0 {
			truth++
		} else {
			syn++
		}
	}
	var near []int // points whose float32 gap is too close to call
	for i := range z.Rows {
		own, other := cat(i), 1-cat(i)
		gap := s.minD[own][i] - s.minD[other][i] + gemmTol(N, s.qsq[i], maxSq)
		delta := gemmTol32(N, s.qsq[i], maxSq) + gemmTol(N, s.qsq[i], maxSq)/2
		switch {
		case gap < -2*delta:
			count(i)
		case gap < 2*delta:
			near = append(near, i)
		}
	}
	if len(near) > 0 {
		var m [2][]float64
		if ps != nil {
			m = ps.recheck(near)
		} else {
			m = nearestRows(z, near, cat).minD
		}
		for k, i := range near {
			if ownNeighbour(m[cat(i)][k], m[1-cat(i)][k], gemmTol(N, s.qsq[i], maxSq)) {
				count(i)
			}
		}
	}
	var aa AA
	aa.Truth = float64(truth) / float64(n)
	aa.Syn = float64(syn) / float64(n)
	aa.EAAI = (aa.Truth-0.5)*(aa.Truth-0.5) + (aa.Syn-0.5)*(aa.Syn-0.5)
	cost.Rechecked = len(near)
	return aa, cost, nil
}

// fullFlops is the number of multiply-adds of nearestSelf on R rows of N
// columns: every block pair J ≥ I.
func fullFlops(R, N int) int {
	f := 0
	for i0 := 0; i0 < R; i0 += nnBlock {
		for j0 := i0; j0 < R; j0 += nnBlock {
			f += (min(i0+nnBlock, R) - i0) * (min(j0+nnBlock, R) - j0) * N
		}
	}
	return f
}

// ownNeighbour is the tie rule of EAAI: a point's nearest neighbour is in its
// own set only if it is nearer than the other set's by more than tol, the
// rounding bound of the float64 distances; ties go to the other set.
func ownNeighbour(mOwn, mOther, tol float64) bool { return mOwn < mOther-tol }

// nearestRows searches again, in float64, the rows idx of z against all rows
// of z but themselves, by category; row k of the result is z's row idx[k].
func nearestRows(z blas32.General, idx []int, cat func(j int) int) *nnSearch[float64] {
	q := blas32.General{Rows: len(idx), Cols: z.Cols, Stride: z.Cols, Data: make([]float32, len(idx)*z.Cols)}
	for k, i := range idx {
		copy(row(q, k), row(z, i))
	}
	s := newSearch(dense64(to64(q)), dense64(to64(z)), false, cat)
	s.skip = idx
	for i0 := 0; i0 < q.Rows; i0 += nnBlock {
		for j0 := 0; j0 < z.Rows; j0 += nnBlock {
			s.block(i0, min(i0+nnBlock, q.Rows), j0, min(j0+nnBlock, z.Rows))
		}
	}
	return s
}

func maxOf(x []float64) float64 {
	var m float64
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// finite returns an error naming the first NaN or ±Inf of x.
func finite(name string, x blas32.General) error {
	for i := range x.Rows {
		for j, v := range row(x, i) {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return fmt.Errorf("indices: %s set: value %v at row %d, column %d", name, v, i, j)
			}
		}
	}
	return nil
}
