package indices

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// clusters returns k points per class around the centres: class 0 near +0.8,
// class 1 near −0.8, class 2 near (+0.8, −0.8, +0.8, …), noise ±0.1.
func clusters(rng *rand.Rand, k, N int) (blas32.General, []uint8) {
	centre := func(c, j int) float32 {
		switch c {
		case 0:
			return 0.8
		case 1:
			return -0.8
		}
		if j%2 == 0 {
			return 0.8
		}
		return -0.8
	}
	x := blas32.General{Rows: 3 * k, Cols: N, Stride: N, Data: make([]float32, 3*k*N)}
	labels := make([]uint8, 3*k)
	for i := range 3 * k {
		c := i % 3
		labels[i] = uint8(c)
		for j := range N {
			x.Data[i*N+j] = centre(c, j) + 0.2*(rng.Float32()-0.5)
		}
	}
	return x, labels
}

func TestClassifierSeparable(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	train, tl := clusters(rng, 30, 5)
	test, want := clusters(rng, 20, 5)
	clf := NewClassifier(train, tl, 3)
	if got := clf.Predict(withStride(test, 1)); !slices.Equal(got, want) {
		t.Errorf("Predict = %v, want %v", got, want)
	}
	if acc := clf.Accuracy(test, want); acc != 1 {
		t.Errorf("Accuracy = %g, want 1", acc)
	}
	// Wrong labels: every third label shifted, accuracy 2/3.
	bad := slices.Clone(want)
	for i := 0; i < len(bad); i += 3 {
		bad[i] = (bad[i] + 1) % 3
	}
	near(t, "accuracy with shifted labels", clf.Accuracy(test, bad), 2.0/3, 1e-15)
}

// TestClassifierTies: two training points at equal distance from the query;
// the lower training index wins.
func TestClassifierTies(t *testing.T) {
	clf := NewClassifier(mk([]float32{1}, []float32{-1}, []float32{1}), []uint8{2, 1, 0}, 3)
	if got := clf.Predict(mk([]float32{0}, []float32{0.9})); !slices.Equal(got, []uint8{2, 2}) {
		t.Errorf("Predict = %v, want [2 2]", got)
	}
}

// TestCoverageHand: 100 predictions, 50 of class 0, 47 of class 1, 3 of
// class 2, none of class 3. With minFrac 0.03 the threshold is 3 samples:
// classes 0, 1 and 2 are covered (2 holds exactly 3). With 0.04 (threshold
// 4) only 2 are; with 0 the empty class still does not count.
func TestCoverageHand(t *testing.T) {
	var pred []uint8
	for range 50 {
		pred = append(pred, 0)
	}
	for range 47 {
		pred = append(pred, 1)
	}
	pred = append(pred, 2, 2, 2)
	hist, cov := Coverage(pred, 4, DefaultMinFrac)
	if !slices.Equal(hist, []int{50, 47, 3, 0}) || cov != 3 {
		t.Errorf("Coverage(0.03) = %v, %d; want [50 47 3 0], 3", hist, cov)
	}
	if _, cov := Coverage(pred, 4, 0.04); cov != 2 {
		t.Errorf("Coverage(0.04) covered = %d, want 2", cov)
	}
	if _, cov := Coverage(pred, 4, 0); cov != 3 {
		t.Errorf("Coverage(0) covered = %d, want 3", cov)
	}
}
