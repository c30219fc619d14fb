// Command mixing asks why a checkpoint's samples do not mix with the test
// set (EAAI, docs/TUNING.md round 9). It scores, at t = T and n = 10,000
// (or --n), the samples as drawn and after simple changes that would
// remove one suspected cause each:
//
//   - raw: the trained parameters instead of their average (EMA), when the
//     checkpoint holds both;
//   - centred: every sample moved by μ_test − μ_gen (then clamped to
//     [−1, 1]), which removes a shared offset from the data's mean;
//   - clipped test set: the test images clipped to ±0.95, as the training
//     data are under --data-clip 0.05;
//   - sharpened: s ← tanh(β·atanh s) for β = 1.5, 2, 3 (a steeper read-out
//     of the same x(T)), and sign(s), which remove grey pixels.
//
// It then prints, on the first --nn rows of each set, the distribution of
// nearest-neighbour distances within the samples, from the samples to the
// test images and within the test images, and the share of samples with a
// near-duplicate (another sample closer than 3, where two test images are
// about 10 apart).
//
// These are diagnostics, not part of the model: only "as drawn" is the
// model's score.
//
//	go run ./scripts/mixing --checkpoint pretrained/restricted-mnist/checkpoints/step-0010000.npz
package main

import (
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

func main() {
	path := flag.String("checkpoint", "", "checkpoint to sample from (required)")
	n := flag.Int("n", 10000, "test images and samples")
	seed := flag.Uint64("seed", 1, "seed of the free runs (as chaosgen eval --seed)")
	nnRows := flag.Int("nn", 2000, "rows of each set in the nearest-neighbour distances")
	flag.Parse()
	switch {
	case flag.NArg() > 0:
		log.Fatalf("unexpected argument %q (flags go before it)", flag.Arg(0))
	case *path == "":
		log.Fatal("--checkpoint is required")
	case *n < indices.MinN:
		log.Fatalf("--n %d: want ≥ %d", *n, indices.MinN)
	case *nnRows < 2:
		log.Fatalf("--nn %d: want ≥ 2", *nnRows)
	}
	openblas.Choose()
	ck, err := chaoslib.LoadCheckpoint(*path)
	if err != nil {
		log.Fatal(err)
	}
	test, err := data.Load(ck.Config.Dataset, "test")
	if err != nil {
		log.Fatal(err)
	}
	if *n > test.Len() {
		log.Fatalf("--n %d: the %s test set has %d images", *n, ck.Config.Dataset, test.Len())
	}
	x := test.Head(*n).X
	be := cpu.New(0)
	sample := func(ck *chaoslib.Checkpoint) blas32.General {
		m, err := ck.Model(be)
		if err != nil {
			log.Fatal(err)
		}
		defer m.Free()
		return m.Sample(*n, m.Cfg.T, rand.New(rand.NewPCG(*seed, chaoslib.StreamEval)))
	}
	gen := sample(ck)
	score := func(name string, data, gen blas32.General) {
		aa, err := indices.EAAI(data, gen)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-34s EAAI %.4f   AA_truth %.4f   AA_syn %.4f\n", name, aa.EAAI, aa.Truth, aa.Syn)
	}
	score("as drawn", x, gen)

	var raw []chaoslib.Param
	for _, p := range ck.State {
		if !strings.HasPrefix(p.Name, "ema_") {
			raw = append(raw, p)
		}
	}
	if len(raw) < len(ck.State) {
		rawCk := *ck
		rawCk.State = raw
		score("raw parameters (no average)", x, sample(&rawCk))
	}

	shift := make([]float64, x.Cols)
	for j := range shift {
		shift[j] = colMean(x, j) - colMean(gen, j)
	}
	var d2 float64
	for _, v := range shift {
		d2 += v * v
	}
	score(fmt.Sprintf("centred (‖μ_test − μ_gen‖² = %.2f)", d2), x, mapRows(gen, func(j int, v float64) float64 {
		return math.Max(-1, math.Min(1, v+shift[j]))
	}))
	score("test set clipped to ±0.95", mapRows(x, func(_ int, v float64) float64 {
		return math.Max(-0.95, math.Min(0.95, v))
	}), gen)
	for _, beta := range []float64{1.5, 2, 3} {
		score(fmt.Sprintf("sharpened, β = %g", beta), x, mapRows(gen, func(_ int, v float64) float64 {
			return math.Tanh(beta * math.Atanh(math.Max(-1+1e-7, math.Min(1-1e-7, v))))
		}))
	}
	score("sign(s)", x, mapRows(gen, func(_ int, v float64) float64 { return math.Copysign(1, v) }))

	k := min(*nnRows, *n)
	g, d := head(gen, k), head(x, k)
	gg := nearest(g, g, true)
	dup := 0
	for _, v := range gg {
		if v < 3 {
			dup++
		}
	}
	fmt.Printf("nearest-neighbour distance, first %d rows (10th, 50th, 90th percentile):\n", k)
	fmt.Printf("  sample → sample %s; %.1f%% closer than 3\n", percentiles(gg), 100*float64(dup)/float64(k))
	fmt.Printf("  sample → test   %s\n", percentiles(nearest(g, d, false)))
	fmt.Printf("  test → test     %s\n", percentiles(nearest(d, d, true)))
}

// head returns the first k rows of x.
func head(x blas32.General, k int) blas32.General {
	return blas32.General{Rows: k, Cols: x.Cols, Stride: x.Stride, Data: x.Data[:(k-1)*x.Stride+x.Cols]}
}

// nearest returns, for each row of a, the Euclidean distance to its
// nearest row of b (not itself when self), from ‖a_i‖² + ‖b_j‖² − 2a_i·b_j.
func nearest(a, b blas32.General, self bool) []float64 {
	dot := blas32.General{Rows: a.Rows, Cols: b.Rows, Stride: b.Rows, Data: make([]float32, a.Rows*b.Rows)}
	blas32.Gemm(blas.NoTrans, blas.Trans, 1, a, b, 0, dot)
	bsq := sqNorms(b)
	out := make([]float64, a.Rows)
	for i, ai := range sqNorms(a) {
		best := math.Inf(1)
		for j, bj := range bsq {
			if !(self && i == j) {
				best = math.Min(best, ai+bj-2*float64(dot.Data[i*dot.Stride+j]))
			}
		}
		out[i] = math.Sqrt(math.Max(best, 0))
	}
	return out
}

// sqNorms returns ‖x_i‖² for every row of x.
func sqNorms(x blas32.General) []float64 {
	out := make([]float64, x.Rows)
	for i := range out {
		for _, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			out[i] += float64(v) * float64(v)
		}
	}
	return out
}

// percentiles formats the 10th, 50th and 90th percentiles of x.
func percentiles(x []float64) string {
	y := slices.Sorted(slices.Values(x))
	return fmt.Sprintf("%5.2f %5.2f %5.2f", y[len(y)/10], y[len(y)/2], y[len(y)*9/10])
}

// colMean is the mean of column j of x.
func colMean(x blas32.General, j int) float64 {
	var s float64
	for i := 0; i < x.Rows; i++ {
		s += float64(x.Data[i*x.Stride+j])
	}
	return s / float64(x.Rows)
}

// mapRows returns a copy of x with every element v of column j replaced by f(j, v).
func mapRows(x blas32.General, f func(j int, v float64) float64) blas32.General {
	out := blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: make([]float32, x.Rows*x.Cols)}
	for i := 0; i < x.Rows; i++ {
		for j := 0; j < x.Cols; j++ {
			out.Data[i*x.Cols+j] = float32(f(j, float64(x.Data[i*x.Stride+j])))
		}
	}
	return out
}
