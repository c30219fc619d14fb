package chaoslib

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// TestBadInputs: data a user could get wrong — a matrix without a stride,
// pixels in 0…255, a negative or non-finite time, no rows — are errors that
// say so, where before they were read as row 0, trained on, or panicked
// deep inside.
func TestBadInputs(t *testing.T) {
	cfg := toyConfig(Restricted)
	m := mustNew(t, cfg)
	good := toyData(8, cfg.N, 1)
	noStride := good
	noStride.Stride = 0
	pixels := toyData(8, cfg.N, 1)
	for i := range pixels.Data {
		pixels.Data[i] = (pixels.Data[i] + 1) * 127.5
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"New without a backend", second(New(cfg, nil)), "needs a backend"},
		{"Evaluate, no stride", second(Evaluate(m, noStride, 4, []float64{cfg.T}, EvalOptions{})), "Stride 0"},
		{"Evaluate, 0…255", second(Evaluate(m, pixels, 4, []float64{cfg.T}, EvalOptions{})), "outside [-1, 1]"},
		{"NewTrainer, no stride", second(NewTrainer(m, noStride)), "Stride 0"},
		{"NewTrainer, 0…255", second(NewTrainer(m, pixels)), "outside [-1, 1]"},
		{"Reconstruct at t = −1", second(m.Reconstruct(good, -1, rng)), "must be finite and ≥ 0"},
		{"Reconstruct at t = NaN", second(m.Reconstruct(good, math.NaN(), rng)), "must be finite and ≥ 0"},
		{"Reconstruct of no rows", second(m.Reconstruct(blas32.General{Cols: cfg.N, Stride: cfg.N}, cfg.T, rng)), "n > 0"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", tc.name, tc.err, tc.want)
		}
	}
}

// second returns the error of a two-value call.
func second[T any](_ T, err error) error { return err }
