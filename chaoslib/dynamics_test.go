package chaoslib

import (
	"math"
	"math/rand/v2"
	"testing"
)

// setX uploads explicit states into a batch.
func setX(m *Model, b *batch, l int, v ...float32) { m.be.Upload(b.x[l], v) }

func getX(m *Model, b *batch, l int) []float32 {
	out := make([]float32, b.rows*m.Layers[l].Size)
	m.be.Download(out, b.x[l])
	return out
}

func set(t *testing.T, m *Model, name string, v ...float32) {
	t.Helper()
	if err := m.SetParam(name, v); err != nil {
		t.Fatal(err)
	}
}

// TestEulerStepUnrestrictedHand checks one step of
// τ dx/dt = −x + (J + A)φ(x) + b against numbers computed by hand:
// A = [[.1,.2],[.2,.3]], J = [[0,.5],[−.5,0]], b = (.1,−.1), x = (.5,−1),
// dt/τ = .2: φ = (.462117, −.761594), field = (−.486904, −.367113),
// x' = x + .2(−x + field + b) = (.322619, −.893423).
func TestEulerStepUnrestrictedHand(t *testing.T) {
	cfg := Tiny(Unrestricted)
	cfg.N = 2
	m := mustNew(t, cfg)
	set(t, m, "W_v-v", .1, .2, .2, .3)
	set(t, m, "Jdown_v-v", 0, .5, -.5, 0)
	set(t, m, "bias_v", .1, -.1)
	b := m.newBatch(1)
	setX(m, b, 0, .5, -1)
	m.run(b, 0, 1) // φ = tanh(x), then one Euler step
	want := []float32{0.3226192, -0.8934227}
	if d := maxAbsDiff(getX(m, b, 0), want); d > 1e-6 {
		t.Fatalf("x(dt) = %v, want %v", getX(m, b, 0), want)
	}
}

// refStep is an independent float64 transcription of docs/MODEL.md (restricted and deep) with
// explicit index sums, for the restricted (z == nil) and deep models:
//
//	v' = v + k(−v + Σ_a (W1_ia + Jvh_ia) φ(h_a) + b)
//	h' = h + k(−h + Σ_i (W1_ia + Jhv_ai) φ(v_i) + Σ_c (W2_ac + Jhz_ac) φ(z_c) + c)
//	z' = z + k(−z + Σ_a (W2_ac + Jzh_ca) φ(h_a) + d)
//
// with Jvh = Jdown_v-h, Jhv = Jup_v-hᵀ, Jhz = Jdown_h-z, Jzh = Jup_h-zᵀ.
func refStep(p map[string][]float32, v, h, z []float64, k float64) (v2, h2, z2 []float64) {
	N, M := len(v), len(h)
	th := math.Tanh
	v2, h2 = make([]float64, N), make([]float64, M)
	for i := 0; i < N; i++ {
		f := float64(p["bias_v"][i])
		for a := 0; a < M; a++ {
			f += float64(p["W_v-h"][i*M+a]+p["Jdown_v-h"][i*M+a]) * th(h[a])
		}
		v2[i] = v[i] + k*(-v[i]+f)
	}
	L := len(z)
	for a := 0; a < M; a++ {
		f := float64(p["bias_h"][a])
		for i := 0; i < N; i++ {
			f += float64(p["W_v-h"][i*M+a]+p["Jup_v-h"][i*M+a]) * th(v[i])
		}
		for c := 0; c < L; c++ {
			f += float64(p["W_h-z"][a*L+c]+p["Jdown_h-z"][a*L+c]) * th(z[c])
		}
		h2[a] = h[a] + k*(-h[a]+f)
	}
	if L > 0 {
		z2 = make([]float64, L)
		for c := 0; c < L; c++ {
			f := float64(p["bias_z"][c])
			for a := 0; a < M; a++ {
				f += float64(p["W_h-z"][a*L+c]+p["Jup_h-z"][a*L+c]) * th(h[a])
			}
			z2[c] = z[c] + k*(-z[c]+f)
		}
	}
	return
}

// TestEulerStepLayeredMatchesReference compares one synchronous Euler step
// of the layered model with refStep for the restricted and deep models, with
// random (nonzero) trained parameters and states.
func TestEulerStepLayeredMatchesReference(t *testing.T) {
	for _, arch := range []Arch{Restricted, Deep} {
		cfg := Tiny(arch)
		cfg.N = 7
		cfg.Hidden = []int{5, 3}[:len(cfg.Hidden)]
		m := mustNew(t, cfg)
		rng := rand.New(rand.NewPCG(3, 4))
		p := map[string][]float32{}
		for _, par := range m.Params() {
			if par.Trained {
				par.Data = gaussian(rng, len(par.Data), 0.3)
				set(t, m, par.Name, par.Data...)
			}
			p[par.Name] = par.Data
		}
		b := m.newBatch(1)
		st := make([][]float64, 3)
		for l, layer := range m.Layers {
			x := gaussian(rng, layer.Size, 1)
			setX(m, b, l, x...)
			for _, v := range x {
				st[l] = append(st[l], float64(v))
			}
		}
		m.run(b, 0, 1) // φ = tanh(x), then one Euler step
		v, h, z := refStep(p, st[0], st[1], st[2], cfg.Dt/cfg.Tau)
		for l, want := range [][]float64{v, h, z}[:len(m.Layers)] {
			got := getX(m, b, l)
			for i := range want {
				if math.Abs(float64(got[i])-want[i]) > 2e-5 {
					t.Fatalf("%s layer %d unit %d: %g, reference %g", arch, l, i, got[i], want[i])
				}
			}
		}
	}
}

// TestClosedFormMatchesFineEuler: the exact clamped phase of the 2-layer
// model, h(T) = h(0)e^{−T/τ} + (1 − e^{−T/τ})u, agrees with Euler at
// dt = 1e-3 (error O(dt)).
func TestClosedFormMatchesFineEuler(t *testing.T) {
	cfg := Tiny(Restricted)
	cfg.N, cfg.Hidden = 20, []int{10}
	m := mustNew(t, cfg)
	rng := rand.New(rand.NewPCG(9, 9))
	set(t, m, "W_v-h", gaussian(rng, 200, 0.2)...)
	set(t, m, "bias_h", gaussian(rng, 10, 0.5)...)
	s := toyData(4, 20, 1)
	exact, fine := m.newBatch(4), m.newBatch(4)
	m.be.Upload(exact.phi[0], s.Data)
	m.be.Upload(fine.phi[0], s.Data)
	m.clampedRun(exact, m.Cfg.T, rand.New(rand.NewPCG(5, 5)))
	m.randomStart(fine, 1, rand.New(rand.NewPCG(5, 5)))
	m.Cfg.Dt = 1e-3
	m.run(fine, 1, m.Cfg.EulerSteps(m.Cfg.T))
	if d := maxAbsDiff(getX(m, exact, 1), getX(m, fine, 1)); d > 5e-3 || d == 0 {
		t.Fatalf("closed form vs fine Euler: max |Δh(T)| = %g, want 0 < Δ ≤ 5e-3", d)
	}
}

// TestChaos: in the untrained unrestricted network two starts 1e-6 apart
// separate for g = 1.5 (chaos: the largest Lyapunov exponent is small near
// the transition, ≈ 0.025/τ here, hence the long run) and merge for g = 0.5
// (a stable fixed point).
func TestChaos(t *testing.T) {
	for _, c := range []struct {
		g       float64
		chaotic bool
	}{{1.5, true}, {0.5, false}} {
		cfg := Tiny(Unrestricted)
		cfg.N, cfg.G = 400, c.g
		m := mustNew(t, cfg)
		b := m.newBatch(2)
		rng := rand.New(rand.NewPCG(1, 2))
		x := gaussian(rng, cfg.N, 1)
		y := append([]float32(nil), x...)
		for i := range y {
			y[i] += 1e-6 * float32(rng.NormFloat64())
		}
		setX(m, b, 0, append(x, y...)...)
		d0 := dist(getX(m, b, 0), cfg.N)
		m.run(b, 0, m.Cfg.EulerSteps(400))
		d := dist(getX(m, b, 0), cfg.N)
		t.Logf("g = %g: distance %.3g → %.3g after t = 400", c.g, d0, d)
		if c.chaotic && d < 1e2*d0 {
			t.Errorf("g = %g: nearby starts did not diverge: %.3g → %.3g", c.g, d0, d)
		}
		if !c.chaotic && d > 1e-3*d0 {
			t.Errorf("g = %g: nearby starts did not converge: %.3g → %.3g", c.g, d0, d)
		}
	}
}

// dist is the Euclidean distance between the two rows of a 2×N state.
func dist(x []float32, N int) float64 {
	var s float64
	for i := 0; i < N; i++ {
		d := float64(x[i] - x[N+i])
		s += d * d
	}
	return math.Sqrt(s)
}

// TestCouplingStatistics: each J has mean ≈ 0 and variance ≈ gain²/fan-in,
// where the gain is g except into the visible layer when GVisible is set;
// and GVisible only rescales Jvh, the draws staying the same (Jvh at g_v =
// g_v/g · Jvh at g, every other J identical).
func TestCouplingStatistics(t *testing.T) {
	cfg := PaperMNIST(Deep)
	cfg.Hidden = []int{500, 300}
	fanIn := map[string]float64{"Jup_v-h": 784, "Jdown_v-h": 500, "Jup_h-z": 500, "Jdown_h-z": 300}
	var plain *Model
	for _, gv := range []float64{0, 0.5} {
		cfg.GVisible = gv
		m := mustNew(t, cfg)
		if gv == 0 {
			plain = m
		}
		for name, fi := range fanIn {
			p, err := m.Param(name)
			if err != nil {
				t.Fatal(err)
			}
			var s, s2 float64
			for _, v := range p.Data {
				s += float64(v)
				s2 += float64(v) * float64(v)
			}
			n := float64(len(p.Data))
			mean, vr := s/n, s2/n-(s/n)*(s/n)
			gain, scale := cfg.G, 1.0
			if name == "Jdown_v-h" && gv > 0 {
				gain, scale = gv, gv/cfg.G
			}
			want := gain * gain / fi
			// sd of the sample mean is sqrt(want/n); of the variance, want·sqrt(2/n)
			if math.Abs(mean) > 5*math.Sqrt(want/n) || math.Abs(vr-want) > 5*want*math.Sqrt(2/n) {
				t.Errorf("g_v %g, %s: mean %.3g, variance %.4g, want 0 and %.4g", gv, name, mean, vr, want)
			}
			q, _ := plain.Param(name)
			for i := range p.Data {
				if d := math.Abs(float64(p.Data[i]) - scale*float64(q.Data[i])); d > 1e-6*math.Abs(float64(q.Data[i])) {
					t.Fatalf("g_v %g, %s[%d] = %g, want %g × %g", gv, name, i, p.Data[i], scale, q.Data[i])
				}
			}
		}
	}
}
