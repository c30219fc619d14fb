package runs

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

func TestGridProduct(t *testing.T) {
	spec := SweepSpec{Base: chaoslib.Tiny(chaoslib.Restricted), Axes: []Axis{
		{"g", []string{"1.5", "2", "3"}}, {"lr", []string{"0.05", "0.02"}}, {"hidden", []string{"8"}}}}
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
	spec = SweepSpec{Base: chaoslib.Tiny(chaoslib.Deep), Axes: []Axis{{"hidden", []string{"16"}}, {"dt", []string{"0.2", "0.3"}}}}
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

// TestGridStringAxes: a grid over a choice and a number has the product's
// count, sets both fields (the rest as Base) with the last axis fastest,
// and reports both as varied, in ConfigFields order; a choice that a
// point's model refuses (diag-a=zero without the unrestricted model) is
// skipped and reported.
func TestGridStringAxes(t *testing.T) {
	base := chaoslib.Tiny(chaoslib.Restricted)
	spec := SweepSpec{Base: base, Axes: []Axis{{"optimizer", []string{"sgd", "adam"}}, {"lr", []string{"0.05", "0.02"}}}}
	got := Grid(spec)
	want := []struct {
		opt string
		lr  float64
	}{{"sgd", 0.05}, {"sgd", 0.02}, {"adam", 0.05}, {"adam", 0.02}}
	if len(got) != len(want) {
		t.Fatalf("%d configs, want 2·2 = 4", len(got))
	}
	for i, c := range got {
		b := base
		b.Optimizer, b.LR = want[i].opt, want[i].lr
		if !reflect.DeepEqual(c, b) {
			t.Fatalf("config %d:\n%+v\nwant\n%+v", i, c, b)
		}
	}
	if v := VariedFields(got); !reflect.DeepEqual(v, []string{"lr", "optimizer"}) {
		t.Fatalf("VariedFields = %v, want [lr optimizer] (table order)", v)
	}
	// one point drawn (--random 1): nothing varies, but the axes stay columns
	if v := TableFields(got[:1], spec.Axes); !reflect.DeepEqual(v, []string{"lr", "optimizer"}) {
		t.Fatalf("TableFields of one run = %v, want [lr optimizer]", v)
	}
	if v := TableFields(append(got[:1:1], got[0]), spec.Axes[:1]); !reflect.DeepEqual(v, []string{"optimizer"}) {
		t.Fatalf("TableFields = %v, want [optimizer]", v)
	}

	type point struct{ diag, relax string }
	for _, tc := range []struct {
		arch    chaoslib.Arch
		ok      []point
		skipped string // the field of the option that does not apply to arch
	}{
		{chaoslib.Unrestricted, []point{{"trained", "exact"}, {"zero", "exact"}}, "ClampRelax"},
		{chaoslib.Restricted, []point{{"trained", "exact"}, {"trained", "euler"}}, "DiagA"},
	} {
		spec := SweepSpec{Base: chaoslib.Tiny(tc.arch), Axes: []Axis{{"diag-a", []string{"trained", "zero"}}, {"clamp-relax", []string{"exact", "euler"}}}}
		ok, bad, err := Points(spec)
		if err != nil || len(ok) != len(tc.ok) || len(bad) != 4-len(tc.ok) {
			t.Fatalf("%s: %d ok, %d skipped, err %v; want %d, %d", tc.arch, len(ok), len(bad), err, len(tc.ok), 4-len(tc.ok))
		}
		for _, b := range bad {
			var fe *chaoslib.FieldError
			if !errors.As(b.Err, &fe) || fe.Field != tc.skipped {
				t.Fatalf("%s: skipped %+v (%v), want a %s error", tc.arch, b.Config, b.Err, tc.skipped)
			}
		}
		for i, c := range ok {
			if (point{c.DiagA, c.ClampRelax}) != tc.ok[i] {
				t.Fatalf("%s: point %d is %s, %s; want %+v", tc.arch, i, c.DiagA, c.ClampRelax, tc.ok[i])
			}
		}
	}
}

// TestRandomPointsDeterministic: for numeric and string axes, the same seed
// draws the same distinct points, each value from its axis' list; another
// seed draws others; k past the grid size gives the whole grid.
func TestRandomPointsDeterministic(t *testing.T) {
	for _, tc := range []struct {
		name string
		axes []Axis
		size int
	}{
		{"numeric", []Axis{{"g", []string{"1.2", "1.5", "2", "3"}}, {"lr", []string{"0.1", "0.05", "0.02"}}, {"seed", []string{"1", "2", "3"}}}, 36},
		{"string", []Axis{{"lr-schedule", []string{"constant", "linear", "cosine"}}, {"optimizer", []string{"sgd", "momentum", "adam"}},
			{"minibatch", []string{"replace", "epoch"}}, {"clamp-relax", []string{"exact", "euler"}}}, 36},
		{"mixed", []Axis{{"optimizer", []string{"sgd", "adam"}}, {"warmup", []string{"0", "50", "150"}}, {"ema", []string{"0", "0.999"}}}, 12},
	} {
		spec := SweepSpec{Base: chaoslib.Tiny(chaoslib.Restricted), Seed: 5, Axes: tc.axes}
		a, b := RandomPoints(spec, 10), RandomPoints(spec, 10)
		if len(a) != min(10, tc.size) || !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: same seed gave different points (%d, %d)", tc.name, len(a), len(b))
		}
		seen := map[string]bool{}
		for _, c := range a {
			var key []string
			for _, ax := range tc.axes {
				v := FieldValue(c, ax.Field)
				if !slices.Contains(ax.Values, v) {
					t.Fatalf("%s: %s = %q is not among %q", tc.name, ax.Field, v, ax.Values)
				}
				key = append(key, v)
			}
			if k := strings.Join(key, " "); seen[k] {
				t.Fatalf("%s: duplicate point %s", tc.name, k)
			} else {
				seen[k] = true
			}
		}
		spec.Seed = 6
		if reflect.DeepEqual(a, RandomPoints(spec, 10)) {
			t.Fatalf("%s: different seeds gave the same points", tc.name)
		}
		if n := len(RandomPoints(spec, 100)); n != tc.size {
			t.Fatalf("%s: k beyond the grid size gave %d points, want all %d", tc.name, n, tc.size)
		}
		spec.Random = 4
		if ok, _, _ := Points(spec); len(ok) != 4 {
			t.Fatalf("%s: Points with Random = 4 gave %d", tc.name, len(ok))
		}
	}
}

func TestParseGrid(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Axis
	}{
		{" g=1.5, 2,3 ; --lr=0.05,0.02;", []Axis{{"g", []string{"1.5", "2", "3"}}, {"lr", []string{"0.05", "0.02"}}}},
		{"optimizer=sgd,adam;lr-schedule=constant,cosine", []Axis{{"optimizer", []string{"sgd", "adam"}}, {"lr-schedule", []string{"constant", "cosine"}}}},
		{"diag-a=trained,zero;clamp-relax=exact,euler;minibatch=replace,epoch",
			[]Axis{{"diag-a", []string{"trained", "zero"}}, {"clamp-relax", []string{"exact", "euler"}}, {"minibatch", []string{"replace", "epoch"}}}},
		// numbers as the flag takes them: whole numbers spelled out, floats in shortest form
		{"chains=1e3,200;lr=0.050;seed=7;hidden=16", []Axis{{"chains", []string{"1000", "200"}}, {"lr", []string{"0.05"}}, {"seed", []string{"7"}}, {"hidden", []string{"16"}}}},
	} {
		axes, err := ParseGrid(tc.in)
		if err != nil || !reflect.DeepEqual(axes, tc.want) {
			t.Errorf("ParseGrid(%q) = %q, %v; want %q", tc.in, axes, err, tc.want)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"x=1", `unknown field "x"`},
		{"g=1;G=2", `unknown field "G"`},
		{"model=deep", `unknown field "model"`},
		{"dataset=mnist", `unknown field "dataset"`},
		{"g=1,abc", `field g: --g "abc": want a number`},
		{"g=", "field g: empty value"},
		{"optimizer=sgd,,adam", "field optimizer: empty value"},
		{"g", `want FIELD=V1,V2`},
		{"g=1;g=2", "field g given twice"},
		{"optimizer=sgd;optimizer=adam", "field optimizer given twice"},
		{"g=1.5,1.50", "field g: value 1.5 is listed twice"},
		{"optimizer=sgd,adam,sgd", "field optimizer: value sgd is listed twice"},
		{"steps=100,1e2", "field steps: value 100 is listed twice"},
		{"batch=10,12.5", "field batch: value 12.5 is not a whole number"},
		{"batch=-1", "field batch: value -1 is not a whole number"},
		{"hidden=-4", "field hidden: value -4"},
		{"hidden=8,0", `field hidden: --hidden "0": want positive`},
		{"lr=NaN", "field lr: value NaN is not finite"},
		{"optimizer=sgd,rmsprop", `axis "optimizer=sgd,rmsprop": field optimizer: --optimizer "rmsprop": want one of sgd, momentum or adam`},
		{"lr-schedule=cosine,step", `field lr-schedule: --lr-schedule "step": want one of constant, linear or cosine`},
		{"diag-a=zero,none", `field diag-a: --diag-a "none"`},
		{"clamp-relax=Euler", `field clamp-relax: --clamp-relax "Euler"`},
		{"minibatch=epoch,shuffle", `field minibatch: --minibatch "shuffle"`},
		{" ; ", "no axes"},
		{"tau=1;data-clip", `axis "data-clip"`},
	} {
		if _, err := ParseGrid(tc.in); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("ParseGrid(%q) = %v, want an error containing %q", tc.in, err, tc.msg)
		}
	}
	// a spec built in Go is checked the same way
	bad := SweepSpec{Axes: []Axis{{"optimizer", []string{"adam", "rmsprop"}}}}
	if err := bad.Check(); err == nil || !strings.Contains(err.Error(), `--optimizer "rmsprop"`) {
		t.Errorf("Check of optimizer=rmsprop: %v", err)
	}
}

// TestSweepCSVStringColumns: sweep.csv has one column per varied field, in
// ConfigFields order, string fields written as their flag takes them.
func TestSweepCSVStringColumns(t *testing.T) {
	base := chaoslib.Tiny(chaoslib.Deep)
	configs := Grid(SweepSpec{Base: base, Axes: []Axis{{"optimizer", []string{"sgd", "adam"}}, {"hidden", []string{"16", "8"}}, {"lr", []string{"0.02"}}}})
	var rows []SweepRow
	for i, c := range configs {
		rows = append(rows, SweepRow{Run: i, Config: c, Steps: 3, Status: "ok"})
	}
	path := filepath.Join(t.TempDir(), "sweep.csv")
	if err := writeSweepCSV(path, VariedFields(configs), rows); err != nil {
		t.Fatal(err)
	}
	got := readCSV(t, path)
	want := [][]string{
		{"run", "hidden", "optimizer", "steps", "seconds", "n", "E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage", "status"},
		{"0", "16,16", "sgd", "3", "0", "", "", "", "", "", "", "", "", "ok"},
		{"1", "8,8", "sgd", "3", "0", "", "", "", "", "", "", "", "", "ok"},
		{"2", "16,16", "adam", "3", "0", "", "", "", "", "", "", "", "", "ok"},
		{"3", "8,8", "adam", "3", "0", "", "", "", "", "", "", "", "", "ok"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sweep.csv:\n%q\nwant\n%q", got, want)
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
	configs := Grid(SweepSpec{Base: base, Axes: []Axis{{"lr", []string{"0.05", "0.02"}}}})
	be := cpu.New(1)
	t.Cleanup(func() { be.Close() })
	d := &Data{Train: toySet(40, 16, 1), Test: toySet(20, 16, 2)}
	out := t.TempDir()
	var trained int
	rows, err := Sweep(context.Background(), configs, out, be, d, SweepOptions{EvalN: 10}, func(e SweepEvent) {
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
	wantHead := []string{"run", "lr", "steps", "seconds", "n", "E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage", "status"}
	if !reflect.DeepEqual(recs[0], wantHead) || len(recs) != 3 {
		t.Fatalf("sweep.csv:\n%v", recs)
	}
	for i, r := range recs[1:] {
		if r[0] != []string{"0", "1"}[i] || r[1] != []string{"0.05", "0.02"}[i] || r[2] != "6" || r[4] != "10" || r[5] == "" || r[7] == "" || r[12] != "ok" {
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
	if _, err := Sweep(context.Background(), configs, out, be, d, SweepOptions{EvalN: 10}, func(e SweepEvent) {
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
	rows, err = Sweep(ctx, configs, part, be, d, SweepOptions{EvalN: 10}, func(e SweepEvent) {
		if e.Train != nil && e.Run == 1 && e.Train.Step == 3 {
			cancel()
		}
	})
	if !errors.Is(err, ErrInterrupted) || len(rows) != 1 {
		t.Fatalf("killed sweep: err %v, %d rows", err, len(rows))
	}
	var resumed bool
	trained = 0
	if _, err := Sweep(context.Background(), configs, part, be, d, SweepOptions{EvalN: 10}, func(e SweepEvent) {
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
		if got[i][5] != recs[i][5] || got[i][8] != recs[i][8] {
			t.Fatalf("resumed sweep row %d differs: %v vs %v", i, got[i], recs[i])
		}
	}

	// a folder of another config is refused
	other := append([]chaoslib.Config(nil), configs...)
	other[0].G = 2
	if _, err := Sweep(context.Background(), other, out, be, d, SweepOptions{EvalN: 10}, nil); err == nil || !strings.Contains(err.Error(), "another config (g differ") {
		t.Fatalf("foreign run folder: %v", err)
	}
}

// TestTrainArgs: --preset paper, every field spelled out, the learning-rule
// options only away from the paper preset's value, string options included.
func TestTrainArgs(t *testing.T) {
	deep := chaoslib.PaperMNIST(chaoslib.Deep)
	deep.DataClip = 0.01
	un := chaoslib.PaperMNIST(chaoslib.Unrestricted)
	un.Optimizer, un.LRSchedule, un.LRMin, un.DiagA, un.Minibatch = "adam", "cosine", 0.001, "zero", "epoch"
	res := chaoslib.PaperMNIST(chaoslib.Restricted)
	res.GVisible, res.ClampRelax = 0.25, "euler"
	for _, tc := range []struct {
		cfg  chaoslib.Config
		want string
	}{
		{deep, "--preset paper --model deep --dataset mnist --g 1.5 --tau 1 --dt 0.2 --T 4 --lr 0.05 --sigma 1 --batch 200 --chains 200 --hidden 500,500 --steps 10000 --data-clip 0.01 --seed 1 --out runs/x"},
		{un, "--preset paper --model unrestricted --dataset mnist --g 1.5 --tau 1 --dt 0.2 --T 4 --lr 0.05 --sigma 1 --batch 200 --chains 200 --steps 10000 --data-clip 0 --seed 1 " +
			"--lr-schedule cosine --lr-min 0.001 --optimizer adam --diag-a zero --minibatch epoch --out runs/x"},
		{res, "--preset paper --model restricted --dataset mnist --g 1.5 --g-visible 0.25 --tau 1 --dt 0.2 --T 4 --lr 0.05 --sigma 1 --batch 200 --chains 200 --hidden 500 --steps 10000 --data-clip 0 --seed 1 --clamp-relax euler --out runs/x"},
	} {
		if got := strings.Join(TrainArgs(tc.cfg, "runs/x"), " "); got != tc.want {
			t.Errorf("TrainArgs:\n got %s\nwant %s", got, tc.want)
		}
	}
}

// TestSweepFinalN: with FinalN each row holds the last checkpoint's score at
// n = FinalN (the score ScoreCheckpoints gives it with eval's seed), kept in
// the run's folder, so that a re-run reuses it and scores nothing; a FinalN
// beyond the test set is an error.
func TestSweepFinalN(t *testing.T) {
	base := chaoslib.Tiny(chaoslib.Restricted)
	base.Dataset, base.N, base.Hidden, base.Batch, base.Chains, base.Steps = "toy", 16, []int{8}, 8, 8, 4
	configs := Grid(SweepSpec{Base: base, Axes: []Axis{{"lr", []string{"0.05", "0.02"}}}})
	be := cpu.New(1)
	t.Cleanup(func() { be.Close() })
	d := &Data{Train: toySet(40, 16, 1), Test: toySet(20, 16, 2)}
	out := t.TempDir()
	sweep := func(sc SweepOptions) ([]SweepRow, int, error) {
		scored := 0
		rows, err := Sweep(context.Background(), configs, out, be, d, sc, func(e SweepEvent) {
			if e.Scoring {
				scored++
			}
		})
		return rows, scored, err
	}
	rows, scored, err := sweep(SweepOptions{EvalN: 5, FinalN: 15})
	if err != nil {
		t.Fatal(err)
	}
	if scored != 2 || len(rows) != 2 {
		t.Fatalf("scored %d runs, %d rows; want 2 and 2", scored, len(rows))
	}
	for i, r := range rows {
		latest, err := Latest(RunDir(out, i))
		if err != nil {
			t.Fatal(err)
		}
		want, err := chaoslib.ScoreCheckpoints([]string{latest}, be, d.Test.X, 15, chaoslib.EvalOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Report == nil || r.Report.N != 15 || r.Report.EAAI != want[0].Report.EAAI || r.Report.E2 != want[0].Report.E2 {
			t.Fatalf("run %d: report %+v, want %+v", i, r.Report, want[0].Report)
		}
		if _, err := os.Stat(filepath.Join(RunDir(out, i), FinalScoreFile(15))); err != nil {
			t.Fatal(err)
		}
		ms, err := ReadMetrics(filepath.Join(RunDir(out, i), "metrics.csv"))
		if err != nil || ms[len(ms)-1].N != 5 {
			t.Fatalf("run %d: training metrics at n = %v (%v), want 5", i, ms[len(ms)-1].N, err)
		}
	}
	recs := readCSV(t, filepath.Join(out, "sweep.csv"))
	if recs[0][4] != "n" || recs[1][4] != "15" || recs[2][4] != "15" {
		t.Fatalf("sweep.csv n column: %v", recs)
	}

	again, scored, err := sweep(SweepOptions{EvalN: 5, FinalN: 15})
	if err != nil || scored != 0 || !reflect.DeepEqual(again, rows) {
		t.Fatalf("re-run: scored %d runs (want 0), err %v, rows equal %v", scored, err, reflect.DeepEqual(again, rows))
	}
	plain, scored, err := sweep(SweepOptions{EvalN: 5})
	if err != nil || scored != 0 || plain[0].Report.N != 5 {
		t.Fatalf("without FinalN: scored %d, err %v, n %d; want the last metrics row at n = 5", scored, err, plain[0].Report.N)
	}
	if _, _, err := sweep(SweepOptions{EvalN: 5, FinalN: 21}); err == nil || !strings.Contains(err.Error(), "20 images") {
		t.Fatalf("FinalN beyond the test set: %v", err)
	}
}
