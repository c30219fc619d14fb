package gpu

// Helpers shared by the CUDA parity tests (build tag cuda) and the CPU-only
// margin calibration (margin_test.go, no tag).

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/internal/toydata"
)

func randn(rng *rand.Rand, n int, std float64) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(rng.NormFloat64() * std)
	}
	return out
}

func nans(n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(math.NaN())
	}
	return out
}

func down(be backend.Backend, m backend.Mat) []float32 {
	out := make([]float32, m.Rows()*m.Cols())
	be.Download(out, m)
	return out
}

// toyData is toydata.Patterns: two noisy ±0.9 prototypes in s-space.
func toyData(n, N int, seed uint64) blas32.General { return toydata.Patterns(n, N, seed) }

// trainCfg is a short training of the Tiny configuration of arch (N = 784,
// B = P = 50, T/dt = 20) for the given number of steps.
func trainCfg(arch chaoslib.Arch, steps int) chaoslib.Config {
	cfg := chaoslib.Tiny(arch)
	cfg.Steps = steps
	return cfg
}

// trainSummary is what the training parity tests compare between backends.
type trainSummary struct {
	params []chaoslib.Param
	mean   float64 // mean activity ⟨φ(v)⟩ of the samples at T
	q      float64 // mean squared activity ⟨φ(v)²⟩ of the samples
	e2     float64 // E2 of the samples against the training data
}

// trainAndSample trains cfg on be from scratch on toy data, then, if
// samples > 0, draws that many samples at T with a fixed seed.
func trainAndSample(t testing.TB, be backend.Backend, cfg chaoslib.Config, samples int) trainSummary {
	t.Helper()
	m, err := chaoslib.New(cfg, be)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Free()
	data := toyData(200, cfg.N, 1)
	tr, err := chaoslib.NewTrainer(m, data)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if err := tr.Train(nil); err != nil {
		t.Fatal(err)
	}
	out := trainSummary{params: m.Params()}
	if samples == 0 {
		return out
	}
	s := m.Sample(samples, cfg.T, rand.New(rand.NewPCG(5, 5)))
	for _, v := range s.Data {
		out.mean += float64(v)
		out.q += float64(v) * float64(v)
	}
	out.mean /= float64(len(s.Data))
	out.q /= float64(len(s.Data))
	out.e2 = indices.E2(data, s)
	return out
}

// trainGap measures how far two trainings ended apart: param is the
// largest RMS(Δ)/RMS over the trained matrices (worst names it), mean the
// absolute gap of ⟨φ(v)⟩, q and e2 the gaps of ⟨φ(v)²⟩ and E2 relative to
// the first training's values.
type trainGap struct {
	param, mean, q, e2 float64
	worst              string
}

func compareTraining(a, b trainSummary) trainGap {
	var g trainGap
	for i, p := range a.params {
		if !p.Trained {
			continue
		}
		q := b.params[i]
		var ss, sd float64
		for j, v := range p.Data {
			d := float64(v - q.Data[j])
			ss += float64(v) * float64(v)
			sd += d * d
		}
		if r := math.Sqrt(sd / math.Max(ss, 1e-30)); r > g.param {
			g.param, g.worst = r, p.Name
		}
	}
	g.mean = math.Abs(a.mean - b.mean)
	g.q = math.Abs(a.q-b.q) / math.Max(a.q, 1e-12)
	g.e2 = math.Abs(a.e2-b.e2) / math.Max(a.e2, 1e-12)
	return g
}

// Margins of the training parity tests.
//
// After one step, the parameters of the two backends differ only by what
// float rounding does to one clamped and one free phase: tight.
//
// After 20 steps they do not stay close: GEMM rounding differences (about
// one ulp) enter every step, the chaotic free runs amplify them, and each
// update feeds them back into the next step's dynamics. The parameters then
// agree only in size, and the test compares what the paper cares about, the
// statistics of the samples, loosely. margin_test.go measures on the CPU
// what bound-sized GEMM noise does to the same training (worst of 8 noise
// seeds, with OpenBLAS's Haswell and SkylakeX kernels: parameters 18%,
// ⟨φ²⟩ 4.9%, E2 37%, ⟨φ⟩ 3.4e-4) and checks that these margins hold it
// with room to spare. Gross errors (a wrong
// transpose, a missing bias, a sign) move the parameters by 100% or more.
const (
	marginStep1 = 1e-4 // one step: RMS(Δparam)/RMS(param), each trained matrix
	marginParam = 0.6  // 20 steps: same
	marginMean  = 0.01 // 20 steps: |Δ⟨φ(v)⟩|
	marginQ     = 0.12 // 20 steps: |Δ⟨φ(v)²⟩|/⟨φ(v)²⟩
	marginE2    = 1.0  // 20 steps: |ΔE2|/E2
	noiseULP    = 0x1p-24
)

// noisyCPU is the CPU backend with noise added to every GEMM result:
// c_ij += u·noiseULP·|alpha|·(|op(a)|·|op(b)|)_ij, u uniform in [−1, 1].
// That is one unit roundoff of the standard error scale of a dot product,
// the size of the difference another BLAS's summation order (cuBLAS's) makes
// — larger than typical, since rounding errors partly cancel.
type noisyCPU struct {
	*cpu.Backend
	rng *rand.Rand
}

func (n *noisyCPU) Gemm(transA, transB bool, alpha float32, a, b backend.Mat, beta float32, c backend.Mat) {
	abs := func(m backend.Mat) backend.Mat {
		out := n.NewMat(m.Rows(), m.Cols())
		for i, v := range m.(*cpu.Mat).Data {
			out.(*cpu.Mat).Data[i] = float32(math.Abs(float64(v)))
		}
		return out
	}
	aa, ab := abs(a), abs(b)
	scale := n.NewMat(c.Rows(), c.Cols())
	n.Backend.Gemm(transA, transB, float32(math.Abs(float64(alpha))), aa, ab, 0, scale)
	n.Backend.Gemm(transA, transB, alpha, a, b, beta, c)
	d, e := c.(*cpu.Mat).Data, scale.(*cpu.Mat).Data
	for i := range d {
		d[i] += float32((2*n.rng.Float64() - 1) * noiseULP * float64(e[i]))
	}
	n.Free(aa)
	n.Free(ab)
	n.Free(scale)
}
