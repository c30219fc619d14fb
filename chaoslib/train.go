package chaoslib

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// Trainer runs contrastive Hebbian learning (CHL) on a model. Each step:
//
//  1. clamped phase: a fresh minibatch of B data points s, φ(v) = s held,
//     hidden layers from N(0, σ²) to T;
//
//  2. free phase: P chains, every layer from N(0, σ²), to T;
//
//  3. for every connection and layer, with ⟨·⟩ the batch means,
//
//     W ← W + η(⟨φ_A φ_Bᵀ⟩_clamped − ⟨φ_A φ_Bᵀ⟩_free)
//     bias ← bias + η(⟨φ⟩_clamped − ⟨φ⟩_free),
//
// with φ(v) = s in the clamped phase. For the unrestricted model this is
// A ← A + η(⟨ssᵀ⟩_data − ⟨φφᵀ⟩_free), symmetrized exactly.
//
// That is the plain rule. Config.LearningRule adds, each off by default: an
// η schedule (LearningRate), momentum or Adam (optimizer.go), L2 on the
// couplings, a zero diagonal for A, an average of the parameters (ema.go),
// the Euler-matched clamped relaxation and minibatches in epochs
// (minibatch.go). With all of them off the step is exactly the plain rule's.
//
// Minibatches are drawn with replacement unless Minibatch is "epoch". Every
// other draw comes from one PCG generator seeded by Config.Seed, whose state
// is checkpointed with Step, together with the optimizer's state and the
// averages, so that a resumed run continues bit-identically on the CPU.
type Trainer struct {
	M    *Model
	Step int // training steps done

	data    blas32.General // training data, s-space, n×N (clipped if Cfg.DataClip > 0)
	pcg     *rand.PCG
	rng     *rand.Rand
	clamped *batch
	free    *batch
	dBias   []backend.Mat // per layer scratch
	host    []float32     // minibatch assembly

	opt *optimizer // nil for plain SGD without a zero diagonal
	ema *ema       // nil when Cfg.EMA is 0
	// sampling is the model of the averages (SamplingModel); nil until asked
	sampling *Model
	epochs   *epochSampler // nil unless Cfg.Minibatch is "epoch"
	hostG    []float32     // scratch for host-side updates
}

// Stats reports one training step.
type Stats struct {
	Step int `json:"step"`
	// Norms is the RMS value of each trained matrix after the update.
	Norms map[string]float64 `json:"norms"`
	// Grads is the RMS of each update direction ⟨·⟩_clamped − ⟨·⟩_free;
	// it tends to zero as the free statistics match the data.
	Grads map[string]float64 `json:"grads"`
}

// NewTrainer prepares CHL on data (n×N, s-space); the trainer keeps a
// reference to data (a clipped copy when Cfg.DataClip > 0). It refuses
// batches that need more memory than is available (CheckMemory).
func NewTrainer(m *Model, data blas32.General) (*Trainer, error) {
	if data.Cols != m.Cfg.N || data.Rows == 0 {
		return nil, fmt.Errorf("chaoslib: training data is %d×%d, model needs n×%d with n > 0", data.Rows, data.Cols, m.Cfg.N)
	}
	if err := indices.CheckSamples(data); err != nil { // a bad Stride, or 0…255 pixels
		return nil, fmt.Errorf("chaoslib: training data (s-space, [−1, 1]): %w", err)
	}
	if err := m.Cfg.checkRowsMemory(m.Cfg.BatchesBytes()); err != nil {
		return nil, err
	}
	if c := m.Cfg.DataClip; c > 0 {
		data = clipCopy(data, float32(1-c))
	}
	t := &Trainer{M: m, data: data, pcg: rand.NewPCG(m.Cfg.Seed, streamTraining)}
	t.rng = rand.New(t.pcg)
	t.clamped = m.newBatch(m.Cfg.Batch)
	t.free = m.newBatch(m.Cfg.Chains)
	for _, l := range m.Layers {
		t.dBias = append(t.dBias, m.be.NewMat(1, l.Size))
	}
	t.host = make([]float32, m.Cfg.Batch*m.Cfg.N)
	r := m.Cfg.LearningRule
	if !optimizers.is(r.Optimizer, "sgd") || (diagAs.is(r.DiagA, "zero") && m.Cfg.Arch == Unrestricted) {
		t.opt = newOptimizer(r)
	}
	if r.EMA > 0 {
		t.ema = newEMA(m, r.EMA)
	}
	if minibatches.is(r.Minibatch, "epoch") {
		t.epochs = &epochSampler{n: data.Rows, seed: m.Cfg.Seed}
	}
	return t, nil
}

func clipCopy(x blas32.General, lim float32) blas32.General {
	out := blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: make([]float32, x.Rows*x.Cols)}
	for i := 0; i < x.Rows; i++ {
		for j, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			out.Data[i*x.Cols+j] = max(-lim, min(lim, v))
		}
	}
	return out
}

// Close frees the trainer's buffers and its sampling model (not t.M). The
// trainer must not be used afterwards.
func (t *Trainer) Close() {
	t.M.freeBatch(t.clamped)
	t.M.freeBatch(t.free)
	for _, d := range t.dBias {
		t.M.be.Free(d)
	}
	if t.ema != nil {
		t.ema.free()
	}
	if t.sampling != nil {
		t.sampling.Free()
	}
}

// DivergedError reports NaN or Inf in the parameters after a step.
type DivergedError struct {
	Step  int
	Param string
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("chaoslib: training diverged at step %d: %s holds NaN or Inf", e.Step, e.Param)
}

// TrainStep performs one CHL update and returns its statistics, or a
// *DivergedError if a parameter became NaN or Inf.
func (t *Trainer) TrainStep() (Stats, error) {
	m, be, cfg := t.M, t.M.be, t.M.Cfg
	// 1. clamped phase on a fresh minibatch
	for r := 0; r < cfg.Batch; r++ {
		var i int
		if t.epochs != nil {
			i = t.epochs.index(t.Step*cfg.Batch + r)
		} else {
			i = t.rng.IntN(t.data.Rows)
		}
		copy(t.host[r*cfg.N:(r+1)*cfg.N], t.data.Data[i*t.data.Stride:i*t.data.Stride+cfg.N])
	}
	be.Upload(t.clamped.phi[0], t.host)
	m.clampedRun(t.clamped, cfg.T, t.rng)
	// 2. free phase
	m.freeRun(t.free, t.rng)
	// 3. Hebbian updates
	st := Stats{Step: t.Step + 1, Grads: map[string]float64{}}
	eta := cfg.LearningRate(t.Step)
	cl, fr := t.clamped, t.free
	for i := range m.Conns {
		c := &m.Conns[i]
		be.Gemm(true, false, 1/float32(cl.rows), cl.phi[c.A], cl.phi[c.B], 0, c.dW)
		be.Gemm(true, false, -1/float32(fr.rows), fr.phi[c.A], fr.phi[c.B], 1, c.dW)
		if c.selfConnect {
			be.Symmetrize(c.dW)
		}
		st.Grads["W_"+c.Name] = rms(be, c.dW)
		t.apply("W_"+c.Name, c.W, c.dW, eta, true, c.selfConnect)
	}
	for l := range m.Layers {
		d := t.dBias[l]
		be.Scale(0, d)
		be.AddColMeans(d, 1, cl.phi[l])
		be.AddColMeans(d, -1, fr.phi[l])
		st.Grads["bias_"+m.Layers[l].Name] = rms(be, d)
		t.apply("bias_"+m.Layers[l].Name, m.Layers[l].Bias, d, eta, false, false)
	}
	m.refresh()
	t.Step++
	if t.ema != nil {
		t.ema.update(m, t.Step)
	}
	st.Norms = m.Norms()
	for name, v := range st.Norms {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return st, &DivergedError{Step: t.Step, Param: name}
		}
	}
	return st, nil
}

// apply adds the update of one trained matrix θ (param) from its CHL
// direction g (scratch, overwritten) with learning rate eta: −L2·θ is added
// to g for a coupling, A's diagonal is dropped from g when DiagA is "zero",
// then the optimizer makes the step. Plain SGD without either is today's
// single θ += η g on the backend.
func (t *Trainer) apply(name string, param, g backend.Mat, eta float64, coupling, self bool) {
	be, cfg := t.M.be, t.M.Cfg
	if coupling && cfg.L2 > 0 {
		be.Axpy(float32(-cfg.L2), param, g)
	}
	if t.opt == nil {
		be.Axpy(float32(eta), g, param)
		return
	}
	n := g.Rows() * g.Cols()
	if cap(t.hostG) < n {
		t.hostG = make([]float32, n)
	}
	h := t.hostG[:n]
	be.Download(h, g)
	if self && diagAs.is(cfg.DiagA, "zero") {
		for i := 0; i < g.Rows(); i++ {
			h[i*g.Cols()+i] = 0
		}
	}
	t.opt.step(name, h, t.Step+1, eta)
	be.Upload(g, h)
	be.Axpy(1, g, param)
}

func rms(be backend.Backend, m backend.Mat) float64 {
	return math.Sqrt(be.SumSquares(m) / float64(m.Rows()*m.Cols()))
}

// Train runs steps until Step reaches Cfg.Steps, calling report after each
// (report may be nil; an error from it stops training and is returned).
func (t *Trainer) Train(report func(Stats) error) error {
	for t.Step < t.M.Cfg.Steps {
		st, err := t.TrainStep()
		if err != nil {
			return err
		}
		if report != nil {
			if err := report(st); err != nil {
				return err
			}
		}
	}
	return nil
}
