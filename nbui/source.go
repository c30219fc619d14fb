package nbui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

// This file says where the notebooks (notebooks/*.ipynb) get trained models.
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
			return "", fmt.Errorf("nbui: no go.mod of %s at or above %s; set CHAOSGEN_ROOT", ModulePath, dir)
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
// trained (or reused, see runs.EnsureRun) in Runs/<case>/.
type Source struct {
	Pretrained string          // folder of pretrained runs; "" for none
	Runs       string          // folder of runs trained by the notebooks
	Quick      bool            // train runs.QuickConfig instead of TunedConfig
	Retrain    bool            // ignore Pretrained
	Device     backend.Backend // where models train and run
	EvalN      int             // test images per metrics row; 0: runs.FigureEval's (300 when Quick, else 1000)
}

// NotebookSource is the Source the notebooks use: Pretrained = ROOT/pretrained,
// Runs = $CHAOSGEN_RUNS or ROOT/notebooks/runs, plus "/quick" or "/tuned" so
// that quick and full-size runs never share (and resume) a folder.
func NotebookSource(quick, retrain bool, be backend.Backend) (Source, error) {
	root, err := RepoRoot()
	if err != nil {
		return Source{}, err
	}
	runs := os.Getenv("CHAOSGEN_RUNS")
	if runs == "" {
		runs = filepath.Join(root, "notebooks", "runs")
	}
	sub := "tuned"
	if quick {
		sub = "quick"
	}
	return Source{Pretrained: filepath.Join(root, "pretrained"), Runs: filepath.Join(runs, sub),
		Quick: quick, Retrain: retrain, Device: be}, nil
}

// Config returns the configuration a new run of c is trained with.
func (s Source) Config(c runs.Case) chaoslib.Config {
	if s.Quick {
		return runs.QuickConfig(c)
	}
	return runs.TunedConfig(c)
}

func (s Source) evalN() int {
	if s.EvalN > 0 {
		return s.EvalN
	}
	return runs.FigureEval(s.Quick, chaoslib.Config{}).N
}

// RunDir returns the run folder of c and whether it is a pretrained one.
// The folder may not exist yet (Checkpoint trains it).
func (s Source) RunDir(c runs.Case) (dir string, pretrained bool, err error) {
	if !s.Retrain && s.Pretrained != "" {
		p := filepath.Join(s.Pretrained, c.Name())
		_, steps, err := runs.Checkpoints(p)
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
func (s Source) Checkpoint(ctx context.Context, c runs.Case, d *runs.Data, progress func(runs.Progress)) (string, error) {
	dir, pre, err := s.RunDir(c)
	if err != nil {
		return "", err
	}
	if pre {
		return runs.Latest(dir)
	}
	cfg := s.Config(c)
	return runs.EnsureRun(ctx, s.Runs, c, cfg, s.Device, d, runs.FigureEval(s.Quick, cfg).Every, s.evalN(), progress)
}
