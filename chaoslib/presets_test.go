package chaoslib

import (
	"strings"
	"testing"
)

// TestPresets: every preset validates for every architecture and data set
// and records the data set; the tuned preset keeps the paper preset's
// sizes and dynamics and changes only the learning rule's values.
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
	for _, a := range Archs() {
		tuned, paper := Tuned(a, "mnist"), PaperMNIST(a)
		tuned.LearningRule, paper.LearningRule = LearningRule{}, LearningRule{}
		tuned.LR, tuned.DataClip, tuned.GVisible = paper.LR, paper.DataClip, paper.GVisible
		if !sameFields(tuned, paper) {
			t.Errorf("%s: tuned and paper presets differ beyond η, the data clip, g_v and the learning rule:\n%+v\n%+v", a, tuned, paper)
		}
	}
	if got := Tuned(Unrestricted, "").DiagA; got != "zero" {
		t.Errorf("tuned unrestricted DiagA = %q, want zero", got)
	}
	if _, err := Preset("huge", Restricted, ""); err == nil || !strings.Contains(err.Error(), "tuned, paper, tiny") {
		t.Errorf("unknown preset: %v", err)
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
