package runs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// Kinds of run folder, recorded in each folder's marker file
// (safefile.KindFile) so that no command writes into another's run.
const (
	KindTrain = "train" // chaosgen train, and each run-NNN of a sweep
	KindRBM   = "rbm"   // chaosgen rbm
	KindSweep = "sweep" // chaosgen sweep
)

// ClaimRun claims dir for a run of kind and locks it
// (safefile.ClaimRunDir). Folders written before the marker existed are
// recognised by their files: a train run by a config.json holding a chaotic
// model's config or by step-*.npz files in its checkpoints/ folder, an RBM run by rbm.npz or a
// config.json saying "rbm", a sweep by sweep.json. warn (may be nil) hears
// of a stale lock taken over. The caller releases the folder when done.
func ClaimRun(dir, kind string, warn func(string)) (*safefile.RunDir, error) {
	if err := checkPlace(dir, kind); err != nil {
		return nil, err
	}
	return safefile.ClaimRunDir(dir, kind, recogniser(kind), warn)
}

// CheckRun reports the error that ClaimRun would give for dir and kind,
// without creating, marking or locking the folder (safefile.CheckRunDir).
func CheckRun(dir, kind string) error {
	if err := checkPlace(dir, kind); err != nil {
		return err
	}
	return safefile.CheckRunDir(dir, kind, recogniser(kind))
}

// checkPlace refuses a folder among another run's own files (RunFile: in
// its checkpoints/, say) or its checkpoints/ itself, and an unmarked folder
// whose files show a run of another kind.
func checkPlace(dir, kind string) error {
	run, ok := RunFile(dir)
	if parent := filepath.Dir(filepath.Clean(dir)); !ok && filepath.Clean(dir) == CheckpointDir(parent) && isRun(parent) {
		run, ok = parent, true
	}
	if ok {
		return fmt.Errorf("%s lies among the files of the run in %s, which its own command writes; use a folder outside it", dir, run)
	}
	if marked, _ := safefile.ReadKind(dir); marked == "" {
		if old := legacyKind(dir); old != "" && old != kind {
			return fmt.Errorf("%s holds a run of kind %q (recognised by its files), not %q; use another folder", dir, old, kind)
		}
	}
	return nil
}

// recogniser reports whether an unmarked folder holds a run of kind.
func recogniser(kind string) func(dir string) bool {
	return func(dir string) bool { return legacyKind(dir) == kind }
}

// runFiles are the files that a run's own command writes in its folder,
// besides its checkpoints/ (and a sweep's final scores, FinalScoreFile).
var runFiles = []string{recordFile, metricsFile, sweepFile, sweepTableFile, legacyRBMFile, divergedFile, safefile.KindFile, safefile.LockFile}

// RunFile reports whether path is one of the files that the command of a
// run folder writes (runFiles, a final score, or anything in its
// checkpoints/), and names that folder: another command writing there would
// corrupt the run. A run folder is one that is marked, or recognised by its
// files as ClaimRun recognises folders written before the marker
// (pretrained/'s among them). The folder is looked up both as typed and by
// its real path, so that neither a link to it, a path through "..", nor a
// checkpoints/ that is itself a link elsewhere is a way round. Other files
// beside a run's (a plot, samples) are not its.
func RunFile(path string) (run string, ok bool) {
	dirs := []string{filepath.Dir(path)}
	typed, _ := filepath.Split(path) // filepath.Dir drops "link/.." before the link is read
	if real, err := filepath.EvalSymlinks(typed + "."); err == nil {
		dirs = append(dirs, real)
	}
	base := filepath.Base(path)
	own := slices.Contains(runFiles, base) || isFinalScoreFile(base)
	for _, dir := range dirs {
		if parent := filepath.Dir(dir); dir == CheckpointDir(parent) && isRun(parent) {
			return parent, true
		}
		if own && isRun(dir) {
			return dir, true
		}
	}
	return "", false
}

// isRun reports whether dir is marked as a run folder or recognised as one
// by its files (legacyKind).
func isRun(dir string) bool {
	if k, _ := safefile.ReadKind(dir); k != "" {
		return true
	}
	return legacyKind(dir) != ""
}

// legacyKind guesses the kind of an unmarked run folder from its files.
func legacyKind(dir string) string {
	exists := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
	switch {
	case exists(sweepFile):
		return KindSweep
	case exists(legacyRBMFile):
		return KindRBM
	}
	var rec struct {
		Model  string          `json:"model"`
		Config chaoslib.Config `json:"config"`
	}
	if readJSON(dir, &rec) == nil {
		switch {
		case rec.Model == KindRBM:
			return KindRBM
		case rec.Config.Validate() == nil:
			return KindTrain
		}
		return ""
	}
	if _, steps, _ := Checkpoints(dir); len(steps) > 0 { // not an empty checkpoints/ of another tool
		return KindTrain
	}
	return ""
}

// CheckResume applies the rules of resuming run from its checkpoint ck up
// to steps training steps: the checkpoint's config must equal the run's
// config.json (training steps aside), so that a checkpoint dropped into
// checkpoints/ from another run is refused; and steps must not be below the
// checkpoint's step. Errors name the files.
func CheckResume(run, ckPath string, ck *chaoslib.Checkpoint, steps int) error {
	rec, err := ReadRunRecord(run)
	if err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	a, b := rec.Config, ck.Config
	a.Steps, b.Steps = 0, 0
	if !sameConfig(a, b) {
		return foreignCheckpoint(run, ckPath)
	}
	if steps < ck.Step {
		return fmt.Errorf("--resume: --steps %d is below the %d steps already done (%s); give --steps ≥ %d", steps, ck.Step, ckPath, ck.Step)
	}
	return nil
}

// foreignCheckpoint is the error for a checkpoint in run whose config is
// not the run's.
func foreignCheckpoint(run, ckPath string) error {
	return fmt.Errorf("--resume: %s was written with another config than %s (training steps aside); it is not this run's checkpoint",
		ckPath, RecordPath(run))
}
