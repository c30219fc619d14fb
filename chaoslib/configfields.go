package chaoslib

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// ConfigField describes one Config field for everything outside the model:
// the `chaosgen train` and `sweep` flags (cmd/chaosgen), the --resume check,
// the sweep axes and sweep.csv columns, and runs.TrainArgs, which all
// read ConfigFields instead of naming fields by hand.
//
// To add a field to Config:
//  1. add it to Config with a json tag and a doc comment (the zero value
//     must mean "off" / the old behaviour, so that older config.json and
//     checkpoint files keep their meaning);
//  2. check it in Config.Validate, naming it by its Go name (FieldError);
//  3. give it a preset value in PaperMNIST (and Tiny, and Tuned where the
//     search of docs/TUNING.md chose one) if zero is not right;
//  4. add one row to ConfigFields below: Name, Flag, Help, Resume and Ptr.
//     Ptr must return a pointer of a kind that ConfigField knows (*float64,
//     *int, *uint64, *string, *[]int, *Arch); a new kind needs a case in
//     Get, Set and Numeric.
//
// The flag, its help (with the preset values appended), TrainArgs, the
// --resume rule and the sweep axis then follow, and
// TestTrainArgsRoundTrip (cmd/chaosgen) covers the new field once its
// random value is drawn in randomConfig there.
type ConfigField = Field[Config]

// Field describes one field of a config struct C that has a flag: Config's
// table is ConfigFields, the RBM's is rbm.ConfigFields. The flags, the
// --resume check and the rewriting of validation errors in cmd/chaosgen
// read such tables for both.
type Field[C any] struct {
	Name   string       // Go name in C, as FieldError.Field spells it
	Flag   string       // command-line flag, without "--"; also the sweep field name
	Help   string       // the flag's help, without the preset values; a `word` in backquotes names the value
	Resume bool         // --resume may change it (else the run's own value must be kept)
	Ptr    func(*C) any // the field's address in c
}

// ConfigFields is the table of Config fields that have a flag, in the order
// of the flags in TrainArgs and of the sweep.csv columns. N has no flag: it
// is the data's pixel count.
var ConfigFields = []ConfigField{
	{"Arch", "model", "the `architecture`: unrestricted, restricted or deep", false, func(c *Config) any { return &c.Arch }},
	{"Dataset", "dataset", "data set: mnist or fashion-mnist", false, func(c *Config) any { return &c.Dataset }},
	{"G", "g", "gain g of the fixed random couplings (assumed)", false, func(c *Config) any { return &c.G }},
	{"GVisible", "g-visible", "gain g_v of the fixed couplings into the visible layer (0: g)", false, func(c *Config) any { return &c.GVisible }},
	{"Tau", "tau", "time constant τ (assumed)", false, func(c *Config) any { return &c.Tau }},
	{"Dt", "dt", "Euler step (assumed)", false, func(c *Config) any { return &c.Dt }},
	{"T", "T", "target time T, a whole number of Euler steps (assumed)", false, func(c *Config) any { return &c.T }},
	{"LR", "lr", "learning rate η (tuned: " + fmt.Sprint(RestrictedLRTimesM) + "/M for the 2-layer model, min(" + fmt.Sprint(DeepLRMax) + ", " + fmt.Sprint(DeepLRTimesM1) + "/M1) for the deep one, also for sizes set by --hidden or a sweep's hidden axis without --lr)", false, func(c *Config) any { return &c.LR }},
	{"Sigma", "sigma", "std σ of the initial conditions (assumed)", false, func(c *Config) any { return &c.Sigma }},
	{"Batch", "batch", "minibatch size B", false, func(c *Config) any { return &c.Batch }},
	{"Chains", "chains", "free chains P per update", false, func(c *Config) any { return &c.Chains }},
	{"Hidden", "hidden", "hidden layer `sizes`, comma-separated: M, or M1,M2 for deep (a sweep sets every layer)", false, func(c *Config) any { return &c.Hidden }},
	{"Steps", "steps", "total training steps", true, func(c *Config) any { return &c.Steps }},
	{"DataClip", "data-clip", "clip data to [−1+ε, 1−ε] (0: off)", false, func(c *Config) any { return &c.DataClip }},
	{"Seed", "seed", "random seed (couplings, minibatches, initial conditions)", false, func(c *Config) any { return &c.Seed }},
	{"LRSchedule", "lr-schedule", "η `schedule` after the warm-up: constant, or linear or cosine decay to --lr-min at the last step", false, func(c *Config) any { return &c.LRSchedule }},
	{"LRMin", "lr-min", "floor η of a decaying --lr-schedule", false, func(c *Config) any { return &c.LRMin }},
	{"Warmup", "warmup", "first updates during which η rises linearly to --lr (0: none)", false, func(c *Config) any { return &c.Warmup }},
	{"Optimizer", "optimizer", "`rule` that turns the CHL direction into the update: sgd, momentum or adam", false, func(c *Config) any { return &c.Optimizer }},
	{"Beta1", "beta1", "momentum μ, and Adam's β1", false, func(c *Config) any { return &c.Beta1 }},
	{"Beta2", "beta2", "Adam's β2", false, func(c *Config) any { return &c.Beta2 }},
	{"AdamEps", "adam-eps", "Adam's ε", false, func(c *Config) any { return &c.AdamEps }},
	{"EMA", "ema", "decay of the parameter average that checkpoints keep and sampling uses (0: off)", false, func(c *Config) any { return &c.EMA }},
	{"L2", "l2", "L2 penalty λ on the couplings W: −λW joins their CHL direction (0: off)", false, func(c *Config) any { return &c.L2 }},
	{"DiagA", "diag-a", "the unrestricted model's A_ii: trained, or zero (held at 0)", false, func(c *Config) any { return &c.DiagA }},
	{"ClampRelax", "clamp-relax", "closed-form relaxation by time t (T in training; the evaluation time in ER): exact, 1−e^(−t/τ), or euler, 1−(1−dt/τ)^(t/dt) as the free run", false, func(c *Config) any { return &c.ClampRelax }},
	{"Minibatch", "minibatch", "minibatch `draw`: replace (with replacement), or epoch (without, reshuffled every epoch)", false, func(c *Config) any { return &c.Minibatch }},
}

// FieldByFlag returns the ConfigFields row of a flag (without "--").
func FieldByFlag(flag string) (ConfigField, bool) {
	for _, f := range ConfigFields {
		if f.Flag == flag {
			return f, true
		}
	}
	return ConfigField{}, false
}

// FieldByName returns the ConfigFields row of a Config field's Go name.
func FieldByName(name string) (ConfigField, bool) { return FieldNamed(ConfigFields, name) }

// FieldNamed returns the row of fields for a Go field name.
func FieldNamed[C any](fields []Field[C], name string) (Field[C], bool) {
	for _, f := range fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field[C]{}, false
}

// Get returns the field's value of c as the flag takes it: floats in the
// shortest form that parses back exactly, Hidden as "M1,M2" ("" for none).
func (f Field[C]) Get(c C) string {
	switch p := f.Ptr(&c).(type) {
	case *float64:
		return strconv.FormatFloat(*p, 'g', -1, 64)
	case *int:
		return strconv.Itoa(*p)
	case *uint64:
		return strconv.FormatUint(*p, 10)
	case *string:
		return *p
	case *Arch:
		return string(*p)
	case *[]int:
		s := make([]string, len(*p))
		for i, v := range *p {
			s[i] = strconv.Itoa(v)
		}
		return strings.Join(s, ",")
	}
	panic("chaoslib: Field " + f.Name + ": unknown kind")
}

// Set parses s (as written by Get, or typed on the command line) into the
// field of c. Errors name the flag and quote the value: a number that does
// not parse, or, for a Config field with named values (Optimizer,
// LRSchedule, …), a value not among them ("" is the default). Range checks
// are Validate's.
func (f Field[C]) Set(c *C, s string) error {
	bad := func(want string) error { return fmt.Errorf("--%s %q: want %s", f.Flag, s, want) }
	t := strings.TrimSpace(s)
	switch p := f.Ptr(c).(type) {
	case *float64:
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return bad("a number")
		}
		*p = v
	case *int:
		v, err := strconv.Atoi(t)
		if err != nil {
			return bad("a whole number")
		}
		*p = v
	case *uint64:
		v, err := strconv.ParseUint(t, 10, 64)
		if err != nil {
			return bad("a whole number ≥ 0")
		}
		*p = v
	case *string:
		if _, isConfig := any(c).(*Config); isConfig {
			if ch, ok := fieldChoice(f.Name); ok && !ch.valid(t) {
				return bad("one of " + joinOr(ch.values))
			}
		}
		*p = t
	case *Arch:
		a, err := ParseArch(t)
		if err != nil {
			return fmt.Errorf("--%s: %v", f.Flag, err)
		}
		*p = a
	case *[]int:
		var hs []int // "" is no hidden layer (the unrestricted model)
		for _, part := range strings.Split(t, ",") {
			if t == "" {
				break
			}
			v, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil || v <= 0 {
				return bad("positive integers separated by commas")
			}
			hs = append(hs, v)
		}
		*p = hs
	default:
		panic("chaoslib: Field " + f.Name + ": unknown kind")
	}
	return nil
}

// Default reports whether the field is one of our options (the
// LearningRule fields and GVisible) and holds, in c, the paper preset's
// value: the plain rule's, the usual momentum and Adam constants, or g_v = 0
// (= g). runs.TrainArgs leaves such flags out (after --preset paper), so
// that the command line of a run with the paper's model and rule names no
// option it does not use.
func (f Field[C]) Default(c C) bool {
	plain, ok := any(Config{LearningRule: defaultLearningRule()}).(C)
	if !ok {
		return false // not a Config field
	}
	if _, ok := reflect.TypeFor[LearningRule]().FieldByName(f.Name); !ok && f.Name != "GVisible" {
		return false
	}
	return f.Get(c) == f.Get(plain)
}

// Numeric reports whether the field is a number (Hidden counts: a sweep
// sets every layer to one size), so that a sweep checks it is finite.
func (f Field[C]) Numeric() bool {
	switch f.Ptr(new(C)).(type) {
	case *float64, *int, *uint64, *[]int:
		return true
	}
	return false
}

// Whole reports whether the field's numbers are integers.
func (f Field[C]) Whole() bool {
	switch f.Ptr(new(C)).(type) {
	case *int, *uint64, *[]int:
		return true
	}
	return false
}

// Value returns a numeric field of c as a float64 (Hidden: the first size,
// 0 without hidden layers). It panics for other fields.
func (f Field[C]) Value(c C) float64 {
	switch p := f.Ptr(&c).(type) {
	case *float64:
		return *p
	case *int:
		return float64(*p)
	case *uint64:
		return float64(*p)
	case *[]int:
		if len(*p) == 0 {
			return 0
		}
		return float64((*p)[0])
	}
	panic("chaoslib: Field " + f.Name + " is not numeric")
}

// SetValue sets a numeric field of c from a float64 (integers truncated;
// Hidden: every layer gets v, in a new slice; one layer if there were none,
// which Validate rejects for the unrestricted model). It panics for other
// fields.
func (f Field[C]) SetValue(c *C, v float64) {
	switch p := f.Ptr(c).(type) {
	case *float64:
		*p = v
	case *int:
		*p = int(v)
	case *uint64:
		*p = uint64(v)
	case *[]int:
		hs := make([]int, max(1, len(*p)))
		for i := range hs {
			hs[i] = int(v)
		}
		*p = hs
	default:
		panic("chaoslib: Field " + f.Name + " is not numeric")
	}
}
