package chaoslib

import (
	"fmt"
	"strings"
	"testing"
)

// TestPresets: every preset validates for every architecture and data set
// and records the data set; the tuned preset keeps the paper preset's
// dt, τ, σ and B = P, and changes only the values listed below.
func TestPresets(t *testing.T) {
	for _, name := range PresetNames() {
		for _, a := range Archs() {
			for _, ds := range []string{"mnist", "fashion-mnist"} {
				c, err := Preset(name, a, ds)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Validate(); err != nil {
					t.Errorf("%s %s %s: %v", name, a, ds, err)
				}
				if c.Dataset != ds || c.Arch != a {
					t.Errorf("%s %s %s: got arch %s, data set %q", name, a, ds, c.Arch, c.Dataset)
				}
			}
		}
	}
	// The tuned preset case by case (docs/TUNING.md): g, g_v, T, η, the
	// optimizer, the hidden sizes, the clip and the steps as listed, the
	// cosine η and average of every case, and otherwise the paper preset's
	// values.
	for _, c := range []struct {
		arch        Arch
		ds          string
		g, gv, T, η float64
		optimizer   string
		hidden      string
		clip        float64
		steps       int
	}{
		{Unrestricted, "mnist", 1.5, 0, 4, 1e-3, "adam", "[]", 0, 10000},
		{Unrestricted, "fashion-mnist", 1.5, 0, 4, 1e-3, "adam", "[]", 0, 10000},
		{Restricted, "mnist", 2, 0.25, 8.4, 2.5e-4, "momentum", "[2000]", 0.05, 10000},
		{Restricted, "fashion-mnist", 1.2, 0.25, 6, 5e-4, "momentum", "[1000]", 0.05, 10000},
		{Deep, "mnist", 2.5, 0.25, 6, 0.001, "sgd", "[2000 500]", 0.05, 10000},
		{Deep, "fashion-mnist", 2.5, 0.25, 6, 0.001, "sgd", "[2000 500]", 0.05, 10000},
	} {
		tuned, paper := Tuned(c.arch, c.ds), PaperMNIST(c.arch)
		r := tuned.LearningRule
		if tuned.G != c.g || tuned.GVisible != c.gv || tuned.T != c.T || tuned.LR != c.η || r.Optimizer != c.optimizer ||
			tuned.DataClip != c.clip || r.LRSchedule != "cosine" || r.EMA != 0.999 {
			t.Errorf("tuned %s %s: g %g, g_v %g, T %g, η %g, %s, clip %g, %s, EMA %g; want g %g, g_v %g, T %g, η %g, %s, clip %g, cosine, EMA 0.999",
				c.arch, c.ds, tuned.G, tuned.GVisible, tuned.T, tuned.LR, r.Optimizer, tuned.DataClip, r.LRSchedule, r.EMA, c.g, c.gv, c.T, c.η, c.optimizer, c.clip)
		}
		if tuned.Steps != c.steps {
			t.Errorf("tuned %s %s: %d steps, want %d", c.arch, c.ds, tuned.Steps, c.steps)
		}
		if got := fmt.Sprint(tuned.Hidden); got != c.hidden {
			t.Errorf("tuned %s %s: hidden sizes %s, want %s", c.arch, c.ds, got, c.hidden)
		}
		if want := map[bool]string{true: "trained", false: ""}[c.arch == Unrestricted]; r.DiagA != want {
			t.Errorf("tuned %s %s: DiagA %q, want %q", c.arch, c.ds, r.DiagA, want)
		}
		tuned.G, tuned.GVisible, tuned.T, tuned.LR, tuned.DataClip, tuned.Steps, tuned.Dataset, tuned.Hidden = paper.G, paper.GVisible, paper.T, paper.LR, paper.DataClip, paper.Steps, paper.Dataset, paper.Hidden
		tuned.LearningRule, paper.LearningRule = LearningRule{}, LearningRule{}
		if !sameFields(tuned, paper) {
			t.Errorf("tuned %s %s differs from the paper preset beyond the values above:\n%+v\n%+v", c.arch, c.ds, tuned, paper)
		}
	}
	if mnist, dflt := Tuned(Restricted, "mnist"), Tuned(Restricted, ""); fmt.Sprint(mnist.Hidden) != fmt.Sprint(dflt.Hidden) || dflt.Dataset != "mnist" {
		t.Errorf(`tuned restricted "": hidden %v, data set %q; want MNIST's %v`, dflt.Hidden, dflt.Dataset, mnist.Hidden)
	}
	if _, err := Preset("huge", Restricted, ""); err == nil || !strings.Contains(err.Error(), "tuned, paper, tiny") {
		t.Errorf("unknown preset: %v", err)
	}
	// "fashion" would have got MNIST's tuned 2-layer values without a word
	if _, err := Preset(PresetTuned, Restricted, "fashion"); err == nil || !strings.Contains(err.Error(), `unknown data set "fashion"`) {
		t.Errorf("unknown data set: %v", err)
	}
}

// sameFields compares two configs field by field through ConfigFields.
func sameFields(a, b Config) bool {
	for _, f := range ConfigFields {
		if f.Get(a) != f.Get(b) {
			return false
		}
	}
	return true
}

// TestTunedLR: the tuned η from the hidden sizes, by hand: 0.5/M for the
// 2-layer model, min(0.002, 2/M1) for the deep one, none without a hidden
// layer.
func TestTunedLR(t *testing.T) {
	for _, c := range []struct {
		arch   Arch
		hidden []int
		lr     float64
		ok     bool
	}{
		{Restricted, []int{1000}, 5e-4, true},
		{Restricted, []int{2000}, 2.5e-4, true},
		{Restricted, []int{250}, 0.002, true},
		{Restricted, nil, 0, false},
		{Deep, []int{500, 500}, 0.002, true},  // min(0.002, 2/500)
		{Deep, []int{1000, 500}, 0.002, true}, // 2/1000
		{Deep, []int{2000, 500}, 0.001, true}, // 2/2000
		{Deep, []int{4000, 1000}, 5e-4, true}, // 2/4000
		{Unrestricted, nil, 0, false},
	} {
		if lr, ok := TunedLR(c.arch, c.hidden); lr != c.lr || ok != c.ok {
			t.Errorf("TunedLR(%s, %v) = %g, %v; want %g, %v", c.arch, c.hidden, lr, ok, c.lr, c.ok)
		}
	}
}
