package runs

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// CheckpointDir is the folder of a run's checkpoints.
func CheckpointDir(run string) string { return filepath.Join(run, "checkpoints") }

// CheckpointPath names the checkpoint of step in run.
func CheckpointPath(run string, step int) string {
	return filepath.Join(CheckpointDir(run), fmt.Sprintf("step-%07d.npz", step))
}

var checkpointName = regexp.MustCompile(`^step-(\d+)\.npz$`)

// Checkpoints lists run's checkpoints sorted by step (empty if none).
func Checkpoints(run string) (paths []string, steps []int, err error) {
	ents, err := os.ReadDir(CheckpointDir(run))
	if os.IsNotExist(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	type ck struct {
		path string
		step int
	}
	var cks []ck
	for _, e := range ents {
		if m := checkpointName.FindStringSubmatch(e.Name()); m != nil {
			s, _ := strconv.Atoi(m[1])
			cks = append(cks, ck{filepath.Join(CheckpointDir(run), e.Name()), s})
		}
	}
	sort.Slice(cks, func(i, j int) bool { return cks[i].step < cks[j].step })
	for _, c := range cks {
		paths, steps = append(paths, c.path), append(steps, c.step)
	}
	return paths, steps, nil
}

// legacyRBMFile is the one model file of RBM runs written before the RBM
// shared the run loop (as pretrained/rbm-*/ were, before they were
// rebuilt with checkpoints/).
const legacyRBMFile = "rbm.npz"

// Latest returns run's newest checkpoint, or "" if it has none. An RBM run
// of the older layout has no checkpoints/ but one run/rbm.npz: that file is
// its newest checkpoint.
func Latest(run string) (string, error) {
	paths, _, err := Checkpoints(run)
	if err != nil {
		return "", err
	}
	if len(paths) > 0 {
		return paths[len(paths)-1], nil
	}
	legacy := filepath.Join(run, legacyRBMFile)
	if _, err := os.Stat(legacy); err == nil {
		return legacy, nil
	}
	return "", nil
}

// LogSteps returns about perDecade log-spaced steps in [1, total], the
// rounded powers 10^(k/perDecade) (1, 2, 5, 10, 22, 46, 100, 215, 464, …
// for perDecade = 3), always including total.
func LogSteps(total, perDecade int) map[int]bool {
	if perDecade < 1 {
		panic(fmt.Sprintf("runs: LogSteps: perDecade = %d; it must be ≥ 1", perDecade))
	}
	out := map[int]bool{total: true}
	if total <= 0 {
		return out
	}
	for e := 0.0; ; e += 1 / float64(perDecade) {
		s := int(math.Round(math.Pow(10, e)))
		if s > total {
			return out
		}
		out[s] = true
	}
}
