package chaoslib

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Flow is a batch of free runs of the model that the caller advances one
// Euler step at a time. It runs the model's own Euler map (the map of
// Sample and training),
//
//	F(x) = x + (dt/τ)(−x + C φ(x) + b),
//
// where x stacks every layer's units (visible first, dimension D = N + Σ M)
// and C is the full D×D coupling matrix: block (B, A) is (W + JUp)ᵀ for a
// connection A → B and block (A, B) is W + JDown for B → A (network.go).
//
// Each chain may carry k tangent vectors δ, moved by the Jacobian of the
// same map,
//
//	DF(x) δ = δ + (dt/τ)(−δ + C (φ'(x) ⊙ δ)),   φ'(x) = 1 − tanh²(x),
//
// computed like the fields themselves: one GEMM per directed connection
// with u = φ'(x) ⊙ δ in place of φ(x) and no bias, for all chains and
// vectors at once (rows = chains·k). The Jacobian is taken at x(t), before
// the step, so that after n steps δ(n) = DF(x(n−1))⋯DF(x(0)) δ(0).
//
// Clamp holds φ of chosen visible units at given values (inpainting): those
// units then feed a constant signal into the network, and φ' counts as 0
// for them in the tangent step (they pass no perturbation on).
type Flow struct {
	m       *Model
	b       *batch // states
	tan     *batch // tangent vectors: x = δ, phi = φ'(x) ⊙ δ; nil when vectors = 0
	vectors int
	steps   int

	clampUnits []int     // clamped visible units
	clampVals  []float32 // chains × len(clampUnits), row-major
	hostPhi    []float32 // scratch: one layer's φ, chains × size
	hostTan    []float32 // scratch: one layer's δ, chains·k × size
}

// NewFlow starts chains free runs from x(0) ~ N(0, σ²) (drawn as in Sample)
// carrying vectors tangent vectors each, all zero until SetTangents.
func (m *Model) NewFlow(chains, vectors int, rng *rand.Rand) *Flow {
	if chains <= 0 || vectors < 0 {
		panic(fmt.Sprintf("chaoslib: NewFlow: %d chains, %d vectors; want > 0 and ≥ 0", chains, vectors))
	}
	f := m.newFlow(chains, vectors)
	m.randomStart(f.b, 0, rng)
	return f
}

// NewFlowFrom is NewFlow from given states: starts[l] holds layer l's x(0),
// one row per chain (as in SnapshotsFrom).
func (m *Model) NewFlowFrom(starts []blas32.General, vectors int) (*Flow, error) {
	n, err := m.checkStarts("NewFlowFrom", starts)
	if err != nil {
		return nil, err
	}
	if vectors < 0 {
		return nil, fmt.Errorf("chaoslib: NewFlowFrom: %d tangent vectors", vectors)
	}
	f := m.newFlow(n, vectors)
	for l, s := range starts {
		m.be.Upload(f.b.x[l], dense(s))
	}
	return f, nil
}

func (m *Model) newFlow(chains, vectors int) *Flow {
	f := &Flow{m: m, b: m.newBatch(chains), vectors: vectors}
	big := 0
	for _, l := range m.Layers {
		big = max(big, l.Size)
	}
	if vectors > 0 {
		f.tan = m.newBatch(chains * vectors)
		f.hostPhi = make([]float32, chains*big)
		f.hostTan = make([]float32, chains*vectors*big)
	}
	return f
}

// Close releases the flow's buffers.
func (f *Flow) Close() {
	f.m.freeBatch(f.b)
	if f.tan != nil {
		f.m.freeBatch(f.tan)
	}
}

// Model returns the model the flow runs.
func (f *Flow) Model() *Model { return f.m }

// Chains returns the number of runs.
func (f *Flow) Chains() int { return f.b.rows }

// Vectors returns the number of tangent vectors per chain.
func (f *Flow) Vectors() int { return f.vectors }

// Dim returns D, the number of units of all layers together.
func (f *Flow) Dim() int {
	d := 0
	for _, l := range f.m.Layers {
		d += l.Size
	}
	return d
}

// Dt returns the time of one step, dt.
func (f *Flow) Dt() float64 { return f.m.Cfg.Dt }

// Time returns the time reached, steps·dt.
func (f *Flow) Time() float64 { return float64(f.steps) * f.m.Cfg.Dt }

// Clamp holds φ(v_i) = values[c, j] for i = units[j] in chain c from now
// on; values has one row per chain and one column per unit.
func (f *Flow) Clamp(units []int, values blas32.General) error {
	if values.Rows != f.Chains() || values.Cols != len(units) {
		return fmt.Errorf("chaoslib: Clamp: values are %d×%d, want %d×%d (chains × units)", values.Rows, values.Cols, f.Chains(), len(units))
	}
	for _, u := range units {
		if u < 0 || u >= f.m.Cfg.N {
			return fmt.Errorf("chaoslib: Clamp: unit %d is not a visible unit (N = %d)", u, f.m.Cfg.N)
		}
	}
	f.clampUnits = append([]int(nil), units...)
	f.clampVals = append([]float32(nil), dense(values)...)
	return nil
}

// Step advances the states, and the tangent vectors if any, by n Euler steps.
func (f *Flow) Step(n int) {
	m := f.m
	for range n {
		m.tanhFrom(f.b, 0)
		f.applyClamp()
		if f.tan != nil {
			f.tangentStep()
		}
		m.advance(f.b, 0, true)
	}
	f.steps += n
}

// applyClamp overwrites φ of the clamped visible units.
func (f *Flow) applyClamp() {
	if len(f.clampUnits) == 0 {
		return
	}
	n, N := f.b.rows, f.m.Cfg.N
	phi := make([]float32, n*N)
	f.m.be.Download(phi, f.b.phi[0])
	nu := len(f.clampUnits)
	for c := range n {
		for j, u := range f.clampUnits {
			phi[c*N+u] = f.clampVals[c*nu+j]
		}
	}
	f.m.be.Upload(f.b.phi[0], phi)
}

// tangentStep sets u = φ'(x) ⊙ δ from the current φ (row c·k + j of δ
// uses chain c's φ; clamped units get 0) and takes δ ← δ + (dt/τ)(−δ + C u).
func (f *Flow) tangentStep() {
	m, k, n := f.m, f.vectors, f.b.rows
	for l, layer := range m.Layers {
		s := layer.Size
		phi, d := f.hostPhi[:n*s], f.hostTan[:n*k*s]
		m.be.Download(phi, f.b.phi[l])
		m.be.Download(d, f.tan.x[l])
		for c := range n {
			p := phi[c*s : (c+1)*s]
			for j := range k {
				row := d[(c*k+j)*s : (c*k+j+1)*s]
				for i, pi := range p {
					row[i] *= 1 - pi*pi
				}
				if l == 0 {
					for _, u := range f.clampUnits {
						row[u] = 0
					}
				}
			}
		}
		m.be.Upload(f.tan.phi[l], d)
	}
	m.advance(f.tan, 0, false)
}

// State returns x(t) of every chain: chains × D, layers side by side,
// visible first.
func (f *Flow) State() blas32.General { return f.stacked(f.b.x) }

// Visible returns the visible read-out φ(v(t)), chains × N, with clamped
// units at their clamped values.
func (f *Flow) Visible() blas32.General {
	f.m.be.Tanh(f.b.phi[0], f.b.x[0])
	f.applyClamp()
	return f.m.download(f.b.phi[0])
}

// Tangents returns the tangent vectors: chains·k × D, row c·k + j holding
// vector j of chain c, layers side by side as in State.
func (f *Flow) Tangents() blas32.General {
	if f.tan == nil {
		return blas32.General{Cols: f.Dim()}
	}
	return f.stacked(f.tan.x)
}

// SetTangents replaces the tangent vectors (same layout as Tangents).
func (f *Flow) SetTangents(v blas32.General) error {
	rows, D := f.b.rows*f.vectors, f.Dim()
	if v.Rows != rows || v.Cols != D {
		return fmt.Errorf("chaoslib: SetTangents: %d×%d, want %d×%d (chains·vectors × units)", v.Rows, v.Cols, rows, D)
	}
	if rows == 0 {
		return nil
	}
	off := 0
	for l, layer := range f.m.Layers {
		s := layer.Size
		h := f.hostTan[:rows*s]
		for r := range rows {
			copy(h[r*s:(r+1)*s], v.Data[r*v.Stride+off:r*v.Stride+off+s])
		}
		f.m.be.Upload(f.tan.x[l], h)
		off += s
	}
	return nil
}

// stacked downloads one matrix per layer and puts them side by side.
func (f *Flow) stacked(per []backend.Mat) blas32.General {
	rows := per[0].Rows()
	D := f.Dim()
	out := blas32.General{Rows: rows, Cols: D, Stride: D, Data: make([]float32, rows*D)}
	off := 0
	for l, layer := range f.m.Layers {
		s := layer.Size
		h := make([]float32, rows*s)
		f.m.be.Download(h, per[l])
		for r := range rows {
			copy(out.Data[r*D+off:r*D+off+s], h[r*s:(r+1)*s])
		}
		off += s
	}
	return out
}
