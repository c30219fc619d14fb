package indices

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
)

// ER is the reconstruction error between reconstructions ŝ (recon) and the
// samples s they reconstruct, both n×N:
//
//	ER = (1/(nN)) Σ_μ Σ_i (ŝ^μ_i − s^μ_i)²
//
// accumulated in float64. How ŝ is obtained (clamped phase, then relaxation of
// the visible layer) is the model's business; this is only the index. ER
// panics if the shapes differ and returns 0 for empty sets.
func ER(recon, s blas32.General) float64 {
	if recon.Rows != s.Rows || recon.Cols != s.Cols {
		panic(fmt.Sprintf("chaoslib: indices: ER: shapes differ: %d×%d vs %d×%d", recon.Rows, recon.Cols, s.Rows, s.Cols))
	}
	if s.Rows == 0 || s.Cols == 0 {
		return 0
	}
	var sum float64
	for mu := range s.Rows {
		a, b := row(recon, mu), row(s, mu)
		for i := range a {
			d := float64(a[i]) - float64(b[i])
			sum += d * d
		}
	}
	return sum / (float64(s.Rows) * float64(s.Cols))
}
