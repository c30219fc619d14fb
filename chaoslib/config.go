// Package chaoslib implements the chaotic recurrent generative networks of
// Fournier & Urbani, "Generative modeling through internal high-dimensional
// chaotic activity" (2024): three architectures built from layers and
// connections, their free and clamped dynamics, contrastive Hebbian learning,
// sampling and checkpoints. The equations are written out in docs/MODEL.md.
//
// Every layer obeys τ dx/dt = −x + Σ_conn (W + J) φ(x_other) + bias, with
// φ = tanh, J fixed random and asymmetric (gain g), and W, bias trained.
//
// The package map of the repository (which package imports which) is kept
// in one place: the "The library" section of README.md.
package chaoslib

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Arch names an architecture.
type Arch string

const (
	// Unrestricted is one layer of N units with a self-connection (docs/MODEL.md):
	// τ dx/dt = −x + (J + A) φ(x) + b, A symmetric.
	Unrestricted Arch = "unrestricted"
	// Restricted is two layers v (N) and h (M) joined by W (docs/MODEL.md).
	Restricted Arch = "restricted"
	// Deep is three layers v (N), h (M1), z (M2) joined by W1 and W2 (docs/MODEL.md).
	Deep Arch = "deep"
)

// Archs lists the architectures.
func Archs() []Arch { return []Arch{Unrestricted, Restricted, Deep} }

// ParseArch accepts an architecture name, also "2-layer"/"3-layer".
func ParseArch(s string) (Arch, error) {
	switch strings.ToLower(s) {
	case "unrestricted", "1-layer":
		return Unrestricted, nil
	case "restricted", "2-layer":
		return Restricted, nil
	case "deep", "3-layer":
		return Deep, nil
	}
	return "", fmt.Errorf("unknown model %q (want unrestricted, restricted or deep)", s)
}

// Config holds every setting of a model and its training. Values marked
// "assumed" in docs/MODEL.md are lost from the paper; the presets give working
// starting points, not the paper's values.
type Config struct {
	Arch    Arch   `json:"arch"`    // the architecture (read also from the key "model" of older files)
	Dataset string `json:"dataset"` // data set trained on (a record; "" for none)

	N      int   `json:"N"`      // visible units (paper: 784)
	Hidden []int `json:"hidden"` // hidden layer sizes: none, [M] or [M1, M2] (assumed 500)

	G float64 `json:"g"` // gain of the fixed random couplings J ~ N(0, g²/fan-in) (assumed 1.5; chaos needs g > 1)

	// GVisible, when > 0, replaces g for the fixed couplings into the
	// visible layer from the first hidden layer (Jvh ~ N(0, g_v²/M)), so
	// that the random drive on the pixels, of std ≈ g_v·rms φ(h), can be
	// set apart from the chaos of the loop v → h → v, to which both gains
	// contribute. Restricted and deep models only. Default 0: g_v = g (the
	// paper's single gain).
	GVisible float64 `json:"g_visible,omitempty"`

	Tau   float64 `json:"tau"`   // time constant τ (assumed 1)
	Dt    float64 `json:"dt"`    // Euler step, 0 < dt ≤ τ (assumed 0.2)
	T     float64 `json:"T"`     // target time; runs take T/dt Euler steps (assumed 4)
	Sigma float64 `json:"sigma"` // std of the N(0, σ²) initial conditions (assumed 1)

	LR     float64 `json:"lr"`     // learning rate η (assumed 0.05)
	Batch  int     `json:"batch"`  // B, data points per update (assumed 200)
	Chains int     `json:"chains"` // P, free runs per update (assumed 200)
	Steps  int     `json:"steps"`  // training steps (assumed 10⁴)

	// DataClip, when > 0, clips data to [−1+DataClip, 1−DataClip] before use.
	// tanh never reaches ±1, so the fields of always-black pixels otherwise
	// grow without bound (docs/MODEL.md). Default 0: off (the vanilla rule).
	DataClip float64 `json:"data_clip"`

	Seed uint64 `json:"seed"` // seeds the fixed couplings and every random draw

	// LearningRule: η schedule, optimizer, parameter averaging, L2, A's
	// diagonal, the clamped relaxation and the minibatch draw; all zero
	// values mean the plain rule (learningrule.go).
	LearningRule
}

// UnmarshalJSON reads a Config, accepting the key "model" for Arch as
// written by older versions (before the field was renamed), so that old
// checkpoints, runs and pretrained models still load.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config // no methods: no recursion
	var v struct {
		plain
		Model Arch `json:"model"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = Config(v.plain)
	if c.Arch == "" {
		c.Arch = v.Model
	}
	return nil
}

// FieldError is a Config validation failure that names the field.
type FieldError struct {
	Field string
	Value any
	Rule  string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("chaoslib: config field %s = %v: %s", e.Field, e.Value, e.Rule)
}

// Validate checks every field, the limits of limits.go included, and returns
// a *FieldError naming the first bad one. It allocates nothing.
func (c Config) Validate() error {
	bad := func(f string, v any, rule string) error { return &FieldError{f, v, rule} }
	want := map[Arch]int{Unrestricted: 0, Restricted: 1, Deep: 2}
	nh, ok := want[c.Arch]
	switch {
	case !ok:
		return bad("Arch", c.Arch, "must be unrestricted, restricted or deep")
	case c.N <= 0 || c.N > MaxUnits:
		return bad("N", c.N, fmt.Sprintf("must be in 1…%d", MaxUnits))
	case len(c.Hidden) != nh:
		return bad("Hidden", c.Hidden, "needs "+strconv.Itoa(nh)+" sizes for model "+string(c.Arch))
	}
	for i, m := range c.Hidden {
		if m <= 0 || m > MaxUnits {
			return bad(fmt.Sprintf("Hidden[%d]", i), m, fmt.Sprintf("must be in 1…%d", MaxUnits))
		}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !finite(c.G) || c.G < 0:
		return bad("G", c.G, "must be finite and ≥ 0")
	case !finite(c.GVisible) || c.GVisible < 0:
		return bad("GVisible", c.GVisible, "must be finite and ≥ 0")
	case c.GVisible != 0 && c.Arch == Unrestricted:
		return bad("GVisible", c.GVisible, "applies to restricted and deep models only (the unrestricted model has no hidden layer)")
	case !finite(c.Tau) || c.Tau <= 0:
		return bad("Tau", c.Tau, "must be > 0")
	case !finite(c.Dt) || c.Dt <= 0 || c.Dt > c.Tau:
		return bad("Dt", c.Dt, fmt.Sprintf("must satisfy 0 < dt ≤ τ, and τ is %g", c.Tau))
	case !finite(c.T) || c.T <= 0:
		return bad("T", c.T, "must be > 0")
	case !finite(c.Sigma) || c.Sigma < 0:
		return bad("Sigma", c.Sigma, "must be finite and ≥ 0")
	case !finite(c.LR) || c.LR <= 0:
		return bad("LR", c.LR, "must be > 0")
	case c.Batch <= 0 || c.Batch > MaxRows:
		return bad("Batch", c.Batch, fmt.Sprintf("must be in 1…%d", MaxRows))
	case c.Chains <= 0 || c.Chains > MaxRows:
		return bad("Chains", c.Chains, fmt.Sprintf("must be in 1…%d", MaxRows))
	case c.Steps < 0 || c.Steps > MaxSteps:
		return bad("Steps", c.Steps, fmt.Sprintf("must be in 0…%d", MaxSteps))
	case !finite(c.DataClip) || c.DataClip < 0 || c.DataClip >= 1:
		return bad("DataClip", c.DataClip, "must satisfy 0 ≤ clip < 1")
	}
	if k, err := c.StepsAt(c.T); err != nil || k == 0 || k > MaxTrainEulerSteps {
		if err == nil {
			err = fmt.Errorf("T/dt = %d Euler steps per training phase; want 1…%d (change T or dt)", k, MaxTrainEulerSteps)
		} else if c.T/c.Dt > MaxEulerSteps {
			err = fmt.Errorf("%v (change T or dt)", err)
		}
		return bad("T", c.T, err.Error())
	}
	return c.LearningRule.validate(c)
}

// relaxFactor is the fraction k of the way from x(0) to u that a linear unit
// τ dx/dt = −x + u covers by time t, x(t) = x(0) + k(u − x(0)): exactly
// k = 1 − e^{−t/τ}, or with ClampRelax "euler" the amount of round(t/dt)
// Euler steps, k = 1 − (1 − dt/τ)^{t/dt}, which is how far the free run
// relaxes in the same time.
func (c Config) relaxFactor(t float64) float32 {
	if clampRelaxs.is(c.ClampRelax, "euler") {
		return float32(1 - math.Pow(1-c.Dt/c.Tau, float64(c.EulerSteps(t))))
	}
	return float32(1 - math.Exp(-t/c.Tau))
}
