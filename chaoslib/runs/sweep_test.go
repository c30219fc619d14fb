package runs

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

func TestGridProduct(t *testing.T) {
	spec := SweepSpec{Base: chaoslib.Tiny(chaoslib.Restricted), Axes: []Axis{
		{"g", []float64{1.5, 2, 3}}, {"lr", []float64{0.05, 0.02}}, {"hidden", []float64{8}}}}
	got := Grid(spec)
	if len(got) != 6 {
		t.Fatalf("%d configs, want 3·2·1 = 6", len(got))
	}
	want := [][2]float64{{1.5, 0.05}, {1.5, 0.02}, {2, 0.05}, {2, 0.02}, {3, 0.05}, {3, 0.02}}
	for i, c := range got {
		if c.G != want[i][0] || c.LR != want[i][1] || c.Hidden[0] != 8 || c.Batch != spec.Base.Batch {
			t.Fatalf("config %d: g %g lr %g hidden %v, want %v", i, c.G, c.LR, c.Hidden, want[i])
		}
	}
	got[0].Hidden[0] = 99
	if got[1].Hidden[0] != 8 || spec.Base.Hidden[0] != 64 {
		t.Fatal("configs share their Hidden slice")
	}
	if v := VariedFields(got); !reflect.DeepEqual(v, []string{"g", "lr", "hidden"}) {
		t.Fatalf("VariedFields = %v", v)
	}

	// deep: hidden sets both layers; invalid points are skipped and reported
	spec = SweepSpec{Base: chaoslib.Tiny(chaoslib.Deep), Axes: []Axis{{"hidden", []float64{16}}, {"dt", []float64{0.2, 0.3}}}}
	ok, bad, err := Points(spec)
	if err != nil || len(ok) != 1 || len(bad) != 1 {
		t.Fatalf("Points: %d ok, %d skipped, err %v; want 1, 1", len(ok), len(bad), err)
	}
	if !reflect.DeepEqual(ok[0].Hidden, []int{16, 16}) {
		t.Fatalf("deep hidden = %v, want [16 16]", ok[0].Hidden)
	}
	var fe *chaoslib.FieldError
	if !errors.As(bad[0].Err, &fe) || fe.Field != "T" || bad[0].Config.Dt != 0.3 {
		t.Fatalf("skipped: %+v", bad[0])
	}
}

func TestRandomPointsDeterministic(t *testing.T) {
	spec := SweepSpec{Base: chaoslib.Tiny(chaoslib.Restricted), Seed: 5, Axes: []Axis{
		{"g", []float64{1.2, 1.5, 2, 3}}, {"lr", []float64{0.1, 0.05, 0.02}}, {"seed", []float64{1, 2, 3}}}}
	a, b := RandomPoints(spec, 10), RandomPoints(spec, 10)
	if len(a) != 10 || !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed gave different points (%d, %d)", len(a), len(b))
	}
	seen := map[[3]float64]bool{}
	for _, c := range a {
		k := [3]float64{c.G, c.LR, float64(c.Seed)}
		if seen[k] {
			t.Fatalf("duplicate point %v", k)
		}
		seen[k] = true
	}
	spec.Seed = 6
	if reflect.DeepEqual(a, RandomPoints(spec, 10)) {
		t.Fatal("different seeds gave the same points")
	}
	if n := len(RandomPoints(spec, 100)); n != 36 {
		t.Fatalf("k beyond the grid size gave %d points, want all 36", n)
	}
	spec.Random = 4
	if ok, _, _ := Points(spec); len(ok) != 4 {
		t.Fatalf("Points with Random = 4 gave %d", len(ok))
	}
}

func TestParseGrid(t *testing.T) {
	axes, err := ParseGrid(" g=1.5, 2,3 ; --lr=0.05,0.02;")
	if err != nil {
		t.Fatal(err)
	}
	want := []Axis{{"g", []float64{1.5, 2, 3}}, {"lr", []float64{0.05, 0.02}}}
	if !reflect.DeepEqual(axes, want) {
		t.Fatalf("ParseGrid = %v, want %v", axes, want)
	}
	for in, msg := range map[string]string{
		"x=1":             `unknown field "x"`,
		"g=1;G=2":         `unknown field "G"`,
		"g=1,abc":         `"abc" is not a number`,
		"g=":              `"" is not a number`,
		"g":               `want FIELD=V1,V2`,
		"g=1;g=2":         "field g given twice",
		"batch=10,12.5":   "field batch: value 12.5 is not a whole number",
		"hidden=-4":       "field hidden: value -4",
		"lr=NaN":          "field lr: value NaN is not finite",
		" ; ":             "no axes",
		"tau=1;data-clip": `axis "data-clip"`,
	} {
		if _, err := ParseGrid(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseGrid(%q) = %v, want an error containing %q", in, err, msg)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestSweepEndToEnd: two tiny configs write two run folders and sweep.csv
// with two rows; a re-run retrains nothing; a sweep killed in its second
// run resumes it and ends with the same indices.
func TestSweepEndToEnd(t *testing.T) {
	base := chaoslib.Tiny(chaoslib.Restricted)
	base.Dataset, base.N, base.Hidden, base.Batch, base.Chains, base.Steps = "toy", 16, []int{8}, 8, 8, 6
	configs := Grid(SweepSpec{Base: base, Axes: []Axis{{"lr", []float64{0.05, 0.02}}}})
	be := cpu.New(1)
	t.Cleanup(func() { be.Close() })
	d := &Data{Train: toySet(40, 16, 1), Test: toySet(20, 16, 2)}
	out := t.TempDir()
	var trained int
	rows, err := Sweep(context.Background(), configs, out, be, d, 10, func(e SweepEvent) {
		if e.Train != nil {
			trained++
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if trained != 12 || len(rows) != 2 {
		t.Fatalf("%d training steps and %d rows, want 12 and 2", trained, len(rows))
	}
	recs := readCSV(t, filepath.Join(out, "sweep.csv"))
	wantHead := []string{"run", "lr", "steps", "seconds", "E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage", "status"}
	if !reflect.DeepEqual(recs[0], wantHead) || len(recs) != 3 {
		t.Fatalf("sweep.csv:\n%v", recs)
	}
	for i, r := range recs[1:] {
		if r[0] != []string{"0", "1"}[i] || r[1] != []string{"0.05", "0.02"}[i] || r[2] != "6" || r[4] == "" || r[6] == "" || r[11] != "ok" {
			t.Fatalf("row %d: %v", i, r)
		}
	}
	for i := range 2 {
		if ms, err := ReadMetrics(filepath.Join(RunDir(out, i), "metrics.csv")); err != nil || ms[len(ms)-1].Step != 6 {
			t.Fatalf("run %d metrics: %v", i, err)
		}
	}

	// a re-run reuses both runs
	var reused int
	trained = 0
	if _, err := Sweep(context.Background(), configs, out, be, d, 10, func(e SweepEvent) {
		if e.Train != nil {
			trained++
		}
		if e.Row != nil && e.Reused {
			reused++
		}
	}); err != nil {
		t.Fatal(err)
	}
	if trained != 0 || reused != 2 {
		t.Fatalf("re-run trained %d steps and reused %d runs, want 0 and 2", trained, reused)
	}
	if again := readCSV(t, filepath.Join(out, "sweep.csv")); !reflect.DeepEqual(again, recs) {
		t.Fatalf("re-run changed sweep.csv:\n%v\n%v", recs, again)
	}

	// a sweep killed during run 1 step 3 resumes it
	part := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	rows, err = Sweep(ctx, configs, part, be, d, 10, func(e SweepEvent) {
		if e.Train != nil && e.Run == 1 && e.Train.Step == 3 {
			cancel()
		}
	})
	if !errors.Is(err, ErrInterrupted) || len(rows) != 1 {
		t.Fatalf("killed sweep: err %v, %d rows", err, len(rows))
	}
	var resumed bool
	trained = 0
	if _, err := Sweep(context.Background(), configs, part, be, d, 10, func(e SweepEvent) {
		resumed = resumed || (e.Resumed && e.Run == 1)
		if e.Train != nil {
			trained++
		}
	}); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, filepath.Join(part, "sweep.csv"))
	if !resumed || trained != 3 || len(got) != 3 {
		t.Fatalf("resumed %v, trained %d steps, %d lines", resumed, trained, len(got))
	}
	for i := 1; i < 3; i++ {
		if got[i][4] != recs[i][4] || got[i][7] != recs[i][7] {
			t.Fatalf("resumed sweep row %d differs: %v vs %v", i, got[i], recs[i])
		}
	}

	// a folder of another config is refused
	other := append([]chaoslib.Config(nil), configs...)
	other[0].G = 2
	if _, err := Sweep(context.Background(), other, out, be, d, 10, nil); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Fatalf("foreign run folder: %v", err)
	}
}

func TestTrainArgs(t *testing.T) {
	c := chaoslib.PaperMNIST(chaoslib.Deep)
	c.DataClip = 0.01
	got := strings.Join(TrainArgs(c, "runs/x"), " ")
	want := "--model deep --dataset mnist --g 1.5 --tau 1 --dt 0.2 --T 4 --lr 0.05 --sigma 1 --batch 200 --chains 200 --hidden 500,500 --steps 10000 --data-clip 0.01 --seed 1 --out runs/x"
	if got != want {
		t.Fatalf("TrainArgs:\n got %s\nwant %s", got, want)
	}
}
