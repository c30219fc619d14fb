package runs

import (
	"errors"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// chaosLearner is a chaotic model under CHL training (chaoslib.Trainer).
type chaosLearner struct {
	tr    *chaoslib.Trainer
	dir   string // the run folder
	steps int    // total, from the config Train was given
	be    backend.Backend
	train blas32.General
}

// Train runs (or, with o.Resume, resumes up to cfg.Steps; the rest of the
// run's config comes from its checkpoint) a chaotic model's training with
// Run, writing config.json (a RunRecord), metrics.csv and checkpoints into
// o.Dir. Its metrics rows score the model at t = T. On divergence it
// returns the *chaoslib.DivergedError and leaves the last good checkpoint
// in place.
func Train(cfg chaoslib.Config, o RunOptions) (RunResult, error) {
	if o.Train == nil || o.Test == nil || o.Device == nil {
		return RunResult{}, errors.New("runs: Train needs Train, Test and Device")
	}
	l := &chaosLearner{dir: o.Dir, steps: cfg.Steps, be: o.Device, train: o.Train.X}
	if !o.Resume {
		m, err := chaoslib.New(cfg, o.Device)
		if err != nil {
			return RunResult{}, err
		}
		if l.tr, err = chaoslib.NewTrainer(m, o.Train.X); err != nil {
			m.Free()
			return RunResult{}, err
		}
	}
	defer l.close()
	return Run(l, o)
}

func (l *chaosLearner) close() {
	if l.tr != nil {
		l.tr.Close()
	}
}

func (l *chaosLearner) Steps() (int, int) { return l.tr.Step, l.tr.M.Cfg.Steps }

func (l *chaosLearner) Update() (chaoslib.Stats, error) { return l.tr.TrainStep() }

// Evaluate scores n free runs at t = T (chaoslib.Evaluate, seeded by the
// config's seed) of the model sampling uses: the averaged parameters when
// Config.EMA > 0 (Trainer.SamplingModel).
func (l *chaosLearner) Evaluate(test blas32.General, n int, cl *indices.Classifier) (indices.Report, error) {
	cfg := l.tr.M.Cfg
	m, err := l.tr.SamplingModel()
	if err != nil {
		return indices.Report{}, err
	}
	rs, err := chaoslib.Evaluate(m, test, n, []float64{cfg.T}, chaoslib.EvalOptions{Classifier: cl, Seed: cfg.Seed})
	if err != nil {
		return indices.Report{}, err
	}
	return rs[0], nil
}

func (l *chaosLearner) Save(path string, extra map[string]any) error {
	ck := l.tr.Checkpoint()
	ck.Extra = extra
	return ck.Save(path)
}

func (l *chaosLearner) Load(path string) (map[string]any, error) {
	ck, err := chaoslib.LoadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	if err := CheckResume(l.dir, path, ck, l.steps); err != nil {
		return nil, err
	}
	ck.Config.Steps = l.steps
	tr, err := ck.Resume(l.be, l.train)
	if err != nil {
		return nil, err
	}
	l.close()
	l.tr = tr
	return ck.Extra, nil
}

func (l *chaosLearner) Kind() string { return KindTrain }

func (l *chaosLearner) Record(info RunInfo) any { return RunRecord{Config: l.tr.M.Cfg, RunInfo: info} }
