package chaoslib

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/internal/npz"
)

// TestStepsAt: whole multiples of dt are exact, times between steps and
// beyond MaxEulerSteps are refused (1e300/dt used to overflow int to a
// negative count and run zero steps).
func TestStepsAt(t *testing.T) {
	c := Tiny(Restricted) // dt = 0.2
	for _, tc := range []struct {
		t    float64
		want int
		err  string
	}{
		{0, 0, ""}, {0.2, 1, ""}, {4, 20, ""}, {400, 2000, ""}, {0.6, 3, ""}, // 0.6/0.2 = 2.9999999999999996
		{MaxEulerSteps * 0.2, MaxEulerSteps, ""},
		{0.1, 0, "not a whole number of Euler steps of dt = 0.2 (t/dt = 0.5); use 0.2 (or 0, where"}, {0.3, 0, "use 0.2 or 0.4"},
		{MaxEulerSteps*0.2 + 0.2, 0, "at most 1000000"},
		{1e9, 0, "at most"}, {1e300, 0, "at most"}, {math.MaxFloat64, 0, "at most"},
		{-1, 0, "≥ 0"}, {math.NaN(), 0, "finite"}, {math.Inf(1), 0, "finite"},
	} {
		got, err := c.StepsAt(tc.t)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("StepsAt(%g) = %d, %v; want %d", tc.t, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("StepsAt(%g) = %d, %v; want error %q", tc.t, got, err, tc.err)
		}
	}
	tiny := c
	tiny.Dt = 1e-300
	if _, err := tiny.StepsAt(4); err == nil {
		t.Errorf("dt = 1e-300: 4e300 steps accepted")
	}
}

// TestRunTime: the time reached is dt times the rounded step count, so a
// time within rounding of a step reads as that step's time.
func TestRunTime(t *testing.T) {
	c := Tiny(Restricted) // dt = 0.2
	for _, tc := range []struct{ t, want float64 }{
		{0, 0}, {1e-320, 0}, {4, 4}, {4.0000000001, 4}, {0.6, 0.6000000000000001}, // 3·0.2 in float64
	} {
		if got := c.RunTime(tc.t); got != tc.want {
			t.Errorf("RunTime(%g) = %v, want %v", tc.t, got, tc.want)
		}
	}
}

// TestValidateLimits: every size, count and time limit, and a bad or
// misplaced GVisible, is a *FieldError
// naming its field, found without allocating.
func TestValidateLimits(t *testing.T) {
	for _, tc := range []struct {
		field string
		edit  func(*Config)
	}{
		{"N", func(c *Config) { c.N = MaxUnits + 1 }},
		{"Hidden[0]", func(c *Config) { c.Hidden = []int{1e8} }},
		{"Hidden[0]", func(c *Config) { c.Hidden = []int{math.MaxInt} }},
		{"Batch", func(c *Config) { c.Batch = 1e8 }},
		{"Chains", func(c *Config) { c.Chains = math.MaxInt }},
		{"Steps", func(c *Config) { c.Steps = MaxSteps + 1 }},
		{"T", func(c *Config) { c.T = 1e300 }},
		{"T", func(c *Config) { c.T = 1e9 }},
		{"T", func(c *Config) { c.Dt = 1e-300 }},
		{"T", func(c *Config) { c.T = 0.3 }},
		{"T", func(c *Config) { c.T = 0.01 }}, // 0.05 steps: not whole
		{"T", func(c *Config) { c.T = (MaxTrainEulerSteps + 1) * 0.2 }},
		{"GVisible", func(c *Config) { c.GVisible = -1 }},
		{"GVisible", func(c *Config) { c.GVisible = math.Inf(1) }},
		{"GVisible", func(c *Config) { c.Arch, c.Hidden, c.GVisible = Unrestricted, nil, 0.5 }},
		// learning-rule values that would be silently ignored
		{"Beta1", func(c *Config) { c.Optimizer, c.Beta1 = "sgd", 7 }},
		{"Beta2", func(c *Config) { c.Optimizer, c.Beta2 = "momentum", -3 }},
		{"AdamEps", func(c *Config) { c.Optimizer, c.AdamEps = "sgd", math.NaN() }},
		{"AdamEps", func(c *Config) { c.Optimizer, c.AdamEps = "momentum", -1 }},
		{"AdamEps", func(c *Config) { c.Optimizer, c.AdamEps = "adam", 0 }},
		{"LRMin", func(c *Config) { c.LRSchedule, c.LRMin = "constant", c.LR/2 }},
		{"Warmup", func(c *Config) { c.Warmup = c.Steps }},
		{"ClampRelax", func(c *Config) { c.Arch, c.Hidden, c.ClampRelax = Unrestricted, nil, "euler" }},
	} {
		c := Tiny(Restricted)
		tc.edit(&c)
		err := c.Validate()
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != tc.field {
			t.Errorf("%+v: Validate = %v, want a FieldError on %s", c, err, tc.field)
		}
	}
	c := Tiny(Restricted)
	c.Tau = 0.1 // below dt: the error names dt's rule and τ's value
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "dt ≤ τ, and τ is 0.1") {
		t.Errorf("τ = 0.1 < dt = %g: Validate = %v", c.Dt, err)
	}
	for _, arch := range Archs() {
		c := PaperMNIST(arch)
		c.N, c.Batch, c.Chains, c.Steps, c.T = MaxUnits, MaxRows, MaxRows, MaxSteps, MaxTrainEulerSteps*c.Dt
		if err := c.Validate(); err != nil {
			t.Errorf("%s at the limits: %v", arch, err)
		}
	}
}

// TestMemoryEstimate: ModelBytes counts every matrix (hand count for the
// restricted model) and CheckTrainMemory names the costly field.
func TestMemoryEstimate(t *testing.T) {
	c := Tiny(Restricted)
	c.N, c.Hidden, c.Batch, c.Chains = 10, []int{3}, 2, 5
	// biases 10 + 3; W, dW, Jup, W+Jup, Jdown, W+Jdown: 6·30
	if got, want := c.ModelBytes(), int64(4*(13+6*30)); got != want {
		t.Errorf("ModelBytes = %d, want %d", got, want)
	}
	// per row: x, φ, field of both layers and the host scratch of the larger
	if got, want := c.BatchBytes(7), int64(4*7*(3*13+10)); got != want {
		t.Errorf("BatchBytes(7) = %d, want %d", got, want)
	}
	if got, want := c.TrainBytes(), c.ModelBytes()+c.BatchBytes(2)+c.BatchBytes(5)+4*2*10; got != want || c.BatchesBytes() != want-c.ModelBytes() {
		t.Errorf("TrainBytes = %d, want %d", got, want)
	}
	big := PaperMNIST(Deep)
	big.Hidden = []int{MaxUnits, MaxUnits} // 65536² floats × 6: 103 GB
	if err := big.CheckTrainMemory(); err != nil {
		if fe, ok := err.(*FieldError); !ok || fe.Field != "Hidden" || !strings.Contains(fe.Rule, "GB of memory") {
			t.Errorf("CheckTrainMemory = %v, want the Hidden field and an estimate", err)
		}
	}
	rows := PaperMNIST(Restricted)
	rows.Chains = MaxRows
	if err := CheckMemory("Chains", rows.Chains, math.MaxInt64); err == nil || !strings.Contains(err.Error(), "Chains") {
		t.Errorf("CheckMemory(MaxInt64) = %v", err)
	}
}

// toyCheckpoint returns the meta.json and arrays of a real checkpoint of
// the toy model of arch.
func toyCheckpoint(t testing.TB, arch Arch) (meta []byte, arrays []npz.Array) {
	t.Helper()
	ck := mustTrainer(t, toyConfig(arch)).Checkpoint()
	path := filepath.Join(t.TempDir(), "ck.npz")
	if err := ck.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	meta, _, err := npz.Decode(raw, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ck.Params {
		arrays = append(arrays, npz.Array{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Data: p.Data})
	}
	return meta, arrays
}

// checkpointWithMeta writes a toy checkpoint whose meta.json has edit
// applied, keeping the arrays.
func checkpointWithMeta(t *testing.T, arch Arch, edit func(m map[string]any)) string {
	t.Helper()
	js, arrays := toyCheckpoint(t, arch)
	var m map[string]any
	json.Unmarshal(js, &m)
	edit(m)
	js, _ = json.Marshal(m)
	out, err := npz.Encode(js, arrays)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "edited.npz")
	os.WriteFile(path, out, 0o644)
	return path
}

// TestCheckpointMetaChecked: meta.json's sizes, step and array list are
// checked against each other before any array is read or model built.
func TestCheckpointMetaChecked(t *testing.T) {
	cfgOf := func(m map[string]any) map[string]any { return m["config"].(map[string]any) }
	for _, tc := range []struct {
		name string
		edit func(m map[string]any)
		want string
	}{
		{"unchanged", func(m map[string]any) {}, ""},
		{"hidden 1e8", func(m map[string]any) { cfgOf(m)["hidden"] = []int{1e8} }, "Hidden[0]"},
		{"hidden fits, arrays do not", func(m map[string]any) { cfgOf(m)["hidden"] = []int{60000} }, "model needs"},
		{"negative step", func(m map[string]any) { m["step"] = -5 }, "step -5"},
		{"absurd step", func(m map[string]any) { m["step"] = 1e15 }, "outside"},
		{"step beyond steps", func(m map[string]any) { m["step"] = 6 }, "outside 0…5"},
		{"T 1e300", func(m map[string]any) { cfgOf(m)["T"] = 1e300 }, "field T"},
		{"array dropped", func(m map[string]any) { m["arrays"] = m["arrays"].([]any)[1:] }, "lists no array"},
		{"array twice", func(m map[string]any) {
			a := m["arrays"].([]any)
			m["arrays"] = append(a, a[0])
		}, "listed twice"},
		{"array renamed", func(m map[string]any) { m["arrays"].([]any)[0].(map[string]any)["name"] = "W_v-z" }, "not a parameter"},
		{"array reshaped", func(m map[string]any) { m["arrays"].([]any)[0].(map[string]any)["shape"] = []int{1 << 16, 1 << 16} }, "model needs"},
	} {
		path := checkpointWithMeta(t, Restricted, tc.edit)
		ck, err := LoadCheckpoint(path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want == "":
			if _, err := ck.Model(newCPU(t)); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		case err == nil || !strings.Contains(err.Error(), tc.want):
			t.Errorf("%s: LoadCheckpoint = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestLoadCheckpointNotRegular: devices and folders are refused unread.
func TestLoadCheckpointNotRegular(t *testing.T) {
	for _, p := range []string{"/dev/zero", "/dev/null", t.TempDir()} {
		if _, err := LoadCheckpoint(p); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("LoadCheckpoint(%s) = %v", p, err)
		}
	}
}

// FuzzCheckpointMeta: whatever meta.json says, with the arrays of a real
// checkpoint, parsing never panics, and a checkpoint it accepts builds its
// model.
func FuzzCheckpointMeta(f *testing.F) {
	js, arrays := toyCheckpoint(f, Restricted)
	f.Add(js)
	f.Add([]byte(strings.Replace(string(js), `"step": 0`, `"step": -1`, 1)))
	f.Add([]byte(strings.Replace(string(js), `"hidden": [`, `"hidden": [100000000, `, 1)))
	f.Add([]byte(`{"format":"chaosgen-checkpoint","version":1}`))
	f.Fuzz(func(t *testing.T, meta []byte) {
		raw, err := npz.Encode(meta, arrays)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseCheckpoint(raw)
		if err != nil {
			return
		}
		if got.Step < 0 || got.Step > got.Config.Steps || got.Config.Validate() != nil {
			t.Fatalf("accepted step %d of config %+v", got.Step, got.Config)
		}
		if got.Config.ModelBytes() > 1<<24 {
			return // valid but large: Model would allocate it; not in a fuzz loop
		}
		if m, err := got.Model(newCPU(t)); err == nil {
			m.Free()
		}
	})
}

// TestDivergenceNamesGainAndSigma: an untrained model whose dynamics
// overflow float32 fails its first evaluation with an error naming g and
// sigma (it used to say "indices: generated set: value NaN at row 0"), and
// g_visible where it is set.
func TestDivergenceNamesGainAndSigma(t *testing.T) {
	for _, tc := range []struct {
		edit  func(*Config)
		lower string
	}{
		{func(c *Config) { c.G = 1e300 }, "lower g or sigma"},
		{func(c *Config) { c.Sigma = 1e300 }, "lower g or sigma"},
		{func(c *Config) { c.GVisible = 1e300 }, "g_visible = 1e+300 and sigma = 1; lower g, g_visible or sigma"},
	} {
		cfg := toyConfig(Restricted)
		tc.edit(&cfg)
		m := mustNew(t, cfg)
		test := toyData(8, cfg.N, 2)
		_, err := Evaluate(m, test, 8, []float64{cfg.T}, EvalOptions{Seed: 1})
		var nf *NonFiniteError
		if !errors.As(err, &nf) || nf.G != cfg.G || nf.GVisible != cfg.GVisible || nf.Sigma != cfg.Sigma || !strings.Contains(err.Error(), tc.lower) {
			t.Errorf("g = %g, σ = %g: %v", cfg.G, cfg.Sigma, err)
		}
		m.Free()
	}
}
