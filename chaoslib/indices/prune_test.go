package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// setPrune makes EAAI prune sets of any size and never fall back (or, with
// maxFrac = 0, always fall back) for the duration of the test.
func setPrune(t *testing.T, minRows int, maxFrac float64) {
	oldRows, oldFrac := pruneMinRows, pruneMaxFrac
	pruneMinRows, pruneMaxFrac = minRows, maxFrac
	t.Cleanup(func() { pruneMinRows, pruneMaxFrac = oldRows, oldFrac })
}

// allBounds returns the bounds b_ij of every pair of rows of x for u, and
// the projection's σ_i (from w_i = ‖z̃_i‖² − σ_i).
func allBounds(x blas32.General, u *mat.Dense) (b [][]float32, sigma []float64) {
	pr := project(x, u, sqNorms(dense32(x)))
	k := pr.q.Cols - 3
	idx := make([]int, x.Rows)
	for i := range idx {
		idx[i] = i
	}
	g := make([]float32, x.Rows*x.Rows)
	pr.bounds(idx, make([]float32, x.Rows*pr.q.Cols), g)
	for i := range x.Rows {
		b = append(b, g[i*x.Rows:(i+1)*x.Rows])
		z := pr.q.Data[i*pr.q.Stride : i*pr.q.Stride+k+1]
		var zz float64
		for _, v := range z {
			zz += float64(v) * float64(v)
		}
		sigma = append(sigma, zz-float64(pr.q.Data[i*pr.q.Stride+k+1]))
	}
	return b, sigma
}

// sqDist is ‖a − b‖² in float64, summing squared differences.
func sqDist(a, b []float32) float64 {
	var s float64
	for k := range a {
		d := float64(a[k]) - float64(b[k])
		s += d * d
	}
	return s
}

// TestProjectionBoundHand: N = 3, one direction u. With z_i = (uᵀx_i,
// ‖x_i − u uᵀx_i‖) the bound is ‖z_i − z_j‖² (less σ_i + σ_j):
//
//	u = e₁:         a = (3, 4, 0) → z = (3, 4);  o = 0 → z = (0, 0);
//	                c = (3, −4, 0) → z = (3, 4); d = (1, 0, 2) → z = (1, 2)
//	                b(a, o) = 25 = d², b(a, c) = 0 < 64, b(a, d) = 4 + 4 = 8 < 24
//	u = (e₁+e₂)/√2: a → z = (7/√2, 1/√2), b(a, o) = 49/2 + 1/2 = 25 = d²;
//	                c → z = (−1/√2, 7/√2), b(a, c) = 32 + 18 = 50 < 64
func TestProjectionBoundHand(t *testing.T) {
	a, o, c, d := []float32{3, 4, 0}, []float32{0, 0, 0}, []float32{3, -4, 0}, []float32{1, 0, 2}
	x := mk(a, o, c, d)
	r := 1 / math.Sqrt2
	for _, tc := range []struct {
		name string
		u    []float64
		want [][3]float64 // i, j, bound
	}{
		{"e1", []float64{1, 0, 0}, [][3]float64{{0, 1, 25}, {0, 2, 0}, {0, 3, 8}, {1, 3, 5}}},
		{"diagonal", []float64{r, r, 0}, [][3]float64{{0, 1, 25}, {0, 2, 50}}},
	} {
		b, sigma := allBounds(x, mat.NewDense(3, 1, tc.u))
		for _, w := range tc.want {
			i, j := int(w[0]), int(w[1])
			got := float64(b[i][j]) + sigma[i] + sigma[j]
			near(t, tc.name+" bound", got, w[2], 1e-4)
			if dd := sqDist(row(x, i), row(x, j)); float64(b[i][j]) > dd {
				t.Errorf("%s: b(%d, %d) = %g exceeds d² = %g", tc.name, i, j, b[i][j], dd)
			}
		}
	}
}

// TestProjectionBoundHolds: b_ij ≤ d²_ij for every pair of sets built to
// stress it (large norms, saturated rows, a low-dimensional cloud that the
// directions capture exactly, where the bound is tight to σ_i + σ_j).
func TestProjectionBoundHolds(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	const N = 300
	lowDim := func(n, dim int) blas32.General {
		basis := gaussian(rng, dim, N)
		x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
		for i := range n {
			for l := range dim {
				c := float32(rng.NormFloat64())
				for j, v := range row(basis, l) {
					x.Data[i*N+j] += c * v / 4
				}
			}
		}
		return x
	}
	saturated := uniform(rng, 120, N, -1, 1)
	for i := range saturated.Data {
		saturated.Data[i] = float32(math.Copysign(1, float64(saturated.Data[i])))
	}
	for _, tc := range []struct {
		name  string
		x     blas32.General
		k     int
		tight bool
	}{
		{"uniform", uniform(rng, 150, N, -1, 1), 16, false},
		{"offset", uniform(rng, 150, N, 99, 101), 8, false},
		{"saturated", saturated, 16, false},
		{"low-dimensional", lowDim(150, 6), 16, true},
	} {
		u, _, ok := principalDirections(tc.x, tc.k)
		if !ok {
			t.Fatalf("%s: directions not orthonormal", tc.name)
		}
		b, sigma := allBounds(tc.x, u)
		worst := 0.0
		for i := range tc.x.Rows {
			for j := range tc.x.Rows {
				dd := sqDist(row(tc.x, i), row(tc.x, j))
				if float64(b[i][j]) > dd*(1+1e-12) {
					t.Fatalf("%s: b(%d, %d) = %g exceeds d² = %g", tc.name, i, j, b[i][j], dd)
				}
				if i != j {
					worst = max(worst, (dd-float64(b[i][j])-sigma[i]-sigma[j])/dd)
				}
			}
		}
		if tc.tight && worst > 1e-4 {
			t.Errorf("%s: bound below d² by a fraction %g, want it tight", tc.name, worst)
		}
	}
}

// checkPruned runs the pruned search of x (categories: rows below n) and
// compares it with the full float32 search: nearest distances within the
// float32 rounding tol, and nearest rows at exact distances within 2·tol of
// each other (with sameArgs: the same rows). It returns the number of
// distances computed.
func checkPruned(t *testing.T, name string, x blas32.General, n, k int, sameArgs bool) int {
	t.Helper()
	ps, ok := newPruned(x, n, k)
	if !ok {
		t.Fatalf("%s: projection refused", name)
	}
	count := ps.search(ps.order())
	full := nearestSelf(dense32(x), ps.s.cat)
	tol := gemmTol32(x.Cols, maxOf(full.qsq), maxOf(full.qsq))
	for c := range 2 {
		for i := range x.Rows {
			jp, jf := ps.s.arg[c][i], full.arg[c][i]
			far := jp < 0 || jf < 0 || math.Abs(sqDist(row(x, i), row(x, jp))-sqDist(row(x, i), row(x, jf))) > 2*tol
			if (sameArgs && jp != jf) || far || math.Abs(ps.s.minD[c][i]-full.minD[c][i]) > tol {
				t.Fatalf("%s: row %d, category %d: pruned %d at %g, full %d at %g", name, i, c,
					ps.s.arg[c][i], ps.s.minD[c][i], full.arg[c][i], full.minD[c][i])
			}
		}
	}
	return count
}

// TestPrunedTotal: points on a line through the origin (x_i = t_i e₇, the
// two categories interleaved; per row and category the two nearest squared
// distances differ by ≥ 0.002, far above the rounding ≈ 1e-4). The first
// direction is the line, so the bound equals d² up to σ, and nothing is
// computed but the guesses (≤ 3 per row) and the row of smallest bound (one
// per category): at most 5 distances per row.
func TestPrunedTotal(t *testing.T) {
	ts := []float32{-1, -0.9, -0.72, -0.45, 0.1, 0.3, 0.62, 1, -0.96, 0.83}
	const N = 300
	x := blas32.General{Rows: len(ts), Cols: N, Stride: N, Data: make([]float32, len(ts)*N)}
	for i, v := range ts {
		x.Data[i*N+7] = v
	}
	count := checkPruned(t, "line", x, len(ts)/2, 8, true)
	if count > 5*len(ts) {
		t.Errorf("line: %d distances computed, want at most %d", count, 5*len(ts))
	}
	t.Logf("line: %d distances for %d rows", count, len(ts))
}

// TestPrunedEmpty: the rows e_i of the identity (all squared distances 2):
// every bound is at most d² = 2 ≤ t, so every pair is computed,
// R(R − 1) distances, and the ties go to the lowest index.
func TestPrunedEmpty(t *testing.T) {
	const R, N = 40, 300
	x := blas32.General{Rows: R, Cols: N, Stride: N, Data: make([]float32, R*N)}
	for i := range R {
		x.Data[i*N+i] = 1
	}
	if count := checkPruned(t, "simplex", x, R/2, 8, true); count != R*(R-1) {
		t.Errorf("simplex: %d distances computed, want %d", count, R*(R-1))
	}
}

// TestPrunedMatchesFull: on random sets with blocks and guesses in play.
func TestPrunedMatchesFull(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	x := uniform(rng, 700, 300, -1, 1)
	for i := 1; i < x.Rows; i += 3 { // near copies of their predecessor
		for j, v := range row(x, i-1) {
			x.Data[i*x.Stride+j] = v + 0.01*float32(rng.NormFloat64())
		}
	}
	copy(row(x, 5), row(x, 600)) // an exact duplicate across categories
	if count := checkPruned(t, "near copies", x, 350, 16, false); count >= x.Rows*(x.Rows-1) {
		t.Errorf("near copies: nothing pruned (%d distances)", count)
	}
}

// TestPruneFallback: the pilot sends uniform noise, which the bound cannot
// prune, to the full search.
func TestPruneFallback(t *testing.T) {
	rng := rand.New(rand.NewPCG(55, 56))
	data, gen := uniform(rng, 300, 784, -1, 1), uniform(rng, 300, 784, -1, 1)
	setPrune(t, 0, 0.02)
	if ps, _, _ := nearestSelfPruned(stack32(data, gen), 300); ps != nil {
		t.Error("uniform noise: pruned search kept")
	}
}

// TestPrunedRecheck: the float64 recheck over the pairs the bound keeps
// gives the minima of the full float64 search (nearestRows), to float64
// rounding, on lattice points (exact ties, duplicates, a tight bound) and
// on near copies.
func TestPrunedRecheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(57, 58))
	const R, N = 400, 300
	lattice := blas32.General{Rows: R, Cols: N, Stride: N, Data: make([]float32, R*N)}
	for i := range R {
		for j := range 3 {
			lattice.Data[i*N+j] = float32(rng.IntN(9)-4) / 4
		}
	}
	copies := uniform(rng, R, N, -1, 1)
	for i := 1; i < R; i += 2 {
		for j, v := range row(copies, i-1) {
			copies.Data[i*N+j] = v + 1e-3*float32(rng.NormFloat64())
		}
	}
	for _, tc := range []struct {
		name string
		x    blas32.General
	}{{"lattice", lattice}, {"near copies", copies}} {
		ps, ok := newPruned(tc.x, R/2, 8)
		if !ok {
			t.Fatalf("%s: projection refused", tc.name)
		}
		ps.search(ps.order())
		idx := make([]int, R)
		for i := range idx {
			idx[i] = i
		}
		got, want := ps.recheck(idx), nearestRows(tc.x, idx, ps.s.cat)
		maxSq := maxOf(ps.s.qsq)
		for c := range 2 {
			for i := range R {
				if d := math.Abs(got[c][i] - want.minD[c][i]); !(d <= gemmTol(N, ps.s.qsq[i], maxSq)) {
					t.Fatalf("%s: row %d, category %d: recheck %g, full float64 search %g", tc.name, i, c, got[c][i], want.minD[c][i])
				}
			}
		}
	}
}
