package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/data"
)

// configFlags registers --preset and one flag per chaoslib.ConfigFields row.
// Only the flags given on the command line override the preset (config) or,
// with --resume, the run's own config (resumeConfig).
type configFlags struct {
	fs      *flag.FlagSet
	preset  string
	scratch *chaoslib.Config // the typed flags parse into it; only given ones are read
}

// defaultArch is the architecture when --model is not given.
const defaultArch = chaoslib.Restricted

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	c := &configFlags{fs: fs, scratch: new(chaoslib.Config)}
	fs.StringVar(&c.preset, "preset", chaoslib.PresetTuned, "starting values: tuned (the search of docs/TUNING.md), paper (the assumed values of docs/MODEL.md) or tiny (fast)")
	addFieldFlags(fs, chaoslib.ConfigFields, c.scratch, func(f chaoslib.ConfigField) string {
		if note := presetNote(f); note != "" {
			return f.Help + "; " + note
		}
		return f.Help
	})
	return c
}

// addFieldFlags registers one flag per row of fields, parsing into dst, with
// dst's current values as defaults and help(f) as the help.
func addFieldFlags[C any](fs *flag.FlagSet, fields []chaoslib.Field[C], dst *C, help func(chaoslib.Field[C]) string) {
	for _, f := range fields {
		switch p := f.Ptr(dst).(type) {
		case *float64:
			fs.Float64Var(p, f.Flag, *p, help(f))
		case *int:
			fs.IntVar(p, f.Flag, *p, help(f))
		case *uint64:
			fs.Uint64Var(p, f.Flag, *p, help(f))
		case *string: // through Field.Set, which checks a field's choices
			fs.Var(fieldValue[C]{f, dst}, f.Flag, help(f))
		default:
			fs.Func(f.Flag, help(f), func(s string) error { return f.Set(dst, s) })
		}
	}
}

// fieldValue is a flag.Value that parses through the field's Set (so a
// string field with choices refuses others when the flag is parsed) and
// shows its current value as the flag's default.
type fieldValue[C any] struct {
	f   chaoslib.Field[C]
	dst *C
}

func (v fieldValue[C]) String() string {
	if v.dst == nil { // the zero value flag.PrintDefaults makes
		return ""
	}
	return fmt.Sprint(v.f.Get(*v.dst))
}

func (v fieldValue[C]) Set(s string) error { return v.f.Set(v.dst, s) }

// presetNote writes a field's preset values for its help, e.g. "preset 1.5"
// or "tuned 0.001, paper 0.05, tiny 0.05"; a value that differs for
// another architecture or data set is added in parentheses, e.g. "(deep
// 500,500)" or "(fashion-mnist 1000)" (but for the Dataset field, which
// the data set names); "" when every preset leaves a string field without
// named values empty.
func presetNote(f chaoslib.ConfigField) string {
	if f.Name == "Arch" {
		return "default " + string(defaultArch)
	}
	archs := []chaoslib.Arch{defaultArch} // its own values first
	for _, a := range chaoslib.Archs() {
		if a != defaultArch {
			archs = append(archs, a)
		}
	}
	var vals []string
	same := true
	for _, name := range chaoslib.PresetNames() {
		v0 := presetValue(name, f, defaultArch, "")
		v := v0
		for _, a := range archs {
			label, onMNIST := string(a)+" ", presetValue(name, f, a, "")
			if a == defaultArch {
				label = ""
			} else if onMNIST != v0 {
				v += " (" + label + onMNIST + ")"
			}
			if f.Name == "Dataset" {
				continue // named by the data set itself
			}
			for _, ds := range data.Datasets()[1:] { // [0] is MNIST
				if d := presetValue(name, f, a, ds); d != onMNIST {
					v += " (" + label + ds + " " + d + ")"
				}
			}
		}
		same = same && (len(vals) == 0 || v == vals[0])
		vals = append(vals, v)
	}
	if same {
		if vals[0] == "" {
			return ""
		}
		return "preset " + vals[0]
	}
	for i, name := range chaoslib.PresetNames() {
		vals[i] = name + " " + vals[i]
	}
	return strings.Join(vals, ", ")
}

// presetValue is field f of the named preset for arch on dataset ("":
// MNIST): "none" for an empty Hidden, the value that "" stands for in a
// field with named values (chaoslib.ChoiceDefault), else "" for an empty
// string field.
func presetValue(name string, f chaoslib.ConfigField, arch chaoslib.Arch, dataset string) string {
	c, err := chaoslib.Preset(name, arch, dataset)
	if err != nil {
		panic("chaosgen: " + err.Error())
	}
	switch v := f.Get(c); {
	case v != "":
		return v
	case f.Name == "Hidden":
		return "none"
	default:
		d, _ := chaoslib.ChoiceDefault(f.Name)
		return d
	}
}

// given returns the ConfigFields rows whose flags were on the command line,
// in table order.
func (c *configFlags) given() []chaoslib.ConfigField { return givenFields(c.fs, chaoslib.ConfigFields) }

// givenFields returns the rows of fields whose flags were on the command
// line, in table order.
func givenFields[C any](fs *flag.FlagSet, fields []chaoslib.Field[C]) []chaoslib.Field[C] {
	var out []chaoslib.Field[C]
	for _, f := range fields {
		if setFlag(fs, f.Flag) {
			out = append(out, f)
		}
	}
	return out
}

// applyFields copies the fields' values from src into dst.
func applyFields[C any](dst *C, src C, fields []chaoslib.Field[C]) {
	for _, f := range fields {
		if err := f.Set(dst, f.Get(src)); err != nil {
			panic("chaosgen: Field " + f.Name + " does not parse its own value: " + err.Error())
		}
	}
}

// config builds the Config of a new run: the preset for --model, then the
// flags that were given (with --hidden and no --lr, the tuned η follows the
// hidden sizes: chaoslib.TunedLR), then validation and the memory estimate
// of training. Errors name the flag.
func (c *configFlags) config() (chaoslib.Config, error) {
	arch := defaultArch
	if setFlag(c.fs, "model") {
		arch = c.scratch.Arch
	}
	dataset := ""
	if setFlag(c.fs, "dataset") {
		dataset = c.scratch.Dataset
		if err := checkDataset(dataset); err != nil {
			return chaoslib.Config{}, err
		}
	}
	cfg, err := chaoslib.Preset(c.preset, arch, dataset)
	if err != nil {
		return cfg, fmt.Errorf("--preset %q: want one of %s", c.preset, strings.Join(chaoslib.PresetNames(), ", "))
	}
	applyFields(&cfg, *c.scratch, c.given())
	if setFlag(c.fs, "hidden") {
		c.followHidden(&cfg)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	if err := cfg.CheckTrainMemory(); err != nil {
		return cfg, flagError(err)
	}
	return cfg, nil
}

// followHidden sets cfg's η to the tuned preset's η for cfg's hidden sizes
// (chaoslib.TunedLR) when the run is of the tuned preset and --lr was not
// given; otherwise it leaves cfg alone.
func (c *configFlags) followHidden(cfg *chaoslib.Config) {
	if c.preset != chaoslib.PresetTuned || setFlag(c.fs, "lr") {
		return
	}
	if lr, ok := chaoslib.TunedLR(cfg.Arch, cfg.Hidden); ok {
		cfg.LR = lr
	}
}

// resumeConfig returns the config of a resumed run: the run's own, with the
// given flags applied (resumeFields), validated.
func (c *configFlags) resumeConfig(run chaoslib.Config) (chaoslib.Config, error) {
	if setFlag(c.fs, "preset") {
		return run, errors.New("--preset: with --resume the run's own config is the starting point; leave --preset out")
	}
	run.Hidden = append([]int(nil), run.Hidden...)
	cfg, err := resumeFields(c.fs, chaoslib.ConfigFields, *c.scratch, run)
	if err != nil {
		return cfg, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	return cfg, nil
}

// resumeFields is the --resume rule of train and rbm: it returns the run's
// own config with the flags given on the command line applied (their values
// read from flags). Flags equal to the run's values are accepted; flags
// that would change a field --resume may not change (Field.Resume) are
// refused, all of them named with both values. A run that recorded no data
// set accepts any --dataset.
func resumeFields[C any](fs *flag.FlagSet, fields []chaoslib.Field[C], flags, run C) (C, error) {
	cfg := run
	var changed []string
	for _, f := range givenFields(fs, fields) {
		before := f.Get(cfg)
		applyFields(&cfg, flags, []chaoslib.Field[C]{f})
		after := f.Get(cfg)
		if before != after && !f.Resume && !(f.Name == "Dataset" && before == "") {
			changed = append(changed, fmt.Sprintf("--%s %s (the run has %s)", f.Flag, after, orDefault(before, `""`)))
		}
	}
	if len(changed) > 0 {
		return cfg, fmt.Errorf("--resume continues the run's own config; these flags would change it: %s", strings.Join(changed, ", "))
	}
	return cfg, nil
}

// flagError rewrites a Config validation error in terms of the flag.
func flagError(err error) error { return fieldFlagError(chaoslib.ConfigFields, err) }

// fieldFlagError rewrites a validation error (*chaoslib.FieldError) in
// terms of the flag of its row in fields.
func fieldFlagError[C any](fields []chaoslib.Field[C], err error) error {
	var fe *chaoslib.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	name, _, _ := strings.Cut(fe.Field, "[") // Hidden[1] → Hidden
	if f, ok := chaoslib.FieldNamed(fields, name); ok {
		return fmt.Errorf("--%s %v: %s", f.Flag, fe.Value, fe.Rule)
	}
	return err
}
