package chaoslib

import (
	"fmt"
	"maps"
	"math/rand/v2"
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
}

func (r BenchResult) String() string {
	return fmt.Sprintf("%s %s P=%d B=%d T/dt=%d: %.2f ms/step, %.1f GFLOP/s; %s GEMM on the same shapes %.1f GFLOP/s; ratio %.2f",
		r.Backend, r.Arch, r.Chains, r.Batch, r.EulerSteps, r.MsPerStep, r.GFLOPS, r.Backend, r.GemmGFLOPS, r.Ratio)
}

// benchSeconds is the time that BenchTrainingStep spends on timed steps
// when it chooses their number.
const benchSeconds = 2.0

// BenchTrainingStep times steps CHL training steps of cfg on be (after one
// warm-up step), on random data, then times the backend's GEMM alone on the
// shapes and counts that one step performed. With steps ≤ 0 it times as many
// steps as fill about 2 s (at least 3), judged from the warm-up step.
func BenchTrainingStep(cfg Config, be backend.Backend, steps int) (BenchResult, error) {
	counter := backend.NewCounter(be)
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
	shapes := make(map[backend.GemmShape]int, len(counter.Gemms))
	maps.Copy(shapes, counter.Gemms)
	flops := counter.FLOPs()
	sync(be, m)
	start := time.Now()
	for range steps {
		if _, err := tr.TrainStep(); err != nil {
			return BenchResult{}, err
		}
	}
	sync(be, m)
	stepSec := time.Since(start).Seconds() / float64(steps)

	gemmSec := 0.0
	calls := 0
	for s, n := range shapes {
		gemmSec += float64(n) * timeGemm(be, s, steps)
		calls += n
	}
	r := BenchResult{Backend: be.Name(), Arch: cfg.Arch, Chains: cfg.Chains, Batch: cfg.Batch,
		EulerSteps: cfg.EulerSteps(cfg.T), Steps: steps, MsPerStep: stepSec * 1e3, GFLOP: flops / 1e9,
		GFLOPS: flops / stepSec / 1e9, GemmGFLOPS: flops / gemmSec / 1e9, GemmShapes: len(shapes), GemmCalls: calls}
	r.Ratio = r.GFLOPS / r.GemmGFLOPS
	return r, nil
}

// sync waits for the backend's queued work by downloading a small matrix.
func sync(be backend.Backend, m *Model) {
	b := m.Layers[0].Bias
	be.Download(make([]float32, b.Rows()*b.Cols()), b)
}

// timeGemm returns the seconds of one GEMM of shape s on be, averaged over
// reps calls after a warm-up call, with operands of the same layout as the
// model's.
func timeGemm(be backend.Backend, s backend.GemmShape, reps int) float64 {
	ar, ac := s.M, s.K
	if s.TransA {
		ar, ac = ac, ar
	}
	br, bc := s.K, s.N
	if s.TransB {
		br, bc = bc, br
	}
	a, b, c := be.NewMat(ar, ac), be.NewMat(br, bc), be.NewMat(s.M, s.N)
	defer func() { be.Free(a); be.Free(b); be.Free(c) }()
	rng := rand.New(rand.NewPCG(1, streamBenchGemm))
	be.Upload(a, gaussian(rng, ar*ac, 1))
	be.Upload(b, gaussian(rng, br*bc, 1))
	be.Gemm(s.TransA, s.TransB, 1, a, b, 0, c)
	small := make([]float32, s.M*s.N)
	be.Download(small, c)
	reps = max(reps, 5)
	start := time.Now()
	for range reps {
		be.Gemm(s.TransA, s.TransB, 1, a, b, 1, c)
	}
	be.Download(small, c)
	return time.Since(start).Seconds() / float64(reps)
}
