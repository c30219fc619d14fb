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
// A point is excluded from its own search by index, not by distance, so
// duplicates are neighbours at distance 0. Ties of the distance are broken in
// favour of the other set: a point whose nearest distance is reached both by
// a point of its own set and by one of the other set counts as having its
// neighbour in the other set (the lower stacked index decides among points of
// the same set, which does not change AA). So when gen is an exact copy of
// data, every point's neighbour is its copy — even if data itself contains
// duplicates — and AA_truth = AA_syn = 0.
//
// Distances are computed in float64 through DGEMM in row blocks of 1024 (one
// 8 MiB buffer; memory is dominated by the float64 copy of the 2n×N stacked
// set) and the nearest candidates are re-evaluated exactly as Σ(a−b)², so
// ties are decided on exact distances (see nnSearch). Only block pairs J ≥ I
// are computed, as the distance matrix is symmetric.
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
	z := stack64(data, gen) // rows [0, n) are data, [n, 2n) generated
	isData := func(i int) bool { return i < n }
	prefer := func(i, j, k int) bool { // at equal distance: other set first, then lower index
		jOther, kOther := isData(j) != isData(i), isData(k) != isData(i)
		if jOther != kOther {
			return jOther
		}
		return j < k
	}
	nn, _ := nearestSelf(z, prefer)
	var truth, syn int
	for i, j := range nn {
		if isData(i) == isData(j) {
			if isData(i) {
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
