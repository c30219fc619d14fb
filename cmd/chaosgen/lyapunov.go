package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/chaos"
)

func init() {
	register("lyapunov", "Lyapunov exponents: λ_max and the finite-time λ_T of untrained or trained networks", runLyapunov)
}

// lyapunovRow is one line of `lyapunov --json`: the estimate and the network.
type lyapunovRow struct {
	chaos.Estimate
	Arch     chaoslib.Arch `json:"arch"`
	N        int           `json:"N"`
	Hidden   []int         `json:"hidden"`
	GVisible float64       `json:"g_visible,omitempty"` // gain of the couplings into the visible layer, when not g
	Dt       float64       `json:"dt"`
	Seed     uint64        `json:"seed"`
	Step     *int          `json:"step,omitempty"` // the checkpoint's training step
}

func runLyapunov(args []string) error {
	fs := newFlags("lyapunov", "(--model M --g 0.5,1,1.5,2 [--g-visible G] [--n N] [--hidden M] [--T T] | --checkpoint FILE) [--chains 8] [--t-max 200] [--transient 50] [--k 1] [--seed S] [--json]")
	model := fs.String("model", "", "architecture of an untrained network: unrestricted, restricted or deep")
	gs := fs.String("g", "", "gains g of the untrained networks, comma-separated")
	gVisible := fs.String("g-visible", "", "gain g_v of the couplings into the visible layer of the untrained restricted or deep networks (default: each g)")
	n := fs.Int("n", 784, "visible units N of the untrained networks")
	hidden := fs.String("hidden", "", "hidden sizes of the untrained networks: M, or M1,M2 for deep (default 500 / 500,500)")
	bigT := fs.String("T", "", "target time T of the untrained networks, the window [0, T] of λ_T (default 4)")
	chains := fs.Int("chains", 8, "independent runs averaged")
	tmax := fs.Float64("t-max", 200, "averaging time of λ_max (after the transient)")
	transient := fs.Float64("transient", 50, "time run and discarded before averaging, > 0 (chaos.ModelOptions reads 0 as its default 50, so there is no --transient 0; the shortest is one Euler step dt)")
	renorm := fs.Int("renorm", 5, "Euler steps between renormalisations of the tangent vectors")
	k := fs.Int("k", 1, "number of leading exponents (QR method when > 1)")
	cf := addCheckpointFlags(fs, ckHelp{checkpoint: "trained network to measure (instead of --model)",
		seed: "seed of the random couplings (untrained networks), starts and tangent vectors", json: "print JSON: one record per network"})
	if err := cf.parse(args); err != nil {
		return err
	}
	switch {
	case *n <= 0:
		return fmt.Errorf("--n %d: must be > 0", *n)
	case *chains <= 0:
		return fmt.Errorf("--chains %d: must be > 0", *chains)
	case !(*tmax > 0) || math.IsInf(*tmax, 0):
		return fmt.Errorf("--t-max %g: must be finite and > 0", *tmax)
	case !(*transient > 0) || math.IsInf(*transient, 0):
		return fmt.Errorf("--transient %g: must be finite and > 0 (0 would mean the library's default 50, not none; the shortest transient is one Euler step dt)", *transient)
	case *renorm <= 0:
		return fmt.Errorf("--renorm %d: must be > 0", *renorm)
	case *k <= 0:
		return fmt.Errorf("--k %d: must be > 0", *k)
	}
	var cfgs []chaoslib.Config
	var step *int
	if cf.checkpoint != "" {
		for _, f := range []string{"model", "g", "g-visible", "n", "hidden", "T"} {
			if setFlag(fs, f) {
				return fmt.Errorf("--%s describes an untrained network; it cannot go with --checkpoint", f)
			}
		}
		ck, err := loadCheckpoint(cf.checkpoint)
		if err != nil {
			return err
		}
		cfgs, step = []chaoslib.Config{ck.Config}, &ck.Step
		return measureAll(cfgs, ck, step, *cf.device, chaos.ModelOptions{Chains: *chains, Transient: *transient, Time: *tmax, Renorm: *renorm, Vectors: *k, Seed: cf.seed}, cf.json)
	}
	if *model == "" || *gs == "" {
		return errors.New("give --model M --g LIST for untrained networks, or --checkpoint FILE")
	}
	arch, err := chaoslib.ParseArch(*model)
	if err != nil {
		return fmt.Errorf("--model: %v", err)
	}
	gains, err := parseFloatList("--g", *gs)
	if err != nil {
		return err
	}
	if *n <= 0 || *n > chaoslib.MaxUnits { // Validate would name the config field N
		return fmt.Errorf("--n %d: must be in 1…%d", *n, chaoslib.MaxUnits)
	}
	base := chaoslib.PaperMNIST(arch)
	base.Dataset, base.N, base.Seed = "", *n, cf.seed
	for _, opt := range []struct{ flag, value string }{{"hidden", *hidden}, {"g-visible", *gVisible}, {"T", *bigT}} {
		if setFlag(fs, opt.flag) {
			f, _ := chaoslib.FieldByFlag(opt.flag)
			if err := f.Set(&base, opt.value); err != nil {
				return err
			}
		}
	}
	for _, g := range gains {
		c := base
		c.G = g
		if err := c.Validate(); err != nil {
			return flagError(err)
		}
		cfgs = append(cfgs, c)
	}
	return measureAll(cfgs, nil, nil, *cf.device, chaos.ModelOptions{Chains: *chains, Transient: *transient, Time: *tmax, Renorm: *renorm, Vectors: *k, Seed: cf.seed}, cf.json)
}

// measureAll measures each config's network (untrained, or ck's trained one)
// and prints the table or JSON.
func measureAll(cfgs []chaoslib.Config, ck *chaoslib.Checkpoint, step *int, dev string, o chaos.ModelOptions, asJSON bool) error {
	if err := checkRows("chains", o.Chains); err != nil {
		return err
	}
	for _, c := range cfgs {
		if units := chaos.Units(c); o.Vectors > units { // one exponent per unit
			return fmt.Errorf("--k %d: the network has %d units, so at most %d exponents", o.Vectors, units, units)
		}
		if err := checkMemory("chains", o.Chains, chaos.MeasureBytes(c, o.Chains, max(1, o.Vectors))); err != nil {
			return err
		}
		if err := checkTime("t-max", o.Time, c); err != nil {
			return err
		}
		if err := checkTime("transient", o.Transient, c); err != nil {
			return err
		}
	}
	be, err := openDevice(dev)
	if err != nil {
		return err
	}
	defer be.Close()
	var out []lyapunovRow
	for _, c := range cfgs {
		m, err := buildModel(c, ck, be)
		if err != nil {
			return err
		}
		e, err := chaos.Measure(m, o)
		m.Free()
		if err != nil {
			return fmt.Errorf("%s: %w", gainText(c), err)
		}
		fmt.Fprintf(os.Stderr, "g = %g: λ_max = %.4f ± %.4f, λ_T = %.4f ± %.4f\n", c.G, e.LambdaMax, e.LambdaMaxSpread, e.LambdaT, e.LambdaTSpread)
		out = append(out, lyapunovRow{Estimate: e, Arch: c.Arch, N: c.N, Hidden: c.Hidden, GVisible: c.GVisible, Dt: c.Dt, Seed: o.Seed, Step: step})
	}
	if asJSON {
		return printJSON(out)
	}
	fmt.Printf("%-12s %6s %-9s %6s %6s %10s %10s %10s %10s %5s %7s %7s\n", "arch", "N", "hidden", "g", "g_v", "λ_max", "sd", "λ_T", "sd", "T", "t_max", "chains")
	for _, r := range out {
		gv := "g"
		if r.GVisible != 0 {
			gv = fmt.Sprint(r.GVisible)
		}
		fmt.Printf("%-12s %6d %-9s %6g %6s %10.4f %10.4f %10.4f %10.4f %5.4g %7.6g %7d\n", r.Arch, r.N, fmt.Sprint(r.Hidden), r.G, gv, r.LambdaMax, r.LambdaMaxSpread, r.LambdaT, r.LambdaTSpread, r.T, r.TMax, r.Chains)
		if len(r.Spectrum) > 0 {
			fmt.Printf("  spectrum %.4f\n", r.Spectrum)
		}
	}
	return nil
}

// buildModel returns ck's model, or an untrained network of c when ck is nil.
func buildModel(c chaoslib.Config, ck *chaoslib.Checkpoint, be backend.Backend) (*chaoslib.Model, error) {
	if ck != nil {
		return ck.Model(be)
	}
	return chaoslib.New(c, be)
}

// parseFloatList parses "0.5,1,1.5" (finite numbers) for the flag name.
func parseFloatList(name, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return nil, fmt.Errorf("%s %q: %q is not a finite number", name, s, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// gainText names a network's gains for an error: g, and g_v where it is set
// (0 means the same as g).
func gainText(c chaoslib.Config) string {
	if c.GVisible != 0 {
		return fmt.Sprintf("g = %g, g_v = %g", c.G, c.GVisible)
	}
	return fmt.Sprintf("g = %g", c.G)
}
