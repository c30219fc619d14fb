package chaoslib

import (
	"math/rand/v2"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// batch holds the per-layer buffers of a batch of runs, one row per chain.
type batch struct {
	rows          int
	x, phi, field []backend.Mat // per layer: state, φ(state) (or clamped data), field
	fieldSet      []bool        // scratch: has the field of layer l been written this step
	host          []float32     // scratch for random starts
}

func (m *Model) newBatch(rows int) *batch {
	b := &batch{rows: rows, fieldSet: make([]bool, len(m.Layers))}
	big := 0
	for _, l := range m.Layers {
		b.x = append(b.x, m.be.NewMat(rows, l.Size))
		b.phi = append(b.phi, m.be.NewMat(rows, l.Size))
		b.field = append(b.field, m.be.NewMat(rows, l.Size))
		big = max(big, l.Size)
	}
	b.host = make([]float32, rows*big)
	return b
}

func (m *Model) freeBatch(b *batch) {
	for l := range b.x {
		m.be.Free(b.x[l])
		m.be.Free(b.phi[l])
		m.be.Free(b.field[l])
	}
}

// randomStart draws x_l(0) ~ N(0, σ²) i.i.d. for every layer l ≥ first,
// in layer order, row-major.
func (m *Model) randomStart(b *batch, first int, rng *rand.Rand) {
	m.randomStartRange(b, first, len(m.Layers)-1, rng)
}

// randomStartRange is randomStart for the layers first ≤ l ≤ last.
func (m *Model) randomStartRange(b *batch, first, last int, rng *rand.Rand) {
	sigma := m.Cfg.Sigma
	for l := first; l <= last; l++ {
		h := b.host[:b.rows*m.Layers[l].Size]
		for i := range h {
			h[i] = float32(rng.NormFloat64() * sigma)
		}
		m.be.Upload(b.x[l], h)
	}
}

// tanhFrom sets φ_l = tanh(x_l) for every layer l ≥ first.
func (m *Model) tanhFrom(b *batch, first int) {
	for l := first; l < len(m.Layers); l++ {
		m.be.Tanh(b.phi[l], b.x[l])
	}
}

// fields computes field_l = Σ_conn φ(x_other)·K for every layer l ≥ first
// from the current φ, one GEMM per directed connection:
//
//	field_B += φ_A · (W + JUp),   field_A += φ_B · (W + JDown)ᵀ.
func (m *Model) fields(b *batch, first int) { m.fieldsRange(b, first, len(m.Layers)-1) }

// fieldsRange is fields for the layers first ≤ l ≤ last.
func (m *Model) fieldsRange(b *batch, first, last int) {
	clear(b.fieldSet)
	beta := func(l int) float32 {
		if b.fieldSet[l] {
			return 1
		}
		b.fieldSet[l] = true
		return 0
	}
	for i := range m.Conns {
		c := &m.Conns[i]
		if c.kUp != nil && c.B >= first && c.B <= last {
			m.be.Gemm(false, false, 1, b.phi[c.A], c.kUp, beta(c.B), b.field[c.B])
		}
		if c.A >= first && c.A <= last {
			m.be.Gemm(false, true, 1, b.phi[c.B], c.kDown, beta(c.A), b.field[c.A])
		}
	}
}

// eulerStep advances every layer l ≥ first by one synchronous Euler step
// from the φ(x(t)) already in b.phi:
//
//	x ← x + (dt/τ)(−x + field + bias),  field from φ(x(t)),
//
// and then sets φ ← tanh(x(t+dt)) in the same sweep over memory, ready for
// the next step. Layers below first are clamped: their φ rows hold the data.
func (m *Model) eulerStep(b *batch, first int) {
	m.fields(b, first)
	k := float32(m.Cfg.Dt / m.Cfg.Tau)
	for l := first; l < len(m.Layers); l++ {
		backend.EulerTanh(m.be, b.x[l], b.phi[l], b.field[l], m.Layers[l].Bias, k)
	}
}

// advance computes the fields from the φ in b and takes the Euler step
// x ← x + (dt/τ)(−x + field + bias) of every layer l ≥ first, leaving φ
// as it was; without bias it is the linear step that carries tangent
// vectors (flow.go).
func (m *Model) advance(b *batch, first int, bias bool) {
	m.fields(b, first)
	k := float32(m.Cfg.Dt / m.Cfg.Tau)
	for l := first; l < len(m.Layers); l++ {
		var bl backend.Mat
		if bias {
			bl = m.Layers[l].Bias
		}
		m.be.Euler(b.x[l], b.field[l], bl, k)
	}
}

// run sets φ = tanh(x) for the layers l ≥ first and takes steps Euler steps
// of them, so that b.phi holds φ(x(t)).
func (m *Model) run(b *batch, first, steps int) {
	m.tanhFrom(b, first)
	for range steps {
		m.eulerStep(b, first)
	}
}

// closedForm reports whether, with the layers below first clamped, no two
// free layers are coupled. Each free layer then sees a constant field and
// relaxes linearly, which is solved exactly (eq. 7 of the paper).
func (m *Model) closedForm(first int) bool {
	for _, c := range m.Conns {
		if c.A >= first && c.B >= first {
			return false
		}
	}
	return true
}

// relax sets every layer l ≥ first to the solution at time t of
// τ dx/dt = −x + u with constant u = field + bias:
//
//	x(t) = x(0)e^{−t/τ} + (1 − e^{−t/τ}) u
//
// (with ClampRelax "euler", the factor of t/dt Euler steps; relaxFactor),
// then φ = tanh(x). It is valid only when closedForm(first) holds.
func (m *Model) relax(b *batch, first int, t float64) {
	m.fields(b, first)
	k := m.Cfg.relaxFactor(t)
	for l := first; l < len(m.Layers); l++ {
		backend.EulerTanh(m.be, b.x[l], b.phi[l], b.field[l], m.Layers[l].Bias, k)
	}
}

// clampedRun holds φ(v) = s (already in b.phi[0]), starts the hidden layers
// from N(0, σ²) and runs them to time t: exactly when they are not coupled to
// each other (the 2-layer model), by Euler steps otherwise (the deep model).
func (m *Model) clampedRun(b *batch, t float64, rng *rand.Rand) {
	m.randomStart(b, 1, rng)
	if m.closedForm(1) {
		m.relax(b, 1, t)
		return
	}
	m.run(b, 1, m.Cfg.EulerSteps(t))
}

// freeRun starts every layer from N(0, σ²) and runs the free dynamics for
// T/dt Euler steps.
func (m *Model) freeRun(b *batch, rng *rand.Rand) {
	m.randomStart(b, 0, rng)
	m.run(b, 0, m.Cfg.EulerSteps(m.Cfg.T))
}
