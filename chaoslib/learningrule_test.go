package chaoslib

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// TestLearningRateSchedule: η at chosen steps, computed by hand with
// η₀ = 0.1, η_min = 0.01, S = 11 steps, warm-up W = 0 or 2.
func TestLearningRateSchedule(t *testing.T) {
	base := Tiny(Restricted)
	base.LR, base.LRMin, base.Steps = 0.1, 0.01, 11
	for _, tc := range []struct {
		schedule string
		warmup   int
		step     int
		want     float64
	}{
		{"", 0, 0, 0.1}, {"", 0, 10, 0.1}, {"constant", 0, 7, 0.1},
		// linear, W = 0: p = step/10
		{"linear", 0, 0, 0.1}, {"linear", 0, 5, 0.01 + 0.09*0.5}, {"linear", 0, 10, 0.01}, {"linear", 0, 30, 0.01},
		// cosine, W = 0: (1 + cos πp)/2 at p = 0.5 is 0.5, at p = 0.25 it is (1 + √2/2)/2
		{"cosine", 0, 5, 0.01 + 0.09*0.5}, {"cosine", 0, 10, 0.01},
		{"cosine", 0, 0, 0.1},
		// warm-up W = 2: η₀/2, then η₀ at step 2 where the decay starts, p = (step − 2)/8
		{"linear", 2, 0, 0.05}, {"linear", 2, 1, 0.1}, {"linear", 2, 2, 0.1}, {"linear", 2, 6, 0.01 + 0.09*0.5}, {"linear", 2, 10, 0.01},
		{"", 2, 0, 0.05}, {"", 2, 9, 0.1},
	} {
		c := base
		c.LRSchedule, c.Warmup = tc.schedule, tc.warmup
		if got := c.LearningRate(tc.step); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%q W=%d step %d: η = %.17g, want %.17g", tc.schedule, tc.warmup, tc.step, got, tc.want)
		}
	}
	c := base
	c.LRSchedule = "cosine"
	c.Steps = 9 // p = step/8: step 2 is p = 1/4
	if got, want := c.LearningRate(2), 0.01+0.09*(1+math.Sqrt2/2)/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("cosine at p = 1/4: η = %.17g, want %.17g", got, want)
	}
}

// TestOptimizerByHand: two momentum steps and one and two Adam steps on a
// two-entry direction, computed by hand.
func TestOptimizerByHand(t *testing.T) {
	r := defaultLearningRule()
	r.Optimizer = "momentum" // μ = 0.9
	o := newOptimizer(r)
	g := []float32{1, -2}
	o.step("W", g, 1, 0.5) // v = g, step = ηv
	if g[0] != 0.5 || g[1] != -1 {
		t.Errorf("momentum step 1: %v, want [0.5 -1]", g)
	}
	g = []float32{1, 0}
	o.step("W", g, 2, 0.5) // v = 0.9·(1, −2) + (1, 0) = (1.9, −1.8)
	if math.Abs(float64(g[0])-0.95) > 1e-7 || math.Abs(float64(g[1])+0.9) > 1e-7 {
		t.Errorf("momentum step 2: %v, want [0.95 -0.9]", g)
	}

	r.Optimizer = "adam" // β1 = 0.9, β2 = 0.999, ε = 1e-8
	o = newOptimizer(r)
	g = []float32{0.2, -4}
	o.step("W", g, 1, 0.01)
	// t = 1: m = 0.1g, u = 0.001g², m̂ = g, û = g²: step = η g/(|g| + ε) ≈ ±η
	for i, want := range []float64{0.01 * 0.2 / (0.2 + 1e-8), -0.01 * 4 / (4 + 1e-8)} {
		if math.Abs(float64(g[i])-want) > 1e-9 {
			t.Errorf("adam step 1 [%d]: %.9g, want %.9g", i, g[i], want)
		}
	}
	g = []float32{0.4, -4}
	o.step("W", g, 2, 0.01)
	// t = 2, first entry: m = 0.9·0.02 + 0.1·0.4 = 0.058, u = 0.999·4e-5 + 0.001·0.16 = 1.9996e-4,
	// m̂ = 0.058/0.19, û = 1.9996e-4/(1 − 0.999²) = 1.9996e-4/1.999e-3
	m, u := 0.058/0.19, 1.9996e-4/(1-0.999*0.999)
	if want := 0.01 * m / (math.Sqrt(u) + 1e-8); math.Abs(float64(g[0])-want) > 1e-8 {
		t.Errorf("adam step 2: %.9g, want %.9g", g[0], want)
	}
	// second entry: the same g twice gives m̂ = g, û = g², a step of −η
	if math.Abs(float64(g[1])+0.01) > 1e-8 {
		t.Errorf("adam step 2 [1]: %.9g, want -0.01", g[1])
	}
}

// TestEMAAfterTwoUpdates: θ̄ after two steps, by hand, with d₁ = 2/11 and
// d₂ = 3/12 (the ramp, below EMA = 0.99).
func TestEMAAfterTwoUpdates(t *testing.T) {
	cfg := toyConfig(Restricted)
	cfg.EMA = 0.99
	tr := mustTrainer(t, cfg)
	defer tr.Close()
	w0 := mustParam(t, tr.M, "W_v-h")
	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	w1 := mustParam(t, tr.M, "W_v-h")
	if _, err := tr.TrainStep(); err != nil {
		t.Fatal(err)
	}
	w2 := mustParam(t, tr.M, "W_v-h")
	var avg []float32
	for _, p := range tr.ema.params() {
		if p.Name == "ema_W_v-h" {
			avg = p.Data
		}
	}
	d1, d2 := 2.0/11, 3.0/12
	worst := 0.0
	for i := range avg {
		a1 := d1*float64(w0[i]) + (1-d1)*float64(w1[i])
		want := d2*a1 + (1-d2)*float64(w2[i])
		worst = max(worst, math.Abs(float64(avg[i])-want))
	}
	if worst > 1e-6 {
		t.Errorf("EMA after two updates differs from the hand value by %g", worst)
	}
	if emaDecay(0.99, 1000) != 0.99 || emaDecay(0.1, 1) != 0.1 {
		t.Errorf("emaDecay does not cap the ramp at EMA")
	}
}

func mustParam(t *testing.T, m *Model, name string) []float32 {
	t.Helper()
	p, err := m.Param(name)
	if err != nil {
		t.Fatal(err)
	}
	return p.Data
}

// TestRelaxFactor: k for τ = 1, dt = 0.2, T = 4 (20 Euler steps).
func TestRelaxFactor(t *testing.T) {
	c := Tiny(Restricted)
	if got, want := float64(c.relaxFactor(4)), 1-math.Exp(-4); math.Abs(got-want) > 1e-7 {
		t.Errorf("exact k = %.8f, want %.8f", got, want)
	}
	c.ClampRelax = "euler"
	if got, want := float64(c.relaxFactor(4)), 1-math.Pow(0.8, 20); math.Abs(got-want) > 1e-7 {
		t.Errorf("euler k = %.8f, want 1 − 0.8²⁰ = %.8f", got, want)
	}
	// the Euler-matched clamped phase lands where T/dt Euler steps of the
	// same frozen-input dynamics land
	cfg := toyConfig(Restricted)
	cfg.ClampRelax = "euler"
	m := mustNew(t, cfg)
	b := m.newBatch(4)
	defer m.freeBatch(b)
	m.be.Upload(b.phi[0], toyData(4, cfg.N, 3).Data)
	rngStart := func(seed uint64) { m.randomStart(b, 1, rand.New(rand.NewPCG(seed, 0))) }
	rngStart(7)
	m.relax(b, 1, cfg.T)
	closed := download(m, b.x[1])
	rngStart(7)
	m.fields(b, 1) // h reads only φ(v), which is held: the input is constant
	for range cfg.EulerSteps(cfg.T) {
		m.be.Euler(b.x[1], b.field[1], m.Layers[1].Bias, float32(cfg.Dt/cfg.Tau))
	}
	if d := maxAbsDiff(closed, download(m, b.x[1])); d > 1e-5 {
		t.Errorf("euler-matched relaxation differs from %d Euler steps by %g", cfg.EulerSteps(cfg.T), d)
	}
}

func download(m *Model, x backend.Mat) []float32 {
	out := make([]float32, x.Rows()*x.Cols())
	m.be.Download(out, x)
	return out
}

// TestEpochMinibatches: in "epoch" mode every training point is drawn once
// per epoch, and the draw depends only on the seed and the step.
func TestEpochMinibatches(t *testing.T) {
	e := &epochSampler{n: 10, seed: 3}
	var first, second []int
	for k := range 10 {
		first = append(first, e.index(k))
	}
	for k := 10; k < 20; k++ {
		second = append(second, e.index(k))
	}
	for _, ep := range [][]int{first, second} {
		s := slices.Clone(ep)
		slices.Sort(s)
		if !slices.Equal(s, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
			t.Errorf("epoch %v is not a permutation of 0…9", ep)
		}
	}
	if slices.Equal(first, second) {
		t.Errorf("two epochs drew the same order %v", first)
	}
	fresh := &epochSampler{n: 10, seed: 3}
	if fresh.index(13) != second[3] || fresh.index(2) != first[2] {
		t.Errorf("the draw depends on more than the seed and the position")
	}
}

// TestL2AndZeroDiagonal: one update with L2 = λ differs from one without by
// −ηλW (same seed, same data); with DiagA "zero", A_ii stays 0.
func TestL2AndZeroDiagonal(t *testing.T) {
	const lambda = 0.5
	cfg := toyConfig(Restricted)
	start := make([]float32, cfg.N*cfg.Hidden[0])
	for i := range start {
		start[i] = float32(i%7-3) * 0.01
	}
	step := func(l2 float64) []float32 {
		c := cfg
		c.L2 = l2
		tr := mustTrainer(t, c)
		defer tr.Close()
		if err := tr.M.SetParam("W_v-h", start); err != nil {
			t.Fatal(err)
		}
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
		return mustParam(t, tr.M, "W_v-h")
	}
	plain, l2 := step(0), step(lambda)
	worst := 0.0
	for i := range plain {
		worst = max(worst, math.Abs(float64(l2[i]-plain[i])-(-cfg.LR*lambda*float64(start[i]))))
	}
	if worst > 1e-7 {
		t.Errorf("L2 step differs from −ηλW by %g", worst)
	}

	u := toyConfig(Unrestricted)
	u.DiagA, u.Optimizer = "zero", "adam"
	tr := mustTrainer(t, u)
	defer tr.Close()
	for range 3 {
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	a := mustParam(t, tr.M, "W_v-v")
	off := 0.0
	for i := range u.N {
		if a[i*u.N+i] != 0 {
			t.Fatalf("A_%d%d = %g after 3 updates with diag-a zero", i, i, a[i*u.N+i])
		}
		off = max(off, math.Abs(float64(a[i*u.N+(i+1)%u.N])))
	}
	if off == 0 {
		t.Errorf("A's off-diagonal did not train")
	}

	bad := toyConfig(Restricted)
	bad.DiagA = "zero"
	var fe *FieldError
	if err := bad.Validate(); !errors.As(err, &fe) || fe.Field != "DiagA" {
		t.Errorf("diag-a zero on the restricted model: got %v, want a DiagA error", err)
	}
}

// TestResumeBitIdenticalWithRule: with every option on, a run resumed from
// a checkpoint matches the run in one go bit for bit, parameters, averages
// and optimizer state; and the checkpoint's model for sampling is the average.
func TestResumeBitIdenticalWithRule(t *testing.T) {
	for _, opt := range []string{"momentum", "adam"} {
		cfg := toyConfig(Restricted)
		cfg.Steps = 6
		cfg.LRSchedule, cfg.LRMin, cfg.Warmup = "cosine", 0.001, 2
		cfg.Optimizer, cfg.EMA, cfg.L2 = opt, 0.9, 0.01
		cfg.ClampRelax, cfg.Minibatch = "euler", "epoch"
		whole, resumed := wholeAndResumed(t, cfg, 3)
		path := filepath.Join(t.TempDir(), "ck.npz")
		a, b := whole.Checkpoint(), resumed.Checkpoint()
		if !paramsEqual(a.Params, b.Params) || !paramsEqual(a.State, b.State) || len(a.State) == 0 {
			t.Fatalf("%s: resumed run differs from the run in one go", opt)
		}
		// sampling uses the average
		if err := a.Save(path); err != nil {
			t.Fatal(err)
		}
		m, err := LoadModel(path, newCPU(t))
		if err != nil {
			t.Fatal(err)
		}
		got := mustParam(t, m, "W_v-h")
		var avg []float32
		for _, p := range a.State {
			if p.Name == "ema_W_v-h" {
				avg = p.Data
			}
		}
		if maxAbsDiff(got, avg) != 0 || maxAbsDiff(got, mustParam(t, whole.M, "W_v-h")) == 0 {
			t.Errorf("%s: the loaded model's W is not the checkpoint's average", opt)
		}
		sm, err := whole.SamplingModel()
		if err != nil {
			t.Fatal(err)
		}
		if maxAbsDiff(mustParam(t, sm, "W_v-h"), avg) != 0 || maxAbsDiff(mustParam(t, sm, "Jup_v-h"), mustParam(t, whole.M, "Jup_v-h")) != 0 {
			t.Errorf("%s: the trainer's sampling model is not the average on the same couplings", opt)
		}
	}
}

// TestSamplingModelKept: the trainer makes its sampling model once (not at
// every metrics row), takes the fixed couplings from t.M (not redrawn from
// the seed) and sets it to the averages of the step it is asked at.
func TestSamplingModelKept(t *testing.T) {
	cfg := toyConfig(Restricted)
	cfg.EMA = 0.9
	tr := mustTrainer(t, cfg)
	defer tr.Close()
	j := mustParam(t, tr.M, "Jup_v-h")
	for i := range j {
		j[i] *= 2 // J that the seed does not give
	}
	if err := tr.M.SetParam("Jup_v-h", j); err != nil {
		t.Fatal(err)
	}
	var first *Model
	for step := 1; step <= 2; step++ {
		if _, err := tr.TrainStep(); err != nil {
			t.Fatal(err)
		}
		sm, err := tr.SamplingModel()
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = sm
		} else if sm != first {
			t.Fatalf("step %d: a new sampling model was made", step)
		}
		var avg []float32
		for _, p := range tr.ema.params() {
			if p.Name == "ema_W_v-h" {
				avg = p.Data
			}
		}
		if maxAbsDiff(mustParam(t, sm, "W_v-h"), avg) != 0 {
			t.Errorf("step %d: the sampling model's W is not this step's average", step)
		}
		if maxAbsDiff(mustParam(t, sm, "Jup_v-h"), j) != 0 {
			t.Errorf("step %d: the sampling model's J is not the trainer's", step)
		}
	}
	var trained []string
	for _, p := range tr.M.Params() {
		if p.Trained {
			trained = append(trained, fmt.Sprintf("%s %d×%d", p.Name, p.Rows, p.Cols))
		}
	}
	var shapes []string
	for _, p := range cfg.trainedShapes() {
		shapes = append(shapes, fmt.Sprintf("%s %d×%d", p.Name, p.Rows, p.Cols))
	}
	if !slices.Equal(shapes, trained) {
		t.Errorf("trainedShapes %v, the model's trained matrices %v", shapes, trained)
	}
}
