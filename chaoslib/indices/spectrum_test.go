package indices

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestSpectrumAxis: rows (x, 0, 0) with x ∈ {1, −1, ½, −½}: mean 0,
// σ₁² = Σx² = 2.5, so λ = (2.5/4, 0, 0) = (0.625, 0, 0), length min(4, 3) = 3.
func TestSpectrumAxis(t *testing.T) {
	x := mk([]float32{1, 0, 0}, []float32{-1, 0, 0}, []float32{0.5, 0, 0}, []float32{-0.5, 0, 0})
	got := Spectrum(x)
	want := []float64{0.625, 0, 0}
	if len(got) != len(want) {
		t.Fatalf("Spectrum = %v, want %v", got, want)
	}
	for k := range want {
		near(t, "λ", got[k], want[k], 1e-15)
	}
}

// TestSpectrumFewRows (n < N, Gram path): rows (1,1,0,0) and (−1,−1,0,0):
// mean 0, Xc has rank 1 with σ₁² = ‖Xc‖²_F = 4, so λ = (4/2, 0) = (2, 0),
// length min(2, 4) = 2.
func TestSpectrumFewRows(t *testing.T) {
	x := mk([]float32{1, 1, 0, 0}, []float32{-1, -1, 0, 0})
	got := Spectrum(x)
	if len(got) != 2 {
		t.Fatalf("Spectrum = %v, want length 2", got)
	}
	near(t, "λ1", got[0], 2, 1e-15)
	near(t, "λ2", got[1], 0, 1e-15)
}

// TestSpectrumMatchesSVD compares with σ_k²/n from gonum's SVD of the centred
// matrix, for n > N and n < N.
func TestSpectrumMatchesSVD(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][2]int{{40, 12}, {9, 25}, {12, 12}} {
		x := uniform(rng, sz[0], sz[1], -1, 1)
		xc := centred(x)
		var svd mat.SVD
		if !svd.Factorize(mat.NewDense(xc.Rows, xc.Cols, xc.Data), mat.SVDNone) {
			t.Fatal("SVD failed")
		}
		sv := svd.Values(nil)
		got := Spectrum(withStride(x, 2))
		if len(got) != min(sz[0], sz[1]) {
			t.Fatalf("%v: len = %d", sz, len(got))
		}
		for k := range got {
			near(t, "λ", got[k], sv[k]*sv[k]/float64(sz[0]), 1e-13)
			if k > 0 && got[k] > got[k-1] {
				t.Errorf("%v: spectrum not decreasing at %d: %v", sz, k, got)
			}
		}
	}
}

func TestEsIdentical(t *testing.T) {
	x := uniform(rand.New(rand.NewPCG(5, 6)), 60, 15, -1, 1)
	if got := Es(x, x); got != 0 {
		t.Errorf("Es(x, x) = %g, want 0", got)
	}
}

// TestEsHand2x2: {(1,1),(−1,−1)} and {(1,−1),(−1,1)} both have λ = (2, 0)
// (one direction of variance 2): Es = 0 although E2 = 2.
func TestEsHand2x2(t *testing.T) {
	data := mk([]float32{1, 1}, []float32{-1, -1})
	gen := mk([]float32{1, -1}, []float32{-1, 1})
	near(t, "Es", Es(data, gen), 0, 1e-15)
}

// TestEsHand3x3: the three unit vectors have C = ⅓I − (1/9)J, whose
// eigenvalues are ⅓ − 3/9 = 0 (on (1,1,1)) and ⅓ (twice): λ = (⅓, ⅓, 0).
// {(1,0,0), (−1,0,0), (0,0,0)} has λ = (⅔, 0, 0).
// Es = ((⅓−⅔)² + (⅓)² + 0)/3 = (1/9 + 1/9)/3 = 2/27.
func TestEsHand3x3(t *testing.T) {
	data := mk([]float32{1, 0, 0}, []float32{0, 1, 0}, []float32{0, 0, 1})
	gen := mk([]float32{1, 0, 0}, []float32{-1, 0, 0}, []float32{0, 0, 0})
	near(t, "Es", Es(data, gen), 2.0/27, 1e-15)
}

// TestEsPadding: a 2-row set in N = 4 has a spectrum of length 2, padded with
// zeros. Data {(1,1,0,0),(−1,−1,0,0)}: λ = (2, 0); gen = the axis set
// {(1,0,0,0),(−1,0,0,0),(½,0,0,0),(−½,0,0,0)}: λ = (0.625, 0, 0, 0).
// Es = (2 − 0.625)²/4 = 1.375²/4 = 0.47265625.
func TestEsPadding(t *testing.T) {
	data := mk([]float32{1, 1, 0, 0}, []float32{-1, -1, 0, 0})
	gen := mk([]float32{1, 0, 0, 0}, []float32{-1, 0, 0, 0}, []float32{0.5, 0, 0, 0}, []float32{-0.5, 0, 0, 0})
	near(t, "Es", Es(data, gen), 0.47265625, 1e-15)
}

// TestSpectrumSVDFallback: the SVD path gives the eigenvalue path's spectrum.
func TestSpectrumSVDFallback(t *testing.T) {
	x := gaussian(rand.New(rand.NewPCG(3, 3)), 60, 7)
	a, b := Spectrum(x), spectrumSVD(x)
	for k := range a {
		if math.Abs(a[k]-b[k]) > 1e-9*(1+a[0]) {
			t.Fatalf("λ_%d: eigen %g, SVD %g", k, a[k], b[k])
		}
	}
}
