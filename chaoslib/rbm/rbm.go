// Package rbm is the restricted-Boltzmann-machine baseline of chaosgen: a
// Bernoulli–Bernoulli RBM trained the way Decelle, Furtlehner & Seoane
// (2022) train "non-persistent short-run" RBMs, by default with the 2-layer
// chaotic model's B = P and updates and its own searched M and k (TunedM,
// TunedK).
//
// # Model
//
// With Units "spin" (the zero value; Tuned uses "binary"), visible units
// v ∈ {±1}^N and hidden units h ∈ {±1}^M; with Units "binary", v ∈ {0,1}^N
// and h ∈ {0,1}^M. In both the energy is
//
//	E(v, h) = −vᵀWh − bᵀv − cᵀh,
//
// so that, with the fields x = Wᵀv + c and y = Wh + b,
//
//	spin:   P(h_a = +1 | v) = σ(2x_a),  ⟨h_a | v⟩ = tanh(x_a)   (the same for v given h);
//	binary: P(h_a = 1 | v) = σ(x_a),    ⟨h_a | v⟩ = σ(x_a) = (1 + tanh(x_a/2))/2.
//
// The two unit conventions are reparametrisations of one family of
// distributions, but gradient steps in their coordinates differ, so they
// train differently.
//
// Data are in s-space [−1, 1] and are read as the probability p = (s+1)/2
// that a pixel is on; the positive phase uses the mean-field visibles
// ⟨v⟩ = s (spin) or p (binary), the negative phase samples v.
//
// # Training (non-persistent short-run, "Rdm-k")
//
// Every update draws a fresh minibatch of B data rows (with replacement) and
// starts P chains from uniform random visibles (v ∈ {±1}^N for spin units,
// {0,1}^N for binary ones); each chain makes k synchronous Gibbs steps
// v → h → v. With ĥ(v) = ⟨h | v⟩ (tanh(Wᵀv + c) for spin units, σ(Wᵀv + c)
// for binary ones) and the data's mean-field visibles d (s for spin units,
// p = (s+1)/2 for binary ones), in both phases:
//
//	W ← W + η(⟨d ĥ(d)ᵀ⟩_data − ⟨v ĥ(v)ᵀ⟩_model)
//	b ← b + η(⟨d⟩_data − ⟨v⟩_model)
//	c ← c + η(⟨ĥ(d)⟩_data − ⟨ĥ(v)⟩_model)
//
// W starts from N(0, InitStd²) (at W = 0, c = 0 every gradient vanishes, so
// a zero start never moves); c starts at 0, and b at 0 or, with InitBias
// "data", at the field that gives the data mean m = ⟨s⟩ (InitVisibleBias:
// atanh m for spin units, 2 atanh m for binary ones).
//
// # Samples
//
// Sample runs the same k Gibbs steps from random starts and returns, in
// place of the k-th sampled visible layer, its conditional mean given the
// k-th hidden sample, in s-space: tanh(y) (spin) or 2σ(y) − 1 = tanh(y/2)
// (binary), y = Wh + b. These grey samples in (−1, 1) are comparable to the read-out φ(v(T)) of the chaotic models; binary ±1
// samples would score differently under E2, Es and EAAI.
//
// Arithmetic is float32 with OpenBLAS (blas32.Gemm) for the products; every
// random draw comes from math/rand/v2's PCG, seeded by Config.Seed, so a run
// is reproducible on the same machine and BLAS build.
package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	_ "github.com/chaosgen/chaosgen/internal/openblas" // OpenBLAS behind blas32
)

// PCG streams of the two kinds of draws seeded by Config.Seed.
const (
	streamInit     = 0x726263696e6974 // "rbminit": the initial weights
	streamTraining = 0x7262747261696e // "rbtrain": minibatches and Gibbs chains
)

// DefaultInitStd is the std of the initial weights (assumed; Hinton's
// practical guide and Decelle et al. use 0.01).
const DefaultInitStd = 0.01

// Config holds the RBM's sizes and training settings.
type Config struct {
	Dataset string `json:"dataset"` // data set trained on (a record; "" for none)

	N int `json:"N"` // visible units (784 for MNIST)
	M int `json:"M"` // hidden units
	K int `json:"k"` // Gibbs steps v → h → v per update and per sample

	LR      float64 `json:"lr"`       // learning rate η
	Batch   int     `json:"batch"`    // B, data rows per update
	Chains  int     `json:"chains"`   // P, Gibbs chains per update
	Steps   int     `json:"steps"`    // updates
	InitStd float64 `json:"init_std"` // std of the N(0, std²) initial W (assumed, DefaultInitStd)
	// InitBias is the start of the visible biases b: "zero" (or "", the
	// default, as the chaotic models' biases) or "data": b_i = atanh⟨s_i⟩
	// over the training data, set by the first TrainStep (see
	// InitVisibleBias). Hidden biases always start at 0.
	InitBias string `json:"init_bias,omitempty"`
	// Units is the unit convention: "spin" (±1; "" means spin, as runs
	// from before this field) or "binary" ({0,1}).
	Units string `json:"units,omitempty"`

	Seed uint64 `json:"seed"` // seeds the initial W and every draw
}

// FromChaos returns the RBM matched to a chaotic model's config: M is its
// first hidden layer, k its T/dt Euler steps, and B, P, η, steps and seed
// are the same. InitStd is DefaultInitStd.
func FromChaos(c chaoslib.Config) Config {
	r := Config{Dataset: c.Dataset, N: c.N, LR: c.LR, Batch: c.Batch, Chains: c.Chains,
		Steps: c.Steps, InitStd: DefaultInitStd, Seed: c.Seed}
	if len(c.Hidden) > 0 {
		r.M = c.Hidden[0]
	}
	if k, err := c.StepsAt(c.T); c.Dt > 0 && err == nil {
		r.K = k
	}
	return r
}

// TunedK is the tuned baseline's Gibbs steps per update and per sample:
// the searched value (docs/TUNING.md, rounds 7 and 9; k = 100 was worse).
// It was the 2-layer model's T/dt when that was 4/0.2, and is kept apart
// from it, so that tuning the chaotic model's T does not change the RBM.
const TunedK = 20

// TunedM is the tuned baseline's hidden units: the best of its search on
// MNIST (docs/TUNING.md, rounds 7, 12 and 13: M = 500, 1,000 and 2,000
// gave EAAI 0.205, 0.206 and 0.231 at n = 10,000, the last with 6 of 10
// classes), and better than 500 on Fashion-MNIST. It is kept apart from
// the 2-layer chaotic model's M, which is 2,000 on MNIST, where the RBM
// is worse.
const TunedM = 1000

// Tuned returns the baseline that the search of docs/TUNING.md (round 7)
// chose for dataset, the default of `chaosgen rbm`: FromChaos of the tuned
// 2-layer chaotic model (its B = P, 10⁴ updates and seed) with M = TunedM
// hidden units, k = TunedK Gibbs steps, {0,1} units, visible biases
// started at the data's mean (InitBias "data") and η = 0.03.
func Tuned(dataset string) Config {
	c := FromChaos(chaoslib.Tuned(chaoslib.Restricted, dataset))
	c.M, c.K, c.Units, c.InitBias, c.LR = TunedM, TunedK, "binary", "data", 0.03
	return c
}

// Validate checks every field and returns a *chaoslib.FieldError naming the
// first bad one.
func (c Config) Validate() error {
	bad := func(f string, v any, rule string) error { return &chaoslib.FieldError{Field: f, Value: v, Rule: rule} }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case c.N <= 0 || c.N > chaoslib.MaxUnits:
		return bad("N", c.N, fmt.Sprintf("must be in 1…%d", chaoslib.MaxUnits))
	case c.M <= 0 || c.M > chaoslib.MaxUnits:
		return bad("M", c.M, fmt.Sprintf("must be in 1…%d", chaoslib.MaxUnits))
	case c.K <= 0 || c.K > chaoslib.MaxTrainEulerSteps:
		return bad("K", c.K, fmt.Sprintf("must be in 1…%d", chaoslib.MaxTrainEulerSteps))
	case !finite(c.LR) || c.LR <= 0:
		return bad("LR", c.LR, "must be finite and > 0")
	case c.Batch <= 0 || c.Batch > chaoslib.MaxRows:
		return bad("Batch", c.Batch, fmt.Sprintf("must be in 1…%d", chaoslib.MaxRows))
	case c.Chains <= 0 || c.Chains > chaoslib.MaxRows:
		return bad("Chains", c.Chains, fmt.Sprintf("must be in 1…%d", chaoslib.MaxRows))
	case c.Steps < 0 || c.Steps > chaoslib.MaxSteps:
		return bad("Steps", c.Steps, fmt.Sprintf("must be in 0…%d", chaoslib.MaxSteps))
	case !finite(c.InitStd) || c.InitStd <= 0 || c.InitStd > 1:
		return bad("InitStd", c.InitStd, "must be in (0, 1] (at W = 0 the gradients vanish; beyond 1 every unit starts saturated, and far beyond, W overflows float32)")
	case c.InitBias != "" && c.InitBias != "zero" && c.InitBias != "data":
		return bad("InitBias", c.InitBias, `must be "zero" or "data"`)
	case c.Units != "" && c.Units != "spin" && c.Units != "binary":
		return bad("Units", c.Units, `must be "spin" or "binary"`)
	}
	return nil
}

// binary reports whether the units are {0,1}.
func (c Config) binary() bool { return c.Units == "binary" }

// RBM is a restricted Boltzmann machine and its training state.
type RBM struct {
	Cfg  Config
	W    blas32.General // N×M couplings
	B    []float32      // N visible biases
	C    []float32      // M hidden biases
	Step int            // updates done

	pcg *rand.PCG  // training draws
	rng *rand.Rand // over pcg

	// scratch, allocated on first use
	pos, posH blas32.General // B×N data, B×M ⟨h|s⟩
	neg, negH blas32.General // P×N chains, P×M
	dW        blas32.General // N×M
	dB, dC    []float64
}

// Bytes estimates the memory of training: W and dW (N×M), the B and P
// rows of visible and hidden units, float32.
func (c Config) Bytes() int64 {
	n, m := int64(c.N), int64(c.M)
	return 4 * (2*n*m + (int64(c.Batch)+int64(c.Chains))*(n+m))
}

// New returns an RBM with W ~ N(0, InitStd²) and zero biases. It refuses
// a config that fails Validate or needs more memory than is available
// (chaoslib.CheckMemory, naming M).
func New(cfg Config) (*RBM, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := chaoslib.CheckMemory("M", cfg.M, cfg.Bytes()); err != nil {
		return nil, err
	}
	r := &RBM{Cfg: cfg, W: newMat(cfg.N, cfg.M), B: make([]float32, cfg.N), C: make([]float32, cfg.M)}
	init := rand.New(rand.NewPCG(cfg.Seed, streamInit))
	for i := range r.W.Data {
		r.W.Data[i] = float32(cfg.InitStd * init.NormFloat64())
	}
	r.pcg = rand.NewPCG(cfg.Seed, streamTraining)
	r.rng = rand.New(r.pcg)
	return r, nil
}

func newMat(rows, cols int) blas32.General {
	return blas32.General{Rows: rows, Cols: cols, Stride: cols, Data: make([]float32, rows*cols)}
}

// InitVisibleBias (used by TrainStep when Cfg.InitBias is "data") sets the
// visible biases so that the visible units start at the data's mean
// (Hinton's practical guide): with m_i = ⟨s_i⟩ over the rows of data
// (s-space, n×N) clipped to ±(1 − 1e-3), b_i = atanh(m_i) for spin units and
// b_i = log(p_i/(1−p_i)) = 2 atanh(m_i) for binary units, p_i = (m_i+1)/2.
func (r *RBM) InitVisibleBias(data blas32.General) error {
	if data.Cols != r.Cfg.N || data.Rows == 0 {
		return fmt.Errorf("rbm: data is %d×%d, the RBM needs n×%d with n > 0", data.Rows, data.Cols, r.Cfg.N)
	}
	mean := make([]float64, r.Cfg.N)
	eachRow(data, func(row []float32) {
		for j, v := range row {
			mean[j] += float64(v)
		}
	})
	const lim = 1 - 1e-3
	scale := 1.0
	if r.Cfg.binary() {
		scale = 2
	}
	for j, m := range mean {
		r.B[j] = float32(scale * math.Atanh(max(-lim, min(lim, m/float64(data.Rows)))))
	}
	return nil
}

// HiddenMean returns ⟨h | v⟩ for every row of v (rows×N, in the units'
// own convention): tanh(vW + c) (spin) or σ(vW + c) (binary).
func (r *RBM) HiddenMean(v blas32.General) blas32.General {
	h := newMat(v.Rows, r.Cfg.M)
	r.hiddenField(v, h)
	r.meanInPlace(h)
	return h
}

// VisibleMean returns ⟨v | h⟩ for every row of h (rows×M): tanh(hWᵀ + b)
// (spin) or σ(hWᵀ + b) (binary).
func (r *RBM) VisibleMean(h blas32.General) blas32.General {
	v := newMat(h.Rows, r.Cfg.N)
	r.visibleField(h, v)
	r.meanInPlace(v)
	return v
}

// hiddenField sets h = vW + 1cᵀ.
func (r *RBM) hiddenField(v, h blas32.General) {
	if v.Cols != r.Cfg.N || h.Rows != v.Rows || h.Cols != r.Cfg.M {
		panic(fmt.Sprintf("rbm: hidden field of a %d×%d visible set into %d×%d (N = %d, M = %d)", v.Rows, v.Cols, h.Rows, h.Cols, r.Cfg.N, r.Cfg.M))
	}
	for i := 0; i < h.Rows; i++ {
		copy(h.Data[i*h.Stride:i*h.Stride+h.Cols], r.C)
	}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, v, r.W, 1, h)
}

// visibleField sets v = hWᵀ + 1bᵀ.
func (r *RBM) visibleField(h, v blas32.General) {
	if h.Cols != r.Cfg.M || v.Rows != h.Rows || v.Cols != r.Cfg.N {
		panic(fmt.Sprintf("rbm: visible field of a %d×%d hidden set into %d×%d (N = %d, M = %d)", h.Rows, h.Cols, v.Rows, v.Cols, r.Cfg.N, r.Cfg.M))
	}
	for i := 0; i < v.Rows; i++ {
		copy(v.Data[i*v.Stride:i*v.Stride+v.Cols], r.B)
	}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, h, r.W, 1, v)
}

// eachRow calls f on every row's slice of x.
func eachRow(x blas32.General, f func([]float32)) {
	for i := 0; i < x.Rows; i++ {
		f(x.Data[i*x.Stride : i*x.Stride+x.Cols])
	}
}

// units returns the units' low and high values: −1, 1 (spin) or 0, 1
// (binary).
func (r *RBM) units() (lo, hi float32) {
	if r.Cfg.binary() {
		return 0, 1
	}
	return -1, 1
}

// meanInPlace replaces each field value x by the unit's conditional mean:
// tanh(x) (spin) or σ(x) = (1 + tanh(x/2))/2 (binary).
func (r *RBM) meanInPlace(x blas32.General) {
	binary := r.Cfg.binary()
	eachRow(x, func(row []float32) {
		for j, v := range row {
			if binary {
				row[j] = (1 + cpu.Tanh32(v/2)) / 2
			} else {
				row[j] = cpu.Tanh32(v)
			}
		}
	})
}

// sampleInPlace replaces each field value x by a draw of the unit: the high
// value with probability σ(2x) = (1 + tanh x)/2 (spin) or σ(x) (binary),
// else the low value.
func (r *RBM) sampleInPlace(x blas32.General, rng *rand.Rand) {
	lo, hi := r.units()
	half := float32(1)
	if r.Cfg.binary() {
		half = 0.5
	}
	eachRow(x, func(row []float32) {
		for j, v := range row {
			if 2*rng.Float32() < 1+cpu.Tanh32(half*v) {
				row[j] = hi
			} else {
				row[j] = lo
			}
		}
	})
}

// randomUnits fills x with uniform draws of the two unit values.
func (r *RBM) randomUnits(x blas32.General, rng *rand.Rand) {
	lo, hi := r.units()
	eachRow(x, func(row []float32) {
		for j := range row {
			if rng.Uint64()&1 == 0 {
				row[j] = hi
			} else {
				row[j] = lo
			}
		}
	})
}

// gibbs starts v from uniform random units and makes k synchronous Gibbs
// steps v → h → v, using h as scratch. With meanLast, the last visible layer
// is its conditional mean instead of a draw.
func (r *RBM) gibbs(v, h blas32.General, k int, meanLast bool, rng *rand.Rand) {
	r.randomUnits(v, rng)
	for s := 0; s < k; s++ {
		r.hiddenField(v, h)
		r.sampleInPlace(h, rng)
		r.visibleField(h, v)
		if meanLast && s == k-1 {
			r.meanInPlace(v)
		} else {
			r.sampleInPlace(v, rng)
		}
	}
}

// Sample returns n samples in s-space: k Gibbs steps from uniform random
// starts, then the visible conditional mean of the last hidden draw, mapped
// to s = 2⟨v⟩ − 1 for binary units (see the package documentation). rng
// drives every draw. It panics if n < 0.
func (r *RBM) Sample(n int, rng *rand.Rand) blas32.General {
	if n < 0 {
		panic(fmt.Sprintf("rbm: Sample of %d samples", n))
	}
	v, h := newMat(n, r.Cfg.N), newMat(n, r.Cfg.M)
	if n > 0 {
		r.gibbs(v, h, r.Cfg.K, true, rng)
		if r.Cfg.binary() {
			eachRow(v, func(row []float32) {
				for j, p := range row {
					row[j] = 2*p - 1
				}
			})
		}
	}
	return v
}

// DivergedError reports NaN or Inf in the parameters after an update.
type DivergedError struct{ Step int }

func (e *DivergedError) Error() string {
	return fmt.Sprintf("rbm: training diverged at step %d: the parameters hold NaN or Inf", e.Step)
}

// TrainStep makes one update on a fresh minibatch of data (n×N, s-space,
// n > 0; rows drawn with replacement) against Chains fresh k-step chains.
func (r *RBM) TrainStep(data blas32.General) error {
	cfg := r.Cfg
	if data.Cols != cfg.N || data.Rows == 0 {
		return fmt.Errorf("rbm: training data is %d×%d, the RBM needs n×%d with n > 0", data.Rows, data.Cols, cfg.N)
	}
	r.scratch()
	if r.Step == 0 && r.Cfg.InitBias == "data" {
		r.InitVisibleBias(data) // idempotent: callers may have done it already
	}
	// positive phase: the data as mean-field visibles, s (spin) or p = (s+1)/2 (binary)
	for i := 0; i < cfg.Batch; i++ {
		k := r.rng.IntN(data.Rows)
		row := r.pos.Data[i*cfg.N : (i+1)*cfg.N]
		copy(row, data.Data[k*data.Stride:k*data.Stride+cfg.N])
		if cfg.binary() {
			for j, s := range row {
				row[j] = (s + 1) / 2
			}
		}
	}
	// negative phase: k Gibbs steps from random starts
	r.gibbs(r.neg, r.negH, cfg.K, false, r.rng)
	return r.update(r.pos, r.neg)
}

// update applies one CHL update with visibles pos (data, B×N) and neg (model
// chains, P×N), using ĥ = ⟨h|v⟩ (HiddenMean) for the hidden units of both.
func (r *RBM) update(pos, neg blas32.General) error {
	cfg := r.Cfg
	r.hiddenField(pos, r.posH)
	r.meanInPlace(r.posH)
	r.hiddenField(neg, r.negH)
	r.meanInPlace(r.negH)
	eta := float32(cfg.LR)
	blas32.Gemm(blas.Trans, blas.NoTrans, 1/float32(pos.Rows), pos, r.posH, 0, r.dW)
	blas32.Gemm(blas.Trans, blas.NoTrans, -1/float32(neg.Rows), neg, r.negH, 1, r.dW)
	colMeanDiff(r.dB, pos, neg)
	colMeanDiff(r.dC, r.posH, r.negH)
	bad := false
	for i, d := range r.dW.Data {
		r.W.Data[i] += eta * d
		bad = bad || !isFinite32(r.W.Data[i])
	}
	for i, d := range r.dB {
		r.B[i] += float32(cfg.LR * d)
		bad = bad || !isFinite32(r.B[i])
	}
	for a, d := range r.dC {
		r.C[a] += float32(cfg.LR * d)
		bad = bad || !isFinite32(r.C[a])
	}
	r.Step++
	if bad {
		return &DivergedError{Step: r.Step}
	}
	return nil
}

// scratch allocates the training buffers on first use.
func (r *RBM) scratch() {
	if r.pos.Data != nil {
		return
	}
	cfg := r.Cfg
	r.pos, r.posH = newMat(cfg.Batch, cfg.N), newMat(cfg.Batch, cfg.M)
	r.neg, r.negH = newMat(cfg.Chains, cfg.N), newMat(cfg.Chains, cfg.M)
	r.dW = newMat(cfg.N, cfg.M)
	r.dB, r.dC = make([]float64, cfg.N), make([]float64, cfg.M)
}

func isFinite32(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// colMeanDiff sets dst = colmean(a) − colmean(b), accumulated in float64.
func colMeanDiff(dst []float64, a, b blas32.General) {
	clear(dst)
	eachRow(a, func(row []float32) {
		for j, v := range row {
			dst[j] += float64(v) / float64(a.Rows)
		}
	})
	eachRow(b, func(row []float32) {
		for j, v := range row {
			dst[j] -= float64(v) / float64(b.Rows)
		}
	})
}

// Train makes updates until Step reaches Cfg.Steps, calling report (which
// may be nil) with the step after each; an error from report stops training
// and is returned.
func (r *RBM) Train(data blas32.General, report func(step int) error) error {
	for r.Step < r.Cfg.Steps {
		if err := r.TrainStep(data); err != nil {
			return err
		}
		if report != nil {
			if err := report(r.Step); err != nil {
				return err
			}
		}
	}
	return nil
}
