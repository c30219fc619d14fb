package runs

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// SweepSpec describes a hyper-parameter search: Base with the values of
// each axis substituted, as a full grid (Random = 0) or as Random points
// drawn from the axes with the PCG seeded by Seed.
type SweepSpec struct {
	Base   chaoslib.Config
	Axes   []Axis
	Random int    // > 0: this many random points instead of the grid
	Seed   uint64 // seeds the random points (not the runs: those use Config.Seed)
}

// Axis is one swept Config field, named by its CLI flag (see SweepFields),
// and the values it takes, written as the flag takes them: "0.05", "500",
// "adam". Whole numbers may be written as floats ("1e3"); hidden is one
// size, which a point gives to every hidden layer.
type Axis struct {
	Field  string
	Values []string
}

// SweepFields lists the fields a sweep can vary, by CLI flag name, in the
// order of the sweep.csv columns: every row of chaoslib.ConfigFields but
// the model and the data set, which are one per sweep (--model, --dataset).
// "hidden" sets the single hidden layer of the restricted model, or both
// layers of the deep one.
var SweepFields = sweepFields()

// notSwept names the ConfigFields rows that a sweep keeps from its base.
var notSwept = map[string]bool{"Arch": true, "Dataset": true}

func sweepFields() []string {
	var out []string
	for _, f := range chaoslib.ConfigFields {
		if !notSwept[f.Name] {
			out = append(out, f.Flag)
		}
	}
	return out
}

// sweepField returns the ConfigFields row of a sweep field.
func sweepField(name string) (chaoslib.ConfigField, bool) {
	f, ok := chaoslib.FieldByFlag(name)
	return f, ok && !notSwept[f.Name]
}

// FieldValue returns the value of a sweep field of c as the flag takes it
// (ConfigField.Get; hidden: "M" or "M1,M2", "" without hidden layers).
func FieldValue(c chaoslib.Config, field string) string {
	f, ok := sweepField(field)
	if !ok {
		panic("runs: unknown sweep field " + strconv.Quote(field))
	}
	return f.Get(c)
}

// axisValue checks the value s of sweep field f and returns it as the
// flag takes it. Choices and number syntax are checked by f.Set (a bad
// choice such as optimizer=rmsprop is refused there); numbers must also be
// finite, and whole numbers ≥ 0 for integer fields, where a float spelling
// ("1e3") is accepted and written out ("1000"); hidden is one size.
// Errors name the field and quote the value.
func axisValue(f chaoslib.ConfigField, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("field %s: empty value", f.Flag)
	}
	if f.Whole() {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return "", fmt.Errorf("field %s: %q is not a number", f.Flag, s)
		}
		if v != math.Trunc(v) || v < 0 || v > 1<<53 {
			return "", fmt.Errorf("field %s: value %s is not a whole number ≥ 0", f.Flag, s)
		}
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	var c chaoslib.Config
	if err := f.Set(&c, s); err != nil {
		return "", fmt.Errorf("field %s: %v", f.Flag, err)
	}
	if f.Numeric() {
		if v := f.Value(c); math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("field %s: value %s is not finite", f.Flag, s)
		}
	}
	return f.Get(c), nil
}

// Check reports the first bad axis: an unknown or repeated field, no
// values, a value that axisValue refuses, or one value twice (as 1.5 and
// 1.50). Errors name the field.
func (s SweepSpec) Check() error {
	seen := map[string]bool{}
	for _, a := range s.Axes {
		f, known := sweepField(a.Field)
		if !known {
			return fmt.Errorf("unknown field %q (want one of %s)", a.Field, strings.Join(SweepFields, ", "))
		}
		if seen[a.Field] {
			return fmt.Errorf("field %s given twice", a.Field)
		}
		seen[a.Field] = true
		if len(a.Values) == 0 {
			return fmt.Errorf("field %s has no values", a.Field)
		}
		values := map[string]bool{}
		for _, v := range a.Values {
			canon, err := axisValue(f, v)
			if err != nil {
				return err
			}
			if values[canon] {
				return fmt.Errorf("field %s: value %s is listed twice (the runs would be the same)", a.Field, v)
			}
			values[canon] = true
		}
	}
	if s.Random < 0 {
		return fmt.Errorf("random = %d: must be ≥ 0", s.Random)
	}
	return nil
}

// runs returns the number of points the spec trains: the grid size, or
// Random when smaller; counts past 2³⁰ read as 2³⁰.
func (s SweepSpec) runs() int {
	size := 1
	for _, a := range s.Axes {
		size *= len(a.Values)
		if size > 1<<30 {
			size = 1 << 30
			break
		}
	}
	if s.Random > 0 {
		return min(s.Random, size)
	}
	return size
}

// ParseGrid parses axes written as "g=1.5,2,3;optimizer=sgd,adam": fields
// named by their CLI flag (an optional leading "--" is accepted), separated
// by ';', each with comma-separated values, checked and written as the flag
// takes them (axisValue). Errors quote the bad part.
func ParseGrid(s string) ([]Axis, error) {
	var axes []Axis
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, vals, ok := strings.Cut(part, "=")
		name = strings.TrimPrefix(strings.TrimSpace(name), "--")
		if !ok || name == "" {
			return nil, fmt.Errorf("axis %q: want FIELD=V1,V2,…", part)
		}
		f, known := sweepField(name)
		if !known {
			return nil, fmt.Errorf("axis %q: unknown field %q (want one of %s)", part, name, strings.Join(SweepFields, ", "))
		}
		a := Axis{Field: name}
		for _, t := range strings.Split(vals, ",") {
			v, err := axisValue(f, t)
			if err != nil {
				return nil, fmt.Errorf("axis %q: %v", part, err)
			}
			a.Values = append(a.Values, v)
		}
		axes = append(axes, a)
	}
	if len(axes) == 0 {
		return nil, errors.New("no axes (want e.g. \"g=1.5,2;optimizer=sgd,adam\")")
	}
	if err := (SweepSpec{Axes: axes}).Check(); err != nil {
		return nil, err
	}
	return axes, nil
}

// Skipped is a point of a sweep whose config failed validation.
type Skipped struct {
	Config chaoslib.Config
	Err    error
}

// Points returns the sweep's configs (RandomPoints(spec, spec.Random) when
// Random > 0, else Grid) and the points that failed Config.Validate or
// Config.CheckTrainMemory, or an error from spec.Check or for more than
// chaoslib.MaxSweepRuns runs (refused before any point is built).
func Points(spec SweepSpec) ([]chaoslib.Config, []Skipped, error) {
	if err := spec.Check(); err != nil {
		return nil, nil, err
	}
	if n := spec.runs(); n > chaoslib.MaxSweepRuns {
		return nil, nil, fmt.Errorf("%d runs (the grid's points, or --random); at most %d", n, chaoslib.MaxSweepRuns)
	}
	var all []chaoslib.Config
	if spec.Random > 0 {
		all = randomPoints(spec, spec.Random)
	} else {
		all = gridPoints(spec)
	}
	var ok []chaoslib.Config
	var bad []Skipped
	for _, c := range all {
		if err := c.Validate(); err != nil {
			bad = append(bad, Skipped{c, err})
		} else if err := c.CheckTrainMemory(); err != nil {
			bad = append(bad, Skipped{c, err})
		} else {
			ok = append(ok, c)
		}
	}
	return ok, bad, nil
}

// Grid returns the cartesian product of the axes applied to Base, the last
// axis varying fastest, without the combinations that fail Config.Validate
// (Points reports them). It panics if spec.Check fails.
func Grid(spec SweepSpec) []chaoslib.Config {
	spec.Random = 0
	ok, _, err := Points(spec)
	if err != nil {
		panic("runs: Grid: " + err.Error())
	}
	return ok
}

// RandomPoints returns k points, each axis value drawn uniformly from its
// list by a PCG seeded by spec.Seed; a point equal to an earlier one is
// redrawn (k is capped at the grid size). Points failing Config.Validate are
// dropped (Points reports them). It panics if spec.Check fails.
func RandomPoints(spec SweepSpec, k int) []chaoslib.Config {
	if err := spec.Check(); err != nil {
		panic("runs: RandomPoints: " + err.Error())
	}
	var ok []chaoslib.Config
	for _, c := range randomPoints(spec, k) {
		if c.Validate() == nil {
			ok = append(ok, c)
		}
	}
	return ok
}

// point applies the value indices idx (one per axis) to a copy of Base,
// through ConfigField.Set; hidden's one size goes to every hidden layer
// (SetValue), so that the deep model keeps its two.
func (s SweepSpec) point(idx []int) chaoslib.Config {
	c := s.Base
	c.Hidden = append([]int(nil), s.Base.Hidden...)
	for i, a := range s.Axes {
		f, _ := sweepField(a.Field)            // known: Check passed
		v, _ := axisValue(f, a.Values[idx[i]]) // valid: Check passed
		if f.Name == "Hidden" {
			m, _ := strconv.Atoi(v)
			f.SetValue(&c, float64(m))
		} else if err := f.Set(&c, v); err != nil {
			panic("runs: " + err.Error()) // axisValue set it already
		}
	}
	return c
}

func gridPoints(s SweepSpec) []chaoslib.Config {
	idx := make([]int, len(s.Axes))
	var out []chaoslib.Config
	for {
		out = append(out, s.point(idx))
		i := len(idx) - 1
		for ; i >= 0; i-- {
			if idx[i]++; idx[i] < len(s.Axes[i].Values) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out
		}
	}
}

// randomStream is the PCG stream of RandomPoints.
const randomStream = 0x7377656570 // "sweep"

func randomPoints(s SweepSpec, k int) []chaoslib.Config {
	s.Random = k
	k = s.runs()
	rng := rand.New(rand.NewPCG(s.Seed, randomStream))
	seen := map[string]bool{}
	var out []chaoslib.Config
	idx := make([]int, len(s.Axes))
	for len(out) < k {
		for i, a := range s.Axes {
			idx[i] = rng.IntN(len(a.Values))
		}
		key := fmt.Sprint(idx)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, s.point(idx))
	}
	return out
}

// TableFields returns the fields that sweep.csv and sweep's table show, in
// SweepFields order: the axes' fields, and any other whose values are not
// the same in all configs.
func TableFields(configs []chaoslib.Config, axes []Axis) []string {
	varied := VariedFields(configs)
	var out []string
	for _, f := range SweepFields {
		if slices.Contains(varied, f) || slices.ContainsFunc(axes, func(a Axis) bool { return a.Field == f }) {
			out = append(out, f)
		}
	}
	return out
}

// VariedFields returns the SweepFields whose values (FieldValue) are not
// the same in all configs, in SweepFields order.
func VariedFields(configs []chaoslib.Config) []string {
	var out []string
	for _, f := range SweepFields {
		for _, c := range configs[min(1, len(configs)):] {
			if FieldValue(c, f) != FieldValue(configs[0], f) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// SweepRow is one line of sweep.csv: a run and its indices at t = T after
// its last training step.
type SweepRow struct {
	Run     int             // index in the configs; the run's folder is RunDir(outDir, Run)
	Config  chaoslib.Config // the run's config
	Steps   int             // training steps done at the last metrics row
	Seconds float64         // training time at the last metrics row
	Report  *indices.Report // indices of the last checkpoint (Report.N: at the run's EvalN, or the sweep's FinalN); nil when the run has none (invalid, diverged before any)
	Status  string          // "ok", "diverged: …" or "invalid: …"
}

// SweepOptions says how Sweep scores its runs and which fields sweep.csv
// shows.
type SweepOptions struct {
	// Axes are the grid's axes: sweep.csv has a column for each, even where
	// the runs drawn (--random) share its value (TableFields).
	Axes []Axis
	// EvalN is the number of test images (and samples) of each metrics row
	// written during training.
	EvalN int
	// FinalN, when > 0, scores each run's last checkpoint once more at
	// n = FinalN (chaoslib.ScoreCheckpoints, seed 1, as `chaosgen eval`),
	// and sweep.csv ranks the runs by that score. Small n misranks runs
	// (docs/TUNING.md, round 9). The score is kept in the run's folder
	// (FinalScoreFile), so a re-run of the sweep does not repeat it.
	FinalN int
}

// FinalScoreFile names the file, in a run's folder, that holds its last
// checkpoint's score at n (a chaoslib.CheckpointScore, as JSON).
func FinalScoreFile(n int) string { return fmt.Sprintf(finalScoreFormat, n) }

const finalScoreFormat = "final-n%d.json"

// isFinalScoreFile reports whether name is FinalScoreFile(n) for some n.
func isFinalScoreFile(name string) bool {
	var n int
	_, err := fmt.Sscanf(name, finalScoreFormat, &n)
	return err == nil && name == FinalScoreFile(n)
}

// SweepEvent reports a sweep's progress.
type SweepEvent struct {
	Run, Runs int       // run index and number of configs
	Dir       string    // the run's folder
	Train     *Progress // a training step of the run; nil in the other events
	Resumed   bool      // the run continues from a checkpoint (first event of a run)
	Scoring   bool      // the run's last checkpoint is about to be scored at SweepOptions.FinalN
	Row       *SweepRow // the run's row, when it is done (Row.Status says how)
	Reused    bool      // with Row: the run was already complete and was not retrained
}

// RunDir names run i of a sweep: outDir/run-NNN.
func RunDir(outDir string, i int) string { return filepath.Join(outDir, fmt.Sprintf("run-%03d", i)) }

// divergedFile marks a run that diverged, so that a re-run of the sweep does
// not retrain it.
const divergedFile = "diverged.txt"

// Sweep trains every config (with Train, into RunDir(outDir, i), scoring
// sc.EvalN test images at t = T every Steps/20 steps), scores its last
// checkpoint at sc.FinalN when that is set, and rewrites
// outDir/sweep.csv atomically after each run, in run order. It is
// idempotent: a run already complete (its newest checkpoint and last metrics
// row at Config.Steps, or marked diverged) is not retrained, and a partial
// run (a killed sweep) is resumed from its newest checkpoint. A run folder
// holding a different config is an error. An invalid config or a diverged
// run gets a row with its status and the sweep goes on. Cancelling ctx
// checkpoints the current run and returns the rows so far and
// ErrInterrupted. progress may be nil.
func Sweep(ctx context.Context, configs []chaoslib.Config, outDir string, be backend.Backend, d *Data, sc SweepOptions, progress func(SweepEvent)) ([]SweepRow, error) {
	if d == nil || d.Train == nil || d.Test == nil || be == nil {
		return nil, errors.New("runs: Sweep needs data (train and test) and a device")
	}
	if sc.FinalN > d.Test.Len() {
		return nil, fmt.Errorf("runs: final score at n = %d, but the test set has %d images", sc.FinalN, d.Test.Len())
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	varied := TableFields(configs, sc.Axes)
	csvPath := SweepTablePath(outDir)
	var rows []SweepRow
	emit := func(e SweepEvent) {
		if progress != nil {
			e.Runs = len(configs)
			progress(e)
		}
	}
	for i, cfg := range configs {
		dir := RunDir(outDir, i)
		row := SweepRow{Run: i, Config: cfg}
		var done, resume bool
		verr := cfg.Validate()
		if verr == nil {
			var err error
			if done, resume, err = runState(dir, cfg); err != nil {
				return rows, err
			}
		}
		switch {
		case verr != nil:
			row.Status = "invalid: " + verr.Error()
		case done:
			if err := fillRow(&row, dir); err != nil {
				return rows, err
			}
		default:
			emit(SweepEvent{Run: i, Dir: dir, Resumed: resume})
			_, err := Train(cfg, RunOptions{
				Dir: dir, Resume: resume, Device: be, Train: d.Train, Test: d.Test,
				EvalN: sc.EvalN, Classifier: d.Classifier, Context: ctx,
				Command:  "chaosgen train " + strings.Join(TrainArgs(cfg, dir), " "),
				Progress: func(p Progress) { emit(SweepEvent{Run: i, Dir: dir, Train: &p}) },
			})
			var div *chaoslib.DivergedError
			switch {
			case errors.As(err, &div):
				if werr := chaoslib.WriteFileAtomic(filepath.Join(dir, divergedFile), []byte(div.Error()+"\n")); werr != nil {
					return rows, werr
				}
			case err != nil:
				return rows, err
			}
			if err := fillRow(&row, dir); err != nil {
				return rows, err
			}
		}
		if sc.FinalN > 0 && row.Status == "ok" && row.Report != nil {
			if err := finalScore(&row, dir, be, d, sc.FinalN, func() { emit(SweepEvent{Run: i, Dir: dir, Scoring: true}) }); err != nil {
				return rows, err
			}
		}
		rows = append(rows, row)
		if err := writeSweepCSV(csvPath, varied, rows); err != nil {
			return rows, err
		}
		emit(SweepEvent{Run: i, Dir: dir, Row: &rows[len(rows)-1], Reused: done})
	}
	return rows, nil
}

// runState inspects a run folder: done when complete (or diverged), resume
// when it holds a partial run of the same config.
func runState(dir string, cfg chaoslib.Config) (done, resume bool, err error) {
	rec, err := ReadRunRecord(dir)
	if os.IsNotExist(err) {
		if latest, _ := Latest(dir); latest != "" {
			return false, false, fmt.Errorf("%s holds checkpoints but no config.json; remove it or use another --out", dir)
		}
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if diff := configDiff(rec.Config, cfg); diff != "" {
		return false, false, fmt.Errorf("%s holds a run of another config (%s differ from %s); remove it or use another --out", dir, diff, RecordPath(dir))
	}
	if _, err := os.Stat(filepath.Join(dir, divergedFile)); err == nil {
		return true, false, nil
	}
	_, steps, err := Checkpoints(dir)
	if err != nil || len(steps) == 0 {
		return false, false, err // killed before the first checkpoint: start again
	}
	if last := steps[len(steps)-1]; last < cfg.Steps {
		return false, true, nil
	}
	rows, err := ReadMetrics(MetricsPath(dir))
	if err != nil {
		return false, false, err
	}
	if len(rows) == 0 || rows[len(rows)-1].Step != cfg.Steps {
		return false, false, fmt.Errorf("%s: checkpoint at step %d but metrics.csv does not reach it; remove the run", dir, cfg.Steps)
	}
	return true, false, nil
}

// sameConfig compares two configs through their JSON form (Hidden nil and
// empty are the same).
func sameConfig(a, b chaoslib.Config) bool {
	if len(a.Hidden) == 0 && len(b.Hidden) == 0 {
		a.Hidden, b.Hidden = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// fillRow completes row from the run folder: its last metrics row (the steps
// done, the training time and the indices then) and the diverged marker.
func fillRow(row *SweepRow, dir string) error {
	row.Status = "ok"
	if msg, err := safefile.ReadRegular(filepath.Join(dir, divergedFile), MaxRecordBytes); err == nil {
		row.Status = "diverged: " + strings.TrimSpace(strings.TrimPrefix(string(msg), "chaoslib: "))
	}
	ms, err := ReadMetrics(MetricsPath(dir))
	if err != nil {
		if row.Status != "ok" && os.IsNotExist(err) {
			return nil
		}
		return err
	}
	if len(ms) > 0 {
		last := ms[len(ms)-1]
		row.Report = &last.Report
		row.Steps, row.Seconds = last.Step, last.Seconds
	}
	return nil
}

// finalScore sets row's indices to the score of the run's last checkpoint
// at n test images, read from FinalScoreFile(n) when that scored the same
// checkpoint, else computed (after calling scoring) and written there.
func finalScore(row *SweepRow, dir string, be backend.Backend, d *Data, n int, scoring func()) error {
	latest, err := Latest(dir)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, FinalScoreFile(n))
	var sc chaoslib.CheckpointScore
	if js, err := safefile.ReadRegular(path, MaxRecordBytes); err == nil && json.Unmarshal(js, &sc) == nil && sc.Path == latest {
		row.Report = &sc.Report
		return nil
	}
	scoring()
	scores, err := chaoslib.ScoreCheckpoints([]string{latest}, be, d.Test.X, n, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: 1})
	if err != nil {
		return err
	}
	js, _ := json.MarshalIndent(scores[0], "", "  ")
	if err := chaoslib.WriteFileAtomic(path, append(js, '\n')); err != nil {
		return err
	}
	row.Report = &scores[0].Report
	return nil
}

// SweepColumns returns the sweep.csv header for the varied fields ("steps"
// is not repeated: the steps column holds the steps done).
func SweepColumns(varied []string) []string {
	cols := []string{"run"}
	for _, f := range varied {
		if f != "steps" {
			cols = append(cols, f)
		}
	}
	return append(cols, "steps", "seconds", "n", "E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage", "status")
}

func (r SweepRow) record(varied []string) []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	rec := []string{strconv.Itoa(r.Run)}
	for _, v := range varied {
		if v != "steps" {
			rec = append(rec, FieldValue(r.Config, v))
		}
	}
	rec = append(rec, strconv.Itoa(r.Steps), f(r.Seconds))
	if p := r.Report; p != nil {
		er := ""
		if p.ER != nil {
			er = f(*p.ER)
		}
		rec = append(rec, strconv.Itoa(p.N), f(p.E2), f(p.Es), er, f(p.EAAI), f(p.AATruth), f(p.AASyn), strconv.Itoa(p.Coverage))
	} else {
		rec = append(rec, "", "", "", "", "", "", "", "")
	}
	return append(rec, r.Status)
}

func writeSweepCSV(path string, varied []string, rows []SweepRow) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(SweepColumns(varied))
	for _, r := range rows {
		w.Write(r.record(varied))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return chaoslib.WriteFileAtomic(path, []byte(b.String()))
}

// TrainArgs returns the `chaosgen train` flags that reproduce cfg into the
// folder out: --preset paper, then every chaoslib.ConfigFields field
// spelled out (empty values, such as no hidden layers, left out), but the
// learning-rule options at the paper preset's value (ConfigField.Default:
// the plain rule), which --preset paper gives them; the default preset,
// tuned, would not.
func TrainArgs(cfg chaoslib.Config, out string) []string {
	args := []string{"--preset", chaoslib.PresetPaper}
	for _, f := range chaoslib.ConfigFields {
		if v := f.Get(cfg); v != "" && !f.Default(cfg) {
			args = append(args, "--"+f.Flag, v)
		}
	}
	return append(args, "--out", out)
}
