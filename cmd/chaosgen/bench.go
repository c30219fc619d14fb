package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/device"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

func init() {
	register("bench", "time a training step against the backend's own SGEMM rate", runBench)
}

func runBench(args []string) error {
	fs := newFlags("bench", "[--model M] [--preset paper|tiny] [config flags] [--repeat K] [--json]")
	cf := addConfigFlags(fs)
	repeat := fs.Int("repeat", 10, "training steps timed (after one warm-up step)")
	asJSON := fs.Bool("json", false, "print JSON")
	dev := fs.String("device", "cpu", "compute device: "+strings.Join(device.Names(), " or "))
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if *repeat <= 0 {
		return fmt.Errorf("--repeat %d: must be > 0", *repeat)
	}
	cfg, err := cf.config()
	if err != nil {
		return err
	}
	be, err := device.Open(*dev)
	if err != nil {
		return fmt.Errorf("--device: %v", err)
	}
	defer be.Close()
	r, err := chaoslib.BenchTrainingStep(cfg, be, *repeat)
	if err != nil {
		return err
	}
	if be.Name() == "cpu" {
		r.BLASCore = openblas.CoreName()
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Printf("model        %s (N=%d, hidden %v), %s\n", cfg.Arch, cfg.N, cfg.Hidden, r.Backend)
	fmt.Printf("step         B=%d P=%d, %d Euler steps\n", r.Batch, r.Chains, r.EulerSteps)
	fmt.Printf("ms/step      %.2f\n", r.MsPerStep)
	fmt.Printf("GFLOP/step   %.3f (GEMM FLOPs: %d calls of %d shapes)\n", r.GFLOP, r.GemmCalls, r.GemmShapes)
	fmt.Printf("GFLOP/s      %.1f\n", r.GFLOPS)
	fmt.Printf("SGEMM GFLOP/s %.1f (%s GEMM alone on the same shapes, same run)\n", r.GemmGFLOPS, r.Backend)
	fmt.Printf("ratio        %.2f\n", r.Ratio)
	if r.BLASCore != "" {
		fmt.Printf("OpenBLAS     %s kernels\n", r.BLASCore)
	}
	return nil
}
