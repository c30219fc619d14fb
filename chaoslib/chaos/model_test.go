package chaos

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// small returns a small untrained model of arch with gain g, on a CPU
// backend closed at the end of the test.
func small(t testing.TB, arch chaoslib.Arch, g float64, n int, hidden ...int) *chaoslib.Model {
	t.Helper()
	cfg := chaoslib.Tiny(arch)
	cfg.N, cfg.Hidden, cfg.G = n, hidden, g
	be := cpu.New(2)
	t.Cleanup(func() { be.Close() })
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// trained gives every trained matrix of m small random values, so that W
// and the biases take part in the checks.
func trained(t testing.TB, m *chaoslib.Model, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 9))
	for _, p := range m.Params() {
		if !p.Trained {
			continue
		}
		d := make([]float32, len(p.Data))
		for i := range d {
			d[i] = float32(0.1 * rng.NormFloat64())
		}
		if p.Rows == p.Cols && p.Name == "W_v-v" { // A is symmetric
			for i := range p.Rows {
				for j := range i {
					d[i*p.Cols+j] = d[j*p.Cols+i]
				}
			}
		}
		if err := m.SetParam(p.Name, d); err != nil {
			t.Fatal(err)
		}
	}
}

var archs = []struct {
	arch   chaoslib.Arch
	n      int
	hidden []int
}{
	{chaoslib.Unrestricted, 40, nil},
	{chaoslib.Restricted, 30, []int{20}},
	{chaoslib.Deep, 30, []int{20, 10}},
}

// TestTangentStepMatchesCouplings checks one tangent step of Flow, computed
// by GEMMs on the connections, against DF(x)δ = (1−k)δ + k C (φ'(x) ⊙ δ)
// with the full coupling matrix C in float64, for every architecture and
// two vectors per chain, and checks that Flow's states follow the model's
// own free run (SnapshotsFrom) exactly.
func TestTangentStepMatchesCouplings(t *testing.T) {
	for _, a := range archs {
		m := small(t, a.arch, 1.5, a.n, a.hidden...)
		trained(t, m, 1)
		const chains, k = 3, 2
		f := m.NewFlow(chains, k, rand.New(rand.NewPCG(1, 2)))
		f.Step(4) // leave the start
		D := f.Dim()
		rng := rand.New(rand.NewPCG(5, 6))
		v := blas32.General{Rows: chains * k, Cols: D, Stride: D, Data: make([]float32, chains*k*D)}
		for i := range v.Data {
			v.Data[i] = float32(rng.NormFloat64())
		}
		if err := f.SetTangents(v); err != nil {
			t.Fatal(err)
		}
		x := f.State()
		f.Step(1)
		got := f.Tangents()
		C := Couplings(m)
		kk := m.Cfg.Dt / m.Cfg.Tau
		var worst float64
		for c := range chains {
			for j := range k {
				r := c*k + j
				u := mat.NewVecDense(D, nil)
				for i := range D {
					p := math.Tanh(float64(x.Data[c*D+i]))
					u.SetVec(i, (1-p*p)*float64(v.Data[r*D+i]))
				}
				var cu mat.VecDense
				cu.MulVec(C, u)
				for i := range D {
					want := (1-kk)*float64(v.Data[r*D+i]) + kk*cu.AtVec(i)
					worst = math.Max(worst, math.Abs(float64(got.Data[r*D+i])-want))
				}
			}
		}
		if worst > 1e-5 {
			t.Errorf("%s: tangent step differs from (1−k)δ + kC(φ'⊙δ) by %g", a.arch, worst)
		}
		// the states: Flow against SnapshotsFrom from the same x(0)
		starts := split(m, x)
		snap, err := m.SnapshotsFrom(starts, []float64{3 * m.Cfg.Dt})
		if err != nil {
			t.Fatal(err)
		}
		f2, err := m.NewFlowFrom(starts, 0)
		if err != nil {
			t.Fatal(err)
		}
		f2.Step(3)
		vis := f2.Visible()
		for i := range vis.Data {
			if vis.Data[i] != snap[0].Data[i] {
				t.Fatalf("%s: Flow's φ(v) differs from SnapshotsFrom at %d: %g vs %g", a.arch, i, vis.Data[i], snap[0].Data[i])
			}
		}
		f.Close()
		f2.Close()
	}
}

// split cuts a stacked chains × D state into one matrix per layer.
func split(m *chaoslib.Model, x blas32.General) []blas32.General {
	var out []blas32.General
	off := 0
	for _, l := range m.Layers {
		g := blas32.General{Rows: x.Rows, Cols: l.Size, Stride: l.Size, Data: make([]float32, x.Rows*l.Size)}
		for r := range x.Rows {
			copy(g.Data[r*l.Size:(r+1)*l.Size], x.Data[r*x.Stride+off:r*x.Stride+off+l.Size])
		}
		out = append(out, g)
		off += l.Size
	}
	return out
}

// TestLambdaMaxSubcritical checks λ_max of untrained networks at g = 0.5
// against the closed form. Every run falls to the fixed point x = 0 (the
// biases are 0), where φ' = 1 and DF = (1 − k)I + kC is constant, so
// λ_max = ln ρ((1 − k)I + kC)/dt, ρ the spectral radius, which gonum's
// eigen-decomposition gives. It must be < 0.
func TestLambdaMaxSubcritical(t *testing.T) {
	for _, a := range archs {
		m := small(t, a.arch, 0.5, a.n, a.hidden...)
		C := Couplings(m)
		D, _ := C.Dims()
		k := m.Cfg.Dt / m.Cfg.Tau
		var M mat.Dense
		M.Scale(k, C)
		for i := range D {
			M.Set(i, i, M.At(i, i)+1-k)
		}
		var eig mat.Eigen
		if !eig.Factorize(&M, mat.EigenNone) {
			t.Fatal("eigen-decomposition failed")
		}
		var rho float64
		for _, mu := range eig.Values(nil) {
			rho = math.Max(rho, cmplx.Abs(mu))
		}
		want := math.Log(rho) / m.Cfg.Dt
		sp, err := Exponents(m, ModelOptions{Chains: 2, Transient: 40, Time: 60, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		got := sp.Exponents[0]
		if !(got < 0) || math.Abs(got-want) > 0.03*math.Abs(want) {
			t.Errorf("%s g=0.5: λ_max = %.4f, want %.4f (ln ρ/dt)", a.arch, got, want)
		}
	}
}

// TestLambdaMaxChaotic checks λ_max > 0 at g = 1.5 for every untrained
// architecture: the mean over chains exceeds three standard errors. The
// exponents are small here (0.02–0.08 per unit time), so the networks are
// a few hundred units wide and the runs 100τ long.
func TestLambdaMaxChaotic(t *testing.T) {
	if testing.Short() {
		t.Skip("long runs")
	}
	for _, a := range []struct {
		arch   chaoslib.Arch
		n      int
		hidden []int
	}{{chaoslib.Unrestricted, 784, nil}, {chaoslib.Restricted, 400, []int{400}}, {chaoslib.Deep, 200, []int{200, 200}}} {
		m := small(t, a.arch, 1.5, a.n, a.hidden...)
		sp, err := Exponents(m, ModelOptions{Chains: 4, Transient: 20, Time: 100, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		l, se := sp.Exponents[0], sp.Spread[0]/math.Sqrt(float64(sp.Chains))
		if !(l > 3*se) {
			t.Errorf("%s g=1.5: λ_max = %.4f ± %.4f (standard error), want > 0 by 3 standard errors", a.arch, l, se)
		}
		t.Logf("%s g=1.5: λ_max = %.4f ± %.4f", a.arch, l, se)
	}
}

// TestLambdaMaxConverges checks that the estimate settles as the run grows
// (deep network, g = 1.5): the spread over chains shrinks about as 1/√t
// (by more than half from t_max = 25 to 400), and the estimates at 100 and
// 400 differ by less than the spread at 25.
func TestLambdaMaxConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("long runs")
	}
	m := small(t, chaoslib.Deep, 1.5, 200, 200, 200)
	var l, s []float64
	for _, tm := range []float64{25, 100, 400} {
		sp, err := Exponents(m, ModelOptions{Chains: 6, Transient: 20, Time: tm, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		l, s = append(l, sp.Exponents[0]), append(s, sp.Spread[0])
		t.Logf("t_max = %g: λ_max = %.4f, spread over chains %.4f", tm, sp.Exponents[0], sp.Spread[0])
	}
	if !(s[2] < s[0]/2) {
		t.Errorf("spread over chains %.4f at t_max = 400, want < half of %.4f at 25", s[2], s[0])
	}
	if d := math.Abs(l[2] - l[1]); !(d < s[0]) {
		t.Errorf("λ_max moved %.4f from t_max = 100 to 400, want < %.4f", d, s[0])
	}
}

// TestFiniteTime checks λ_T's bookkeeping: Growth has one entry per Euler
// step up to T, and λ_T = Growth(T)/T.
func TestFiniteTime(t *testing.T) {
	m := small(t, chaoslib.Restricted, 1.5, 60, 40)
	ft, err := FiniteTime(m, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	steps := m.Cfg.EulerSteps(m.Cfg.T)
	if len(ft.Growth) != steps || math.Abs(ft.Times[steps-1]-m.Cfg.T) > 1e-9 {
		t.Fatalf("%d growth points ending at %g, want %d ending at T = %g", len(ft.Growth), ft.Times[len(ft.Times)-1], steps, m.Cfg.T)
	}
	if d := math.Abs(ft.Exponents[0] - ft.Growth[steps-1]/m.Cfg.T); d > 1e-12 {
		t.Errorf("λ_T = %g, Growth(T)/T = %g", ft.Exponents[0], ft.Growth[steps-1]/m.Cfg.T)
	}
}

// TestLambdaMaxIndependent compares Exponents with an independent
// estimate: the classic two-trajectory form of Benettin's method on a
// float64 transcription of the Euler map x ← x + k(−x + C tanh(x)), C from
// Couplings. A reference run and one displaced by 10⁻⁸ are stepped
// together and the displacement is rescaled to 10⁻⁸ every 5 steps; λ_max is
// the mean log growth per unit time after a transient of 50. The
// trajectories differ (float32 against float64, other starts), so the two
// estimates agree only statistically: within 10 %.
func TestLambdaMaxIndependent(t *testing.T) {
	if testing.Short() {
		t.Skip("long runs")
	}
	const N, g, chains, transient, tmax, d0 = 300, 3.0, 4, 50.0, 200.0, 1e-8
	m := small(t, chaoslib.Unrestricted, g, N)
	got, err := Exponents(m, ModelOptions{Chains: chains, Transient: transient, Time: tmax, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	C := Couplings(m)
	k := m.Cfg.Dt / m.Cfg.Tau
	step := func(x []float64) {
		phi := mat.NewVecDense(N, nil)
		for i, v := range x {
			phi.SetVec(i, math.Tanh(v))
		}
		var f mat.VecDense
		f.MulVec(C, phi)
		for i := range x {
			x[i] += k * (-x[i] + f.AtVec(i))
		}
	}
	rng := rand.New(rand.NewPCG(77, 78))
	var sum float64
	nT, nA := int(transient/m.Cfg.Dt), int(tmax/m.Cfg.Dt)
	for range chains {
		x, y := make([]float64, N), make([]float64, N)
		for i := range x {
			x[i] = rng.NormFloat64()
			y[i] = x[i] + d0/math.Sqrt(N)
		}
		var logs float64
		for s := 1; s <= nT+nA; s++ {
			step(x)
			step(y)
			if s%5 == 0 {
				var d float64
				for i := range x {
					d += (y[i] - x[i]) * (y[i] - x[i])
				}
				d = math.Sqrt(d)
				if s > nT {
					logs += math.Log(d / d0)
				}
				for i := range y {
					y[i] = x[i] + (y[i]-x[i])*d0/d
				}
			}
		}
		sum += logs / tmax
	}
	want := sum / chains
	t.Logf("λ_max: tangent method %.4f ± %.4f, independent two-trajectory %.4f", got.Exponents[0], got.Spread[0], want)
	if math.Abs(got.Exponents[0]-want) > 0.1*math.Abs(want) {
		t.Errorf("λ_max = %.4f, independent estimate %.4f: differ by more than 10%%", got.Exponents[0], want)
	}
}
