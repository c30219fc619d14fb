package chaoslib

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// PCG streams of the benchmark's synthetic inputs.
const (
	streamBenchData = 99 // the training data of BenchTrainingStep
	streamBenchGemm = 1  // the GEMM operands (seed 1)
)

// BenchResult is the speed of one training step on a backend, set against
// the backend's own GEMM rate on the same shapes, measured in the same run.
type BenchResult struct {
	Backend     string  `json:"backend"`
	Arch        Arch    `json:"arch"`
	Chains      int     `json:"chains"`
	Batch       int     `json:"batch"`
	EulerSteps  int     `json:"euler_steps"`
	Steps       int     `json:"steps_timed"`
	MsPerStep   float64 `json:"ms_per_step"`
	GFLOP       float64 `json:"gflop_per_step"` // GEMM FLOPs of one training step / 1e9
	GFLOPS      float64 `json:"gflops"`         // GEMM FLOPs / step time
	GemmGFLOPS  float64 `json:"gemm_gflops"`    // the backend's GEMM alone, same shapes and counts
	Ratio       float64 `json:"ratio"`          // GFLOPS / GemmGFLOPS
	GemmShapes  int     `json:"gemm_shapes"`
	GemmCalls   int     `json:"gemm_calls"`
	BLASCore    string  `json:"blas_core,omitempty"`    // set by callers on the CPU backend: OpenBLAS kernel family
	BLASKernel  string  `json:"blas_kernel,omitempty"`  // and how it was chosen
	BLASThreads int     `json:"blas_threads,omitempty"` // OpenBLAS threads per GEMM
	PassThreads int     `json:"pass_threads,omitempty"` // goroutines per elementwise pass

	// MsByCall splits MsPerStep: the ms per step spent in each backend
	// method (Gemm, EulerTanh, …) and, under Outside, in none of them
	// (random starts, minibatch copies). Only the CPU backend's calls take
	// the time of their work (backend.Timer).
	MsByCall map[string]float64 `json:"ms_by_call"`
}

func (r BenchResult) String() string {
	return fmt.Sprintf("%s %s P=%d B=%d T/dt=%d: %.2f ms/step, %.1f GFLOP/s; %s GEMM on the same shapes %.1f GFLOP/s; ratio %.2f",
		r.Backend, r.Arch, r.Chains, r.Batch, r.EulerSteps, r.MsPerStep, r.GFLOPS, r.Backend, r.GemmGFLOPS, r.Ratio)
}

// benchSeconds is the time that BenchTrainingStep spends on timed steps
// when it chooses their number.
const benchSeconds = 2.0

// Outside is the MsByCall key of the time spent outside backend calls.
const Outside = "outside calls"

// BenchTrainingStep times steps CHL training steps of cfg on be (after one
// warm-up step), on random data, and the backend's GEMM alone on the shapes
// and counts that one step performs. The two are timed in alternation (a
// step, then that step's GEMMs), so that a change in the machine's load
// between them cannot bias their ratio. With steps ≤ 0 it times as many
// steps as fill about 2 s (at least 3), judged from the warm-up step. The
// timed steps' backend calls are timed too (MsByCall).
func BenchTrainingStep(cfg Config, be backend.Backend, steps int) (BenchResult, error) {
	timer := backend.NewTimer(be)
	counter := backend.NewCounter(timer)
	m, err := New(cfg, counter)
	if err != nil {
		return BenchResult{}, err
	}
	defer m.Free()
	rng := rand.New(rand.NewPCG(cfg.Seed, streamBenchData))
	data := blas32.General{Rows: 256, Cols: cfg.N, Stride: cfg.N, Data: gaussian(rng, 256*cfg.N, 0.5)}
	for i, v := range data.Data {
		data.Data[i] = max(-1, min(1, v))
	}
	tr, err := NewTrainer(m, data)
	if err != nil {
		return BenchResult{}, err
	}
	defer tr.Close()
	counter.Reset()
	warm := time.Now()
	if _, err := tr.TrainStep(); err != nil { // warm-up; records one step's GEMMs
		return BenchResult{}, err
	}
	if steps <= 0 {
		steps = max(3, int(benchSeconds/time.Since(warm).Seconds()))
	}
	flops := counter.FLOPs()
	// The timed GEMMs get operands of their own, beside the model and batches.
	if err := cfg.checkRowsMemory(cfg.TrainBytes() + gemmSetBytes(counter.Gemms)); err != nil {
		return BenchResult{}, err
	}
	gemms := newGemmSet(be, counter.Gemms)
	defer gemms.free()
	gemms.run() // warm-up
	var stepSec, gemmSec float64
	for range steps {
		sync(be, m)
		start := time.Now()
		timer.On = true
		if _, err := tr.TrainStep(); err != nil {
			return BenchResult{}, err
		}
		timer.On = false
		sync(be, m)
		stepSec += time.Since(start).Seconds()
		gemmSec += gemms.run()
	}
	stepSec /= float64(steps)
	gemmSec /= float64(steps)
	r := BenchResult{Backend: be.Name(), Arch: cfg.Arch, Chains: cfg.Chains, Batch: cfg.Batch,
		EulerSteps: cfg.EulerSteps(cfg.T), Steps: steps, MsPerStep: stepSec * 1e3, GFLOP: flops / 1e9,
		GFLOPS: flops / stepSec / 1e9, GemmGFLOPS: flops / gemmSec / 1e9, GemmShapes: len(gemms.shapes), GemmCalls: gemms.calls}
	r.Ratio = r.GFLOPS / r.GemmGFLOPS
	r.MsByCall = map[string]float64{Outside: r.MsPerStep}
	for name, sec := range timer.Seconds {
		ms := sec * 1e3 / float64(steps)
		r.MsByCall[name] = ms
		r.MsByCall[Outside] -= ms
	}
	return r, nil
}

// gemmSet is one step's GEMMs, shape by shape, on operands of the model's
// layout filled with N(0, 1) values.
type gemmSet struct {
	be      backend.Backend
	shapes  []backend.GemmShape
	counts  []int
	a, b, c []backend.Mat
	calls   int
	host    []float32 // the last output, downloaded to wait for the GEMMs
}

// operandShapes returns the row and column counts of a GEMM's operands a
// and b as stored (before the transposes).
func operandShapes(s backend.GemmShape) (ar, ac, br, bc int) {
	ar, ac, br, bc = s.M, s.K, s.K, s.N
	if s.TransA {
		ar, ac = ac, ar
	}
	if s.TransB {
		br, bc = bc, br
	}
	return ar, ac, br, bc
}

// gemmSetBytes is the memory of newGemmSet for these shapes: per shape the
// float32 operands a (M×K), b (K×N) and output c (M×N), plus the host copy
// of the last output, 4·(Σ (MK + KN + MN) + M_last·N_last) bytes.
func gemmSetBytes(counts map[backend.GemmShape]int) int64 {
	var n, last int64
	for _, s := range slices.SortedFunc(maps.Keys(counts), compareShapes) {
		n += int64(s.M)*int64(s.K) + int64(s.K)*int64(s.N) + int64(s.M)*int64(s.N)
		last = int64(s.M) * int64(s.N)
	}
	return 4 * (n + last)
}

func newGemmSet(be backend.Backend, counts map[backend.GemmShape]int) *gemmSet {
	g := &gemmSet{be: be}
	rng := rand.New(rand.NewPCG(1, streamBenchGemm))
	for _, s := range slices.SortedFunc(maps.Keys(counts), compareShapes) {
		ar, ac, br, bc := operandShapes(s)
		a, b := be.NewMat(ar, ac), be.NewMat(br, bc)
		be.Upload(a, gaussian(rng, ar*ac, 1))
		be.Upload(b, gaussian(rng, br*bc, 1))
		g.shapes = append(g.shapes, s)
		g.counts = append(g.counts, counts[s])
		g.a, g.b, g.c = append(g.a, a), append(g.b, b), append(g.c, be.NewMat(s.M, s.N))
		g.calls += counts[s]
	}
	last := g.shapes[len(g.shapes)-1]
	g.host = make([]float32, last.M*last.N)
	return g
}

// compareShapes orders shapes by output size, largest first, then by
// M, N and K (a fixed order for a given step).
func compareShapes(x, y backend.GemmShape) int {
	return cmp.Or(cmp.Compare(y.M*y.N, x.M*x.N), cmp.Compare(x.M, y.M), cmp.Compare(x.N, y.N), cmp.Compare(x.K, y.K),
		cmp.Compare(fmt.Sprint(x.TransA, x.TransB), fmt.Sprint(y.TransA, y.TransB)))
}

// run performs the set's GEMMs once (beta = 1, so each call reads and
// writes its output like the step's accumulating calls), waits for them by
// downloading the last (smallest) output, and returns the seconds taken.
func (g *gemmSet) run() float64 {
	start := time.Now()
	for i, s := range g.shapes {
		for range g.counts[i] {
			g.be.Gemm(s.TransA, s.TransB, 1, g.a[i], g.b[i], 1, g.c[i])
		}
	}
	g.be.Download(g.host, g.c[len(g.c)-1])
	return time.Since(start).Seconds()
}

func (g *gemmSet) free() {
	for i := range g.shapes {
		g.be.Free(g.a[i])
		g.be.Free(g.b[i])
		g.be.Free(g.c[i])
	}
}

// sync waits for the backend's queued work by downloading a small matrix.
func sync(be backend.Backend, m *Model) {
	b := m.Layers[0].Bias
	be.Download(make([]float32, b.Rows()*b.Cols()), b)
}
