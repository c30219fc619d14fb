package chaos

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// TestSingleLinkage groups points on a line by hand: with d = 0.15 (RMS in
// one dimension = |a − b|), 0, 0.1, 0.2 chain into one group although 0 and
// 0.2 are farther than d apart; 1 and 1.05 form another; 3 is alone.
func TestSingleLinkage(t *testing.T) {
	x := blas32.General{Rows: 6, Cols: 1, Stride: 1, Data: []float32{0.2, 1, 0, 3, 1.05, 0.1}}
	root := singleLinkage(x, 0.15)
	same := func(i, j int) bool { return root[i] == root[j] }
	if !same(0, 2) || !same(0, 5) || !same(1, 4) || same(0, 1) || same(3, 0) || same(3, 1) {
		t.Errorf("groups %v, want {0,2,5} {1,4} {3}", root)
	}
}

// TestCensusHopfield runs a census of a network with two known attractors:
// no random couplings (g = 0), A = (a/N) ξξᵀ with a = 3 and ξ = ±1, no
// bias. Then x = ±x*ξ are the stable fixed points (x* = a tanh x*, the
// origin is unstable), every run settles into one of them, each by
// symmetry with about half of the starts, and a 1-NN classifier that knows
// ξ as class 3 and −ξ as class 7 names them.
func TestCensusHopfield(t *testing.T) {
	const N, a = 50, 3.0
	m := small(t, chaoslib.Unrestricted, 0, N)
	rng := rand.New(rand.NewPCG(4, 4))
	xi := make([]float32, N)
	for i := range xi {
		xi[i] = float32(2*rng.IntN(2) - 1)
	}
	A := make([]float32, N*N)
	for i := range N {
		for j := range N {
			A[i*N+j] = a / N * xi[i] * xi[j]
		}
	}
	if err := m.SetParam("W_v-v", A); err != nil {
		t.Fatal(err)
	}
	ref := blas32.General{Rows: 2, Cols: N, Stride: N, Data: make([]float32, 2*N)}
	for i, v := range xi {
		ref.Data[i], ref.Data[N+i] = v, -v
	}
	cls := indices.NewClassifier(ref, []uint8{3, 7}, 10)
	c, err := TakeCensus(m, cls, CensusOptions{Starts: 200, Time: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Attractors) != 2 || c.Settled != 200 {
		t.Fatalf("%d attractors, %d of 200 settled; want 2 and 200", len(c.Attractors), c.Settled)
	}
	classes := map[int]bool{}
	for _, at := range c.Attractors {
		classes[at.Class] = true
		if at.Size < 70 || at.Size > 130 || at.Settled != at.Size {
			t.Errorf("attractor of class %d: %d starts (%d settled), want about 100 (all settled)", at.Class, at.Size, at.Settled)
		}
		// the centre is ±tanh(x*)ξ with x* = 3 tanh x*
		xs := 3.0
		for range 100 {
			xs = a * math.Tanh(xs)
		}
		if d := math.Abs(math.Abs(float64(at.Center[0])) - math.Tanh(xs)); d > 1e-3 {
			t.Errorf("|centre| = %g, want tanh x* = %g", math.Abs(float64(at.Center[0])), math.Tanh(xs))
		}
	}
	if !classes[3] || !classes[7] {
		t.Errorf("classes %v, want 3 and 7", classes)
	}
	if c.Attractors[0].Size+c.Attractors[1].Size != 200 || c.Attractors[0].Size < c.Attractors[1].Size {
		t.Errorf("sizes %d, %d: want sorted, summing to 200", c.Attractors[0].Size, c.Attractors[1].Size)
	}
}

// TestCensusChaotic checks the other extreme: an untrained chaotic network
// (g = 2) does not settle by t = 40, and its end states are all distinct.
func TestCensusChaotic(t *testing.T) {
	m := small(t, chaoslib.Unrestricted, 2, 300)
	c, err := TakeCensus(m, nil, CensusOptions{Starts: 50, Time: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c.Settled > 2 || len(c.Attractors) < 45 || c.Attractors[0].Class != -1 {
		t.Errorf("%d settled, %d groups (class %d); want ≈ 0 settled, ≈ 50 groups, class −1", c.Settled, len(c.Attractors), c.Attractors[0].Class)
	}
	if _, err := TakeCensus(m, nil, CensusOptions{Starts: 2, Time: 1e9}); err == nil || !strings.Contains(err.Error(), "at most 1000000") {
		t.Errorf("census to t = 1e9: %v", err)
	}
}

// TestCensusLimits: more than MaxCensusStarts starts, or a classifier of
// other pixels than the model's N, are refused before any run; CensusBytes
// for the restricted model (N = 784, M = 500) and P = 10 is, by hand, the
// batch 4·10·(3·1284 + 784) = 185,440 B plus three read-outs 3·4·10·784 =
// 94,080 B.
func TestCensusLimits(t *testing.T) {
	m := small(t, chaoslib.Unrestricted, 2, 20)
	if _, err := TakeCensus(m, nil, CensusOptions{Starts: MaxCensusStarts + 1, Time: 1}); err == nil {
		t.Errorf("a census of %d starts was run", MaxCensusStarts+1)
	}
	other := indices.NewClassifier(blas32.General{Rows: 1, Cols: 21, Stride: 21, Data: make([]float32, 21)}, []uint8{0}, 10)
	if _, err := TakeCensus(m, other, CensusOptions{Starts: 2, Time: 1}); err == nil || !strings.Contains(err.Error(), "21 pixels") {
		t.Errorf("a census with a classifier of 21 pixels for N = 20: %v", err)
	}
	cfg := chaoslib.PaperMNIST(chaoslib.Restricted)
	if got, want := CensusBytes(cfg, 10), int64(185_440+94_080); got != want {
		t.Errorf("CensusBytes = %d, want %d", got, want)
	}
}

// TestDistanceToEnd: below the transition (g = 0.5, no trained couplings)
// every run decays to the origin, so φ(v(100·T)) = 0 and the distance is
// the mean RMS read-out at T, √((1/N) Σ_i φ_i(T)²), of the same starts.
// Above it the runs have not settled at T = 4 and the distance is larger.
func TestDistanceToEnd(t *testing.T) {
	m := small(t, chaoslib.Unrestricted, 0.5, 200)
	const n = 20
	d := DistanceToEnd(m, n, 3)
	atT := m.Snapshots(n, []float64{m.Cfg.T}, rand.New(rand.NewPCG(3, streamStarts)))[0]
	zero := make([]float32, atT.Cols)
	var want float64
	for r := range n {
		want += rms(atT.Data[r*atT.Cols:(r+1)*atT.Cols], zero) / n
	}
	if math.Abs(d-want) > 1e-6 || !(want > 1e-3) {
		t.Errorf("g = 0.5: DistanceToEnd = %.6f, want the RMS read-out at T, %.6f (> 0.001)", d, want)
	}
	if chaotic := DistanceToEnd(small(t, chaoslib.Unrestricted, 2, 200), n, 3); !(chaotic > d) {
		t.Errorf("g = 2: DistanceToEnd = %.4f, want more than at g = 0.5 (%.4f)", chaotic, d)
	}
}
