package main

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

func init() {
	register("bench", "time a training step against the backend's own SGEMM rate", runBench)
}

// maxRepeat is the most training steps bench times.
const maxRepeat = 10_000

func runBench(args []string) error {
	chains, args, err := takeIntList(args, "chains")
	if err != nil {
		return err
	}
	fs := newFlags("bench", "[--model M] [--preset tuned|paper|tiny] [config flags] [--chains P1,P2,…] [--repeat K] [--json]")
	cf := addConfigFlags(fs)
	fs.Lookup("chains").Usage = "free chains per update, `P1,P2,…`: one bench per value"
	repeat := fs.Int("repeat", 0, "training steps timed after one warm-up step (0: as many as fill about 2 s, at least 3)")
	asJSON := fs.Bool("json", false, "print JSON (an array when --chains lists several values)")
	dev := deviceFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *repeat < 0 || *repeat > maxRepeat {
		return fmt.Errorf("--repeat %d: must be in 0…%d", *repeat, maxRepeat)
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	if chains == nil {
		chains = []int{cfg.Chains}
	}
	be, err := openDevice(*dev)
	if err != nil {
		return err
	}
	defer be.Close()
	var results []chaoslib.BenchResult
	for i, p := range chains {
		cfg.Chains = p
		err := cfg.Validate()
		if err == nil {
			err = cfg.CheckTrainMemory()
		}
		if err != nil {
			return fmt.Errorf("--chains %d: %v", p, err)
		}
		r, err := chaoslib.BenchTrainingStep(cfg, be, *repeat)
		if err != nil {
			return err
		}
		if c, ok := be.(*cpu.Backend); ok {
			k := openblas.Current()
			r.BLASCore, r.BLASKernel = k.Core, k.String()
			r.BLASThreads, r.PassThreads = openblas.Threads(), c.Threads()
		}
		results = append(results, r)
		if *asJSON {
			continue
		}
		if i == 0 {
			fmt.Printf("model        %s (N=%d, hidden %v), %s, B=%d, %d Euler steps\n", cfg.Arch, cfg.N, cfg.Hidden, r.Backend, r.Batch, r.EulerSteps)
			if r.BLASKernel != "" {
				fmt.Printf("OpenBLAS     %s, %d threads per GEMM; elementwise passes on %d goroutine(s)\n", r.BLASKernel, r.BLASThreads, r.PassThreads)
			}
			fmt.Printf("%8s %10s %11s %9s %13s %7s\n", "P", "ms/step", "GFLOP/step", "GFLOP/s", "SGEMM GFLOP/s", "ratio")
		}
		fmt.Printf("%8d %10.2f %11.3f %9.1f %13.1f %7.2f\n", r.Chains, r.MsPerStep, r.GFLOP, r.GFLOPS, r.GemmGFLOPS, r.Ratio)
		fmt.Printf("%8s %s\n", "", byCall(r.MsByCall))
	}
	if *asJSON {
		if len(results) == 1 {
			return printJSON(results[0])
		}
		return printJSON(results)
	}
	fmt.Println("SGEMM GFLOP/s: the same backend's GEMM alone on the step's shapes and counts, in the same run; ratio = GFLOP/s ÷ SGEMM GFLOP/s")
	fmt.Println("ms/step by call: the timed steps' backend calls, largest first, and the time outside them (random starts, copies)")
	return nil
}

// byCall formats BenchResult.MsByCall, largest first: "Gemm 44.10 · EulerTanh 3.71 · …".
func byCall(ms map[string]float64) string {
	names := slices.SortedFunc(maps.Keys(ms), func(a, b string) int { return cmp.Or(cmp.Compare(ms[b], ms[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %.2f", n, ms[n])
	}
	return "ms/step by call: " + strings.Join(parts, " · ")
}

// takeIntList removes --name / -name with a comma-separated list of positive
// integers from args (so that a config flag of the same name can take a
// list here) and returns the values, or nil when the flag is absent.
func takeIntList(args []string, name string) ([]int, []string, error) {
	var vals []int
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		flagName, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || flagName != name {
			rest = append(rest, a)
			continue
		}
		if !hasVal {
			if i+1 >= len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: --%s", name)
			}
			i++
			val = args[i]
		}
		vals = nil // the last occurrence wins, as with other flags
		for _, f := range strings.Split(val, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				return nil, nil, fmt.Errorf("--%s %q: want positive integers separated by commas", name, val)
			}
			vals = append(vals, n)
		}
	}
	return vals, rest, nil
}
