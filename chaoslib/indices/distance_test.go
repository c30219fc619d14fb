package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// naiveNearest is the O(n²N) float64 reference: for each row i of q and each
// category c of the rows of r, the row j (j ≠ i when self) minimising
// Σ_k (q_ik − r_jk)², the lower index winning ties.
func naiveNearest(q, r blas64.General, self bool, cat func(int) int) (idx [2][]int, d2 [2][]float64) {
	for c := range 2 {
		idx[c] = make([]int, q.Rows)
		d2[c] = make([]float64, q.Rows)
	}
	for i := range q.Rows {
		best := [2]int{-1, -1}
		bd := [2]float64{math.Inf(1), math.Inf(1)}
		for j := range r.Rows {
			if self && i == j {
				continue
			}
			var s float64
			for k := range q.Cols {
				d := q.Data[i*q.Stride+k] - r.Data[j*r.Stride+k]
				s += d * d
			}
			c := 0
			if cat != nil {
				c = cat(j)
			}
			if s < bd[c] {
				best[c], bd[c] = j, s
			}
		}
		for c := range 2 {
			idx[c][i], d2[c][i] = best[c], bd[c]
		}
	}
	return idx, d2
}

func setBlock(t *testing.T, b int) {
	old := nnBlock
	nnBlock = b
	t.Cleanup(func() { nnBlock = old })
}

// TestGemmMatchesNaive checks the blocked GEMM search (indices and squared
// distances) against the naive loop on random data, with blocks that do not
// divide the sizes and a category boundary inside a block.
func TestGemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	cat := func(j int) int {
		if j < 50 {
			return 0
		}
		return 1
	}
	for _, b := range []int{7, 16, 1024} {
		setBlock(t, b)
		z := to64(uniform(rng, 121, 13, -1, 1))
		wantI, wantD := naiveNearest(z, z, true, cat)
		s := nearestSelf(dense64(z), cat)
		for c := range 2 {
			for i := range z.Rows {
				if s.arg[c][i] != wantI[c][i] || math.Abs(s.minD[c][i]-wantD[c][i]) > 1e-12 {
					t.Fatalf("block %d, self row %d, category %d: got (%d, %g), want (%d, %g)",
						b, i, c, s.arg[c][i], s.minD[c][i], wantI[c][i], wantD[c][i])
				}
			}
		}
		q, r := to64(uniform(rng, 37, 784, -1, 1)), to64(uniform(rng, 53, 784, -1, 1))
		wantI, wantD = naiveNearest(q, r, false, nil)
		gotI, gotD := nearestCross(dense64(q), dense64(r))
		for i := range q.Rows {
			if gotI[i] != wantI[0][i] || math.Abs(gotD[i]-wantD[0][i]) > gemmTol(784, 784, 784) {
				t.Fatalf("block %d, cross row %d: got (%d, %g), want (%d, %g)", b, i, gotI[i], gotD[i], wantI[0][i], wantD[0][i])
			}
		}
	}
}

// TestGemmTolBound: on rows of s-space extremes (±1, where cancellation in
// ‖a‖² + ‖b‖² − 2a·b is worst) the GEMM d² stays within gemmTol of the
// direct sum, for near and far pairs.
func TestGemmTolBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := uniform(rng, 40, 784, -1, 1)
	for i := range x.Data {
		if x.Data[i] > 0 {
			x.Data[i] = 1
		} else {
			x.Data[i] = math.Nextafter32(-1, 0)
		}
	}
	for i := 1; i < 40; i += 2 { // odd rows: near copies of the even rows
		copy(row(x, i), row(x, i-1))
		row(x, i)[i] = 0.999
	}
	z := to64(x)
	s := newSearch(dense64(z), dense64(z), false, nil)
	s.block(0, 40, 0, 40)
	s32 := newSearch(dense32(x), dense32(x), false, nil)
	s32.block(0, 40, 0, 40)
	for i := range 40 {
		for j := range 40 {
			var want float64
			for k := range 784 {
				d := z.Data[i*784+k] - z.Data[j*784+k]
				want += d * d
			}
			got := s.g[i*40+j] + s.qsq[i] + s.rsq[j]
			if math.Abs(got-want) > gemmTol(784, s.qsq[i], s.rsq[j]) {
				t.Fatalf("d²(%d,%d): GEMM %.17g, direct %.17g, bound %g", i, j, got, want, gemmTol(784, s.qsq[i], s.rsq[j]))
			}
			got32 := float64(s32.g[i*40+j]) + s32.qsq[i] + s32.rsq[j]
			if math.Abs(got32-want) > gemmTol32(784, s.qsq[i], s.rsq[j]) {
				t.Fatalf("d²(%d,%d): SGEMM %.9g, direct %.17g, bound %g", i, j, got32, want, gemmTol32(784, s.qsq[i], s.rsq[j]))
			}
		}
	}
}

// TestNearestSelfSingleRow: a single point has no neighbour.
func TestNearestSelfSingleRow(t *testing.T) {
	s := nearestSelf(dense32(mk([]float32{1, 2})), nil)
	if s.arg[0][0] != -1 || !math.IsInf(s.minD[0][0], 1) {
		t.Errorf("got (%d, %g), want (-1, +Inf)", s.arg[0][0], s.minD[0][0])
	}
}
