package figures

import (
	"math"
	"slices"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// TestFig3bTimes: the times are whole Euler steps (T·2^(k/2)/dt rounded by
// hand), strictly increasing, with T itself exactly, and no step twice
// when T is only a few steps long.
func TestFig3bTimes(t *testing.T) {
	for _, c := range []struct {
		T, dt float64
		steps []int
	}{
		{4, 0.2, []int{3, 4, 5, 7, 10, 14, 20, 28, 40, 57, 80, 113, 160, 226, 320, 453, 640, 905, 1280, 1810}},
		// T/dt = 2: T·2^(k/2) for k = −6 … −1 all round to 1 step (at least 1)
		{0.4, 0.2, []int{1, 2, 3, 4, 6, 8, 11, 16, 23, 32, 45, 64, 91, 128, 181}},
	} {
		times := Fig3bTimes(c.T, c.dt)
		cfg := chaoslib.Config{T: c.T, Dt: c.dt}
		var steps []int
		for _, tm := range times {
			n, err := cfg.StepsAt(tm)
			if err != nil {
				t.Fatalf("T = %g, dt = %g: %v", c.T, c.dt, err)
			}
			steps = append(steps, n)
		}
		if !slices.Equal(steps, c.steps) {
			t.Errorf("T = %g, dt = %g: steps %v, want %v", c.T, c.dt, steps, c.steps)
		}
		if !slices.Contains(times, c.T) {
			t.Errorf("T = %g, dt = %g: T is not among %v", c.T, c.dt, times)
		}
		for i, tm := range times {
			if math.Abs(tm-float64(steps[i])*c.dt) > 1e-12 {
				t.Errorf("T = %g, dt = %g: time %g is not %d·dt", c.T, c.dt, tm, steps[i])
			}
		}
	}
}

// TestFig3Times: T/4 … 100T, kept where they are whole Euler steps and
// snapped to the nearest (by hand) where they are not.
func TestFig3Times(t *testing.T) {
	for _, c := range []struct {
		T, dt float64
		want  []float64
	}{
		{4, 0.2, []float64{1, 2, 4, 8, 40, 400}},
		{7.2, 0.2, []float64{1.8, 3.6, 7.2, 14.4, 72, 720}},
		{6, 0.2, []float64{1.6, 3, 6, 12, 60, 600}},      // T/4 = 1.5 is 7.5 steps: halves round up
		{0.4, 0.2, []float64{0.2, 0.2, 0.4, 0.8, 4, 40}}, // T/4 = 0.1 is half a step: at least 1
	} {
		got := Fig3Times(c.T, c.dt)
		if !slices.Equal(got, c.want) {
			t.Errorf("Fig3Times(%g, %g) = %v, want %v", c.T, c.dt, got, c.want)
		}
		cfg := chaoslib.Config{T: c.T, Dt: c.dt}
		for _, tm := range got {
			if _, err := cfg.StepsAt(tm); err != nil {
				t.Errorf("T = %g: %v", c.T, err)
			}
		}
	}
}
