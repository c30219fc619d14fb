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
			xr[c] += k * (v - xr[c])
			if phi != nil {
				phi[r+c] = Tanh32(xr[c])
			}
		}
	}
}
