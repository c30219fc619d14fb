package runs

import "github.com/chaosgen/chaosgen/chaoslib"

// Eval is how often a run is scored and on how many test images.
type Eval struct {
	Every int // training steps between metrics rows
	N     int // test images (and generated samples) per index evaluation
}

// FigureEval returns the evaluation settings of the runs behind the figures,
// the same for `chaosgen figures` and the notebooks: a metrics row every
// Steps/15 steps of cfg (at least 1, so Fig. 5 has 16 points) and 1000 test
// images per evaluation, 300 in quick mode (N does not depend on cfg).
func FigureEval(quick bool, cfg chaoslib.Config) Eval {
	e := Eval{Every: max(1, cfg.Steps/15), N: 1000}
	if quick {
		e.N = 300
	}
	return e
}
