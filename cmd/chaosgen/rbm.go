package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
)

func init() {
	register("rbm", "train the RBM baseline (±1 units, non-persistent k-step Gibbs) and score it", runRBM)
}

// rbmEvalStream is the PCG stream of the RBM's evaluation samples.
const rbmEvalStream = 0x72626d6576616c // "rbmeval"

// rbmRecord is the RBM run's config.json.
type rbmRecord struct {
	Model     string     `json:"model"` // "rbm"
	Config    rbm.Config `json:"config"`
	Command   string     `json:"command,omitempty"`
	Device    string     `json:"device"`
	EvalEvery int        `json:"eval_every"`
	EvalN     int        `json:"eval_n"`
	Note      string     `json:"note"`
}

const rbmNote = "samples for scoring: k Gibbs steps from uniform random ±1 starts, then the visible mean tanh(W h + b); " +
	"metrics.csv column t holds k (Gibbs steps), ER is empty"

func runRBM(args []string) error {
	def := rbm.FromChaos(chaoslib.PaperMNIST(chaoslib.Restricted))
	fs := newFlags("rbm", "--dataset mnist|fashion-mnist --out DIR [--hidden 500] [--k 20] [--lr] [--batch] [--chains] [--steps] [--seed] [--eval-n 1000]")
	dataset := fs.String("dataset", "mnist", "data set: mnist or fashion-mnist")
	out := fs.String("out", "", "output folder: config.json, metrics.csv, rbm.npz (required)")
	hidden := fs.Int("hidden", def.M, "hidden units M (as the 2-layer chaotic model)")
	k := fs.Int("k", def.K, "Gibbs steps v→h→v per update and per sample (the chaotic model's T/dt)")
	lr := fs.Float64("lr", def.LR, "learning rate η")
	batch := fs.Int("batch", def.Batch, "minibatch size B")
	chains := fs.Int("chains", def.Chains, "Gibbs chains P per update")
	steps := fs.Int("steps", def.Steps, "total updates")
	seed := fs.Uint64("seed", def.Seed, "random seed (initial W, minibatches, chains)")
	initStd := fs.Float64("init-std", def.InitStd, "std of the N(0, std²) initial couplings W (assumed)")
	initBias := fs.String("init-bias", "zero", "initial visible biases: zero (as the chaotic models), or data (atanh of the training mean)")
	evalN := fs.Int("eval-n", 1000, "test images (and generated samples) per evaluation")
	evalEvery := fs.Int("eval-every", 0, "updates between evaluations written to metrics.csv (default steps/20)")
	resume := fs.Bool("resume", false, "continue from DIR/rbm.npz up to --steps")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out DIR is required")
	}
	if err := checkDataset(*dataset); err != nil {
		return err
	}
	if *evalN <= 0 {
		return fmt.Errorf("--eval-n %d: must be > 0", *evalN)
	}
	if *evalEvery < 0 {
		return fmt.Errorf("--eval-every %d: must be ≥ 0", *evalEvery)
	}
	modelPath := filepath.Join(*out, "rbm.npz")
	metricsPath := filepath.Join(*out, "metrics.csv")
	var (
		r       *rbm.RBM
		rows    []runs.MetricsRow
		seconds float64
	)
	if *resume {
		var err error
		if r, err = rbm.Load(modelPath); err != nil {
			return fmt.Errorf("--resume: %v", err)
		}
		if r.Cfg.Dataset != "" && r.Cfg.Dataset != *dataset {
			return fmt.Errorf("--resume: %s was trained on %s, not --dataset %s", *out, r.Cfg.Dataset, *dataset)
		}
		for _, name := range []string{"hidden", "k", "lr", "batch", "chains", "seed", "init-std", "init-bias"} {
			if setFlag(fs, name) {
				return fmt.Errorf("--%s: with --resume the saved config is used (only --steps, --eval-n and --eval-every may change)", name)
			}
		}
		if setFlag(fs, "steps") {
			r.Cfg.Steps = *steps
		}
		var rec rbmRecord
		if raw, err := os.ReadFile(filepath.Join(*out, "config.json")); err == nil && json.Unmarshal(raw, &rec) == nil {
			if !setFlag(fs, "eval-every") {
				*evalEvery = rec.EvalEvery
			}
			if !setFlag(fs, "eval-n") {
				*evalN = rec.EvalN
			}
		}
		if old, err := runs.ReadMetrics(metricsPath); err == nil {
			for _, row := range old {
				if row.Step <= r.Step {
					rows = append(rows, row)
					seconds = row.Seconds
				}
			}
		}
	} else {
		if _, err := os.Stat(modelPath); err == nil {
			return fmt.Errorf("%s already holds an RBM (%s); use --resume, or another --out", *out, modelPath)
		}
		cfg := rbm.Config{Dataset: *dataset, N: data.Pixels, M: *hidden, K: *k, LR: *lr, Batch: *batch,
			Chains: *chains, Steps: *steps, InitStd: *initStd, InitBias: *initBias, Seed: *seed}
		var err error
		if r, err = rbm.New(cfg); err != nil {
			return rbmFlagError(err)
		}
	}
	cfg := &r.Cfg
	if err := cfg.Validate(); err != nil {
		return rbmFlagError(err)
	}
	if *evalEvery == 0 {
		*evalEvery = max(1, cfg.Steps/20)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loading %s …\n", *dataset)
	d, err := runs.LoadData(*dataset)
	if err != nil {
		return err
	}
	*evalN = min(*evalN, d.Test.Len())
	if cfg.InitBias == "data" && r.Step == 0 { // before the step-0 evaluation
		if err := r.InitVisibleBias(d.Train.X); err != nil {
			return err
		}
	}
	rec := rbmRecord{Model: "rbm", Config: *cfg, Command: "chaosgen " + strings.Join(append([]string{"rbm"}, args...), " "),
		Device: "cpu", EvalEvery: *evalEvery, EvalN: *evalN, Note: rbmNote}
	js, _ := json.MarshalIndent(rec, "", "  ")
	if err := chaoslib.WriteFileAtomic(filepath.Join(*out, "config.json"), append(js, '\n')); err != nil {
		return err
	}
	ref := d.Test.Head(*evalN).X
	var last *runs.MetricsRow
	if len(rows) > 0 {
		last = &rows[len(rows)-1]
	}
	evaluate := func() error {
		gen := r.Sample(*evalN, rand.New(rand.NewPCG(cfg.Seed, rbmEvalStream)))
		rep, err := indices.Score(ref, gen, d.Classifier)
		if err != nil {
			return fmt.Errorf("scoring step %d: %w", r.Step, err)
		}
		rep.T = float64(cfg.K)
		rows = append(rows, runs.MetricsRow{Step: r.Step, Seconds: seconds, Report: rep})
		last = &rows[len(rows)-1]
		if err := runs.WriteMetrics(metricsPath, rows); err != nil {
			return err
		}
		return r.Save(modelPath)
	}
	if r.Step == 0 && len(rows) == 0 {
		if err := evaluate(); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pp := newProgress(os.Stderr)
	start, startStep := time.Now(), r.Step
	for r.Step < cfg.Steps {
		if ctx.Err() != nil {
			if err := r.Save(modelPath); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "\ninterrupted at step %d; saved %s\nresume with: chaosgen rbm --out %s --dataset %s --resume\n",
				r.Step, modelPath, *out, *dataset)
			return nil
		}
		t0 := time.Now()
		if err := r.TrainStep(d.Train.X); err != nil {
			return err
		}
		seconds += time.Since(t0).Seconds()
		if r.Step%*evalEvery == 0 || r.Step == cfg.Steps {
			if err := evaluate(); err != nil {
				return err
			}
		}
		pp.update(runs.Progress{Step: r.Step, Total: cfg.Steps, Seconds: seconds,
			StepsPerSec: float64(r.Step-startStep) / time.Since(start).Seconds(), Last: last})
	}
	if err := r.Save(modelPath); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "done: %d steps in %.1f s of training; saved %s\n", r.Step, seconds, modelPath)
	if l := last; l != nil {
		fmt.Printf("step %d, k = %d: E2 %.4g  Es %.4g  EAAI %.4g (AA_truth %.3f, AA_syn %.3f)  coverage %d/%d  classes %v\n",
			l.Step, cfg.K, l.E2, l.Es, l.EAAI, l.AATruth, l.AASyn, l.Coverage, data.Classes, l.Hist)
	}
	return nil
}

// rbmFlagOf maps rbm.Config fields to their flags.
var rbmFlagOf = map[string]string{"N": "(N)", "M": "--hidden", "K": "--k", "LR": "--lr", "Batch": "--batch",
	"Chains": "--chains", "Steps": "--steps", "InitStd": "--init-std", "InitBias": "--init-bias"}

// rbmFlagError rewrites an rbm.Config validation error in terms of the flag.
func rbmFlagError(err error) error {
	var fe *chaoslib.FieldError
	if errors.As(err, &fe) {
		if f, ok := rbmFlagOf[fe.Field]; ok {
			return fmt.Errorf("%s %v: %s", f, fe.Value, fe.Rule)
		}
	}
	return err
}
