package indices

import (
	"math/rand/v2"
	"testing"
)

func TestERIdentical(t *testing.T) {
	x := uniform(rand.New(rand.NewPCG(7, 8)), 10, 6, -1, 1)
	if got := ER(x, x); got != 0 {
		t.Errorf("ER(x, x) = %g, want 0", got)
	}
}

// TestERHand: ŝ = {(1,0),(0,0.5)}, s = {(0,0),(0,−1)}: squared differences
// 1, 0, 0, 2.25, sum 3.25, ER = 3.25/(2·2) = 0.8125.
func TestERHand(t *testing.T) {
	recon := mk([]float32{1, 0}, []float32{0, 0.5})
	s := mk([]float32{0, 0}, []float32{0, -1})
	near(t, "ER", ER(recon, s), 0.8125, 0)
	near(t, "ER strided", ER(withStride(recon, 1), s), 0.8125, 0)
}
