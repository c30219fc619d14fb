package chaoslib

import "math"

// LearningRate returns η for update number step+1 (step updates done before
// it), with η₀ = LR, η_min = LRMin, W = Warmup and S = Steps:
//
//	warm-up, step < W:      η = η₀ (step+1)/W
//	after it, p = min(1, (step − W)/max(1, S − W − 1)):
//	  constant:  η = η₀
//	  linear:    η = η_min + (η₀ − η_min)(1 − p)
//	  cosine:    η = η_min + (η₀ − η_min)(1 + cos πp)/2
//
// So the decay starts right after the warm-up at η₀ and reaches η_min at the
// last update, step = S − 1, when at least two updates follow the warm-up
// (with one, S = W + 1, that update takes η₀); steps past it (as when
// --steps grows on resume) stay at η_min. The schedule reads Steps, so a
// resume that changes --steps stretches the rest of the decay. The constant
// schedule without warm-up returns LR itself, so training is bit-identical
// to plain SGD with η = LR.
func (c Config) LearningRate(step int) float64 {
	eta := c.LR
	if step < c.Warmup {
		return eta * float64(step+1) / float64(c.Warmup)
	}
	if lrSchedules.is(c.LRSchedule, "constant") {
		return eta
	}
	p := min(1, float64(step-c.Warmup)/float64(max(1, c.Steps-c.Warmup-1)))
	decay := 1 - p // linear
	if lrSchedules.is(c.LRSchedule, "cosine") {
		decay = (1 + math.Cos(math.Pi*p)) / 2
	}
	return c.LRMin + (eta-c.LRMin)*decay
}
