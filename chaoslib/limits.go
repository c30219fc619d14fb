package chaoslib

import (
	"fmt"
	"math"

	"github.com/chaosgen/chaosgen/internal/memory"
)

// Limits on sizes and counts. Config.Validate checks them, so every path
// into a model (command-line flags, checkpoints, sweep grids) refuses an
// oversized value before anything is allocated; CheckMemory then compares
// the estimated memory of what is left with what the machine has free.
const (
	// MaxUnits is the most units of one layer (N and each hidden size).
	MaxUnits = 1 << 16 // 65,536
	// MaxRows is the most chains or data rows of one batch: B, P and the n
	// of sampling and scoring.
	MaxRows = 1 << 20 // 1,048,576
	// MaxTimes is the most snapshot times of one sampling run.
	MaxTimes = 1000
	// MaxEulerSteps is the most Euler steps t/dt of one free run (t ≤
	// 200,000 at dt = 0.2), so that a mistyped time fails at once instead of
	// running for days.
	MaxEulerSteps = 1_000_000
	// MaxTrainEulerSteps is the most Euler steps T/dt of each phase of a
	// training step (T ≤ 2,000 at dt = 0.2), and the most Gibbs steps k of
	// the RBM baseline: a training step runs them twice, and progress is
	// reported between steps.
	MaxTrainEulerSteps = 10_000
	// MaxSteps is the most training steps (updates) of one run.
	MaxSteps = 1_000_000_000
	// MaxSweepRuns is the most runs of one sweep (grid points, or --random).
	MaxSweepRuns = 10_000
)

// stepTol is how far t/dt may lie from a whole number and still count as one.
const stepTol = 1e-6

// StepsAt returns the number of Euler steps t/dt that reach time t. t must
// be finite, ≥ 0 and a whole number of steps (within 10⁻⁶ of a step), and
// t/dt at most MaxEulerSteps; the error says which rule failed and, for a
// time between steps, the nearest times that are whole. It assumes a valid
// Dt (Validate).
func (c Config) StepsAt(t float64) (int, error) {
	if err := c.CheckTime(t); err != nil {
		return 0, err
	}
	q := t / c.Dt
	k := math.Round(q)
	if math.Abs(q-k) > stepTol {
		lo, hi := math.Floor(q), math.Ceil(q)
		use := fmt.Sprintf("%.10g or %.10g", lo*c.Dt, hi*c.Dt)
		if lo == 0 { // T and the transients must be > 0
			use = fmt.Sprintf("%.10g (or 0, where a time may be 0)", hi*c.Dt)
		}
		return 0, fmt.Errorf("time %g is not a whole number of Euler steps of dt = %g (t/dt = %g); use %s", t, c.Dt, q, use)
	}
	return int(k), nil
}

// CheckTime returns an error unless t is a time that EulerSteps takes:
// finite, ≥ 0 and at most MaxEulerSteps steps of dt. Unlike StepsAt, it lets
// t fall between steps (EulerSteps rounds it). It assumes a valid Dt.
func (c Config) CheckTime(t float64) error {
	if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
		return fmt.Errorf("time %g must be finite and ≥ 0", t)
	}
	if q := t / c.Dt; q > MaxEulerSteps+0.5 { // no overflow: t and dt are finite, dt > 0
		return fmt.Errorf("time %g is %.3g Euler steps of dt = %g; at most %d are allowed (t ≤ %g)",
			t, q, c.Dt, MaxEulerSteps, MaxEulerSteps*c.Dt)
	}
	return nil
}

// EulerSteps returns round(t/dt), the Euler steps that Sample and the
// training runs take to reach t (Validate makes T/dt whole; StepsAt
// checks any other t). It panics if t is not finite and ≥ 0 or t/dt exceeds
// MaxEulerSteps, rather than overflow.
func (c Config) EulerSteps(t float64) int {
	q := t / c.Dt
	if math.IsNaN(q) || q < 0 || q > MaxEulerSteps+0.5 {
		panic(fmt.Sprintf("chaoslib: time %g with dt = %g is not 0…%d Euler steps", t, c.Dt, MaxEulerSteps))
	}
	return int(math.Round(q))
}

// RunTime is the time the Euler runs reach when asked for t,
// dt·EulerSteps(t): t itself up to rounding when t is a whole number of
// steps.
func (c Config) RunTime(t float64) float64 { return c.Dt * float64(c.EulerSteps(t)) }

// ModelBytes estimates the memory of the model's matrices: per connection
// of sizes a×b, W, dW, JDown and W + JDown, plus JUp and W + JUp when it is
// not a self-connection; one bias per layer; float32.
func (c Config) ModelBytes() int64 {
	var n int64
	for _, s := range c.paramSpecs() {
		k := int64(1)
		switch s.kind {
		case paramW:
			k = 2 // W and dW
		case paramJUp, paramJDown:
			k = 2 // J and W + J
		}
		n += k * int64(s.rows) * int64(s.cols)
	}
	return 4 * n
}

// BatchBytes estimates the memory of rows chains: state, φ and field for
// every layer, plus the host scratch for random starts, float32.
func (c Config) BatchBytes(rows int) int64 {
	var units, big int64
	for _, s := range c.layerSizes() {
		units += int64(s)
		big = max(big, int64(s))
	}
	return 4 * int64(rows) * (3*units + big)
}

// TrainBytes estimates the memory of training: the model and the batches
// (BatchesBytes). It does not count the data set.
func (c Config) TrainBytes() int64 { return c.ModelBytes() + c.BatchesBytes() }

// BatchesBytes estimates the memory a Trainer adds to its model: the
// clamped (B rows) and free (P rows) batches and the host minibatch.
func (c Config) BatchesBytes() int64 {
	return c.BatchBytes(c.Batch) + c.BatchBytes(c.Chains) + 4*int64(c.Batch)*int64(c.N)
}

// SampleBytes estimates the memory of sampling n chains at k times: the
// model, the batch and the k downloaded n×N read-outs.
func (c Config) SampleBytes(n, k int) int64 {
	return c.ModelBytes() + c.BatchBytes(n) + 4*int64(n)*int64(c.N)*int64(k)
}

// CheckMemory returns a *FieldError naming field (and its value) when need
// bytes exceed the memory available to this process (internal/memory).
func CheckMemory(field string, value any, need int64) error {
	if avail := memory.Available(); need > avail {
		return &FieldError{Field: field, Value: value,
			Rule: fmt.Sprintf("needs about %s of memory (estimate), %s available", memory.Bytes(need), memory.Bytes(avail))}
	}
	return nil
}

// CheckTrainMemory is CheckMemory for TrainBytes, naming the field that
// costs most: Hidden (N for the unrestricted model) when the model's
// matrices dominate, else Batch or Chains.
func (c Config) CheckTrainMemory() error {
	if c.ModelBytes() >= c.BatchesBytes() {
		return c.checkMemory(c.TrainBytes())
	}
	return c.checkRowsMemory(c.TrainBytes())
}

// checkMemory is CheckMemory naming the model's size field: Hidden, or N
// for the unrestricted model.
func (c Config) checkMemory(need int64) error {
	if len(c.Hidden) == 0 {
		return CheckMemory("N", c.N, need)
	}
	return CheckMemory("Hidden", c.Hidden, need)
}

// checkRowsMemory is CheckMemory naming the larger of Batch and Chains.
func (c Config) checkRowsMemory(need int64) error {
	if c.Batch > c.Chains {
		return CheckMemory("Batch", c.Batch, need)
	}
	return CheckMemory("Chains", c.Chains, need)
}
