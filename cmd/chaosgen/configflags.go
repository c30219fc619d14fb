package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
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

// presets are the --preset values.
var presets = map[string]func(chaoslib.Arch) chaoslib.Config{"paper": chaoslib.PaperMNIST, "tiny": chaoslib.Tiny}

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	c := &configFlags{fs: fs, scratch: new(chaoslib.Config)}
	fs.StringVar(&c.preset, "preset", "paper", "starting values: paper (docs/MODEL.md) or tiny (fast); with --resume, the run's own")
	for _, f := range chaoslib.ConfigFields {
		help := f.Help
		if note := presetNote(f); note != "" {
			help += "; " + note
		}
		switch p := f.Ptr(c.scratch).(type) {
		case *float64:
			fs.Float64Var(p, f.Flag, 0, help)
		case *int:
			fs.IntVar(p, f.Flag, 0, help)
		case *uint64:
			fs.Uint64Var(p, f.Flag, 0, help)
		case *string:
			fs.StringVar(p, f.Flag, "", help)
		default:
			fs.Func(f.Flag, help, func(s string) error { return f.Set(c.scratch, s) })
		}
	}
	return c
}

// presetNote writes a field's preset values for its help, e.g. "preset 1.5"
// or "paper 200, tiny 50"; a value that differs for the deep model is added
// in parentheses; "" when both presets leave a string field empty (its help
// names the default).
func presetNote(f chaoslib.ConfigField) string {
	if f.Name == "Arch" {
		return "default " + string(defaultArch)
	}
	vals := map[string]string{}
	for name, p := range presets {
		v := f.Get(p(chaoslib.Restricted))
		if d := f.Get(p(chaoslib.Deep)); d != v {
			v += " (deep " + d + ")"
		}
		vals[name] = v
	}
	if vals["paper"] == vals["tiny"] {
		if vals["paper"] == "" {
			return "" // the help names the default
		}
		return "preset " + vals["paper"]
	}
	return "paper " + vals["paper"] + ", tiny " + vals["tiny"]
}

// given returns the ConfigFields rows whose flags were on the command line,
// in table order.
func (c *configFlags) given() []chaoslib.ConfigField {
	var out []chaoslib.ConfigField
	for _, f := range chaoslib.ConfigFields {
		if setFlag(c.fs, f.Flag) {
			out = append(out, f)
		}
	}
	return out
}

// apply copies the given flags' values into cfg.
func (c *configFlags) apply(cfg *chaoslib.Config, fields []chaoslib.ConfigField) {
	for _, f := range fields {
		if err := f.Set(cfg, f.Get(*c.scratch)); err != nil {
			panic("chaosgen: ConfigField " + f.Name + " does not parse its own value: " + err.Error())
		}
	}
}

// config builds the Config of a new run: the preset for --model, then the
// flags that were given, then validation and the memory estimate of
// training. Errors name the flag.
func (c *configFlags) config() (chaoslib.Config, error) {
	preset, ok := presets[c.preset]
	if !ok {
		return chaoslib.Config{}, fmt.Errorf("--preset %q: want paper or tiny", c.preset)
	}
	arch := defaultArch
	if setFlag(c.fs, "model") {
		arch = c.scratch.Arch
	}
	cfg := preset(arch)
	c.apply(&cfg, c.given())
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	if err := cfg.CheckTrainMemory(); err != nil {
		return cfg, flagError(err)
	}
	return cfg, nil
}

// resumeConfig returns the config of a resumed run: the run's own, with the
// given flags applied. Flags equal to the run's values are accepted; flags
// that would change a field --resume may not change (ConfigField.Resume)
// are refused, all of them named with both values. A run that recorded no
// data set accepts any --dataset.
func (c *configFlags) resumeConfig(run chaoslib.Config) (chaoslib.Config, error) {
	if setFlag(c.fs, "preset") {
		return run, errors.New("--preset: with --resume the run's own config is the starting point; leave --preset out")
	}
	cfg := run
	cfg.Hidden = append([]int(nil), run.Hidden...)
	var changed []string
	for _, f := range c.given() {
		before := f.Get(cfg)
		c.apply(&cfg, []chaoslib.ConfigField{f})
		after := f.Get(cfg)
		if before != after && !f.Resume && !(f.Name == "Dataset" && before == "") {
			changed = append(changed, fmt.Sprintf("--%s %s (the run has %s)", f.Flag, after, orDefault(before, `""`)))
		}
	}
	if len(changed) > 0 {
		return cfg, fmt.Errorf("--resume continues the run's own config; these flags would change it: %s", strings.Join(changed, ", "))
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	return cfg, nil
}

// flagError rewrites a Config validation error in terms of the flag.
func flagError(err error) error {
	var fe *chaoslib.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	name, _, _ := strings.Cut(fe.Field, "[") // Hidden[1] → Hidden
	if f, ok := chaoslib.FieldByName(name); ok {
		return fmt.Errorf("--%s %v: %s", f.Flag, fe.Value, fe.Rule)
	}
	return err
}
