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
	"strings"

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
	flag.Parse()
	if *path == "" {
		log.Fatal("--checkpoint is required")
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
