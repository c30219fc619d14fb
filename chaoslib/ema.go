package chaoslib

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// emaPrefix names the averaged copy of a trained matrix in checkpoints:
// "ema_W_v-h" beside "W_v-h".
const emaPrefix = "ema_"

// ema keeps an exponential moving average θ̄ of every trained matrix θ,
// updated after each training step t (1, 2, …):
//
//	θ̄ ← d θ̄ + (1 − d) θ,   d = min(EMA, (1 + t)/(10 + t)),
//
// starting from the parameters the trainer started with. The ramp
// (1 + t)/(10 + t) keeps the first averages from leaning on the start (all
// zeros for a new model); d = EMA only from t ≥ (10·EMA − 1)/(1 − EMA) (8,990
// for 0.999); before that the average leans on about the last tenth of the
// steps so far. The averages stay on the backend, beside the parameters.
type ema struct {
	decay float64
	be    backend.Backend
	names []string
	avg   map[string]backend.Mat
}

// newEMA starts the averages at m's current trained parameters.
func newEMA(m *Model, decay float64) *ema {
	e := &ema{decay: decay, be: m.be, avg: map[string]backend.Mat{}}
	for _, p := range m.params() {
		if p.trained {
			a := m.be.NewMat(p.mat.Rows(), p.mat.Cols())
			m.be.Axpy(1, p.mat, a)
			e.names = append(e.names, p.name)
			e.avg[p.name] = a
		}
	}
	return e
}

// emaDecay is d for update number t.
func emaDecay(decay float64, t int) float64 {
	return min(decay, float64(1+t)/float64(10+t))
}

// update folds m's parameters after update number t into the averages.
func (e *ema) update(m *Model, t int) {
	d := emaDecay(e.decay, t)
	for _, p := range m.params() {
		if a, ok := e.avg[p.name]; ok {
			e.be.Scale(float32(d), a)
			e.be.Axpy(float32(1-d), p.mat, a)
		}
	}
}

// params returns host copies of the averages, named emaPrefix + matrix.
func (e *ema) params() []Param {
	var out []Param
	for _, name := range e.names {
		a := e.avg[name]
		d := make([]float32, a.Rows()*a.Cols())
		e.be.Download(d, a)
		out = append(out, Param{Name: emaPrefix + name, Rows: a.Rows(), Cols: a.Cols(), Data: d, Trained: true})
	}
	return out
}

// load sets the averages from checkpoint arrays (by name).
func (e *ema) load(stored map[string]Param) error {
	for _, name := range e.names {
		a := e.avg[name]
		p, ok := stored[emaPrefix+name]
		if !ok || len(p.Data) != a.Rows()*a.Cols() {
			return fmt.Errorf("chaoslib: checkpoint lacks the average %s%s (%d×%d)", emaPrefix, name, a.Rows(), a.Cols())
		}
		e.be.Upload(a, p.Data)
	}
	return nil
}

func (e *ema) free() {
	for _, a := range e.avg {
		e.be.Free(a)
	}
}

// useAverages replaces every trained matrix of m that has an average in avg
// (named emaPrefix + matrix) by it, and refreshes W + J.
func (m *Model) useAverages(avg map[string]Param) error {
	for _, w := range m.params() {
		p, ok := avg[emaPrefix+w.name]
		if !ok || !w.trained {
			continue
		}
		if p.Rows != w.mat.Rows() || p.Cols != w.mat.Cols() {
			return fmt.Errorf("chaoslib: average %s is %d×%d, model needs %d×%d", p.Name, p.Rows, p.Cols, w.mat.Rows(), w.mat.Cols())
		}
		m.be.Upload(w.mat, p.Data)
	}
	m.refresh()
	return nil
}

// SamplingModel returns the model to sample and score: t.M itself, or with
// Config.EMA > 0 the trainer's sampling model, whose trained matrices are
// set to the current averages at each call (the model a checkpoint of this
// step gives for sampling) and whose fixed couplings J are copied from t.M
// once, when it is made at the first call. It is kept until Close, so
// scoring every metrics row neither allocates a model nor redraws J; it
// shows the averages of the call's step only, until the next call.
func (t *Trainer) SamplingModel() (*Model, error) {
	if t.ema == nil {
		return t.M, nil
	}
	if t.sampling == nil {
		m, err := New(t.M.Cfg, t.M.be)
		if err != nil {
			return nil, err
		}
		own := m.params()
		for i, p := range t.M.params() {
			if !p.trained {
				m.be.Copy(own[i].mat, p.mat)
			}
		}
		t.sampling = m
	}
	for _, p := range t.sampling.params() {
		if a, ok := t.ema.avg[p.name]; ok {
			t.M.be.Copy(p.mat, a)
		}
	}
	t.sampling.refresh()
	return t.sampling, nil
}
