package npz

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// TestFloat16Cases: hand-computed conversions, ties to even included.
func TestFloat16Cases(t *testing.T) {
	for _, c := range []struct {
		f float32
		h uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                       // the largest half
		{65519.996, 0x7bff},                   // just under the midpoint to 2¹⁶
		{65520, 0x7c00},                       // the midpoint: ties to even, i.e. to +Inf
		{1e9, 0x7c00},                         // overflow
		{1 + 1.0/2048, 0x3c00},                // 1 + half an ulp: tie, to the even 1
		{1 + 3.0/2048, 0x3c02},                // 1 + 1.5 ulp: tie, to the even 1 + 2 ulp
		{1 + 1.0/2048 + 1.0/(1<<23), 0x3c01},  // just over the tie
		{1.0 / (1 << 14), 0x0400},             // the smallest normal half
		{1.0 / (1 << 24), 0x0001},             // the smallest subnormal half
		{1.0 / (1 << 25), 0x0000},             // half of it: tie, to the even 0
		{1.5 / (1 << 25), 0x0001},             // over the tie
		{3.0 / (1 << 25), 0x0002},             // 1.5 subnormal steps: tie, to even 2
		{1023.0 / (1 << 24), 0x03ff},          // the largest subnormal half
		{2047.0 / (1 << 25), 0x0400},          // its tie with the smallest normal: to even 0x400
		{math.SmallestNonzeroFloat32, 0x0000}, // a subnormal float32
		{float32(math.Inf(-1)), 0xfc00},
	} {
		if got := Float16(c.f); got != c.h {
			t.Errorf("Float16(%g) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
	if h := Float16(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("Float16(NaN) = %#04x, not a NaN", h)
	}
}

// TestFloat16Exhaustive: every half converts to float32 and back to itself
// (NaNs to a NaN), its value matches the binary16 formula, and the values
// increase with the bit pattern.
func TestFloat16Exhaustive(t *testing.T) {
	prev := -1.0
	for h := range 1 << 16 {
		f := Float32From16(uint16(h))
		exp, frac := h>>10&0x1f, h&0x3ff
		switch {
		case exp == 0x1f && frac == 0: // ±Inf
			if !math.IsInf(float64(f), 0) || Float16(f) != uint16(h) {
				t.Fatalf("%#04x: %g, back %#04x; want ±Inf", h, f, Float16(f))
			}
			continue
		case exp == 0x1f: // NaN
			if f == f || Float16(f)&0x7c00 != 0x7c00 || Float16(f)&0x3ff == 0 {
				t.Fatalf("%#04x: %g, back %#04x; want NaN", h, f, Float16(f))
			}
			continue
		}
		want := math.Ldexp(float64(frac), -24) // subnormal: frac·2⁻²⁴
		if exp > 0 {
			want = math.Ldexp(float64(1024+frac), exp-25) // (1 + frac/2¹⁰)·2^(exp−15)
		}
		if h&0x8000 != 0 {
			want = -want
		}
		if float64(f) != want || Float16(f) != uint16(h) {
			t.Fatalf("%#04x: Float32From16 %g, want %g; back %#04x", h, f, want, Float16(f))
		}
		if h < 0x7c00 && float64(f) <= prev && h != 0 {
			t.Fatalf("%#04x: %g not above the previous half %g", h, f, prev)
		}
		if h < 0x7c00 {
			prev = float64(f)
		}
	}
}

// TestFloat16Nearest: Float16 picks the nearest half, ties to even, by an
// independent search over the sorted positive halves: at every midpoint
// between two neighbouring halves and one float32 step either side of it,
// and at a million random float32s.
func TestFloat16Nearest(t *testing.T) {
	halves := make([]float64, 0x7c00) // the finite non-negative halves, increasing
	for h := range halves {
		halves[h] = float64(Float32From16(uint16(h)))
	}
	nearest := func(f float32) uint16 { // reference: binary search, ties to even
		a := math.Abs(float64(f))
		sign := uint16(0)
		if math.Signbit(float64(f)) {
			sign = 0x8000
		}
		if a >= 65520 {
			return sign | 0x7c00
		}
		i := sort.SearchFloat64s(halves, a) // halves[i-1] < a ≤ halves[i]
		if i == len(halves) {
			return sign | 0x7bff // 65504 < a < 65520
		}
		if i == 0 || halves[i] == a {
			return sign | uint16(i)
		}
		lo, hi := a-halves[i-1], halves[i]-a
		if lo < hi || lo == hi && (i-1)%2 == 0 {
			return sign | uint16(i-1)
		}
		return sign | uint16(i)
	}
	check := func(f float32) {
		if got, want := Float16(f), nearest(f); got != want {
			t.Fatalf("Float16(%g) = %#04x, nearest half %#04x", f, got, want)
		}
	}
	for h := 0; h+1 < len(halves); h++ {
		mid := float32((halves[h] + halves[h+1]) / 2) // exact: 12 significant bits
		for _, f := range []float32{mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, 1e9), -mid} {
			check(f)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1_000_000 {
		f := math.Float32frombits(rng.Uint32())
		if f == f && !math.IsInf(float64(f), 0) {
			check(f)
		}
	}
}
