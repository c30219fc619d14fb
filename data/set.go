// Package data fetches, converts, verifies and loads the MNIST and
// Fashion-MNIST data sets used by chaosgen.
//
// Images are kept on disk as standard IDX .gz files (one pair of image and
// label files per split) under Dir(), in class-interleaved round-robin order
// so that every prefix is class balanced. In memory an image is a row of 784
// float32 values in s-space, s = 2·byte/255 − 1 ∈ [−1, 1] (docs/MODEL.md,
// "Notation").
package data

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
)

const (
	Side    = 28          // image side in pixels
	Pixels  = Side * Side // 784 pixels (visible units N) per image
	Classes = 10          // labels 0..9
)

// Set is one split of one data set, in s-space: s = 2·byte/255 − 1 ∈ [−1,1].
type Set struct {
	Dataset string         // "mnist" or "fashion-mnist"
	Split   string         // "train" or "test"
	X       blas32.General // n×784, row-major, float32, s-space
	Labels  []uint8        // n labels 0..9
}

// Len returns the number of images n.
func (s *Set) Len() int { return len(s.Labels) }

// Head returns the first n images. Because sets are stored in round-robin
// class order, the first n images hold ⌊n/10⌋ or ⌈n/10⌉ images of each class
// (while every class still has images left). The result shares memory with s.
// Head panics if n < 0 or n > s.Len().
func (s *Set) Head(n int) *Set {
	if n < 0 || n > s.Len() {
		panic(fmt.Sprintf("data: Head(%d) out of range [0, %d] for %s/%s", n, s.Len(), s.Dataset, s.Split))
	}
	h := *s
	h.X = blas32.General{Rows: n, Cols: s.X.Cols, Stride: s.X.Stride, Data: s.X.Data[:n*s.X.Stride]}
	h.Labels = s.Labels[:n:n]
	return &h
}

// Datasets returns the names of the supported data sets.
func Datasets() []string { return []string{"mnist", "fashion-mnist"} }

// Splits returns the names of the splits of every data set.
func Splits() []string { return []string{"train", "test"} }

// ToS maps a pixel byte p to s-space: s = 2·p/255 − 1, so 0 → −1 and 255 → 1.
func ToS(pixel byte) float32 { return 2*float32(pixel)/255 - 1 }

// ToPixel is the inverse transform for plotting: ξ = (s+1)/2, clipped to [0,1].
func ToPixel(s float32) float32 {
	p := (s + 1) / 2
	switch {
	case p < 0:
		return 0
	case p > 1:
		return 1
	case p != p: // NaN
		return 0
	}
	return p
}

// newSet converts pixel bytes (n×784, row-major) to a Set in s-space.
func newSet(dataset, split string, pix, labels []byte) *Set {
	var lut [256]float32
	for i := range lut {
		lut[i] = ToS(byte(i))
	}
	x := make([]float32, len(pix))
	for i, p := range pix {
		x[i] = lut[p]
	}
	return &Set{
		Dataset: dataset,
		Split:   split,
		X:       blas32.General{Rows: len(labels), Cols: Pixels, Stride: Pixels, Data: x},
		Labels:  labels,
	}
}

func checkDataset(dataset string) error {
	for _, d := range Datasets() {
		if d == dataset {
			return nil
		}
	}
	return fmt.Errorf("unknown dataset %q (valid: mnist, fashion-mnist)", dataset)
}

func checkSplit(split string) error {
	if split == "train" || split == "test" {
		return nil
	}
	return fmt.Errorf("unknown split %q (valid: train, test)", split)
}
