package indices

import (
	"math/rand/v2"
	"testing"
)

func TestE2Identical(t *testing.T) {
	x := uniform(rand.New(rand.NewPCG(1, 2)), 50, 20, -1, 1)
	if got := E2(x, x); got != 0 {
		t.Errorf("E2(x, x) = %g, want 0", got)
	}
	// A copy stored with another stride must give the same covariance.
	if got := E2(x, withStride(x, 3)); got > 1e-30 {
		t.Errorf("E2(x, strided copy of x) = %g, want 0", got)
	}
}

// TestE2Hand2x2: data {(1,1),(−1,−1)} has mean 0 and C = ½Σ s sᵀ = [[1,1],[1,1]];
// gen {(1,−1),(−1,1)} has C = [[1,−1],[−1,1]]. The difference is [[0,2],[2,0]],
// so Σ_ij d² = 8 and E2 = 8/N² = 8/4 = 2.
func TestE2Hand2x2(t *testing.T) {
	data := mk([]float32{1, 1}, []float32{-1, -1})
	gen := mk([]float32{1, -1}, []float32{-1, 1})
	near(t, "E2", E2(data, gen), 2, 1e-15)
}

// TestE2Hand3x3: data = the 3 unit vectors, mean (⅓,⅓,⅓),
// C = ⅓I − (1/9)J: diagonal 2/9, off-diagonal −1/9.
// gen = {(1,0,0), (−1,0,0), (0,0,0)}, mean 0, C = diag(⅔, 0, 0).
// Differences: diagonal 2/9−6/9 = −4/9, 2/9, 2/9; six off-diagonal −1/9.
// Σ d² = 16/81 + 4/81 + 4/81 + 6/81 = 30/81, E2 = (30/81)/9 = 10/243.
func TestE2Hand3x3(t *testing.T) {
	data := mk([]float32{1, 0, 0}, []float32{0, 1, 0}, []float32{0, 0, 1})
	gen := mk([]float32{1, 0, 0}, []float32{-1, 0, 0}, []float32{0, 0, 0})
	near(t, "E2", E2(data, gen), 10.0/243, 1e-15)
}

// TestE2DifferentSizes: data {(1,1),(−1,−1)} (C = [[1,1],[1,1]]) against
// gen = four rows {(1,1),(1,1),(−1,−1),(−1,−1)}: the same population
// covariance, so E2 = 0; against gen {(0,0),(0,0),(0,0),(0,0)} (C = 0),
// E2 = (1+1+1+1)/4 = 1.
func TestE2DifferentSizes(t *testing.T) {
	data := mk([]float32{1, 1}, []float32{-1, -1})
	gen := mk([]float32{1, 1}, []float32{1, 1}, []float32{-1, -1}, []float32{-1, -1})
	near(t, "E2 same covariance", E2(data, gen), 0, 1e-15)
	zero := mk([]float32{0, 0}, []float32{0, 0}, []float32{0, 0}, []float32{0, 0})
	near(t, "E2 against zero covariance", E2(data, zero), 1, 1e-15)
}

func TestE2PanicsOnColumnMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("E2 with 2 and 3 columns did not panic")
		}
	}()
	E2(mk([]float32{1, 1}), mk([]float32{1, 1, 1}))
}
