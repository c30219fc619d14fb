package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// configFlags registers --model, --preset and one override flag per Config
// field; only flags given on the command line override the preset.
type configFlags struct {
	fs                             *flag.FlagSet
	model, preset, hidden          string
	g, tau, dt, T, lr, sigma, clip float64
	batch, chains, steps           int
	seed                           uint64
}

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	c := &configFlags{fs: fs}
	fs.StringVar(&c.model, "model", "restricted", "architecture: unrestricted, restricted or deep")
	fs.StringVar(&c.preset, "preset", "paper", "starting values: paper (docs/MODEL.md table) or tiny (fast)")
	fs.StringVar(&c.hidden, "hidden", "", "hidden sizes, comma-separated: M, or M1,M2 for deep (preset: 500 / 500,500)")
	fs.Float64Var(&c.g, "g", 0, "gain g of the fixed random couplings (preset 1.5, assumed)")
	fs.Float64Var(&c.tau, "tau", 0, "time constant τ (preset 1, assumed)")
	fs.Float64Var(&c.dt, "dt", 0, "Euler step (preset 0.2, assumed)")
	fs.Float64Var(&c.T, "T", 0, "target time T (preset 4, assumed)")
	fs.Float64Var(&c.lr, "lr", 0, "learning rate η (preset 0.05, assumed)")
	fs.Float64Var(&c.sigma, "sigma", 0, "std σ of the initial conditions (preset 1, assumed)")
	fs.Float64Var(&c.clip, "data-clip", 0, "clip data to [−1+ε, 1−ε] (default 0: off)")
	fs.IntVar(&c.batch, "batch", 0, "minibatch size B (preset 200 / tiny 50)")
	fs.IntVar(&c.chains, "chains", 0, "free chains P per update (preset 200 / tiny 50)")
	fs.IntVar(&c.steps, "steps", 0, "total training steps (preset 10000 / tiny 200)")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed (couplings, minibatches, initial conditions)")
	return c
}

// config builds the Config: preset, then the flags that were set, then
// validation. Errors name the flag.
func (c *configFlags) config(dataset string) (chaoslib.Config, error) {
	arch, err := chaoslib.ParseArch(c.model)
	if err != nil {
		return chaoslib.Config{}, fmt.Errorf("--model: %v", err)
	}
	var cfg chaoslib.Config
	switch c.preset {
	case "paper":
		cfg = chaoslib.PaperMNIST(arch)
	case "tiny":
		cfg = chaoslib.Tiny(arch)
	default:
		return cfg, fmt.Errorf("--preset %q: want paper or tiny", c.preset)
	}
	cfg.Dataset = dataset
	var ferr error
	c.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "hidden":
			cfg.Hidden = nil
			for _, s := range strings.Split(c.hidden, ",") {
				v, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || v <= 0 {
					ferr = fmt.Errorf("--hidden %q: want positive integers separated by commas", c.hidden)
					return
				}
				cfg.Hidden = append(cfg.Hidden, v)
			}
		case "g":
			cfg.G = c.g
		case "tau":
			cfg.Tau = c.tau
		case "dt":
			cfg.Dt = c.dt
		case "T":
			cfg.T = c.T
		case "lr":
			cfg.LR = c.lr
		case "sigma":
			cfg.Sigma = c.sigma
		case "data-clip":
			cfg.DataClip = c.clip
		case "batch":
			cfg.Batch = c.batch
		case "chains":
			cfg.Chains = c.chains
		case "steps":
			cfg.Steps = c.steps
		}
	})
	cfg.Seed = c.seed
	if ferr != nil {
		return cfg, ferr
	}
	if err := cfg.Validate(); err != nil {
		return cfg, flagError(err)
	}
	return cfg, nil
}

// flagOf maps Config field names to their flags.
var flagOf = map[string]string{"Model": "--model", "N": "(N)", "Hidden": "--hidden", "G": "--g", "Tau": "--tau",
	"Dt": "--dt", "T": "--T", "Sigma": "--sigma", "LR": "--lr", "Batch": "--batch", "Chains": "--chains",
	"Steps": "--steps", "DataClip": "--data-clip"}

// flagError rewrites a Config validation error in terms of the flag.
func flagError(err error) error {
	var fe *chaoslib.FieldError
	if e, ok := err.(*chaoslib.FieldError); ok {
		fe = e
	} else {
		return err
	}
	name := fe.Field
	if i := strings.IndexByte(name, '['); i > 0 {
		name = name[:i]
	}
	if f, ok := flagOf[name]; ok {
		return fmt.Errorf("%s %v: %s", f, fe.Value, fe.Rule)
	}
	return err
}
