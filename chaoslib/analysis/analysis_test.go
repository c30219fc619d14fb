package analysis

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/data"
)

// decayModel returns an untrained model with g = 0: no couplings and no
// biases, so every unit obeys τ dx/dt = −x, and an Euler step multiplies x
// by (1 − dt/τ).
func decayModel(t *testing.T, arch chaoslib.Arch) *chaoslib.Model {
	t.Helper()
	cfg := chaoslib.Tiny(arch)
	cfg.G, cfg.Dt, cfg.Tau = 0, 0.25, 1
	be := cpu.New(1)
	t.Cleanup(func() { be.Close() })
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSmoothness(t *testing.T) {
	const side = 6
	field := func(f func(i, j int) float32) []float32 {
		out := make([]float32, side*side)
		for i := range side {
			for j := range side {
				out[i*side+j] = f(i, j)
			}
		}
		return out
	}
	sign := func(k int) float32 { return float32(1 - 2*(k%2)) }
	for _, tc := range []struct {
		name string
		f    []float32
		want float64
	}{
		// every neighbour pair has opposite signs: −1
		{"checkerboard", field(func(i, j int) float32 { return sign(i + j) }), -1},
		// horizontal pairs −1, as many vertical pairs +1: 0
		{"stripes", field(func(i, j int) float32 { return sign(j) }), 0},
		// no variation: defined as 0
		{"constant", field(func(i, j int) float32 { return 3 }), 0},
	} {
		if got := Smoothness(tc.f, side); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: Smoothness = %g, want %g", tc.name, got, tc.want)
		}
	}
	// halves: the only unlike pairs are the side vertical ones across the middle
	// (values ±1, mean 0): num = (pairs − 2·side), so S = 1 − 2·side/pairs
	halves := field(func(i, j int) float32 { return sign(i / (side / 2)) })
	pairs := 2 * side * (side - 1)
	if got, want := Smoothness(halves, side), 1-2*float64(side)/float64(pairs); math.Abs(got-want) > 1e-12 {
		t.Errorf("halves: Smoothness = %g, want %g", got, want)
	}
}

func TestPixelVariance(t *testing.T) {
	// columns (0, 2) and (2, 4)... per column: {0, 2} and {2, 6}: variances 1 and 4
	x := blas32.General{Rows: 2, Cols: 2, Stride: 3, Data: []float32{0, 2, 99, 2, 6, 99}}
	if got := PixelVariance(x); math.Abs(got-2.5) > 1e-12 {
		t.Errorf("PixelVariance = %g, want (1 + 4)/2 = 2.5", got)
	}
	if got := PixelVariance(blas32.General{}); got != 0 {
		t.Errorf("empty: %g, want 0", got)
	}
}

func TestUnitTrajectoriesDecay(t *testing.T) {
	m := decayModel(t, chaoslib.Unrestricted)
	times := []float64{0, 0.5, 1, 2}
	units := []int{0, 7, 300}
	tr := UnitTrajectories(m, units, times, 3)
	for k := range units {
		x0 := math.Atanh(tr[k][0])
		if x0 == 0 {
			t.Fatalf("unit %d starts at 0", units[k])
		}
		for j, tt := range times {
			want := x0 * math.Pow(1-m.Cfg.Dt/m.Cfg.Tau, tt/m.Cfg.Dt)
			if got := math.Atanh(tr[k][j]); math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("unit %d, t = %g: x = %g, want x(0)(1 − dt/τ)^(t/dt) = %g", units[k], tt, got, want)
			}
		}
	}
}

func TestNearbyDistance(t *testing.T) {
	m := decayModel(t, chaoslib.Restricted)
	times := []float64{0, 1, 20}
	same, err := NearbyDistance(m, 5, 0, times, 1)
	if err != nil {
		t.Fatal(err)
	}
	for j, d := range same {
		if d != 0 {
			t.Errorf("eps = 0, t = %g: distance %g, want 0", times[j], d)
		}
	}
	near, err := NearbyDistance(m, 5, 0.01, times, 1)
	if err != nil {
		t.Fatal(err)
	}
	// pure decay: the perturbed pair converges to 0 together
	if !(near[0] > 0 && near[1] < near[0] && near[2] < 1e-3*near[0]) {
		t.Errorf("eps = 0.01 under pure decay: distances %v, want positive and shrinking to ~0", near)
	}
}

func TestChainVariance(t *testing.T) {
	m := decayModel(t, chaoslib.Unrestricted)
	v := ChainVariance(m, 100, []float64{0, 20}, 1)
	// t = 0: tanh of N(0, 1) starts, variance ≈ 0.394; t = 20: every chain within 1e-10 of 0
	if math.Abs(v[0]-0.394) > 0.06 || v[1] > 1e-12 {
		t.Errorf("ChainVariance = %v, want ≈ 0.394 at t = 0 and 0 at t = 20", v)
	}
}

func TestReceptiveFields(t *testing.T) {
	cfg := chaoslib.Tiny(chaoslib.Restricted)
	cfg.Hidden = []int{2}
	be := cpu.New(1)
	defer be.Close()
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	// unit 0: checkerboard (S = −1); unit 1: constant rows 0..side-1 ramp (smooth)
	w := make([]float32, data.Pixels*2)
	for p := range data.Pixels {
		i, j := p/data.Side, p%data.Side
		w[p*2] = float32(1 - 2*((i+j)%2))
		w[p*2+1] = float32(i)
	}
	if err := m.SetParam("W_v-h", w); err != nil {
		t.Fatal(err)
	}
	fields, smooth, err := ReceptiveFields(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 2 || fields[0][1] != -1 || fields[1][data.Side] != 1 {
		t.Fatalf("fields not the columns of W: %d fields, %v %v", len(fields), fields[0][:2], fields[1][data.Side])
	}
	if math.Abs(smooth[0]+1) > 1e-9 || smooth[1] < 0.4 || smooth[1] != Smoothness(fields[1], data.Side) {
		t.Errorf("smoothness %v, want −1 and the ramp's (> 0.4)", smooth)
	}
	if _, _, err := ReceptiveFields(decayModel(t, chaoslib.Unrestricted)); err == nil {
		t.Error("unrestricted model: no error")
	}
}

func TestLinearTimes(t *testing.T) {
	got := LinearTimes(2, 4)
	want := []float64{0, 0.5, 1, 1.5, 2}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("LinearTimes(2, 4) = %v, want %v", got, want)
		}
	}
}

// TestBadInputs: inputs out of range are refused by name, with an error
// where the function returns one and a panic where it does not, instead of
// an index panic, a NaN or a number read from the wrong pixels.
func TestBadInputs(t *testing.T) {
	m := decayModel(t, chaoslib.Restricted)
	for _, tc := range []struct {
		n     int
		eps   float64
		times []float64
		want  string
	}{
		{0, 0.1, []float64{1}, "0 pairs"},
		{-1, 0.1, []float64{1}, "-1 pairs"},
		{2, math.NaN(), []float64{1}, "eps = NaN"},
		{2, 0.1, []float64{1e12}, "at most"},
		{2, 0.1, []float64{math.NaN()}, "NearbyDistance"},
	} {
		if _, err := NearbyDistance(m, tc.n, tc.eps, tc.times, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NearbyDistance(n %d, eps %g, times %v): %v, want an error containing %q", tc.n, tc.eps, tc.times, err, tc.want)
		}
	}
	field := make([]float32, 16)
	for name, f := range map[string]func(){
		"UnitTrajectories": func() { UnitTrajectories(m, []int{m.Cfg.N}, []float64{0}, 1) },
		"ChainVariance":    func() { ChainVariance(m, 0, []float64{0}, 1) },
		"LinearTimes":      func() { LinearTimes(1, 0) },
		"PixelVariance":    func() { PixelVariance(blas32.General{Rows: 2, Cols: 2, Stride: 1, Data: make([]float32, 4)}) },
		"Smoothness":       func() { Smoothness(field, 5) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "analysis: "+name) {
					t.Errorf("%s: panic %q, want one naming it", name, msg)
				}
			}()
			f()
		}()
	}
	cfg := chaoslib.Tiny(chaoslib.Restricted)
	cfg.N = 1000 // not a square image
	be := cpu.New(1)
	defer be.Close()
	odd, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReceptiveFields(odd); err == nil || !strings.Contains(err.Error(), "N = 1000") {
		t.Errorf("receptive fields of N = 1000: %v", err)
	}
}
