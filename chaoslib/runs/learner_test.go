package runs

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// countLearner is a Learner whose state is its step count; its score E2 is
// the step, and Update fails at step failAt (0: never).
type countLearner struct{ step, total, failAt int }

func (l *countLearner) Steps() (int, int) { return l.step, l.total }

func (l *countLearner) Update() (chaoslib.Stats, error) {
	if l.step+1 == l.failAt {
		return chaoslib.Stats{}, errors.New("diverged")
	}
	l.step++
	return chaoslib.Stats{Step: l.step}, nil
}

func (l *countLearner) Evaluate(_ blas32.General, n int, _ *indices.Classifier) (indices.Report, error) {
	return indices.Report{N: n, E2: float64(l.step)}, nil
}

func (l *countLearner) Save(path string, extra map[string]any) error {
	js, _ := json.Marshal(map[string]any{"step": l.step, "extra": extra})
	return os.WriteFile(path, js, 0o644)
}

func (l *countLearner) Load(path string) (map[string]any, error) {
	var v struct {
		Step  int            `json:"step"`
		Extra map[string]any `json:"extra"`
	}
	raw, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(raw, &v)
	}
	l.step = v.Step
	return v.Extra, err
}

func (l *countLearner) Record(info RunInfo) any {
	return map[string]any{"total": l.total, "info": info}
}
func (l *countLearner) Kind() string { return KindTrain }

// TestRunLoop checks Run's contract on a Learner that only counts: metrics
// rows at step 0, every EvalEvery and the end; checkpoints at LogSteps; an
// Update error keeps the last good checkpoint; a resume continues from it
// with the rows and seconds so far, and refuses a total below the steps
// done.
func TestRunLoop(t *testing.T) {
	dir := t.TempDir()
	o := RunOptions{Dir: dir, Test: toySet(20, 16, 2), EvalEvery: 4, EvalN: 5}
	res, err := Run(&countLearner{total: 12, failAt: 7}, o)
	if err == nil || err.Error() != "diverged" || filepath.Base(res.Checkpoint) != "step-0000005.npz" {
		t.Fatalf("failing update: err %v, last checkpoint %q; want diverged and step 5", err, res.Checkpoint)
	}
	o.Resume = true
	if _, err := Run(&countLearner{total: 3}, o); err == nil || !strings.Contains(err.Error(), "--steps 3 is below the 5 steps already done") {
		t.Fatalf("resume below the steps done: %v", err)
	}
	res, err = Run(&countLearner{total: 12}, o)
	if err != nil || res.Steps != 12 {
		t.Fatalf("resume: %v, %d steps", err, res.Steps)
	}
	if _, steps, _ := Checkpoints(dir); !slices.Equal(steps, []int{1, 2, 5, 10, 12}) {
		t.Errorf("checkpoints at %v, want LogSteps(12, 3) = 1 2 5 10 12", steps)
	}
	rows, err := ReadMetrics(filepath.Join(dir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for i, r := range rows {
		steps = append(steps, r.Step)
		if r.E2 != float64(r.Step) || r.N != 5 || (i > 0 && r.Seconds < rows[i-1].Seconds) {
			t.Errorf("row %+v: want E2 = step, n = 5, seconds not decreasing", r)
		}
	}
	if !slices.Equal(steps, []int{0, 4, 8, 12}) {
		t.Errorf("metrics rows at %v, want 0 4 8 12 (the row at 4 kept across the resume)", steps)
	}
	var rec struct {
		Total int     `json:"total"`
		Info  RunInfo `json:"info"`
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "config.json")); err != nil || json.Unmarshal(raw, &rec) != nil || rec.Total != 12 || rec.Info.EvalEvery != 4 {
		t.Errorf("config.json: %+v (%v)", rec, err)
	}
}

// TestReadMetricsCounts: step, n and coverage must be whole numbers ≥ 0 (a
// step of NaN read as the most negative int before); other columns may be
// NaN, and an empty ER is no ER.
func TestReadMetricsCounts(t *testing.T) {
	const header = "step,seconds,t,n,E2,Es,ER,EAAI,AA_truth,AA_syn,coverage\n"
	dir := t.TempDir()
	for _, tc := range []struct {
		row, want string
	}{
		{"NaN,0,4,10,0.1,0.1,,0.5,1,1,3", `column step: "NaN" is not a whole number`},
		{"5,0,4,10.5,0.1,0.1,,0.5,1,1,3", `column n: "10.5" is not a whole number`},
		{"5,0,4,10,0.1,0.1,,0.5,1,1,-1", `column coverage: "-1" is not a whole number`},
		{"5,0,4,10,NaN,0.1,,0.5,1,1,3", ""},
	} {
		path := filepath.Join(dir, "metrics.csv")
		os.WriteFile(path, []byte(header+tc.row+"\n"), 0o644)
		rows, err := ReadMetrics(path)
		switch {
		case tc.want == "" && (err != nil || len(rows) != 1 || rows[0].Step != 5 || rows[0].ER != nil):
			t.Errorf("%s: %+v, %v", tc.row, rows, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want an error containing %q", tc.row, err, tc.want)
		}
	}
}
