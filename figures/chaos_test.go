package figures

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/chaos"
	"github.com/chaosgen/chaosgen/chaoslib/inpaint"
	"github.com/chaosgen/chaosgen/data"
)

// TestChaosFigures draws each chaos figure from made-up numbers and checks
// the layout: two panels for ChaosGain, one per run for ChaosTraining, one
// column per attractor, and 3 + len(times) columns of k images for
// Inpainting.
func TestChaosFigures(t *testing.T) {
	est := [][]chaos.Estimate{{{LambdaMax: -0.5, LambdaT: -0.7}, {LambdaMax: 0.1, LambdaT: 0.2}}, {{LambdaMax: -0.4}, {LambdaMax: 0.12}}}
	img, err := ChaosGain([]int{250, 500}, []float64{0.5, 2}, est)
	if err != nil || img.Bounds().Dx() <= img.Bounds().Dy() {
		t.Errorf("ChaosGain: %v, %v: want two panels side by side", err, img.Bounds())
	}
	pts := []chaos.TrainingPoint{{Step: 0}, {Step: 100}}
	one, err := ChaosTraining([]string{"a"}, [][]chaos.TrainingPoint{pts})
	if err != nil {
		t.Fatal(err)
	}
	two, err := ChaosTraining([]string{"a", "b"}, [][]chaos.TrainingPoint{pts, pts})
	if err != nil || two.Bounds().Dx() < 2*one.Bounds().Dx()-2 {
		t.Errorf("ChaosTraining: %v; one run %v, two runs %v", err, one.Bounds(), two.Bounds())
	}
	c := chaos.Census{Attractors: []chaos.Attractor{{Center: make([]float32, data.Pixels)}, {Center: make([]float32, data.Pixels)}}}
	if a1, a2 := Attractors(c, 1), Attractors(c, 5); a2.Bounds().Dx() <= a1.Bounds().Dx() {
		t.Errorf("Attractors: 1 → %v, 2 → %v", a1.Bounds(), a2.Bounds())
	}
	x := blas32.General{Rows: 4, Cols: data.Pixels, Stride: data.Pixels, Data: make([]float32, 4*data.Pixels)}
	mask, _ := inpaint.ParseMask("top", data.Side, 1)
	mean := make([]float32, data.Pixels)
	i1 := Inpainting(x, mask, mean, []blas32.General{x}, []float64{4}, 4, 3)
	i2 := Inpainting(x, mask, mean, []blas32.General{x, x}, []float64{4, 8}, 4, 3)
	if d1, d2 := i1.Bounds().Dx(), i2.Bounds().Dx(); d2*4 < d1*5-20 || d2 <= d1 {
		t.Errorf("Inpainting: width %d with 4 columns, %d with 5", d1, d2)
	}
}
