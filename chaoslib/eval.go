package chaoslib

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// EvalOptions tunes Evaluate.
type EvalOptions struct {
	// Classifier labels generated samples for the class histogram and
	// coverage; nil skips them.
	Classifier *indices.Classifier
	// Seed seeds the free runs and the reconstruction starts.
	Seed uint64
	// Progress, if not nil, is called after each time is scored.
	Progress func(done, total int)
}

// Evaluate scores m against the first n rows of test (s-space, class
// balanced by the data package's ordering) at each time in times (Fig. 3b):
// n free chains run once from N(0, σ²) starts, their visible read-outs φ(v(t))
// are taken at every t, and each set gets E2, Es, EAAI (+ AA_truth, AA_syn)
// and, with a classifier, the class coverage. Models with hidden layers also
// get ER at each t (see Model.Reconstruct), on the same n test rows.
// Every time must be a whole number of Euler steps of dt (Config.StepsAt,
// as for `chaosgen sample` and `eval`), so that Report.T, and the
// relaxation e^{−t/τ} of ER, are the time the free runs actually reach; a
// time between steps is an error naming the nearest whole ones.
func Evaluate(m *Model, test blas32.General, n int, times []float64, o EvalOptions) ([]indices.Report, error) {
	if err := indices.CheckMatrix(test); err != nil {
		return nil, fmt.Errorf("chaoslib: evaluate: test set: %w", err)
	}
	if n <= 0 || n > test.Rows {
		return nil, fmt.Errorf("chaoslib: evaluate: n = %d, but the test set has %d images", n, test.Rows)
	}
	if test.Cols != m.Cfg.N {
		return nil, fmt.Errorf("chaoslib: evaluate: test set has %d columns, model N = %d", test.Cols, m.Cfg.N)
	}
	if len(times) == 0 {
		return nil, fmt.Errorf("chaoslib: evaluate: no times given")
	}
	for _, t := range times {
		if _, err := m.Cfg.StepsAt(t); err != nil {
			return nil, fmt.Errorf("chaoslib: evaluate: %w", err)
		}
	}
	ref := blas32.General{Rows: n, Cols: test.Cols, Stride: test.Stride, Data: test.Data[:(n-1)*test.Stride+test.Cols]}
	if err := indices.CheckSamples(ref); err != nil { // 0…255 pixels, say, would score without a word
		return nil, fmt.Errorf("chaoslib: evaluate: test set (s-space, [−1, 1]): %w", err)
	}
	rng := rand.New(rand.NewPCG(o.Seed, StreamEval))
	gens := m.Snapshots(n, times, rng)
	out := make([]indices.Report, len(times))
	for i, t := range times {
		if err := m.CheckFinite(gens[i], t); err != nil {
			return nil, err
		}
		r, err := indices.Score(ref, gens[i], o.Classifier)
		if err != nil {
			return nil, fmt.Errorf("chaoslib: evaluate at t = %g: %w", t, err)
		}
		r.T = t
		if len(m.Layers) > 1 {
			rec, err := m.Reconstruct(ref, t, rng)
			if err != nil {
				return nil, err
			}
			er := indices.ER(rec, ref)
			r.ER = &er
		}
		out[i] = r
		if o.Progress != nil {
			o.Progress(i+1, len(times))
		}
	}
	return out, nil
}

// NonFiniteError reports free runs whose read-out φ(v(t)) holds NaN or
// ±Inf: the dynamics overflowed float32. Before any training only the gains
// g and g_v of the fixed couplings and the spread σ of the starts set the
// scale of the fields, so the message names them (g_v where it is set).
type NonFiniteError struct {
	T, G, GVisible, Sigma float64
	Err                   error // where: row and column
}

func (e *NonFiniteError) Error() string {
	gains, lower := fmt.Sprintf("g = %g", e.G), "g"
	if e.GVisible != 0 {
		gains, lower = fmt.Sprintf("g = %g, g_visible = %g", e.G, e.GVisible), "g, g_visible"
	}
	return fmt.Sprintf("chaoslib: the free runs are not finite at t = %g (%v): the dynamics overflow with %s and sigma = %g; "+
		"lower %s or sigma (or, for a trained model, its couplings diverged)", e.T, e.Err, gains, e.Sigma, lower)
}

func (e *NonFiniteError) Unwrap() error { return e.Err }

// CheckFinite returns a *NonFiniteError if the read-out x, taken at time t,
// holds a value that is not finite.
func (m *Model) CheckFinite(x blas32.General, t float64) error {
	if err := indices.CheckSamples(x); err != nil {
		return &NonFiniteError{T: t, G: m.Cfg.G, GVisible: m.Cfg.GVisible, Sigma: m.Cfg.Sigma, Err: err}
	}
	return nil
}

// CheckpointScore is the score of one checkpoint at t = T (Fig. 5).
type CheckpointScore struct {
	Path   string         `json:"path"`
	Step   int            `json:"step"`
	Report indices.Report `json:"report"`
}

// ScoreCheckpoints loads each checkpoint onto be and evaluates it at its own
// T against the first n test rows; the result is sorted by training step.
func ScoreCheckpoints(paths []string, be backend.Backend, test blas32.General, n int, o EvalOptions) ([]CheckpointScore, error) {
	var out []CheckpointScore
	for i, p := range paths {
		ck, err := LoadCheckpoint(p)
		if err != nil {
			return nil, err
		}
		m, err := ck.Model(be)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		inner := o
		inner.Progress = nil
		rs, err := Evaluate(m, test, n, []float64{m.Cfg.T}, inner)
		m.Free()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, CheckpointScore{Path: p, Step: ck.Step, Report: rs[0]})
		if o.Progress != nil {
			o.Progress(i+1, len(paths))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out, nil
}
