package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

func checkAA(t *testing.T, name string, got AA, truth, syn float64) {
	t.Helper()
	want := (truth-0.5)*(truth-0.5) + (syn-0.5)*(syn-0.5)
	if math.Abs(got.Truth-truth) > 1e-15 || math.Abs(got.Syn-syn) > 1e-15 || math.Abs(got.EAAI-want) > 1e-15 {
		t.Errorf("%s: got %+v, want Truth %g, Syn %g, EAAI %g", name, got, truth, syn, want)
	}
}

// TestEAAISeparated: data near +1, gen near −1: every neighbour is in the
// same set, AA_truth = AA_syn = 1, EAAI = ¼ + ¼ = 0.5.
func TestEAAISeparated(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	data, gen := uniform(rng, 50, 10, 0.9, 1), uniform(rng, 50, 10, -1, -0.9)
	aa, err := EAAI(data, gen)
	if err != nil {
		t.Fatal(err)
	}
	checkAA(t, "separated", aa, 1, 1)
}

// TestEAAISameDistribution: two independent sets of 2,000 standard Gaussian
// points in N = 20 dimensions. By exchangeability P(NN in own set) =
// (n−1)/(2n−1) ≈ 0.4997, and the standard deviation of each fraction is about
// √(¼/2000) ≈ 0.011, so each must lie within 0.05 (≈ 4.5σ) of ½.
func TestEAAISameDistribution(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	data, gen := gaussian(rng, 2000, 20), gaussian(rng, 2000, 20)
	aa, err := EAAI(data, gen)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(aa.Truth-0.5) > 0.05 || math.Abs(aa.Syn-0.5) > 0.05 || aa.EAAI > 2*0.05*0.05 {
		t.Errorf("same distribution: %+v, want AA within 0.05 of 0.5", aa)
	}
	t.Logf("same distribution: %+v", aa)
}

// TestEAAICopies: gen = exact copy of data. Each point's neighbour is its
// copy (distance 0, other set), so AA_truth = AA_syn = 0 and EAAI = 0.5. The
// second case puts duplicates inside data (rows 0, 1 and 2 equal): a data
// point then has data and generated points at distance 0, and the tie goes
// to the other set, so AA stays 0.
func TestEAAICopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	data := uniform(rng, 100, 10, -1, 1)
	gen := withStride(data, 2)
	aa, err := EAAI(data, gen)
	if err != nil {
		t.Fatal(err)
	}
	checkAA(t, "copies", aa, 0, 0)

	copy(row(data, 1), row(data, 0))
	copy(row(data, 2), row(data, 0))
	gen = withStride(data, 0)
	for _, b := range []int{3, 1024} {
		setBlock(t, b)
		aa, err = EAAI(data, gen)
		if err != nil {
			t.Fatal(err)
		}
		checkAA(t, "copies with duplicates", aa, 0, 0)
	}
}

// TestEAAIPlanted: points on a line (N = 1), exact binary fractions.
//
//	data −1, −0.875, 0.5     gen 0.625, 0, 1
//
// NN(−1) = −0.875 (data, 0.125) ✓; NN(−0.875) = −1 (data, 0.125) ✓;
// NN(0.5) = 0.625 (gen, 0.125) ✗ → AA_truth = 2/3.
// NN(0.625) = 0.5 (data, 0.125) ✗; NN(0) = 0.5 (data, 0.5) ✗;
// NN(1) = 0.625 (gen, 0.375) ✓ → AA_syn = 1/3.
// EAAI = (1/6)² + (1/6)² = 1/18.
func TestEAAIPlanted(t *testing.T) {
	data := mk([]float32{-1}, []float32{-0.875}, []float32{0.5})
	gen := mk([]float32{0.625}, []float32{0}, []float32{1})
	aa, err := EAAI(data, gen)
	if err != nil {
		t.Fatal(err)
	}
	checkAA(t, "planted", aa, 2.0/3, 1.0/3)
	near(t, "EAAI", aa.EAAI, 1.0/18, 1e-15)
}

// TestEAAITie: data 0, 0.5; gen −0.5, −0.75.
// NN(0): 0.5 (data) and −0.5 (gen) both at distance 0.5: the tie goes to the
// other set ✗. NN(0.5) = 0 (data, 0.5) ✓ → AA_truth = ½.
// NN(−0.5) = −0.75 (gen, 0.25) ✓; NN(−0.75) = −0.5 (gen) ✓ → AA_syn = 1.
// EAAI = 0 + ¼ = 0.25 (a tie going to the own set would give AA_truth = 1,
// EAAI = 0.5).
func TestEAAITie(t *testing.T) {
	data := mk([]float32{0}, []float32{0.5})
	gen := mk([]float32{-0.5}, []float32{-0.75})
	aa, err := EAAI(data, gen)
	if err != nil {
		t.Fatal(err)
	}
	checkAA(t, "tie", aa, 0.5, 1)
}

// TestEAAINearTies: data a and b = a + 3e-6 in pixel 100, gen c = a − 7e-6
// there. In exact arithmetic a and b are each other's nearest points
// (d² ≈ 9e-12 against ≈ 4.9e-11 and 1e-10 to c): a separation well above the
// actual GEMM rounding (≈ 1e-12 here) but below the guaranteed bound tol
// (≈ 3e-10), so the rule calls it a tie, which goes to the other set:
// AA_truth = 0 (it would be 1 without the tolerance). c has a and b (data)
// nearest. The far generated point d (pixel 100 ≤ −0.5) is nearer to c than
// to a by 2·(a₁₀₀ − d₁₀₀)·7e-6 ≥ 1.4e-5 ≫ tol, a clear own-set neighbour:
// AA_syn = ½, EAAI = ¼ + 0 = 0.25.
func TestEAAINearTies(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	a := row(uniform(rng, 1, 784, 0.5, 0.9), 0)
	shift := func(d float32) []float32 {
		c := append([]float32(nil), a...)
		c[100] += d
		return c
	}
	far := row(uniform(rng, 1, 784, -1, -0.5), 0)
	aa, err := EAAI(mk(a, shift(3e-6)), mk(shift(-7e-6), far))
	if err != nil {
		t.Fatal(err)
	}
	checkAA(t, "near ties", aa, 0, 0.5)
}

func TestEAAIErrors(t *testing.T) {
	a := mk([]float32{0, 0}, []float32{1, 1})
	if _, err := EAAI(a, mk([]float32{0, 0})); err == nil {
		t.Error("no error for 2 vs 1 samples")
	}
	if _, err := EAAI(a, mk([]float32{0, 0, 0}, []float32{1, 1, 1})); err == nil {
		t.Error("no error for 2 vs 3 columns")
	}
	if _, err := EAAI(mk(), mk()); err == nil {
		t.Error("no error for empty sets")
	}
	if _, err := EAAI(a, mk([]float32{0, 0}, []float32{float32(math.NaN()), 1})); err == nil {
		t.Error("no error for NaN")
	}
}

// eaai64 is the float64 reference of EAAI: the same search and tie rule with
// every distance from DGEMM, as EAAI computed before its float32 first pass.
func eaai64(data, gen blas32.General) (truth, syn int) {
	n := data.Rows
	cat := func(j int) int {
		if j < n {
			return 0
		}
		return 1
	}
	s := nearestSelf(dense64(to64(stack32(data, gen))), cat)
	maxSq := maxOf(s.qsq)
	for i := range 2 * n {
		if ownNeighbour(s.minD[cat(i)][i], s.minD[1-cat(i)][i], gemmTol(data.Cols, s.qsq[i], maxSq)) {
			if cat(i) == 0 {
				truth++
			} else {
				syn++
			}
		}
	}
	return truth, syn
}

// TestEAAIEqualsFloat64: on sets built to have many near ties (saturated
// ±1 images with a few flipped pixels, near copies, shared prototypes,
// duplicates, lattice points, and plain Gaussian clouds) the float32 search
// with float64 rechecks gives exactly the float64 counts, with blocks that
// cut the sets, and with the pruned search.
func TestEAAIEqualsFloat64(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	const N = 784
	protos := uniform(rng, 5, N, -1, 1)
	sat := func(n int, flips int) blas32.General {
		x := uniform(rng, n, N, -1, 1)
		for i := range n {
			r, p := row(x, i), row(protos, rng.IntN(5))
			for j := range r {
				r[j] = float32(math.Copysign(1, float64(p[j])))
			}
			for range flips {
				j := rng.IntN(N)
				r[j] = -r[j]
			}
		}
		return x
	}
	nearCopy := func(x blas32.General, eps float32) blas32.General {
		y := blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: append([]float32(nil), x.Data...)}
		for i := range y.Data {
			y.Data[i] += eps * float32(rng.NormFloat64())
		}
		return y
	}
	gauss := func(n int, sd float64) blas32.General {
		x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64() * sd)
		}
		return x
	}
	d1 := sat(300, 3)
	// lattice: points of the grid {−1, −0.75, …, 1}³ in pixels 0–2, zero
	// elsewhere: exact ties and duplicates everywhere, and a bound that is
	// tight (the set spans three directions).
	lattice := func(n int) blas32.General {
		x := blas32.General{Rows: n, Cols: N, Stride: N, Data: make([]float32, n*N)}
		for i := range n {
			for j := range 3 {
				x.Data[i*N+j] = float32(rng.IntN(9)-4) / 4
			}
		}
		return x
	}
	dup := nearCopy(d1, 0) // duplicates inside the data and across the sets
	for i := 0; i+1 < dup.Rows; i += 7 {
		copy(row(dup, i+1), row(dup, i))
	}
	var rechecked [2]int // after the full search, after the pruned one
	for _, mode := range []struct {
		block, minRows int
		maxFrac        float64
	}{{1024, 1 << 30, 0}, {97, 1 << 30, 0}, {1024, 0, 1}} {
		setBlock(t, mode.block)
		setPrune(t, mode.minRows, mode.maxFrac)
		block, pruning := mode.block, mode.minRows == 0
		for _, c := range []struct {
			name      string
			data, gen blas32.General
		}{
			{"saturated, few flips", sat(300, 3), sat(300, 3)},
			{"saturated against flipped copies", d1, nearCopy(d1, 0)},
			{"near copies 1e-4", d1, nearCopy(d1, 1e-4)},
			{"near copies 1e-2", d1, nearCopy(d1, 1e-2)},
			{"gaussian clouds", gauss(400, 0.5), gauss(400, 0.5)},
			{"uniform", uniform(rng, 250, N, -1, 1), uniform(rng, 250, N, -1, 1)},
			{"duplicates", dup, nearCopy(dup, 0)},
			{"lattice", lattice(300), lattice(300)},
		} {
			aa, cost, err := eaai(c.data, c.gen)
			if err != nil {
				t.Fatal(err)
			}
			if cost.Pruned != pruning {
				t.Errorf("block %d, %s: pruned %v, want %v", block, c.name, cost.Pruned, pruning)
			}
			if cost.Pruned {
				rechecked[1] += cost.Rechecked
			} else {
				rechecked[0] += cost.Rechecked
			}
			truth, syn := eaai64(c.data, c.gen)
			n := float64(c.data.Rows)
			if aa.Truth != float64(truth)/n || aa.Syn != float64(syn)/n {
				t.Errorf("block %d, %s: AA_truth %g, AA_syn %g; float64 reference %g, %g",
					block, c.name, aa.Truth, aa.Syn, float64(truth)/n, float64(syn)/n)
			}
		}
	}
	if rechecked[0] == 0 || rechecked[1] == 0 {
		t.Fatal("no point was searched again in float64: the recheck path went untested")
	}
	t.Logf("points searched again in float64: %d after the full search, %d after the pruned one", rechecked[0], rechecked[1])
}
