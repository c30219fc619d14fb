package cpu

// tanhClamp is where the rational approximation reaches ±1 in float32.
const tanhClamp = 7.90531110763549805

// Tanh32 is a fast float32 tanh: the odd rational minimax approximation
// p(x)/q(x) of degrees 13/6 used by Eigen, on x clamped to ±7.9053.
//
//	p(x) = x·(α1 + α3x² + … + α13x¹²),  q(x) = β0 + β2x² + β4x⁴ + β6x⁶
//
// Error bound, measured over every float32 x with float32(tanh x) ≠ ±1
// (|x| < 9.0109, about 2.2·10⁹ values) against math.Tanh by
// TestTanh32Exhaustive: |Tanh32(x) − tanh(x)| ≤ 4.2e-7 (the largest error
// found is 4.10e-7, near x = 5.83). Tanh32 is odd, bounded by 1 in absolute
// value, and constant beyond the clamp. NaN maps to NaN.
//
// This function is the reference for the vector kernels of the elementwise
// passes (vec_amd64.c), which compute the same float32 operations in the
// same order, without fused multiply-adds, and so return the same bits.
func Tanh32(x float32) float32 {
	if x > tanhClamp {
		x = tanhClamp
	} else if x < -tanhClamp {
		x = -tanhClamp
	}
	const (
		a1  = 4.89352455891786e-03
		a3  = 6.37261928875436e-04
		a5  = 1.48572235717979e-05
		a7  = 5.12229709037114e-08
		a9  = -8.60467152213735e-11
		a11 = 2.00018790482477e-13
		a13 = -2.76076847742355e-16
		b0  = 4.89352518554385e-03
		b2  = 2.26843463243900e-03
		b4  = 1.18534705686654e-04
		b6  = 1.19825839466702e-06
	)
	// Each product is rounded by an explicit float32 conversion, so that no
	// compiler fuses it with the add (Go may, on arm64 or with GOAMD64=v3).
	x2 := x * x
	p := float32(a13)
	p = float32(p*x2) + a11
	p = float32(p*x2) + a9
	p = float32(p*x2) + a7
	p = float32(p*x2) + a5
	p = float32(p*x2) + a3
	p = float32(p*x2) + a1
	p *= x
	q := float32(b6)
	q = float32(q*x2) + b4
	q = float32(q*x2) + b2
	q = float32(q*x2) + b0
	return p / q
}
