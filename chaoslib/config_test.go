package chaoslib

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// TestConfigJSONOldKey: the architecture is written under "arch" and read
// from "arch" or, in files of older versions, "model".
func TestConfigJSONOldKey(t *testing.T) {
	want := Tiny(Deep)
	js, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(js, &m); err != nil {
		t.Fatal(err)
	}
	if m["arch"] != "deep" || m["model"] != nil {
		t.Fatalf("written keys: arch %v, model %v; want arch deep and no model", m["arch"], m["model"])
	}
	for _, tc := range []struct {
		name, js string
		want     Arch
	}{
		{"new key", `{"arch":"restricted","N":3}`, Restricted},
		{"old key", `{"model":"unrestricted","N":3}`, Unrestricted},
		{"both: arch wins", `{"arch":"deep","model":"restricted","N":3}`, Deep},
	} {
		var c Config
		if err := json.Unmarshal([]byte(tc.js), &c); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.Arch != tc.want || c.N != 3 {
			t.Errorf("%s: Arch %q N %d, want %q 3", tc.name, c.Arch, c.N, tc.want)
		}
	}
	var back Config
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip: %+v, want %+v", back, want)
	}
}

// TestLoadPretrainedOldKey loads a shipped checkpoint, written before the
// rename (its meta.json says "model"), and builds its model.
func TestLoadPretrainedOldKey(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "pretrained", "restricted-mnist", "checkpoints", "*.npz"))
	if len(paths) == 0 {
		t.Skip("no pretrained/restricted-mnist checkpoint")
	}
	ck, err := LoadCheckpoint(paths[len(paths)-1])
	if err != nil {
		t.Fatal(err)
	}
	if ck.Config.Arch != Restricted {
		t.Fatalf("Arch = %q, want restricted", ck.Config.Arch)
	}
	be := cpu.New(1)
	defer be.Close()
	if _, err := ck.Model(be); err != nil {
		t.Fatal(err)
	}
}
