package chaoslib

import (
	"reflect"
	"strings"
	"testing"
)

// TestConfigFieldsCoverConfig: every Config field but N (the data's pixel
// count), those of the embedded LearningRule included, has exactly one ConfigFields row, whose Name is the field's and
// whose Ptr points at it; flags are unique.
func TestConfigFieldsCoverConfig(t *testing.T) {
	var c Config
	v := reflect.ValueOf(&c).Elem()
	rows := map[string]int{}
	flags := map[string]bool{}
	for _, f := range ConfigFields {
		rows[f.Name]++
		if flags[f.Flag] {
			t.Errorf("flag --%s used twice", f.Flag)
		}
		flags[f.Flag] = true
		sf := v.FieldByName(f.Name)
		if !sf.IsValid() {
			t.Errorf("row %s: Config has no such field", f.Name)
			continue
		}
		if got, want := reflect.ValueOf(f.Ptr(&c)).Pointer(), sf.Addr().Pointer(); got != want {
			t.Errorf("row %s: Ptr points at another field", f.Name)
		}
	}
	for _, sf := range reflect.VisibleFields(v.Type()) { // embedded structs' fields too
		if name := sf.Name; !sf.Anonymous && name != "N" && rows[name] != 1 {
			t.Errorf("Config.%s has %d ConfigFields rows, want 1", name, rows[name])
		}
	}
}

// TestConfigFieldGetSet: Set(Get(c)) is the identity for every field, and
// the numeric accessors read and write the same fields.
func TestConfigFieldGetSet(t *testing.T) {
	for _, arch := range Archs() {
		c := PaperMNIST(arch)
		c.G, c.LR, c.Seed, c.DataClip = 1.0/3, 1e-300, 1<<63+5, 0.05
		for _, f := range ConfigFields {
			var d Config
			if err := f.Set(&d, f.Get(c)); err != nil {
				t.Fatalf("%s: Set(Get) = %v", f.Name, err)
			}
			if got, want := reflect.ValueOf(d).FieldByName(f.Name).Interface(), reflect.ValueOf(c).FieldByName(f.Name).Interface(); f.Get(c) != "" && !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: Set(Get) gave %v, want %v", arch, f.Name, got, want)
			}
		}
	}
	g, _ := FieldByFlag("g")
	h, _ := FieldByFlag("hidden")
	a, _ := FieldByFlag("model")
	if !g.Numeric() || g.Whole() || !h.Numeric() || !h.Whole() || a.Numeric() {
		t.Fatal("Numeric/Whole kinds wrong")
	}
	c := PaperMNIST(Deep)
	shared := c.Hidden
	h.SetValue(&c, 32)
	g.SetValue(&c, 2.5)
	if !reflect.DeepEqual(c.Hidden, []int{32, 32}) || shared[0] != 500 || c.G != 2.5 || h.Value(c) != 32 || g.Value(c) != 2.5 {
		t.Fatalf("SetValue: hidden %v (old slice %v), g %g", c.Hidden, shared, c.G)
	}
	u := PaperMNIST(Unrestricted)
	if h.Value(u) != 0 || h.Get(u) != "" {
		t.Fatalf("no hidden layers: Value %g, Get %q", h.Value(u), h.Get(u))
	}
	for _, bad := range []string{"0", "-3", "4,,5", "x"} {
		if err := h.Set(&c, bad); err == nil {
			t.Errorf("--hidden %q accepted", bad)
		}
	}
	// fields with named values take only those ("" is the default)
	for _, tc := range []struct{ flag, value, err string }{
		{"optimizer", "adam", ""},
		{"optimizer", "", ""},
		{"optimizer", "rmsprop", `--optimizer "rmsprop": want one of sgd, momentum or adam`},
		{"lr-schedule", "cosine", ""},
		{"lr-schedule", "Cosine", `--lr-schedule "Cosine": want one of constant, linear or cosine`},
		{"diag-a", "zero", ""},
		{"clamp-relax", "implicit", `--clamp-relax "implicit"`},
		{"minibatch", "epoch", ""},
		{"dataset", "anything", ""}, // checked against the data sets elsewhere
	} {
		f, _ := FieldByFlag(tc.flag)
		var d Config
		err := f.Set(&d, tc.value)
		switch {
		case tc.err == "" && (err != nil || f.Get(d) != tc.value):
			t.Errorf("--%s %q: error %v, got %q", tc.flag, tc.value, err, f.Get(d))
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("--%s %q: error %v, want one containing %q", tc.flag, tc.value, err, tc.err)
		}
	}
}
