package inpaint

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// TestParseMask counts and places the hidden pixels of each mask on 28×28
// images, and rejects bad specs.
func TestParseMask(t *testing.T) {
	const side = 28
	for _, tc := range []struct {
		spec   string
		hidden int
		in     func(r, c int) bool // the pixel (r, c) is hidden; nil for random
	}{
		{"top", 392, func(r, c int) bool { return r >= 14 }},
		{"left", 392, func(r, c int) bool { return c >= 14 }},
		{"square:14", 196, func(r, c int) bool { return r >= 7 && r < 21 && c >= 7 && c < 21 }},
		{"square:5", 25, func(r, c int) bool { return r >= 11 && r < 16 && c >= 11 && c < 16 }},
		{"random:0.5", 392, nil},
		{"random:0.1", 78, nil},
		{"random:0.00064", 1, nil},   // round(0.50176) = 1, the fewest
		{"random:0.99936", 783, nil}, // round(783.498) = 783, the most
	} {
		m, err := ParseMask(tc.spec, side, 1)
		if err != nil {
			t.Fatalf("%s: %v", tc.spec, err)
		}
		if n := len(m.HiddenPixels()); n != tc.hidden || n+len(m.Given()) != side*side {
			t.Errorf("%s: %d hidden, %d given; want %d hidden of %d", tc.spec, n, len(m.Given()), tc.hidden, side*side)
		}
		if tc.in != nil {
			for i, h := range m.Hidden {
				if h != tc.in(i/side, i%side) {
					t.Fatalf("%s: pixel (%d,%d) hidden = %v", tc.spec, i/side, i%side, h)
				}
			}
		}
	}
	a, _ := ParseMask("random:0.5", side, 1)
	b, _ := ParseMask("random:0.5", side, 1)
	c, _ := ParseMask("random:0.5", side, 2)
	same := func(x, y Mask) bool {
		for i := range x.Hidden {
			if x.Hidden[i] != y.Hidden[i] {
				return false
			}
		}
		return true
	}
	if !same(a, b) || same(a, c) {
		t.Error("random masks: same seed must give the same mask, another seed another")
	}
	for _, bad := range []string{"", "bottom", "top:3", "square", "square:0", "square:28", "square:x", "random:0", "random:1", "random:-0.2", "random",
		"random:0.0006", "random:0.9994"} { // round(F·784) = 0 hidden, 784 hidden (0 given)
		if _, err := ParseMask(bad, side, 1); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	for _, bad := range []int{-1, 0, 1, 1 << 32, 3e9} { // a side of 1 leaves top and left nothing given; side² overflows
		if _, err := ParseMask("top", bad, 1); err == nil || !strings.Contains(err.Error(), "image side") {
			t.Errorf("side %d: %v", bad, err)
		}
	}
}

// TestBaselineAndMSE checks the baseline fill and the hidden-pixel MSE by
// hand on 2×2 images with the right column hidden.
func TestBaselineAndMSE(t *testing.T) {
	m, err := ParseMask("left", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := blas32.General{Rows: 2, Cols: 4, Stride: 4, Data: []float32{1, 0.5, -1, 0, 0, -0.5, 1, 1}}
	mean := ColumnMeans(x)
	if want := []float32{0.5, 0, 0, 0.5}; maxDiff(mean, want) > 1e-7 {
		t.Fatalf("means %v, want %v", mean, want)
	}
	b := Baseline(x, mean, m)
	if want := []float32{1, 0, -1, 0.5, 0, 0, 1, 0.5}; maxDiff(b.Data, want) > 1e-7 {
		t.Fatalf("baseline %v, want %v", b.Data, want)
	}
	// hidden pixels 1 and 3: errors 0.5², 0.5², 0.5², 0.5² → 0.25
	if got := MSEHidden(b, x, m); math.Abs(got-0.25) > 1e-7 {
		t.Errorf("MSE %g, want 0.25", got)
	}
	for name, f := range map[string]func(){ // shapes that disagree panic by name
		"Baseline":         func() { Baseline(x, mean[:3], m) },
		"Baseline: images": func() { Baseline(blas32.General{Rows: 2, Cols: 4, Stride: 4, Data: x.Data[:7]}, mean, m) },
		"MSEHidden":        func() { MSEHidden(blas32.General{Rows: 1, Cols: 4, Stride: 4, Data: b.Data[:4]}, x, m) },
	} {
		func() {
			defer func() {
				if msg, _ := recover().(string); !strings.HasPrefix(msg, "inpaint: "+name) {
					t.Errorf("%s of other shapes: panic %q", name, msg)
				}
			}()
			f()
		}()
	}
}

func maxDiff(a, b []float32) float64 {
	var d float64
	for i := range a {
		d = math.Max(d, math.Abs(float64(a[i]-b[i])))
	}
	return d
}

// TestCompleteClamps checks the clamp on a network whose answer is known:
// no random couplings, A₀₁ = A₁₀ = a = 2 the only coupling, data clip
// ε = 0.1, pixel 0 given (= 1, clamped to 0.9) and pixel 1 hidden. Pixel 1
// then relaxes under the constant field a·0.9: after n Euler steps,
// x₁ = (1−k)ⁿx₁(0) + (1 − (1−k)ⁿ)·1.8, so φ(v₁(40)) = tanh(1.8) to 1e-4.
// The given pixel reads back as the image (1), not the clamp.
func TestCompleteClamps(t *testing.T) {
	cfg := chaoslib.Tiny(chaoslib.Unrestricted)
	cfg.N, cfg.G, cfg.DataClip = 4, 0, 0.1
	be := cpu.New(1)
	defer be.Close()
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	A := make([]float32, 16)
	A[1], A[4] = 2, 2
	if err := m.SetParam("W_v-v", A); err != nil {
		t.Fatal(err)
	}
	mask := Mask{Spec: "test", Side: 2, Hidden: []bool{false, true, false, false}}
	x := blas32.General{Rows: 3, Cols: 4, Stride: 4, Data: []float32{1, 0, 0, 0, 1, 0.3, 0, 0, 1, -0.7, 0, 0}}
	out, err := Complete(m, x, mask, []float64{40, 0}, 1)
	if err != nil {
		t.Fatal(err)
	}
	noStride := x
	noStride.Stride = 0
	pixels := blas32.General{Rows: 1, Cols: 4, Stride: 4, Data: []float32{255, 0, 0, 0}}
	nan := blas32.General{Rows: 1, Cols: 4, Stride: 4, Data: []float32{1, float32(math.NaN()), 0, 0}}
	for _, tc := range []struct {
		x     blas32.General
		times []float64
		want  string
	}{
		{x, []float64{1, 1e9}, "Euler steps of dt = 0.2; at most"},
		{noStride, []float64{1}, "Stride 0"},
		{pixels, []float64{1}, "value 255 is outside [-1, 1]"},
		{nan, []float64{1}, "value NaN is not finite"},
	} {
		if _, err := Complete(m, tc.x, mask, tc.times, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Complete at %v: %v, want an error containing %q", tc.times, err, tc.want)
		}
	}
	ref := blas32.General{Rows: 2, Cols: 4, Stride: 4, Data: []float32{1, 1, 1, 1, -1, -1, -1, -1}}
	cls := indices.NewClassifier(ref, []uint8{0, 1}, 3)
	cls5 := indices.NewClassifier(blas32.General{Rows: 1, Cols: 5, Stride: 5, Data: make([]float32, 5)}, []uint8{0}, 3)
	for _, tc := range []struct {
		labels []uint8
		mean   []float32
		cls    *indices.Classifier
		want   string
	}{
		{[]uint8{0, 1, 2}, make([]float32, 4), nil, "needs a classifier"},
		{[]uint8{0, 1, 2}, make([]float32, 4), cls5, "reads 5 pixels, the images have 4"},
		{[]uint8{0, 1, 2}, []float32{0, float32(math.NaN()), 0, 0}, cls, "the mean image"},
		{[]uint8{0, 3, 2}, make([]float32, 4), cls, "label 3 of row 1"},
	} {
		if _, _, err := Evaluate(m, x, tc.labels, tc.mean, mask, 1, tc.cls, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Evaluate: %v, want an error containing %q", err, tc.want)
		}
	}
	if _, _, err := Evaluate(m, x, []uint8{0, 1, 2}, make([]float32, 4), mask, 1, cls, 1); err != nil {
		t.Errorf("Evaluate of good inputs: %v", err)
	}
	for r := range 3 {
		if got := out[0].Data[r*4]; got != 1 {
			t.Errorf("row %d: given pixel reads %g, want the image's 1", r, got)
		}
		if got := float64(out[0].Data[r*4+1]); math.Abs(got-math.Tanh(1.8)) > 1e-4 {
			t.Errorf("row %d: hidden pixel at t = 40: %g, want tanh(1.8) = %g", r, got, math.Tanh(1.8))
		}
		if out[1].Data[r*4+1] == out[0].Data[r*4+1] {
			t.Errorf("row %d: the completion at t = 0 equals the one at t = 40", r)
		}
	}
}

// TestCompleteArchs runs Complete on every architecture: the given pixels
// read back as the image, the hidden ones are read-outs in (−1, 1), and the
// clamp reaches the hidden pixels (through the hidden layers when there are
// any): with the same seed, changing the given pixels of image 0 changes
// its completion and leaves image 1's alone.
func TestCompleteArchs(t *testing.T) {
	be := cpu.New(1)
	defer be.Close()
	for _, arch := range chaoslib.Archs() {
		cfg := chaoslib.Tiny(arch)
		cfg.N = 16
		m, err := chaoslib.New(cfg, be)
		if err != nil {
			t.Fatal(err)
		}
		mask, _ := ParseMask("top", 4, 1)
		x := blas32.General{Rows: 2, Cols: 16, Stride: 16, Data: make([]float32, 32)}
		for i := range 8 {
			x.Data[i], x.Data[16+i] = 0.8, -0.8
		}
		y := blas32.General{Rows: 2, Cols: 16, Stride: 16, Data: append([]float32(nil), x.Data...)}
		y.Data[0], y.Data[5] = -0.9, 0.1
		cx, err := Complete(m, x, mask, []float64{cfg.T}, 3)
		if err != nil {
			t.Fatal(err)
		}
		cy, err := Complete(m, y, mask, []float64{cfg.T}, 3)
		if err != nil {
			t.Fatal(err)
		}
		var d0, d1 float64
		for i := range 16 {
			a, b := cx[0].Data[i], cx[0].Data[16+i]
			if i < 8 && (a != 0.8 || b != -0.8) {
				t.Fatalf("%s: given pixel %d reads %g, %g", arch, i, a, b)
			}
			if i >= 8 && !(math.Abs(float64(a)) < 1 && math.Abs(float64(b)) < 1) {
				t.Fatalf("%s: hidden pixel %d reads %g, %g", arch, i, a, b)
			}
			if i >= 8 {
				d0 += math.Abs(float64(cx[0].Data[i] - cy[0].Data[i]))
				d1 += math.Abs(float64(cx[0].Data[16+i] - cy[0].Data[16+i]))
			}
		}
		if d0 == 0 || d1 != 0 {
			t.Errorf("%s: changing image 0's given pixels moved its completion by %g and image 1's by %g; want > 0 and 0", arch, d0, d1)
		}
		m.Free()
	}
}
