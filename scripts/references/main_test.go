package main

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/datatest"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// TestMoments: mean and covariance (divided by the row count) of three rows
// by hand.
func TestMoments(t *testing.T) {
	x := blas32.General{Rows: 3, Cols: 2, Stride: 2, Data: []float32{1, 0, 0, 1, -1, 2}}
	mu, cov := moments(x)
	// μ = (0, 1); ⟨x₁²⟩ = 2/3, ⟨x₁x₂⟩ = −2/3, ⟨x₂²⟩ = 5/3
	want := [][]float64{{2.0 / 3, -2.0 / 3}, {-2.0 / 3, 5.0/3 - 1}}
	if mu[0] != 0 || math.Abs(mu[1]-1) > 1e-15 {
		t.Errorf("μ = %v, want (0, 1)", mu)
	}
	for j := range 2 {
		for k := range 2 {
			if math.Abs(cov.At(j, k)-want[j][k]) > 1e-15 {
				t.Errorf("Σ_%d%d = %g, want %g", j, k, cov.At(j, k), want[j][k])
			}
		}
	}
}

// TestGaussian: the draws have the asked mean and covariance (to sampling
// error, 20,000 draws), a rank-one Σ gives two equal coordinates, and every
// value is clamped to [−1, 1].
func TestGaussian(t *testing.T) {
	const n = 20000
	for _, tc := range []struct {
		mu  []float64
		cov []float64
	}{
		{[]float64{0.1, -0.2}, []float64{0.04, 0.03, 0.03, 0.09}},
		{[]float64{0, 0}, []float64{0.01, 0.01, 0.01, 0.01}}, // rank one: x₁ = x₂
	} {
		x := gaussian(tc.mu, mat.NewSymDense(2, tc.cov), n, rand.New(rand.NewPCG(1, 2)))
		mu, cov := moments(x)
		for j := range 2 {
			if math.Abs(mu[j]-tc.mu[j]) > 0.01 {
				t.Errorf("Σ %v: mean %v, want %v", tc.cov, mu, tc.mu)
			}
			for k := range 2 {
				if math.Abs(cov.At(j, k)-tc.cov[2*j+k]) > 0.005 {
					t.Errorf("Σ %v: Σ_%d%d = %g", tc.cov, j, k, cov.At(j, k))
				}
			}
		}
		if tc.cov[0] == tc.cov[1] {
			for i := range n {
				if d := x.Data[2*i] - x.Data[2*i+1]; math.Abs(float64(d)) > 1e-6 {
					t.Fatalf("rank one: row %d differs by %g", i, d)
				}
			}
		}
	}
	wide := gaussian([]float64{0.9}, mat.NewSymDense(1, []float64{1}), 1000, rand.New(rand.NewPCG(1, 2)))
	for _, v := range wide.Data {
		if v < -1 || v > 1 {
			t.Fatalf("value %g outside [−1, 1]", v)
		}
	}
}

// TestHeldOutRows: the held-out images are the rows after the classifier's
// and, on both data sets, 1,000 of each class at n = 10,000.
func TestHeldOutRows(t *testing.T) {
	for _, ds := range data.Datasets() {
		train, err := data.Load(ds, "train")
		if err != nil {
			datatest.Missing(t, err)
			return
		}
		h := heldOutRows(train.X, 10000)
		first := runs.ClassifierTrainSize
		if h.Rows != 10000 || &h.Data[0] != &train.X.Data[first*train.X.Stride] {
			t.Fatalf("%s: %d rows from another place than row %d", ds, h.Rows, first)
		}
		var count [data.Classes]int
		for _, l := range train.Labels[first : first+h.Rows] {
			count[l]++
		}
		for c, k := range count {
			if k != 1000 {
				t.Errorf("%s: class %d has %d of the 10,000 held-out images, want 1,000", ds, c, k)
			}
		}
	}
}
