package chaoslib

import "gonum.org/v1/gonum/blas/blas32"

// Row returns row r of x (sharing memory).
func Row(x blas32.General, r int) []float32 { return x.Data[r*x.Stride : r*x.Stride+x.Cols] }

// Rows splits x into its rows (sharing memory), e.g. a sample matrix into
// images for plots.ImageGrid.
func Rows(x blas32.General) [][]float32 {
	out := make([][]float32, x.Rows)
	for i := range out {
		out[i] = Row(x, i)
	}
	return out
}
