package indices_test

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// Two sets of two samples in N = 2 with the same spectrum (one direction of
// variance 2) but different covariances. Every point's nearest neighbour
// (squared distance 4, against 8 within its own set) is in the other set, so
// AA_truth = AA_syn = 0, which EAAI penalises as much as total separation.
func Example() {
	data := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{1, 1, -1, -1}}
	gen := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: []float32{1, -1, -1, 1}}
	fmt.Println("E2 =", indices.E2(data, gen))
	fmt.Println("Es =", indices.Es(data, gen))
	aa, err := indices.EAAI(data, gen)
	if err != nil {
		panic(err)
	}
	fmt.Printf("EAAI = %.3g (AA_truth %.3g, AA_syn %.3g)\n", aa.EAAI, aa.Truth, aa.Syn)
	// Output:
	// E2 = 2
	// Es = 0
	// EAAI = 0.5 (AA_truth 0, AA_syn 0)
}
