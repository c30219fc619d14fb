package npz

import "math"

// Float16 returns the IEEE 754 binary16 ("half", numpy's '<f2') value
// nearest to f, ties to even: 1 sign bit, 5 exponent bits (bias 15) and 10
// fraction bits, so normal halves have 11 significant bits and
//
//	|Float32From16(Float16(f)) − f| ≤ 2⁻¹¹ |f|
//
// for |f| in the normal range [2⁻¹⁴, 65504]. Below it the halves are
// subnormal, spaced 2⁻²⁴ apart; from 65520 up (the midpoint between 65504
// and 2¹⁶) the result is ±Inf. NaN stays NaN.
func Float16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	frac := b & 0x7fffff
	switch {
	case exp == 0xff && frac != 0: // NaN: keep it quiet
		return sign | 0x7e00
	case exp == 0xff: // ±Inf
		return sign | 0x7c00
	}
	e := exp - 127 + 15 // the half's biased exponent
	if e >= 0x1f {
		return sign | 0x7c00 // too large even before rounding
	}
	// m is the significand with its leading 1 (normal float32s) and shift is
	// how many of its low bits the half drops: 13 for a normal half, more for
	// a subnormal one.
	m := frac
	if exp != 0 {
		m |= 0x800000
	}
	shift := uint(13)
	if e <= 0 {
		shift = uint(14 - e) // subnormal half: exponent fixed at 2⁻¹⁴
		if exp == 0 {
			shift-- // a subnormal float32 has exponent 2⁻¹²⁶, not 2⁻¹²⁷
		}
		if shift > 24 {
			return sign // under half of the smallest subnormal half
		}
		e = 0
	}
	h := m >> shift
	rest, half := m&(1<<shift-1), uint32(1)<<(shift-1)
	if rest > half || rest == half && h&1 == 1 {
		h++ // may carry into the exponent, which is the right result
	}
	if e > 0 {
		h = uint32(e)<<10 + (h - 0x400) // drop the leading 1, add the exponent
	}
	return sign | uint16(h)
}

// Float32From16 returns the float32 of the binary16 value h (exact).
func Float32From16(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // Inf or NaN
		return math.Float32frombits(sign | 0x7f800000 | frac<<13)
	case exp == 0: // zero or subnormal: frac·2⁻²⁴
		v := float32(frac) * (1.0 / (1 << 24))
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | frac<<13)
}

// RoundFloat16 rounds every value of x in place to the nearest binary16
// value (Float16), so that x stores as '<f2' without loss.
func RoundFloat16(x []float32) {
	for i, v := range x {
		x[i] = Float32From16(Float16(v))
	}
}
