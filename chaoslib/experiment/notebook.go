package experiment

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// This file holds small helpers for the GoNB notebooks (notebooks/*.ipynb).
// They use only chaoslib's exported API.

// ModulePath is the module path of this repository.
const ModulePath = "github.com/chaosgen/chaosgen"

// RepoRoot returns the root of the chaosgen repository: $CHAOSGEN_ROOT if
// set, else the nearest folder at or above the working directory whose
// go.mod declares ModulePath.
func RepoRoot() (string, error) {
	if r := os.Getenv("CHAOSGEN_ROOT"); r != "" {
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if moduleOf(filepath.Join(d, "go.mod")) == ModulePath {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("experiment: no go.mod of %s at or above %s; set CHAOSGEN_ROOT", ModulePath, dir)
		}
	}
}

func moduleOf(gomod string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// Source says where a notebook gets its trained models: from a folder of
// pretrained runs (Pretrained/<case>/, the layout of a run folder) unless
// Retrain is set or the case has no checkpoint there, else from a run
// trained (or reused, see EnsureRun) in Runs/<case>/.
type Source struct {
	Pretrained string          // folder of pretrained runs; "" for none
	Runs       string          // folder of runs trained by the notebooks
	Quick      bool            // train QuickConfig instead of PaperConfig
	Retrain    bool            // ignore Pretrained
	Device     backend.Backend // where models train and run
	EvalN      int             // test images per metrics row; 0: 300 when Quick, else 1000
}

// NotebookSource is the Source the notebooks use: Pretrained = ROOT/pretrained,
// Runs = $CHAOSGEN_RUNS or ROOT/notebooks/runs, plus "/quick" or "/paper" so
// that quick and paper-size runs never share (and resume) a folder.
func NotebookSource(quick, retrain bool, be backend.Backend) (Source, error) {
	root, err := RepoRoot()
	if err != nil {
		return Source{}, err
	}
	runs := os.Getenv("CHAOSGEN_RUNS")
	if runs == "" {
		runs = filepath.Join(root, "notebooks", "runs")
	}
	sub := "paper"
	if quick {
		sub = "quick"
	}
	return Source{Pretrained: filepath.Join(root, "pretrained"), Runs: filepath.Join(runs, sub),
		Quick: quick, Retrain: retrain, Device: be}, nil
}

// Config returns the configuration a new run of c is trained with.
func (s Source) Config(c Case) chaoslib.Config {
	if s.Quick {
		return QuickConfig(c)
	}
	return PaperConfig(c)
}

// EvalEvery is the number of steps between metrics rows of a run trained
// with cfg (as in `chaosgen figures`): Steps/15, at least 1.
func EvalEvery(cfg chaoslib.Config) int { return max(1, cfg.Steps/15) }

func (s Source) evalN() int {
	switch {
	case s.EvalN > 0:
		return s.EvalN
	case s.Quick:
		return 300
	}
	return 1000
}

// RunDir returns the run folder of c and whether it is a pretrained one.
// The folder may not exist yet (Checkpoint trains it).
func (s Source) RunDir(c Case) (dir string, pretrained bool, err error) {
	if !s.Retrain && s.Pretrained != "" {
		p := filepath.Join(s.Pretrained, c.Name())
		_, steps, err := Checkpoints(p)
		if err != nil {
			return "", false, err
		}
		if len(steps) > 0 {
			return p, true, nil
		}
	}
	return filepath.Join(s.Runs, c.Name()), false, nil
}

// Checkpoint returns the newest checkpoint of c's run (see RunDir), training
// the run first when it is not pretrained and is missing or shorter than
// Config(c).Steps. progress (may be nil) is called after every step.
func (s Source) Checkpoint(ctx context.Context, c Case, d *Data, progress func(Progress)) (string, error) {
	dir, pre, err := s.RunDir(c)
	if err != nil {
		return "", err
	}
	if pre {
		return Latest(dir)
	}
	cfg := s.Config(c)
	return EnsureRun(ctx, s.Runs, c, cfg, s.Device, d, EvalEvery(cfg), s.evalN(), progress)
}

// LoadModel loads the checkpoint at path onto be.
func LoadModel(path string, be backend.Backend) (*chaoslib.Model, error) {
	ck, err := chaoslib.LoadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	return ck.Model(be)
}

// UnitTrajectories runs one free chain of m from a random N(0, σ²) start
// (drawn from seed) and returns φ(v_i(t)) of each of the given visible units
// at each of times: out[k][j] is unit units[k] at times[j].
func UnitTrajectories(m *chaoslib.Model, units []int, times []float64, seed uint64) [][]float64 {
	snaps := m.Snapshots(1, times, rand.New(rand.NewPCG(seed, 0x74726a)))
	out := make([][]float64, len(units))
	for k, u := range units {
		out[k] = make([]float64, len(times))
		for j, s := range snaps {
			out[k][j] = float64(s.Data[u])
		}
	}
	return out
}

// NearbyDistance measures how fast free runs of m that start close together
// separate. It runs n pairs of chains: chain a starts at x(0) ~ N(0, σ²) and
// its partner at (1 + eps)·x(0), a relative perturbation eps of the same
// start, and returns, at each of times, the mean over pairs of the distance
// ‖φ(v^a(t)) − φ(v^b(t))‖ between their visible read-outs (Model.SnapshotsFrom).
func NearbyDistance(m *chaoslib.Model, n int, eps float64, times []float64, seed uint64) ([]float64, error) {
	rng := rand.New(rand.NewPCG(seed, 0x6e656172))
	var sa, sb []blas32.General
	for _, l := range m.Layers {
		x := blas32.General{Rows: n, Cols: l.Size, Stride: l.Size, Data: make([]float32, n*l.Size)}
		y := blas32.General{Rows: n, Cols: l.Size, Stride: l.Size, Data: make([]float32, n*l.Size)}
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64() * m.Cfg.Sigma)
			y.Data[i] = x.Data[i] * float32(1+eps)
		}
		sa, sb = append(sa, x), append(sb, y)
	}
	a, err := m.SnapshotsFrom(sa, times)
	if err != nil {
		return nil, err
	}
	b, err := m.SnapshotsFrom(sb, times)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(times))
	for j := range times {
		for r := 0; r < n; r++ {
			ra, rb := row(a[j], r), row(b[j], r)
			var d2 float64
			for i := range ra {
				d := float64(ra[i]) - float64(rb[i])
				d2 += d * d
			}
			out[j] += math.Sqrt(d2) / float64(n)
		}
	}
	return out, nil
}

// ChainVariance runs n free chains of m from random starts and returns, at
// each of times, the PixelVariance of their read-outs φ(v(t)): near 0 when
// every chain falls onto the same state, larger when the chains spread over
// different states.
func ChainVariance(m *chaoslib.Model, n int, times []float64, seed uint64) []float64 {
	snaps := m.Snapshots(n, times, rand.New(rand.NewPCG(seed, 0x766172)))
	out := make([]float64, len(times))
	for j, s := range snaps {
		out[j] = PixelVariance(s)
	}
	return out
}

// PixelVariance is the variance of each column of x across its rows (for
// example of each pixel across samples), averaged over the columns.
func PixelVariance(x blas32.General) float64 {
	if x.Rows == 0 || x.Cols == 0 {
		return 0
	}
	var total float64
	for i := 0; i < x.Cols; i++ {
		var sum, sum2 float64
		for r := 0; r < x.Rows; r++ {
			v := float64(x.Data[r*x.Stride+i])
			sum += v
			sum2 += v * v
		}
		mean := sum / float64(x.Rows)
		total += max(0, sum2/float64(x.Rows)-mean*mean)
	}
	return total / float64(x.Cols)
}

func row(x blas32.General, r int) []float32 { return x.Data[r*x.Stride : r*x.Stride+x.Cols] }

// LinearTimes returns n+1 evenly spaced times 0, tMax/n, …, tMax.
func LinearTimes(tMax float64, n int) []float64 {
	out := make([]float64, n+1)
	for i := range out {
		out[i] = tMax * float64(i) / float64(n)
	}
	return out
}
