package cpu

import (
	"math"
	"runtime"
	"sync"
	"testing"
)

// tanhAbsBound is the stated error bound of Tanh32 (tanh.go), as measured by
// TestTanh32Exhaustive over every float32 where float32(tanh x) ≠ ±1.
const tanhAbsBound = 4.2e-7

// tanhSaturation returns the smallest positive float32 x at which tanh(x),
// rounded to float32, is 1: from there on tanh is 1 in float32.
func tanhSaturation() float32 {
	lo, hi := math.Float32bits(1), math.Float32bits(20) // tanh(1) < 1 = float32(tanh 20)
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		if float32(math.Tanh(float64(math.Float32frombits(mid)))) == 1 {
			hi = mid
		} else {
			lo = mid
		}
	}
	return math.Float32frombits(hi)
}

// TestTanh32Exhaustive runs every float32 x with 0 ≤ |x| < xsat (where
// float32(tanh x) first reaches 1; about 2.2·10⁹ values) through every vector
// level this CPU has, and checks that
//   - every level returns the Go reference Tanh32 bit for bit, for x and −x;
//   - |Tanh32(x) − tanh(x)| ≤ tanhAbsBound, with tanh from math.Tanh in float64.
//
// It logs the largest absolute error and, for x ≥ ulpFloor, the largest error
// in units of the float32 spacing (ulp) at tanh(x). Below ulpFloor the
// product p(x)·x of the rational form falls into subnormals and loses
// relative precision, while its absolute error stays below 10⁻³⁰.
func TestTanh32Exhaustive(t *testing.T) {
	const ulpFloor = 0x1p-100
	if testing.Short() {
		t.Skip("exhaustive float32 sweep (≈ 10⁹ values) skipped in -short mode")
	}
	xsat := math.Float32bits(tanhSaturation())
	levels := vecLevels()
	const chunk = 1 << 16
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		maxAbs, maxULP float64
		argAbs, argULP float32
		bad            string
	}
	res := make([]result, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &res[w]
			src, neg := make([]float32, chunk), make([]float32, chunk)
			out := make([][]float32, len(levels))
			outNeg := make([][]float32, len(levels))
			for i := range levels {
				out[i], outNeg[i] = make([]float32, chunk), make([]float32, chunk)
			}
			for base := uint32(w * chunk); base < xsat && r.bad == ""; base += uint32(workers * chunk) {
				n := min(chunk, int(xsat-base))
				for i := range n {
					src[i] = math.Float32frombits(base + uint32(i))
					neg[i] = -src[i]
				}
				for li, l := range levels {
					tanhVec(l, out[li][:n], src[:n])
					tanhVec(l, outNeg[li][:n], neg[:n])
				}
				for i := range n {
					x := src[i]
					ref := Tanh32(x)
					for li := range levels {
						if math.Float32bits(out[li][i]) != math.Float32bits(ref) || math.Float32bits(outNeg[li][i]) != math.Float32bits(-ref) {
							r.bad = levelName(levels[li])
							r.argAbs = x
							break
						}
					}
					want := math.Tanh(float64(x))
					d := math.Abs(float64(ref) - want)
					if d > r.maxAbs {
						r.maxAbs, r.argAbs = d, x
					}
					w32 := float32(want)
					ulp := float64(math.Nextafter32(w32, 2) - w32)
					if u := d / ulp; u > r.maxULP && x >= ulpFloor {
						r.maxULP, r.argULP = u, x
					}
				}
			}
		}()
	}
	wg.Wait()
	var all result
	for _, r := range res {
		if r.bad != "" {
			t.Fatalf("%s kernel differs from Tanh32 at x = %g (or −x)", r.bad, r.argAbs)
		}
		if r.maxAbs > all.maxAbs {
			all.maxAbs, all.argAbs = r.maxAbs, r.argAbs
		}
		if r.maxULP > all.maxULP {
			all.maxULP, all.argULP = r.maxULP, r.argULP
		}
	}
	t.Logf("levels %v agree bit for bit on all %d float32 values of each sign below xsat = %g", levelNames(levels), xsat, math.Float32frombits(xsat))
	t.Logf("max |Tanh32 − tanh| = %.4g at x = %g; max error %.3g ulp at x = %g (x ≥ 2⁻¹⁰⁰)", all.maxAbs, all.argAbs, all.maxULP, all.argULP)
	if all.maxAbs > tanhAbsBound {
		t.Fatalf("max |Tanh32 − tanh| = %.4g exceeds the stated bound %.3g", all.maxAbs, tanhAbsBound)
	}
}

func levelNames(levels []int) []string {
	var s []string
	for _, l := range levels {
		s = append(s, levelName(l))
	}
	return s
}

// TestVecEdgeCases: saturation, NaN, ±Inf, −0 and odd lengths (the masked
// and scalar tails) on every level, against Tanh32.
func TestVecEdgeCases(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	in := []float32{0, float32(math.Copysign(0, -1)), 1e-40, -1e-40, 7.9, 7.91, 9, 1e30, inf, -inf, nan, -3, 0.5}
	for _, l := range vecLevels() {
		for n := 1; n <= len(in); n++ {
			out := make([]float32, n)
			tanhVec(l, out, in[:n])
			for i, x := range in[:n] {
				want := Tanh32(x)
				if math.Float32bits(out[i]) != math.Float32bits(want) && !(x != x && out[i] != out[i]) {
					t.Fatalf("%s n=%d: tanh(%g) = %g, want %g", levelName(l), n, x, out[i], want)
				}
			}
		}
		if got := Tanh32(inf); got != Tanh32(tanhClamp) || got > 1 {
			t.Fatalf("Tanh32(+Inf) = %g", got)
		}
	}
}

// TestEulerVecLevels: the fused Euler + tanh pass gives, on every level and
// for row lengths that leave vector tails, exactly the Go reference
// x ← x + k·(f + b − x), φ = Tanh32(x).
func TestEulerVecLevels(t *testing.T) {
	for _, cols := range []int{1, 7, 16, 17, 33, 784} {
		rows := 3
		n := rows * cols
		x0, f, bias := make([]float32, n), make([]float32, n), make([]float32, cols)
		for i := range x0 {
			x0[i] = float32(math.Sin(float64(i)*1.7)) * 3
			f[i] = float32(math.Cos(float64(i)*0.3)) * 4
		}
		for i := range bias {
			bias[i] = float32(i%5) - 2
		}
		for _, withBias := range []bool{false, true} {
			b := bias
			if !withBias {
				b = nil
			}
			want, wantPhi := make([]float32, n), make([]float32, n)
			for i := range want {
				u := f[i]
				if b != nil {
					u += b[i%cols]
				}
				want[i] = x0[i] + float32(0.2*(u-x0[i]))
				wantPhi[i] = Tanh32(want[i])
			}
			for _, l := range vecLevels() {
				x, phi := append([]float32(nil), x0...), make([]float32, n)
				eulerVec(l, x, phi, f, b, cols, 0.2)
				x2 := append([]float32(nil), x0...)
				eulerVec(l, x2, nil, f, b, cols, 0.2)
				for i := range x {
					if x[i] != want[i] || phi[i] != wantPhi[i] || x2[i] != want[i] {
						t.Fatalf("%s cols=%d bias=%v: element %d: x %g φ %g (no-φ pass %g), want %g, %g",
							levelName(l), cols, withBias, i, x[i], phi[i], x2[i], want[i], wantPhi[i])
					}
				}
			}
		}
	}
}

// TestAlgebraVecLevels: add, axpy, the column sums and the sum of squares
// agree bit for bit on every level (lengths with vector tails), add and axpy
// equal the plain Go loops, the column sums equal a column-by-column float64
// loop, and the sum of squares is within float64 rounding of a plain sum.
func TestAlgebraVecLevels(t *testing.T) {
	for _, n := range []int{1, 5, 16, 17, 100, 1029} {
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i] = float32(math.Sin(float64(i)*0.7)) * 2
			b[i] = float32(math.Cos(float64(i)*1.3)) / 3
		}
		var plain float64
		for _, v := range a {
			plain += float64(v) * float64(v)
		}
		var sq0 float64
		for li, l := range vecLevels() {
			d, y := make([]float32, n), append([]float32(nil), b...)
			addVec(l, d, a, b)
			axpyVec(l, -0.3, a, y)
			for i := range d {
				if d[i] != a[i]+b[i] || y[i] != b[i]+float32(-0.3*a[i]) {
					t.Fatalf("%s n=%d: element %d: add %g, axpy %g", levelName(l), n, i, d[i], y[i])
				}
			}
			sq := sumSquaresVec(l, a)
			if li == 0 {
				sq0 = sq
			} else if sq != sq0 {
				t.Fatalf("%s n=%d: sum of squares %v, scalar %v", levelName(l), n, sq, sq0)
			}
			if math.Abs(sq-plain) > 1e-13*plain {
				t.Fatalf("%s n=%d: sum of squares %v, plain sum %v", levelName(l), n, sq, plain)
			}
			for _, cols := range []int{1, 3, 8, 9} {
				rows := n / cols
				if rows == 0 {
					continue
				}
				acc := make([]float64, cols)
				acc[0] = 0.5 // added to, not overwritten
				colSumVec(l, acc, a[:rows*cols])
				for c := range cols {
					want := 0.0
					if c == 0 {
						want = 0.5
					}
					for r := range rows {
						want += float64(a[r*cols+c])
					}
					if acc[c] != want {
						t.Fatalf("%s %d×%d: column %d sum %v, want %v", levelName(l), rows, cols, c, acc[c], want)
					}
				}
			}
		}
	}
}
