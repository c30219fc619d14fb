//go:build cuda

package gpu

// The model on both backends: free runs, one training step, a short
// training, and the training-step benchmark.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// freeRunConfigs are the configurations of the free-run parity test.
func freeRunConfigs() map[string]chaoslib.Config {
	out := map[string]chaoslib.Config{}
	for _, a := range chaoslib.Archs() {
		out["tiny-"+string(a)] = chaoslib.Tiny(a)
	}
	out["paper-restricted"] = chaoslib.PaperMNIST(chaoslib.Restricted)
	return out
}

// randomParams sets every trained matrix of both models to the same random
// values (so that W and the biases take part in the dynamics).
func randomParams(t *testing.T, seed uint64, ms ...*chaoslib.Model) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 9))
	for _, p := range ms[0].Params() {
		if !p.Trained {
			continue
		}
		v := randn(rng, p.Rows*p.Cols, 0.3/math.Sqrt(float64(p.Cols)))
		for _, m := range ms {
			if err := m.SetParam(p.Name, v); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestFreeRunParity: the same seed gives the same random starts on the host,
// and the visible read-outs φ(v) after 0 and 5 Euler steps agree (the
// chaotic growth of float differences over 5 steps of dt = 0.2 is small).
func TestFreeRunParity(t *testing.T) {
	for name, cfg := range freeRunConfigs() {
		t.Run(name, func(t *testing.T) {
			c := cpu.New(2)
			defer c.Close()
			mc, err := chaoslib.New(cfg, c)
			if err != nil {
				t.Fatal(err)
			}
			mg, err := chaoslib.New(cfg, gpuBE)
			if err != nil {
				t.Fatal(err)
			}
			defer mg.Free()
			randomParams(t, 1, mc, mg)
			times := []float64{0, 5 * cfg.Dt}
			sc := mc.Snapshots(64, times, rand.New(rand.NewPCG(7, 7)))
			sg := mg.Snapshots(64, times, rand.New(rand.NewPCG(7, 7)))
			closeTo(t, name+" φ(v(0))", sg[0].Data, sc[0].Data, nil, bitTol)
			closeTo(t, name+" φ(v(5dt))", sg[1].Data, sc[1].Data, nil, 1e-4)
		})
	}
}

// TestTrainStepOneParity: after one CHL step, the parameters of each
// architecture agree within marginStep1 (RMS of the difference over RMS).
func TestTrainStepOneParity(t *testing.T) {
	for _, arch := range chaoslib.Archs() {
		cfg := trainCfg(arch, 1)
		c := cpu.New(2)
		a := trainAndSample(t, c, cfg, 0)
		c.Close()
		g := compareTraining(a, trainAndSample(t, gpuBE, cfg, 0))
		t.Logf("%s, 1 step: RMS(Δparam)/RMS = %.3g (%s)", arch, g.param, g.worst)
		if g.param > marginStep1 {
			t.Errorf("%s: parameters after one step differ by %.3g > %g", arch, g.param, marginStep1)
		}
	}
}

// TestTrainingParity: 20 steps of the Tiny 2-layer model on toy data, then
// 500 samples at T. The two trainings drift apart (see the margins in
// helpers_test.go, calibrated by margin_test.go), so the test compares the
// sample statistics loosely and the parameters only in size.
func TestTrainingParity(t *testing.T) {
	cfg := trainCfg(chaoslib.Restricted, 20)
	c := cpu.New(2)
	defer c.Close()
	a := trainAndSample(t, c, cfg, 500)
	b := trainAndSample(t, gpuBE, cfg, 500)
	g := compareTraining(a, b)
	t.Logf("cpu: ⟨φ⟩ = %.5f, ⟨φ²⟩ = %.4f, E2 = %.5g; cuda: ⟨φ⟩ = %.5f, ⟨φ²⟩ = %.4f, E2 = %.5g",
		a.mean, a.q, a.e2, b.mean, b.q, b.e2)
	t.Logf("gaps: RMS(Δparam)/RMS = %.3g (%s), |Δ⟨φ⟩| = %.2g, |Δq|/q = %.3g, |ΔE2|/E2 = %.3g",
		g.param, g.worst, g.mean, g.q, g.e2)
	if g.param > marginParam {
		t.Errorf("parameters differ by %.3g > %g", g.param, marginParam)
	}
	if g.mean > marginMean || g.q > marginQ || g.e2 > marginE2 {
		t.Errorf("sample statistics differ: %+v; margins ⟨φ⟩ %g, q %g, E2 %g", g, marginMean, marginQ, marginE2)
	}
}

// BenchmarkTrainingStepChains times one CHL step of the paper's 2-layer
// model (N = 784, M = 500, B = 200, T/dt = 20) with P = 200, 2,000 and
// 20,000 free chains, on the GPU and on the CPU, with
// chaoslib.BenchTrainingStep (which also times the backend's GEMM alone on
// the same shapes). The CPU runs P = 20,000 only when
// CHAOSGEN_BENCH_CPU_BIG=1 (several seconds a step). Each result is logged
// in full and reported as ms/step, GFLOP/s, gemm-GFLOP/s and ratio.
func BenchmarkTrainingStepChains(b *testing.B) {
	for _, p := range []int{200, 2000, 20000} {
		for _, dev := range []string{"cuda", "cpu"} {
			b.Run(fmt.Sprintf("%s/P=%d", dev, p), func(b *testing.B) {
				if dev == "cpu" && p > 2000 && os.Getenv("CHAOSGEN_BENCH_CPU_BIG") != "1" {
					b.Skip("set CHAOSGEN_BENCH_CPU_BIG=1 to run the CPU at P = 20,000")
				}
				var be backend.Backend = gpuBE
				if dev == "cpu" {
					c := cpu.New(0)
					defer c.Close()
					be = c
				}
				cfg := chaoslib.PaperMNIST(chaoslib.Restricted)
				cfg.Chains = p
				r, err := chaoslib.BenchTrainingStep(cfg, be, max(b.N, 1))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(r.MsPerStep, "ms/step")
				b.ReportMetric(r.GFLOPS, "GFLOP/s")
				b.ReportMetric(r.GemmGFLOPS, "gemm-GFLOP/s")
				b.ReportMetric(r.Ratio, "ratio")
				b.Log(r)
			})
		}
	}
}
