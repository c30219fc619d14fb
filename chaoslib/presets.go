package chaoslib

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chaosgen/chaosgen/data"
)

// Preset names: the starting values of a new run (`chaosgen train --preset`).
const (
	// PresetTuned is the default: the paper's visible size with the
	// learning rule, data clip and steps and, for the 2-layer and deep
	// models, the g, g_v, T and hidden sizes found by the search of
	// docs/TUNING.md (Tuned).
	PresetTuned = "tuned"
	// PresetPaper holds the values of docs/MODEL.md, most of them assumed
	// because the paper text lost them (PaperMNIST).
	PresetPaper = "paper"
	// PresetTiny is small and fast, for tests and quick notebook runs (Tiny).
	PresetTiny = "tiny"
)

// PresetNames lists the presets, the default first.
func PresetNames() []string { return []string{PresetTuned, PresetPaper, PresetTiny} }

// Preset returns the named preset for arch trained on dataset ("": MNIST;
// else one of data.Datasets()). Only the tuned 2-layer model's M, η, g and T
// depend on the data set (Tuned); the other values are the same for both,
// and the data set is recorded.
func Preset(name string, arch Arch, dataset string) (Config, error) {
	var c Config
	if dataset != "" && !slices.Contains(data.Datasets(), dataset) {
		return c, fmt.Errorf("unknown data set %q (want %s)", dataset, strings.Join(data.Datasets(), ", "))
	}
	switch name {
	case PresetTuned:
		c = Tuned(arch, dataset)
	case PresetPaper:
		c = PaperMNIST(arch)
	case PresetTiny:
		c = Tiny(arch)
	default:
		return c, fmt.Errorf("unknown preset %q (want %s)", name, strings.Join(PresetNames(), ", "))
	}
	if dataset != "" {
		c.Dataset = dataset
	}
	return c, nil
}

// PaperMNIST returns the `paper` preset of docs/MODEL.md for arch on MNIST-sized data.
func PaperMNIST(arch Arch) Config {
	c := Config{
		Arch: arch, Dataset: "mnist", N: 784,
		G: 1.5, Tau: 1, Dt: 0.2, T: 4, Sigma: 1,
		LR: 0.05, Batch: 200, Chains: 200, Steps: 10000, Seed: 1,
		LearningRule: defaultLearningRule(),
	}
	switch arch {
	case Restricted:
		c.Hidden = []int{500}
	case Deep:
		c.Hidden = []int{500, 500}
	}
	return c
}

// Tuned returns the `tuned` preset for arch on dataset ("": MNIST; any other
// name is recorded but gets MNIST's values, so callers check it first, as
// Preset does):
// PaperMNIST's dt, τ, σ, B = P = 200, 10⁴ steps and sizes (but for the
// hidden layer next to the pixels), with the
// settings that gave the best indices at n = 10,000 in docs/TUNING.md.
// Every case decays η to 0 by a cosine and samples from an exponential
// average of the parameters (decay 0.999) (round 7). Then, case by case:
//
//   - unrestricted: Adam on the CHL direction (round 7), the data not
//     clipped (round 19: the samples lose their grey specks and become more
//     varied), and η = 10⁻³ with A's diagonal trained, which in 10⁴ steps
//     beat round 19's η = 3·10⁻⁴ with A_ii held at 0 over 2·10⁴ (round 21);
//   - restricted and deep: the data clipped to ±0.95 (round 3);
//   - restricted: g_v = 0.25 and momentum (round 9, the random search's
//     best draw on MNIST, which also won on Fashion-MNIST), with M = 2,000
//     hidden units, g = 2 and T = 8.4 on MNIST (rounds 17, 18 and 20: at
//     this M more chaos than round 9's g = 1.2 helps, and a longer free run
//     brings the samples closer to the data) and M = 1,000, g = 1.2 and
//     round 9's T = 6 on Fashion-MNIST, and
//     η = RestrictedLRTimesM / M (rounds 12 and 13: more hidden units give
//     more varied samples; at each M, twice this η drove the samples off
//     the data for most of the run);
//   - deep: plain SGD (with Adam it fell onto 3–5 classes; momentum gained
//     nothing, round 14), g_v = 0.25 (round 8), g = 2.5 (round 9), T = 6,
//     which nearly ended the repeated samples (round 10), and a wider first
//     hidden layer, which made the samples more varied: M1 = 2,000 (rounds
//     14 to 16), with η from M1 (TunedLR: 0.001). The second layer keeps
//     500 units.
func Tuned(arch Arch, dataset string) Config {
	c := PaperMNIST(arch)
	if dataset != "" {
		c.Dataset = dataset
	}
	c.DataClip, c.LRSchedule, c.EMA = 0.05, "cosine", 0.999
	switch {
	case arch == Unrestricted:
		c.LR, c.Optimizer, c.DiagA, c.DataClip = 1e-3, "adam", "trained", 0
	case arch == Restricted:
		g, T, m := 2.0, 8.4, 2000
		if c.Dataset == "fashion-mnist" {
			g, T, m = 1.2, 6.0, 1000
		}
		c.G, c.GVisible, c.T, c.Optimizer, c.Hidden = g, 0.25, T, "momentum", []int{m}
		c.LR, _ = TunedLR(arch, c.Hidden)
	case arch == Deep:
		c.G, c.GVisible, c.T, c.Optimizer = 2.5, 0.25, 6, "sgd"
		c.Hidden = []int{2000, 500}
		c.LR, _ = TunedLR(arch, c.Hidden)
	}
	return c
}

// RestrictedLRTimesM is η·M of the tuned 2-layer model: η = 5·10⁻⁴ at
// M = 1,000 and 2.5·10⁻⁴ at M = 2,000 (docs/TUNING.md, rounds 12 and 13).
const RestrictedLRTimesM = 0.5

// DeepLRTimesM1 and DeepLRMax give the tuned deep model's η from the size
// M1 of its first hidden layer: η = min(DeepLRMax, DeepLRTimesM1 / M1), the
// η of its tuned runs at M1 = 500, 1,000 (0.002; docs/TUNING.md, rounds 5
// and 14) and 2,000 (0.001, round 15). Other sizes were not tried.
const (
	DeepLRTimesM1 = 2.0
	DeepLRMax     = 0.002
)

// TunedLR returns the tuned preset's η for arch with the given hidden sizes
// and ok = true when that η depends on the sizes:
//
//	2-layer: η = RestrictedLRTimesM / M,
//	deep:    η = min(DeepLRMax, DeepLRTimesM1 / M1).
//
// For the unrestricted model (no hidden layer) ok is false. A run of the
// tuned preset with other hidden sizes and no η of its own takes this η
// (`chaosgen train --hidden …`).
func TunedLR(arch Arch, hidden []int) (lr float64, ok bool) {
	switch {
	case len(hidden) == 0 || hidden[0] <= 0:
		return 0, false
	case arch == Restricted && len(hidden) == 1:
		return RestrictedLRTimesM / float64(hidden[0]), true
	case arch == Deep && len(hidden) == 2:
		return min(DeepLRMax, DeepLRTimesM1/float64(hidden[0])), true
	}
	return 0, false
}

// Tiny returns a small, fast configuration for tests and quick notebook runs:
// the paper's dynamics (g, τ, dt, T) with few hidden units, small batches and
// few steps.
func Tiny(arch Arch) Config {
	c := PaperMNIST(arch)
	c.Batch, c.Chains, c.Steps = 50, 50, 200
	switch arch {
	case Restricted:
		c.Hidden = []int{64}
	case Deep:
		c.Hidden = []int{64, 32}
	}
	return c
}
