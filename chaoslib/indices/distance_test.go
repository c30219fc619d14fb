package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
)

// naiveNearest is the O(n²N) float64 reference: for each row i of q, the row
// j of r (j ≠ i when self) minimising Σ_k (q_ik − r_jk)², ties broken by
// prefer (nil: lower index).
func naiveNearest(q, r blas64.General, self bool, prefer func(i, j, k int) bool) ([]int, []float64) {
	idx := make([]int, q.Rows)
	d2 := make([]float64, q.Rows)
	for i := range q.Rows {
		best, bd := -1, math.Inf(1)
		for j := range r.Rows {
			if self && i == j {
				continue
			}
			var s float64
			for k := range q.Cols {
				d := q.Data[i*q.Stride+k] - r.Data[j*r.Stride+k]
				s += d * d
			}
			better := best < 0 || s < bd
			if s == bd && best >= 0 {
				if prefer != nil {
					better = prefer(i, j, best)
				} else {
					better = j < best
				}
			}
			if better {
				best, bd = j, s
			}
		}
		idx[i], d2[i] = best, bd
	}
	return idx, d2
}

func setBlock(t *testing.T, b int) {
	old := nnBlock
	nnBlock = b
	t.Cleanup(func() { nnBlock = old })
}

// TestGemmMatchesNaive checks the blocked GEMM search against the naive loop
// on random data, with blocks that do not divide the sizes.
func TestGemmMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, b := range []int{7, 16, 1024} {
		setBlock(t, b)
		z := to64(uniform(rng, 121, 13, -1, 1))
		wantI, wantD := naiveNearest(z, z, true, nil)
		gotI, gotD := nearestSelf(z, nil)
		for i := range wantI {
			if gotI[i] != wantI[i] || math.Abs(gotD[i]-wantD[i]) > 1e-12 {
				t.Fatalf("block %d, self row %d: got (%d, %g), want (%d, %g)", b, i, gotI[i], gotD[i], wantI[i], wantD[i])
			}
		}
		q, r := to64(uniform(rng, 37, 13, -1, 1)), to64(uniform(rng, 53, 13, -1, 1))
		wantI, wantD = naiveNearest(q, r, false, nil)
		gotI, gotD = nearestCross(q, r)
		for i := range wantI {
			if gotI[i] != wantI[i] || math.Abs(gotD[i]-wantD[i]) > 1e-12 {
				t.Fatalf("block %d, cross row %d: got (%d, %g), want (%d, %g)", b, i, gotI[i], gotD[i], wantI[i], wantD[i])
			}
		}
	}
}

// TestGemmDistanceFormula checks the raw GEMM squared distances of one block
// (‖a‖² + ‖b‖² − 2a·b) against direct sums, within the rounding bound.
func TestGemmDistanceFormula(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	q, r := to64(uniform(rng, 20, 784, -1, 1)), to64(uniform(rng, 30, 784, -1, 1))
	s := newSearch(q, r, false, nil)
	s.block(0, 20, 0, 30)
	for i := range 20 {
		for j := range 30 {
			want := exact(q.Data[i*784:(i+1)*784], r.Data[j*784:(j+1)*784])
			if got := s.g[i*30+j]; math.Abs(got-want) > 1e-9 {
				t.Fatalf("d²(%d,%d): GEMM %.17g, direct %.17g", i, j, got, want)
			}
		}
	}
}

// TestNearestBelowGemmResolution plants candidates closer together than the
// GEMM formula can resolve (one float32 ulp apart in one pixel of a 784-pixel
// image: d² ≈ 3.6e-15 versus GEMM rounding ≈ 1e-11): the exact re-evaluation
// must still pick the nearest one, whatever its position and block.
func TestNearestBelowGemmResolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	base := uniform(rng, 1, 784, 0.5, 0.99)
	a := row(base, 0)
	nudge := func(steps int) []float32 {
		c := append([]float32(nil), a...)
		for range steps {
			c[100] = math.Nextafter32(c[100], 2)
		}
		return c
	}
	far := uniform(rng, 40, 784, -1, 1)
	for _, b := range []int{3, 1024} {
		setBlock(t, b)
		rows := [][]float32{}
		for i := range 40 {
			rows = append(rows, row(far, i))
		}
		rows[5], rows[17], rows[33] = nudge(3), nudge(1), nudge(2)
		q, r := to64(mk(a)), to64(mk(rows...))
		idx, d2 := nearestCross(q, r)
		if idx[0] != 17 || d2[0] <= 0 {
			t.Errorf("block %d: nearest = %d (d² %g), want 17 (one ulp away)", b, idx[0], d2[0])
		}
	}
}

// TestNearestSelfSingleRow: a single point has no neighbour.
func TestNearestSelfSingleRow(t *testing.T) {
	idx, d2 := nearestSelf(to64(mk([]float32{1, 2})), nil)
	if idx[0] != -1 || !math.IsInf(d2[0], 1) {
		t.Errorf("got (%d, %g), want (-1, +Inf)", idx[0], d2[0])
	}
}
