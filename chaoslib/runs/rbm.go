package runs

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
)

// RBMNote is written into an RBM run's config.json.
const RBMNote = "samples for scoring: k Gibbs steps from uniform random starts, then the visible mean given the last hidden draw, in s-space; " +
	"metrics.csv column t holds k (Gibbs steps), ER is empty"

// StreamRBMSamples is the PCG stream of RBMSamples: the one stream every
// RBM score is drawn from (during training, in RESULTS.md and in
// TestPretrained). It is not chaoslib.StreamEval, the chaotic models' one,
// because RESULTS.md's RBM rows were scored from it: with another stream
// the shipped RBMs' recorded indices would not recompute.
const StreamRBMSamples = 0x72626d73 // "rbms"

// RBMSamples draws the n samples that score an RBM: visible means after k
// Gibbs steps from random starts, from StreamRBMSamples seeded by seed.
func RBMSamples(r *rbm.RBM, n int, seed uint64) blas32.General {
	return r.Sample(n, rand.New(rand.NewPCG(seed, StreamRBMSamples)))
}

// ScoreRBM scores n samples of RBMSamples (seeded by seed) against the first
// n rows of test; Report.T holds k. This is how every RBM score is taken.
func ScoreRBM(r *rbm.RBM, test blas32.General, n int, seed uint64, cl *indices.Classifier) (indices.Report, error) {
	if err := indices.CheckMatrix(test); err != nil {
		return indices.Report{}, fmt.Errorf("runs: ScoreRBM: test set: %w", err)
	}
	if n <= 0 || n > test.Rows {
		return indices.Report{}, fmt.Errorf("runs: ScoreRBM: n = %d, but the test set has %d images", n, test.Rows)
	}
	rep, err := indices.Score(head(test, n), RBMSamples(r, n, seed), cl)
	rep.T = float64(r.Cfg.K)
	return rep, err
}

// rbmLearner is an RBM under training.
type rbmLearner struct {
	r     *rbm.RBM
	dir   string // the run folder
	steps int    // total, from the config TrainRBM was given
	train blas32.General
}

// TrainRBM runs (or, with o.Resume, resumes up to cfg.Steps; the rest of
// the config comes from the checkpoint) the RBM baseline's training with
// Run, as Train does for the chaotic models: config.json (an RBMRecord),
// metrics.csv with the indices of RBMSamples (column t holds k) and
// log-spaced checkpoints (rbm files). o.Device is only recorded: the RBM
// runs on the CPU.
func TrainRBM(cfg rbm.Config, o RunOptions) (RunResult, error) {
	if o.Train == nil || o.Test == nil {
		return RunResult{}, errors.New("runs: TrainRBM needs Train and Test")
	}
	l := &rbmLearner{dir: o.Dir, steps: cfg.Steps, train: o.Train.X}
	if !o.Resume {
		var err error
		if l.r, err = rbm.New(cfg); err != nil {
			return RunResult{}, err
		}
		if cfg.InitBias == "data" { // before the step-0 evaluation
			if err := l.r.InitVisibleBias(o.Train.X); err != nil {
				return RunResult{}, err
			}
		}
	}
	return Run(l, o)
}

func (l *rbmLearner) Steps() (int, int) { return l.r.Step, l.r.Cfg.Steps }

func (l *rbmLearner) Update() (chaoslib.Stats, error) {
	err := l.r.TrainStep(l.train)
	return chaoslib.Stats{Step: l.r.Step}, err
}

// Evaluate scores RBMSamples (seeded by the config's seed); Report.T is k.
func (l *rbmLearner) Evaluate(test blas32.General, n int, cl *indices.Classifier) (indices.Report, error) {
	return ScoreRBM(l.r, test, n, l.r.Cfg.Seed, cl)
}

func (l *rbmLearner) Save(path string, extra map[string]any) error { return l.r.SaveWith(path, extra) }

func (l *rbmLearner) Load(path string) (map[string]any, error) {
	r, extra, err := rbm.LoadWith(path)
	if err != nil {
		return nil, err
	}
	rec, err := ReadRBMRecord(l.dir)
	if err != nil {
		return nil, fmt.Errorf("--resume: %w", err)
	}
	a, b := rec.Config, r.Cfg
	a.Steps, b.Steps = 0, 0
	if a.InitBias == "" { // "" is "zero"
		a.InitBias = "zero"
	}
	if b.InitBias == "" {
		b.InitBias = "zero"
	}
	if a != b {
		return nil, foreignCheckpoint(l.dir, path)
	}
	r.Cfg.Steps = l.steps
	l.r = r
	return extra, nil
}

func (l *rbmLearner) Kind() string { return KindRBM }

func (l *rbmLearner) Record(info RunInfo) any {
	return RBMRecord{Model: "rbm", Config: l.r.Cfg, RunInfo: info, Note: RBMNote}
}
