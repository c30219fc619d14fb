package chaoslib

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// Sample runs n free chains from N(0, σ²) starts to time t (round(t/dt)
// Euler steps) and returns the visible read-out φ(v(t)), n×N in s-space.
func (m *Model) Sample(n int, t float64, rng *rand.Rand) blas32.General {
	return m.Snapshots(n, []float64{t}, rng)[0]
}

// Snapshots runs n free chains once and returns φ(v(t)) at each of times
// (any order; each is rounded to a whole number of Euler steps). Fig. 3a
// follows the same chains from T/4 to 100·T.
func (m *Model) Snapshots(n int, times []float64, rng *rand.Rand) []blas32.General {
	if n <= 0 {
		panic(fmt.Sprintf("chaoslib: Snapshots: n = %d, want > 0", n))
	}
	b := m.newBatch(n)
	defer m.freeBatch(b)
	m.randomStart(b, 0, rng)
	return m.snapshots(b, times)
}

// SnapshotsFrom is Snapshots from given initial states: starts[l] holds the
// rows of layer l's x(0) (n rows of that layer's size, one per chain), for
// every layer, visible first. It lets two runs start a chosen distance apart.
func (m *Model) SnapshotsFrom(starts []blas32.General, times []float64) ([]blas32.General, error) {
	n, err := m.checkStarts("SnapshotsFrom", starts)
	if err != nil {
		return nil, err
	}
	b := m.newBatch(n)
	defer m.freeBatch(b)
	for l, s := range starts {
		m.be.Upload(b.x[l], dense(s))
	}
	return m.snapshots(b, times), nil
}

// checkStarts checks one start matrix per layer with the same number n > 0
// of rows and the layer's size of columns, and returns n; fn names the caller.
func (m *Model) checkStarts(fn string, starts []blas32.General) (int, error) {
	if len(starts) != len(m.Layers) {
		return 0, fmt.Errorf("chaoslib: %s: %d start states for %d layers", fn, len(starts), len(m.Layers))
	}
	n := starts[0].Rows
	for l, s := range starts {
		if s.Rows != n || s.Cols != m.Layers[l].Size || n == 0 {
			return 0, fmt.Errorf("chaoslib: %s: layer %s start is %d×%d, want %d×%d (n > 0)", fn, m.Layers[l].Name, s.Rows, s.Cols, n, m.Layers[l].Size)
		}
	}
	return n, nil
}

// snapshots runs the free dynamics of b from its current state and returns
// φ(v(t)) at each of times.
func (m *Model) snapshots(b *batch, times []float64) []blas32.General {
	steps := make([]int, len(times))
	for i, t := range times {
		if t < 0 || math.IsNaN(t) || math.IsInf(t, 0) {
			panic(fmt.Sprintf("chaoslib: Snapshots: time %g must be finite and ≥ 0", t))
		}
		steps[i] = m.Cfg.EulerSteps(t)
	}
	order := make([]int, len(times))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return steps[a] - steps[b] })
	out := make([]blas32.General, len(times))
	done := 0
	m.tanhFrom(b, 0)
	for _, i := range order {
		for ; done < steps[i]; done++ {
			m.eulerStep(b, 0)
		}
		out[i] = m.download(b.phi[0])
	}
	return out
}

// Reconstruct returns the reconstruction ŝ of each data row s (n×N,
// s-space) used by the ER index, at time t (usually T): clamp φ(v) = s and
// run the hidden layers from random starts to t (the clamped phase), then
// hold the hidden layers at h* and let v relax from N(0, σ²) to t, exactly,
// since v is linear then:
//
//	v(t) = v(0)e^{−t/τ} + (1 − e^{−t/τ})((W + J_vh)φ(h*) + b),  ŝ = φ(v(t))
//
// (with ClampRelax "euler", the factor of t/dt Euler steps instead). It needs hidden layers, so it fails for the unrestricted model.
// It also fails for data that are empty, malformed or outside [−1, 1]
// (indices.CheckSamples) and for a time that the model cannot run to
// (Config.StepsAt).
func (m *Model) Reconstruct(s blas32.General, t float64, rng *rand.Rand) (blas32.General, error) {
	if len(m.Layers) < 2 {
		return blas32.General{}, fmt.Errorf("chaoslib: reconstruction needs hidden units; model %s has none", m.Cfg.Arch)
	}
	if s.Cols != m.Cfg.N || s.Rows == 0 {
		return blas32.General{}, fmt.Errorf("chaoslib: Reconstruct: data is %d×%d, model needs n×%d with n > 0", s.Rows, s.Cols, m.Cfg.N)
	}
	if err := indices.CheckSamples(s); err != nil {
		return blas32.General{}, fmt.Errorf("chaoslib: Reconstruct: data (s-space, [−1, 1]): %w", err)
	}
	if _, err := m.Cfg.StepsAt(t); err != nil {
		return blas32.General{}, fmt.Errorf("chaoslib: Reconstruct: %w", err)
	}
	b := m.newBatch(s.Rows)
	defer m.freeBatch(b)
	m.be.Upload(b.phi[0], dense(s))
	m.clampedRun(b, t, rng)
	// hold the hidden layers at h*, relax v alone (it is coupled only to them)
	m.randomStartRange(b, 0, 0, rng)
	m.fieldsRange(b, 0, 0)
	k := m.Cfg.relaxFactor(t)
	backend.EulerTanh(m.be, b.x[0], b.phi[0], b.field[0], m.Layers[0].Bias, k)
	return m.download(b.phi[0]), nil
}

// dense returns x's data as one row-major slice without padding.
func dense(x blas32.General) []float32 {
	if x.Stride == x.Cols {
		return x.Data[:x.Rows*x.Cols]
	}
	out := make([]float32, 0, x.Rows*x.Cols)
	for i := 0; i < x.Rows; i++ {
		out = append(out, x.Data[i*x.Stride:i*x.Stride+x.Cols]...)
	}
	return out
}

// download copies a backend matrix into a new host matrix.
func (m *Model) download(x backend.Mat) blas32.General {
	g := blas32.General{Rows: x.Rows(), Cols: x.Cols(), Stride: x.Cols(), Data: make([]float32, x.Rows()*x.Cols())}
	m.be.Download(g.Data, x)
	return g
}
