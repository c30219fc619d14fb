package analysis

import (
	"fmt"
	"math"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// Smoothness is the lag-one spatial autocorrelation of a side×side field f
// (mean removed): Σ over horizontal and vertical neighbour pairs of f_p·f_q,
// divided by Σ f_p² times the pairs-per-pixel ratio. It is ≈ 0 for white
// noise and near 1 for smooth, spatially structured fields; 0 for a constant
// field. It panics unless side ≥ 2 and len(f) = side².
func Smoothness(f []float32, side int) float64 {
	if side < 2 || len(f) != side*side {
		panic(fmt.Sprintf("analysis: Smoothness of %d values as a %d×%d field", len(f), side, side))
	}
	var mean, sq float64
	for _, v := range f {
		mean += float64(v)
		sq += float64(v) * float64(v)
	}
	mean /= float64(len(f))
	var num, den float64
	pairs := 0
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			a := float64(f[i*side+j]) - mean
			den += a * a
			if j+1 < side {
				num += a * (float64(f[i*side+j+1]) - mean)
				pairs++
			}
			if i+1 < side {
				num += a * (float64(f[(i+1)*side+j]) - mean)
				pairs++
			}
		}
	}
	if den <= 1e-12*sq { // constant field (up to rounding): no structure
		return 0
	}
	return num / den * float64(len(f)) / float64(pairs)
}

// StructuredThreshold separates structured from random-looking receptive
// fields by Smoothness (a heuristic cut, not from the paper).
const StructuredThreshold = 0.3

// ReceptiveFields returns W[:, a] (side×side, side = √N) of every hidden
// unit of a 2-layer model and each field's Smoothness. N must be a square
// of at least 4.
func ReceptiveFields(m *chaoslib.Model) (fields [][]float32, smooth []float64, err error) {
	w, err := m.Param("W_v-h")
	if err != nil {
		return nil, nil, err
	}
	side := int(math.Round(math.Sqrt(float64(w.Rows))))
	if side < 2 || side*side != w.Rows {
		return nil, nil, fmt.Errorf("analysis: receptive fields of N = %d visible units: N must be the pixels of a square image (28×28 = 784 for MNIST)", w.Rows)
	}
	for a := 0; a < w.Cols; a++ {
		f := make([]float32, w.Rows)
		for i := range f {
			f[i] = w.Data[i*w.Cols+a]
		}
		fields = append(fields, f)
		smooth = append(smooth, Smoothness(f, side))
	}
	return fields, smooth, nil
}
