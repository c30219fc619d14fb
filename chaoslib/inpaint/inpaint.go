// Package inpaint completes partly hidden images with chaoslib's networks
// (conditional generation): the given pixels are clamped, φ(v_i) = s_i,
// and every other unit, hidden pixels and hidden layers alike, runs the
// free dynamics from x(0) ~ N(0, σ²) to time t (usually T).
package inpaint

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// streamStarts is the PCG stream of the initial states of the completions.
const streamStarts = 0x696e7061696e74 // "inpaint"

// Complete completes each row of x (n×N, s-space: finite, in [−1, 1]) at
// each of times. The given pixels of mask are clamped to x, clipped to
// ±(1 − ε) when the model was trained with data clip ε (as the network saw
// its data); the hidden pixels are the read-out φ(v(t)). In the returned
// images the given pixels hold x itself, so that a completion differs from
// x only where it was hidden.
func Complete(m *chaoslib.Model, x blas32.General, mask Mask, times []float64, seed uint64) ([]blas32.General, error) {
	N := m.Cfg.N
	if x.Cols != N || len(mask.Hidden) != N || x.Rows == 0 {
		return nil, fmt.Errorf("inpaint: %d×%d images and a %d-pixel mask for a model with N = %d", x.Rows, x.Cols, len(mask.Hidden), N)
	}
	if err := indices.CheckSamples(x); err != nil {
		return nil, fmt.Errorf("inpaint: images (s-space, [−1, 1]): %w", err)
	}
	for _, t := range times {
		if err := m.Cfg.CheckTime(t); err != nil {
			return nil, fmt.Errorf("inpaint: %w", err)
		}
	}
	given := mask.Given()
	lim := float32(1 - m.Cfg.DataClip)
	vals := blas32.General{Rows: x.Rows, Cols: len(given), Stride: len(given), Data: make([]float32, x.Rows*len(given))}
	for r := range x.Rows {
		for j, i := range given {
			vals.Data[r*len(given)+j] = max(-lim, min(lim, x.Data[r*x.Stride+i]))
		}
	}
	f := m.NewFlow(x.Rows, 0, rand.New(rand.NewPCG(seed, streamStarts)))
	defer f.Close()
	if err := f.Clamp(given, vals); err != nil {
		return nil, err
	}
	out := make([]blas32.General, len(times))
	done := 0
	for _, i := range order(times) {
		steps := m.Cfg.EulerSteps(times[i])
		f.Step(steps - done)
		done = steps
		out[i] = f.Visible()
		if err := m.CheckFinite(out[i], times[i]); err != nil {
			return nil, err
		}
		for r := range x.Rows {
			for _, p := range given {
				out[i].Data[r*N+p] = x.Data[r*x.Stride+p]
			}
		}
	}
	return out, nil
}

// order returns the indices of times sorted by time.
func order(times []float64) []int {
	idx := make([]int, len(times))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(times[a], times[b]) })
	return idx
}

// Baseline fills the hidden pixels of each row of x with the training mean
// (mean[i] for pixel i) and keeps the given ones. It panics unless mean and
// the mask have x's columns and x is a well-formed matrix.
func Baseline(x blas32.General, mean []float32, mask Mask) blas32.General {
	if len(mean) != x.Cols || len(mask.Hidden) != x.Cols {
		panic(fmt.Sprintf("inpaint: Baseline: a %d-pixel mean and a %d-pixel mask for %d-column images", len(mean), len(mask.Hidden), x.Cols))
	}
	if err := indices.CheckMatrix(x); err != nil {
		panic("inpaint: Baseline: images: " + err.Error())
	}
	out := blas32.General{Rows: x.Rows, Cols: x.Cols, Stride: x.Cols, Data: make([]float32, x.Rows*x.Cols)}
	h := mask.HiddenPixels()
	for r := range x.Rows {
		row := out.Data[r*x.Cols : (r+1)*x.Cols]
		copy(row, x.Data[r*x.Stride:r*x.Stride+x.Cols])
		for _, i := range h {
			row[i] = mean[i]
		}
	}
	return out
}

// ColumnMeans returns the mean of each column of x (the mean image); NaN
// for every column when x has no rows.
func ColumnMeans(x blas32.General) []float32 {
	sum := make([]float64, x.Cols)
	for r := range x.Rows {
		for i, v := range x.Data[r*x.Stride : r*x.Stride+x.Cols] {
			sum[i] += float64(v)
		}
	}
	out := make([]float32, x.Cols)
	for i, s := range sum {
		out[i] = float32(s / float64(x.Rows))
	}
	return out
}

// MSEHidden is the mean squared error over the hidden pixels of every row,
// (1/(n·|H|)) Σ_r Σ_{i∈H} (y_ri − x_ri)², in s-space; NaN when there are
// no rows or no hidden pixels. It panics unless y, x and the mask have the
// same shape.
func MSEHidden(y, x blas32.General, mask Mask) float64 {
	if y.Rows != x.Rows || y.Cols != x.Cols || len(mask.Hidden) != x.Cols {
		panic(fmt.Sprintf("inpaint: MSEHidden: %d×%d completions, %d×%d images and a %d-pixel mask", y.Rows, y.Cols, x.Rows, x.Cols, len(mask.Hidden)))
	}
	h := mask.HiddenPixels()
	var s float64
	for r := range x.Rows {
		for _, i := range h {
			d := float64(y.Data[r*y.Stride+i] - x.Data[r*x.Stride+i])
			s += d * d
		}
	}
	return s / float64(x.Rows*len(h))
}

// Result scores completions of n test images against the mean-image
// baseline.
type Result struct {
	Mask                   string  `json:"mask"`
	N                      int     `json:"n"`
	T                      float64 `json:"t"`
	HiddenPixels           int     `json:"hidden_pixels"`
	ClassAgreement         float64 `json:"class_agreement"` // fraction whose 1-NN class is the true label
	MSEHidden              float64 `json:"mse_hidden"`
	BaselineClassAgreement float64 `json:"baseline_class_agreement"`
	BaselineMSEHidden      float64 `json:"baseline_mse_hidden"`
}

// Bytes estimates the memory that completing and scoring n images at one
// time (Evaluate) needs beyond the model: the batch of n chains, the
// clamped values, the completions and the baseline (n×N each, at most),
// float32.
func Bytes(cfg chaoslib.Config, n int) int64 {
	return cfg.SampleBytes(n, 3) - cfg.ModelBytes()
}

// Evaluate completes the rows of x (labels, s-space) at time t, and scores
// the completions and the baseline (hidden pixels = mean) by class agreement
// under cls and MSEHidden. It returns the completions too.
func Evaluate(m *chaoslib.Model, x blas32.General, labels []uint8, mean []float32, mask Mask, t float64, cls *indices.Classifier, seed uint64) (Result, blas32.General, error) {
	if len(labels) != x.Rows || len(mean) != x.Cols {
		return Result{}, blas32.General{}, fmt.Errorf("inpaint: %d labels and a %d-pixel mean for %d×%d images", len(labels), len(mean), x.Rows, x.Cols)
	}
	if cls == nil {
		return Result{}, blas32.General{}, fmt.Errorf("inpaint: Evaluate needs a classifier for the class agreement")
	}
	if cls.Cols() != x.Cols {
		return Result{}, blas32.General{}, fmt.Errorf("inpaint: the classifier reads %d pixels, the images have %d", cls.Cols(), x.Cols)
	}
	if err := indices.CheckSamples(blas32.General{Rows: 1, Cols: len(mean), Stride: len(mean), Data: mean}); err != nil {
		return Result{}, blas32.General{}, fmt.Errorf("inpaint: the mean image: %w", err)
	}
	for r, l := range labels {
		if int(l) >= cls.Classes() {
			return Result{}, blas32.General{}, fmt.Errorf("inpaint: label %d of row %d: the classifier knows classes 0…%d", l, r, cls.Classes()-1)
		}
	}
	c, err := Complete(m, x, mask, []float64{t}, seed)
	if err != nil {
		return Result{}, blas32.General{}, err
	}
	base := Baseline(x, mean, mask)
	return Result{
		Mask: mask.Spec, N: x.Rows, T: m.Cfg.RunTime(t), HiddenPixels: len(mask.HiddenPixels()),
		ClassAgreement: cls.Accuracy(c[0], labels), MSEHidden: MSEHidden(c[0], x, mask),
		BaselineClassAgreement: cls.Accuracy(base, labels), BaselineMSEHidden: MSEHidden(base, x, mask),
	}, c[0], nil
}
