package inpaint

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// Mask says which pixels of a side×side image are hidden (generated); the
// others are given (clamped to the image).
type Mask struct {
	Spec   string // as parsed, e.g. "square:14"
	Side   int
	Hidden []bool // side² entries, row-major; true = hidden
}

// streamMask is the PCG stream of random masks.
const streamMask = 0x6d61736b // "mask"

// ParseMask reads a mask spec for side×side images:
//
//	top        the top half is given, the bottom half (rows ≥ side/2) hidden
//	left       the left half is given, the right half (columns ≥ side/2) hidden
//	square:K   the central K×K square is hidden (rows and columns
//	           (side−K)/2 … (side−K)/2 + K − 1), the rest given
//	random:F   round(F·side²) pixels drawn without replacement (seeded) are
//	           hidden; 0 < F < 1, and at least one pixel must be hidden and
//	           one given (F·side² from 0.5 to side² − 0.5), else MSEHidden
//	           would be 0/0
func ParseMask(spec string, side int, seed uint64) (Mask, error) {
	if side < 2 || side > chaoslib.MaxUnits/side {
		return Mask{}, fmt.Errorf("inpaint: image side %d: want 2 or more, and side² ≤ %d (chaoslib.MaxUnits)", side, chaoslib.MaxUnits)
	}
	m := Mask{Spec: spec, Side: side, Hidden: make([]bool, side*side)}
	name, arg, hasArg := strings.Cut(spec, ":")
	switch {
	case name == "top" && !hasArg:
		for i := side / 2 * side; i < side*side; i++ {
			m.Hidden[i] = true
		}
	case name == "left" && !hasArg:
		for r := range side {
			for c := side / 2; c < side; c++ {
				m.Hidden[r*side+c] = true
			}
		}
	case name == "square" && hasArg:
		k, err := strconv.Atoi(arg)
		if err != nil || k <= 0 || k >= side {
			return Mask{}, fmt.Errorf("inpaint: mask %q: square:K needs a whole K with 0 < K < %d", spec, side)
		}
		o := (side - k) / 2
		for r := o; r < o+k; r++ {
			for c := o; c < o+k; c++ {
				m.Hidden[r*side+c] = true
			}
		}
	case name == "random" && hasArg:
		f, err := strconv.ParseFloat(arg, 64)
		if err != nil || !(f > 0 && f < 1) {
			return Mask{}, fmt.Errorf("inpaint: mask %q: random:F needs 0 < F < 1", spec)
		}
		n := int(math.Round(f * float64(side*side)))
		if n < 1 || n > side*side-1 {
			return Mask{}, fmt.Errorf("inpaint: mask %q hides round(F·%d) = %d pixels; F must hide at least one pixel and leave one given (%.4g ≤ F < %.4g)",
				spec, side*side, n, 0.5/float64(side*side), 1-0.5/float64(side*side))
		}
		rng := rand.New(rand.NewPCG(seed, streamMask))
		for _, i := range rng.Perm(side * side)[:n] {
			m.Hidden[i] = true
		}
	default:
		return Mask{}, fmt.Errorf("inpaint: mask %q: want top, left, square:K or random:F", spec)
	}
	return m, nil
}

// Given returns the indices of the given (clamped) pixels.
func (m Mask) Given() []int { return m.indices(false) }

// HiddenPixels returns the indices of the hidden pixels.
func (m Mask) HiddenPixels() []int { return m.indices(true) }

func (m Mask) indices(hidden bool) []int {
	var out []int
	for i, h := range m.Hidden {
		if h == hidden {
			out = append(out, i)
		}
	}
	return out
}
