package runs

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/datatest"
)

// pretrainedEntry is one row of pretrained/results.json (scripts/results).
type pretrainedEntry struct {
	Name  string         `json:"name"`
	Check indices.Report `json:"check"`
}

// Tolerances of TestPretrained. The recorded values were computed with one
// OpenBLAS kernel family; another rounds GEMMs differently, which the free
// runs amplify a little, so the indices are compared loosely: E2, Es and ER
// within 5 % (relative), EAAI, AA_truth and AA_syn within 0.02, coverage
// within 1 class.
const (
	relTol = 0.05
	absTol = 0.02
)

// TestPretrained loads every shipped model and checks that the indices
// recorded in pretrained/results.json (n = 1000, seed 1) recompute.
func TestPretrained(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	dir := filepath.Join("..", "..", "pretrained")
	raw, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if os.IsNotExist(err) {
		t.Skip("no pretrained/results.json")
	}
	if err != nil {
		t.Fatal(err)
	}
	var entries []pretrainedEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("results.json lists no model")
	}
	be := cpu.New(0)
	defer be.Close()
	datas := map[string]*Data{}
	for _, e := range entries {
		t.Run(e.Name, func(t *testing.T) {
			ds := "mnist"
			if strings.HasSuffix(e.Name, "fashion-mnist") {
				ds = "fashion-mnist"
			}
			d, ok := datas[ds]
			if !ok {
				if d, err = LoadData(ds); err != nil {
					datatest.Missing(t, err)
				}
				datas[ds] = d
			}
			n := e.Check.N
			var got indices.Report
			if strings.HasPrefix(e.Name, "rbm-") {
				latest, err := Latest(filepath.Join(dir, e.Name))
				if err != nil || latest == "" {
					t.Fatalf("no RBM file for %s: %v", e.Name, err)
				}
				r, err := rbm.Load(latest)
				if err != nil {
					t.Fatal(err)
				}
				if got, err = ScoreRBM(r, d.Test.X, n, 1, d.Classifier); err != nil {
					t.Fatal(err)
				}
			} else {
				ck, err := Latest(filepath.Join(dir, e.Name))
				if err != nil || ck == "" {
					t.Fatalf("no checkpoint for %s: %v", e.Name, err)
				}
				m, err := chaoslib.LoadModel(ck, be)
				if err != nil {
					t.Fatal(err)
				}
				defer m.Free()
				rs, err := chaoslib.Evaluate(m, d.Test.X, n, []float64{m.Cfg.T}, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: 1})
				if err != nil {
					t.Fatal(err)
				}
				got = rs[0]
			}
			want := e.Check
			rel := func(name string, g, w float64) {
				if math.Abs(g-w) > relTol*math.Abs(w)+1e-9 {
					t.Errorf("%s = %.5g, recorded %.5g", name, g, w)
				}
			}
			abs := func(name string, g, w float64) {
				if math.Abs(g-w) > absTol {
					t.Errorf("%s = %.4f, recorded %.4f", name, g, w)
				}
			}
			rel("E2", got.E2, want.E2)
			rel("Es", got.Es, want.Es)
			if (got.ER == nil) != (want.ER == nil) {
				t.Errorf("ER present %v, recorded %v", got.ER != nil, want.ER != nil)
			} else if got.ER != nil {
				rel("ER", *got.ER, *want.ER)
			}
			abs("EAAI", got.EAAI, want.EAAI)
			abs("AA_truth", got.AATruth, want.AATruth)
			abs("AA_syn", got.AASyn, want.AASyn)
			if d := got.Coverage - want.Coverage; d > 1 || d < -1 {
				t.Errorf("coverage %d, recorded %d", got.Coverage, want.Coverage)
			}
		})
	}
}

// TestPretrainedArePresets: every shipped model was trained with its case's
// default preset, so that `chaosgen train --model M --dataset D` (or
// `chaosgen rbm --dataset D`) with no other flag reproduces it: the config
// recorded in pretrained/<case>/config.json is chaoslib.Tuned (rbm.Tuned)
// field for field.
func TestPretrainedArePresets(t *testing.T) {
	dir := filepath.Join("..", "..", "pretrained")
	if _, err := os.Stat(filepath.Join(dir, "results.json")); os.IsNotExist(err) {
		t.Skip("no pretrained/")
	}
	for _, c := range Cases() {
		rec, err := ReadRunRecord(filepath.Join(dir, c.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if want := chaoslib.Tuned(c.Arch, c.Dataset); !sameConfig(rec.Config, want) {
			t.Errorf("%s: shipped config\n%+v\nthe tuned preset\n%+v", c.Name(), rec.Config, want)
		}
	}
	for _, ds := range data.Datasets() {
		rec, err := ReadRBMRecord(filepath.Join(dir, "rbm-"+ds))
		if err != nil {
			t.Fatal(err)
		}
		if want := rbm.Tuned(ds); rec.Config != want {
			t.Errorf("rbm-%s: shipped config\n%+v\nrbm.Tuned\n%+v", ds, rec.Config, want)
		}
	}
}
