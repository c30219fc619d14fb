package main

import (
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// TestPresetNote checks the preset values that the config flags' help
// shows: an empty named option is written as the value it stands for.
func TestPresetNote(t *testing.T) {
	want := map[string]string{
		"Optimizer": "tuned momentum (unrestricted adam) (deep sgd), paper sgd, tiny sgd",
		"Minibatch": "preset replace",
		"Dt":        "preset 0.2",
		"Dataset":   "preset mnist",
		"Hidden":    "tuned 2000 (fashion-mnist 1000) (unrestricted none) (deep 2000,500), paper 500 (unrestricted none) (deep 500,500), tiny 64 (unrestricted none) (deep 64,32)",
	}
	for _, f := range chaoslib.ConfigFields {
		note := presetNote(f)
		if w, ok := want[f.Name]; ok && note != w {
			t.Errorf("presetNote(%s) = %q, want %q", f.Name, note, w)
		}
		if f.Name == "Arch" {
			continue // "default restricted": the model flag's real default
		}
		for _, v := range strings.Split(note, ", ") {
			if strings.HasSuffix(v, " ") || strings.Contains(v, "default") {
				t.Errorf("presetNote(%s) = %q: a preset's value is not named", f.Name, note)
			}
		}
	}
}
