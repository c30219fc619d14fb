package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// PCG streams of the measurements' random starts (with the seed they are given).
const (
	streamTrajectory = 0x74726a   // "trj": UnitTrajectories
	streamNearby     = 0x6e656172 // "near": NearbyDistance
	streamVariance   = 0x766172   // "var": ChainVariance
)

// UnitTrajectories runs one free chain of m from a random N(0, σ²) start
// (drawn from seed) and returns φ(v_i(t)) of each of the given visible units
// at each of times: out[k][j] is unit units[k] at times[j]. It panics on a
// unit outside 0…N−1.
func UnitTrajectories(m *chaoslib.Model, units []int, times []float64, seed uint64) [][]float64 {
	for _, u := range units {
		if u < 0 || u >= m.Cfg.N {
			panic(fmt.Sprintf("analysis: UnitTrajectories: unit %d of a model with N = %d visible units", u, m.Cfg.N))
		}
	}
	snaps := m.Snapshots(1, times, rand.New(rand.NewPCG(seed, streamTrajectory)))
	out := make([][]float64, len(units))
	for k, u := range units {
		out[k] = make([]float64, len(times))
		for j, s := range snaps {
			out[k][j] = float64(s.Data[u])
		}
	}
	return out
}

// NearbyDistance measures how fast free runs of m that start close together
// separate. It runs n pairs of chains: chain a starts at x(0) ~ N(0, σ²) and
// its partner at (1 + eps)·x(0), a relative perturbation eps of the same
// start, and returns, at each of times, the mean over pairs of the distance
// ‖φ(v^a(t)) − φ(v^b(t))‖ between their visible read-outs (Model.SnapshotsFrom).
// n must be in 1…MaxRows, eps finite, and each time one that
// Config.CheckTime accepts.
func NearbyDistance(m *chaoslib.Model, n int, eps float64, times []float64, seed uint64) ([]float64, error) {
	switch {
	case n < 1 || n > chaoslib.MaxRows:
		return nil, fmt.Errorf("analysis: NearbyDistance: %d pairs, want 1…%d", n, chaoslib.MaxRows)
	case math.IsNaN(eps) || math.IsInf(eps, 0):
		return nil, fmt.Errorf("analysis: NearbyDistance: perturbation eps = %g, want finite", eps)
	}
	for _, t := range times {
		if err := m.Cfg.CheckTime(t); err != nil {
			return nil, fmt.Errorf("analysis: NearbyDistance: %w", err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, streamNearby))
	var sa, sb []blas32.General
	for _, l := range m.Layers {
		x := blas32.General{Rows: n, Cols: l.Size, Stride: l.Size, Data: make([]float32, n*l.Size)}
		y := blas32.General{Rows: n, Cols: l.Size, Stride: l.Size, Data: make([]float32, n*l.Size)}
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64() * m.Cfg.Sigma)
			y.Data[i] = x.Data[i] * float32(1+eps)
		}
		sa, sb = append(sa, x), append(sb, y)
	}
	a, err := m.SnapshotsFrom(sa, times)
	if err != nil {
		return nil, err
	}
	b, err := m.SnapshotsFrom(sb, times)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(times))
	for j := range times {
		for r := 0; r < n; r++ {
			ra, rb := chaoslib.Row(a[j], r), chaoslib.Row(b[j], r)
			var d2 float64
			for i := range ra {
				d := float64(ra[i]) - float64(rb[i])
				d2 += d * d
			}
			out[j] += math.Sqrt(d2) / float64(n)
		}
	}
	return out, nil
}

// ChainVariance runs n free chains of m from random starts and returns, at
// each of times, the PixelVariance of their read-outs φ(v(t)): near 0 when
// every chain falls onto the same state, larger when the chains spread over
// different states. It panics unless n ≥ 1.
func ChainVariance(m *chaoslib.Model, n int, times []float64, seed uint64) []float64 {
	if n < 1 {
		panic(fmt.Sprintf("analysis: ChainVariance of %d chains", n))
	}
	snaps := m.Snapshots(n, times, rand.New(rand.NewPCG(seed, streamVariance)))
	out := make([]float64, len(times))
	for j, s := range snaps {
		out[j] = PixelVariance(s)
	}
	return out
}

// PixelVariance is the variance of each column of x across its rows (for
// example of each pixel across samples), averaged over the columns; 0 for
// an empty x. It panics on a malformed x (indices.CheckMatrix).
func PixelVariance(x blas32.General) float64 {
	if x.Rows == 0 || x.Cols == 0 {
		return 0
	}
	if err := indices.CheckMatrix(x); err != nil {
		panic("analysis: PixelVariance: " + err.Error())
	}
	var total float64
	for i := 0; i < x.Cols; i++ {
		var sum, sum2 float64
		for r := 0; r < x.Rows; r++ {
			v := float64(x.Data[r*x.Stride+i])
			sum += v
			sum2 += v * v
		}
		mean := sum / float64(x.Rows)
		total += max(0, sum2/float64(x.Rows)-mean*mean)
	}
	return total / float64(x.Cols)
}

// LinearTimes returns n+1 evenly spaced times 0, tMax/n, …, tMax. It
// panics unless n ≥ 1.
func LinearTimes(tMax float64, n int) []float64 {
	if n < 1 {
		panic(fmt.Sprintf("analysis: LinearTimes with %d intervals", n))
	}
	out := make([]float64, n+1)
	for i := range out {
		out[i] = tMax * float64(i) / float64(n)
	}
	return out
}
