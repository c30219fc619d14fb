package chaoslib

import (
	"fmt"
	"math"
	"reflect"
)

// LearningRule holds the options of the CHL update beyond plain SGD with a
// constant η. Every zero value means today's rule, so that a Config without
// them (older config.json and checkpoint files included) trains exactly as
// before, bit for bit. It is embedded in Config; its JSON keys sit beside the
// other fields.
type LearningRule struct {
	// LRSchedule is how η changes over the Steps updates: "" or "constant",
	// "linear" or "cosine" decay from LR to LRMin (see LearningRate).
	LRSchedule string `json:"lr_schedule,omitempty"`
	// LRMin is the floor η reaches at the last step of a decaying schedule.
	LRMin float64 `json:"lr_min,omitempty"`
	// Warmup is the number of first updates during which η rises linearly
	// from LR/Warmup to LR (0: none).
	Warmup int `json:"warmup,omitempty"`

	// Optimizer turns the CHL direction g into the update (see optimizer.go):
	// "" or "sgd" (θ += η g), "momentum" or "adam".
	Optimizer string `json:"optimizer,omitempty"`
	// Beta1 is the momentum coefficient μ ("momentum") and Adam's β1.
	Beta1 float64 `json:"beta1,omitempty"`
	// Beta2 is Adam's β2, the decay of its running mean of g².
	Beta2 float64 `json:"beta2,omitempty"`
	// AdamEps is Adam's ε, added to √v̂.
	AdamEps float64 `json:"adam_eps,omitempty"`

	// EMA, when > 0, keeps an exponential moving average of the trained
	// parameters with this decay (see ema.go). Checkpoints store it beside
	// the parameters, and a model loaded for sampling uses it.
	EMA float64 `json:"ema,omitempty"`
	// L2 adds −L2·W to the CHL direction of every trained coupling W (A
	// included), not to the biases.
	L2 float64 `json:"l2,omitempty"`
	// DiagA "zero" holds the unrestricted model's A_ii at 0: their update is
	// dropped. Under plain CHL, A_ii grows while ⟨s_i²⟩ > ⟨φ_i²⟩, which holds
	// for near-binary pixels. "" or "trained": today's rule.
	DiagA string `json:"diag_a,omitempty"`
	// ClampRelax is how far the closed-form relaxations (the 2-layer clamped
	// phase and ER's visible layer) go by time t: "" or "exact",
	// k = 1 − e^{−t/τ}; "euler", k = 1 − (1 − dt/τ)^{t/dt}, as far as the
	// Euler free run relaxes in the same time.
	ClampRelax string `json:"clamp_relax,omitempty"`
	// Minibatch is how minibatches are drawn: "" or "replace" (B independent
	// draws with replacement, today's), or "epoch" (see minibatch.go).
	Minibatch string `json:"minibatch,omitempty"`
}

// defaultLearningRule is the presets' learning rule: today's rule, with the
// usual momentum and Adam constants ready for --optimizer.
func defaultLearningRule() LearningRule {
	return LearningRule{Beta1: 0.9, Beta2: 0.999, AdamEps: 1e-8}
}

// choice is an option with named values; "" is the first (the default).
type choice struct {
	field  string
	values []string
}

var (
	lrSchedules = choice{"LRSchedule", []string{"constant", "linear", "cosine"}}
	optimizers  = choice{"Optimizer", []string{"sgd", "momentum", "adam"}}
	diagAs      = choice{"DiagA", []string{"trained", "zero"}}
	clampRelaxs = choice{"ClampRelax", []string{"exact", "euler"}}
	minibatches = choice{"Minibatch", []string{"replace", "epoch"}}
	// choices are the LearningRule fields with named values.
	choices = []choice{lrSchedules, optimizers, diagAs, clampRelaxs, minibatches}
)

// ChoiceDefault returns the value that "" stands for in the Config field of
// Go name name ("sgd" for Optimizer), and false for a field without named
// values.
func ChoiceDefault(name string) (string, bool) {
	ch, ok := fieldChoice(name)
	if !ok {
		return "", false
	}
	return ch.values[0], true
}

// fieldChoice returns the choice of the Config field of Go name name.
func fieldChoice(name string) (choice, bool) {
	for _, ch := range choices {
		if ch.field == name {
			return ch, true
		}
	}
	return choice{}, false
}

// of returns v's value of the choice, "" read as the default, and whether v
// is one of the values.
func (ch choice) of(v string) (string, bool) {
	if v == "" {
		return ch.values[0], true
	}
	for _, w := range ch.values {
		if v == w {
			return v, true
		}
	}
	return v, false
}

// valid reports whether v is one of the choice's values, or "".
func (ch choice) valid(v string) bool {
	_, ok := ch.of(v)
	return ok
}

// is reports whether v selects value w of the choice ("" is the default).
func (ch choice) is(v, w string) bool {
	got, _ := ch.of(v)
	return got == w
}

// validate checks the learning rule of c and returns a *FieldError naming
// the first bad field.
func (r LearningRule) validate(c Config) error {
	bad := func(f string, v any, rule string) error { return &FieldError{f, v, rule} }
	for _, ch := range choices {
		if v := reflect.ValueOf(r).FieldByName(ch.field).String(); !ch.valid(v) {
			return bad(ch.field, v, "must be one of "+joinOr(ch.values))
		}
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	unit := func(v float64) bool { return finite(v) && v >= 0 && v < 1 }
	switch {
	case !finite(r.LRMin) || r.LRMin < 0 || r.LRMin > c.LR:
		return bad("LRMin", r.LRMin, "must satisfy 0 ≤ lr-min ≤ lr")
	case r.LRMin > 0 && lrSchedules.is(r.LRSchedule, "constant"):
		return bad("LRMin", r.LRMin, "applies to a decaying lr-schedule (linear or cosine), not constant")
	case r.Warmup < 0:
		return bad("Warmup", r.Warmup, "must be ≥ 0")
	case r.Warmup > 0 && r.Warmup >= c.Steps:
		return bad("Warmup", r.Warmup, fmt.Sprintf("must be below the %d training steps (η would never reach lr)", c.Steps))
	case !unit(r.Beta1): // checked for every optimizer, so that a bad value is never silently ignored
		return bad("Beta1", r.Beta1, "must satisfy 0 ≤ β1 < 1")
	case !unit(r.Beta2):
		return bad("Beta2", r.Beta2, "must satisfy 0 ≤ β2 < 1")
	case !finite(r.AdamEps) || r.AdamEps < 0: // for every optimizer, as β1 and β2
		return bad("AdamEps", r.AdamEps, "must be finite and ≥ 0")
	case optimizers.is(r.Optimizer, "adam") && r.AdamEps == 0:
		return bad("AdamEps", r.AdamEps, "must be > 0 for optimizer adam")
	case !unit(r.EMA):
		return bad("EMA", r.EMA, "must satisfy 0 ≤ ema < 1 (0: off)")
	case !finite(r.L2) || r.L2 < 0:
		return bad("L2", r.L2, "must be finite and ≥ 0")
	case diagAs.is(r.DiagA, "zero") && c.Arch != Unrestricted:
		return bad("DiagA", r.DiagA, "applies to the unrestricted model's A only")
	case clampRelaxs.is(r.ClampRelax, "euler") && c.Arch == Unrestricted:
		return bad("ClampRelax", r.ClampRelax, "applies to the closed-form relaxations of models with hidden layers; the unrestricted model has none")
	}
	return nil
}

func joinOr(vs []string) string {
	s := ""
	for i, v := range vs {
		switch {
		case i == 0:
		case i == len(vs)-1:
			s += " or "
		default:
			s += ", "
		}
		s += v
	}
	return s
}
