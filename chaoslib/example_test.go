package chaoslib_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/internal/toydata"
)

// Example trains a small 2-layer model for a few CHL steps on toy data and
// draws samples at t = T.
func Example() {
	cfg := chaoslib.Tiny(chaoslib.Restricted)
	cfg.N, cfg.Hidden, cfg.Steps = 16, []int{8}, 20
	be := cpu.New(0)
	defer be.Close()
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		panic(err)
	}
	tr, err := chaoslib.NewTrainer(m, toydata.Patterns(64, cfg.N, 1))
	if err != nil {
		panic(err)
	}
	if err := tr.Train(nil); err != nil {
		panic(err)
	}
	x := m.Sample(5, cfg.T, rand.New(rand.NewPCG(1, 2)))
	fmt.Printf("%d steps; samples %d×%d in s-space\n", tr.Step, x.Rows, x.Cols)
	// Output: 20 steps; samples 5×16 in s-space
}

// ExampleConfig_Validate: an invalid Config names the field.
func ExampleConfig_Validate() {
	cfg := chaoslib.PaperMNIST(chaoslib.Restricted)
	cfg.Dt = 2 // larger than τ = 1
	fmt.Println(cfg.Validate())
	// Output: chaoslib: config field Dt = 2: must satisfy 0 < dt ≤ τ, and τ is 1
}
