package backend_test

import (
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// TestTimer: the wrapper forwards every call unchanged, records nothing
// while off, and while on records each method under its own name.
func TestTimer(t *testing.T) {
	c := cpu.New(1)
	defer c.Close()
	tm := backend.NewTimer(c)
	a := tm.NewMat(2, 2)
	tm.Upload(a, []float32{1, 2, 3, 4})
	if got := tm.SumSquares(a); got != 30 {
		t.Fatalf("SumSquares through the timer = %g, want 30", got)
	}
	if len(tm.Seconds) != 0 {
		t.Fatalf("off, yet recorded %v", tm.Seconds)
	}
	tm.On = true
	out := tm.NewMat(2, 2)
	tm.Gemm(false, false, 1, a, a, 0, out) // [1 2; 3 4]² = [7 10; 15 22]
	x, phi := tm.NewMat(2, 2), tm.NewMat(2, 2)
	tm.EulerTanh(x, phi, out, nil, 1) // x = field: tanh saturates to 1
	host := make([]float32, 4)
	tm.Download(host, out)
	if host[0] != 7 || host[3] != 22 {
		t.Errorf("Gemm through the timer gave %v, want [7 10 15 22]", host)
	}
	tm.Download(host, phi)
	if host[0] < 0.999 {
		t.Errorf("EulerTanh through the timer gave φ = %v, want ≈ 1", host)
	}
	for _, name := range []string{"Gemm", "EulerTanh", "Download"} {
		if _, ok := tm.Seconds[name]; !ok {
			t.Errorf("on, no time recorded for %s: %v", name, tm.Seconds)
		}
	}
	if _, ok := tm.Seconds["Upload"]; ok {
		t.Errorf("the Upload made while off was recorded: %v", tm.Seconds)
	}
}
