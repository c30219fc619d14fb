package chaos

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

// GainSweep measures untrained networks of cfg (trained parameters 0,
// couplings from cfg.Seed) for every visible size N in ns and gain g in
// gs: out[i][j] is N = ns[i], g = gs[j]. This is the transition to chaos:
// λ_max < 0 for g below about 1, > 0 above, sharper for larger N. progress
// (may be nil) gets each estimate as it is done.
func GainSweep(cfg chaoslib.Config, be backend.Backend, ns []int, gs []float64, o ModelOptions, progress func(n int, e Estimate)) ([][]Estimate, error) {
	out := make([][]Estimate, len(ns))
	for i, n := range ns {
		for _, g := range gs {
			c := cfg
			c.N, c.G = n, g
			m, err := chaoslib.New(c, be)
			if err != nil {
				return nil, err
			}
			e, err := Measure(m, o)
			m.Free()
			if err != nil {
				return nil, err
			}
			if progress != nil {
				progress(n, e)
			}
			out[i] = append(out[i], e)
		}
	}
	return out, nil
}

// TrainingPoint is the chaos of a run at one training step.
type TrainingPoint struct {
	Step     int      `json:"step"`
	Estimate Estimate `json:"lyapunov"`
	Census   Census   `json:"census"`
}

// OverTraining measures every checkpoint of the run folder run, and the
// untrained network it started from (step 0: its config with W = 0 and
// zero biases, the same fixed couplings): λ_max and λ_T (Measure) and an
// attractor census (TakeCensus, classes from cls). progress (may be nil)
// gets each point as it is done.
func OverTraining(run string, be backend.Backend, cls *indices.Classifier, mo ModelOptions, co CensusOptions, progress func(TrainingPoint)) ([]TrainingPoint, error) {
	paths, steps, err := runs.Checkpoints(run)
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("chaos: run %s has no checkpoints", run)
	}
	var out []TrainingPoint
	measure := func(m *chaoslib.Model, step int) error {
		defer m.Free()
		e, err := Measure(m, mo)
		if err != nil {
			return err
		}
		c, err := TakeCensus(m, cls, co)
		if err != nil {
			return err
		}
		p := TrainingPoint{Step: step, Estimate: e, Census: c}
		if progress != nil {
			progress(p)
		}
		out = append(out, p)
		return nil
	}
	if steps[0] != 0 {
		ck, err := chaoslib.LoadCheckpoint(paths[0])
		if err != nil {
			return nil, err
		}
		m, err := chaoslib.New(ck.Config, be)
		if err != nil {
			return nil, err
		}
		if err := measure(m, 0); err != nil {
			return nil, err
		}
	}
	for i, p := range paths {
		m, err := chaoslib.LoadModel(p, be)
		if err != nil {
			return nil, err
		}
		if err := measure(m, steps[i]); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
	}
	return out, nil
}
