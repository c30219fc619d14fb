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
// Squared distances are computed in float64 through DGEMM as
// ‖a‖² + ‖b‖² − 2a·b, in row blocks of 1024 (one 8 MiB buffer; memory is
// dominated by the float64 copy of the 2n×N stacked set, 125 MB for
// n = 10,000, N = 784). Only block pairs J ≥ I are computed, as the distance
// matrix is symmetric: about 2n²N multiply-adds.
//
// Self-exclusion and ties. A point is excluded from its own search by index,
// not by distance, so duplicates are neighbours at distance 0. For each point
// x the search keeps the smallest squared distance to its own set, m_own, and
// to the other set, m_other. Its neighbour counts as in its own set only if
//
//	m_own < m_other − tol(x),   tol(x) = 4γ_{N+2}(‖x‖² + max_y ‖y‖²),
//
// tol being the rounding bound of the GEMM formula (γ_k = k·u/(1 − k·u),
// u = 2⁻⁵³; ≈ 5.5e-10 at most in s-space with N = 784). Distances equal to
// within that bound are ties, and ties go to the other set. So when gen is an
// exact copy of data, every point has its copy at distance 0 in the other set
// — and the rule holds even if data itself contains duplicates — giving
// AA_truth = AA_syn = 0.
//
// EAAI returns an error if the sets differ in size or columns, are empty, or
// hold a NaN or ±Inf.
func EAAI(data, gen blas32.General) (AA, error) {
	if data.Rows != gen.Rows {
		return AA{}, fmt.Errorf("indices: EAAI needs sets of equal size: %d data vs %d generated samples", data.Rows, gen.Rows)
	}
	if data.Cols != gen.Cols {
		return AA{}, fmt.Errorf("indices: EAAI: column counts differ: %d vs %d", data.Cols, gen.Cols)
	}
	if data.Rows == 0 {
		return AA{}, errors.New("indices: EAAI of empty sets")
	}
	if err := finite("data", data); err != nil {
		return AA{}, err
	}
	if err := finite("generated", gen); err != nil {
		return AA{}, err
	}
	n := data.Rows
	z := stack64(data, gen)  // rows [0, n) are data, [n, 2n) generated
	cat := func(j int) int { // 0: data, 1: generated
		if j < n {
			return 0
		}
		return 1
	}
	s := nearestSelf(z, cat)
	var maxSq float64
	for _, v := range s.qsq {
		maxSq = max(maxSq, v)
	}
	var truth, syn int
	for i := range z.Rows {
		own, other := cat(i), 1-cat(i)
		// Own-set neighbour only if strictly nearer by more than the GEMM
		// rounding bound; otherwise a tie, which goes to the other set.
		if s.minD[own][i] < s.minD[other][i]-gemmTol(z.Cols, s.qsq[i], maxSq) {
			if own == 0 {
				truth++
			} else {
				syn++
			}
		}
	}
	var aa AA
	aa.Truth = float64(truth) / float64(n)
	aa.Syn = float64(syn) / float64(n)
	aa.EAAI = (aa.Truth-0.5)*(aa.Truth-0.5) + (aa.Syn-0.5)*(aa.Syn-0.5)
	return aa, nil
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
