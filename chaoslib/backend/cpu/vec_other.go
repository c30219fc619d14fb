//go:build !amd64

package cpu

// Off amd64 the elementwise passes run as plain Go loops (levelScalar only).
const levelScalar = 0

var vecLevel = levelScalar

func vecLevels() []int { return []int{levelScalar} }

func levelName(int) string { return "scalar" }

func tanhVec(_ int, dst, src []float32) {
	for i, v := range src {
		dst[i] = Tanh32(v)
	}
}

func eulerVec(_ int, x, phi, f, bias []float32, cols int, k float32) {
	for r := 0; r < len(x); r += cols {
		xr, fr := x[r:r+cols], f[r:r+cols]
		for c := range xr {
			v := fr[c]
			if bias != nil {
				v += bias[c]
			}
			xr[c] += float32(k * (v - xr[c])) // rounded: never fused, as in vec_amd64.c
			if phi != nil {
				phi[r+c] = Tanh32(xr[c])
			}
		}
	}
}

func addVec(_ int, d, a, b []float32) {
	for i := range d {
		d[i] = a[i] + b[i]
	}
}

func axpyVec(_ int, alpha float32, x, y []float32) {
	for i, v := range x {
		y[i] += float32(alpha * v)
	}
}

// sumSquaresVec sums in the order of the amd64 kernels: 16 partial sums.
func sumSquaresVec(_ int, x []float32) float64 {
	var acc [16]float64
	for i, v := range x {
		acc[i%16] += float64(v) * float64(v)
	}
	var e [8]float64
	for k := range e {
		e[k] = acc[k] + acc[k+8]
	}
	var o [4]float64
	for k := range o {
		o[k] = e[k] + e[k+4]
	}
	return (o[0] + o[2]) + (o[1] + o[3])
}

func colSumVec(_ int, acc []float64, x []float32) {
	for r := 0; r < len(x); r += len(acc) {
		for c, v := range x[r : r+len(acc)] {
			acc[c] += float64(v)
		}
	}
}
