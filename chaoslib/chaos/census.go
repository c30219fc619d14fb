package chaos

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
)

// MaxCensusStarts is the most free runs P of one census. Grouping compares
// every pair of end states (single linkage), P²/2 RMS distances over N
// pixels: about 1.6·10¹¹ multiply-adds at P = 20,000 and N = 784, minutes
// on one CPU core, while P = 10⁶ would take days.
const MaxCensusStarts = 20_000

// CensusBytes estimates the memory a census of P starts needs beyond its
// model: the batch of P chains, the read-outs at t − T and t, and the group
// means (at most P of them), float32.
func CensusBytes(cfg chaoslib.Config, P int) int64 {
	return cfg.SampleBytes(P, 3) - cfg.ModelBytes()
}

// CensusOptions sets an attractor census. Zero fields take the defaults in
// brackets.
type CensusOptions struct {
	Starts   int     // P, free runs from x(0) ~ N(0, σ²) [1000]
	Time     float64 // t, the end time [100·T]
	Distance float64 // d, the RMS distance within which end states group [0.05]
	Seed     uint64  // random starts
}

// Attractor is one group of end states.
type Attractor struct {
	Size     int       `json:"size"`     // runs that ended in it (its basin, counted in starts)
	Fraction float64   `json:"fraction"` // Size / P
	Settled  int       `json:"settled"`  // of those, runs whose read-out moved less than d over the last T
	Class    int       `json:"class"`    // 1-NN class of Center; −1 without a classifier
	Center   []float32 `json:"-"`        // mean visible read-out φ(v(t)) of the group
}

// Census is the outcome of TakeCensus.
type Census struct {
	Starts     int         `json:"starts"`
	Time       float64     `json:"t"`
	Distance   float64     `json:"distance"`
	Settled    int         `json:"settled"` // runs whose read-out moved less than d between max(0, t − T) and t
	Attractors []Attractor `json:"attractors"`
	Group      []int       `json:"-"` // group of each run, an index into Attractors
}

// TakeCensus runs P free chains of m to time t and groups their visible
// read-outs s = φ(v(t)): two runs are in one group when a chain of runs
// links them with every step closer than d in RMS distance,
//
//	dist(a, b) = √( (1/N) Σ_i (s_a,i − s_b,i)² ) < d,
//
// (single linkage, so the grouping does not depend on the order of the
// runs). A run counts as settled when its read-out moved less than d
// between max(0, t − T) and t (for t ≤ T: since its random start); the
// groups are attractors (fixed points) only when the runs settled. Groups
// come sorted by size, largest first; each gets the class of its mean
// read-out from cls (−1 if cls is nil, which must otherwise read N pixels).
func TakeCensus(m *chaoslib.Model, cls *indices.Classifier, o CensusOptions) (Census, error) {
	if o.Starts == 0 {
		o.Starts = 1000
	}
	if o.Time == 0 {
		o.Time = 100 * m.Cfg.T
	}
	if o.Distance == 0 {
		o.Distance = 0.05
	}
	switch {
	case o.Starts < 0 || o.Starts > MaxCensusStarts:
		return Census{}, fmt.Errorf("chaos: census of %d starts, want 1…%d (MaxCensusStarts)", o.Starts, MaxCensusStarts)
	case !(o.Time > 0) || math.IsInf(o.Time, 0):
		return Census{}, fmt.Errorf("chaos: census time %g, want finite > 0", o.Time)
	case !(o.Distance > 0) || math.IsInf(o.Distance, 0):
		return Census{}, fmt.Errorf("chaos: census distance %g, want finite > 0", o.Distance)
	}
	if err := m.Cfg.CheckTime(o.Time); err != nil {
		return Census{}, fmt.Errorf("chaos: census %w", err)
	}
	if cls != nil && cls.Cols() != m.Cfg.N {
		return Census{}, fmt.Errorf("chaos: census: the classifier reads %d pixels, the model has N = %d", cls.Cols(), m.Cfg.N)
	}
	snaps := m.Snapshots(o.Starts, []float64{math.Max(0, o.Time-m.Cfg.T), o.Time}, rand.New(rand.NewPCG(o.Seed, streamStarts)))
	before, end := snaps[0], snaps[1]
	if err := m.CheckFinite(end, o.Time); err != nil {
		return Census{}, err
	}
	N, P := end.Cols, end.Rows
	c := Census{Starts: P, Time: m.Cfg.RunTime(o.Time), Distance: o.Distance}
	settled := make([]bool, P)
	for r := range P {
		settled[r] = rms(end.Data[r*N:(r+1)*N], before.Data[r*N:(r+1)*N]) < o.Distance
		if settled[r] {
			c.Settled++
		}
	}
	root := singleLinkage(end, o.Distance)
	index := map[int]int{}
	var groups [][]int
	for r := range P {
		g, ok := index[root[r]]
		if !ok {
			g = len(groups)
			index[root[r]] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], r)
	}
	sort.SliceStable(groups, func(i, j int) bool { return len(groups[i]) > len(groups[j]) })
	c.Group = make([]int, P)
	centers := blas32.General{Rows: len(groups), Cols: N, Stride: N, Data: make([]float32, len(groups)*N)}
	for g, rows := range groups {
		a := Attractor{Size: len(rows), Fraction: float64(len(rows)) / float64(P), Class: -1}
		ctr := centers.Data[g*N : (g+1)*N]
		for _, r := range rows {
			c.Group[r] = g
			if settled[r] {
				a.Settled++
			}
			for i, v := range end.Data[r*N : (r+1)*N] {
				ctr[i] += v / float32(len(rows))
			}
		}
		a.Center = ctr
		c.Attractors = append(c.Attractors, a)
	}
	if cls != nil && len(groups) > 0 {
		for g, p := range cls.Predict(centers) {
			c.Attractors[g].Class = int(p)
		}
	}
	return c, nil
}

// DistanceToEnd measures how far n free runs of m still are, at t = T,
// from where they are at t = 100·T: the mean over the runs r of the RMS
// distance per pixel between the two read-outs,
//
//	d = (1/n) Σ_r √( (1/N) Σ_i (φ(v_r,i(T)) − φ(v_r,i(100·T)))² ),
//
// the runs starting from N(0, σ²) draws of seed's stream of starts (as the
// census's). Runs that have settled by T give d below the census's grouping
// distance; d far above it says the samples at T are still on their way.
func DistanceToEnd(m *chaoslib.Model, n int, seed uint64) float64 {
	snaps := m.Snapshots(n, []float64{m.Cfg.T, 100 * m.Cfg.T}, rand.New(rand.NewPCG(seed, streamStarts)))
	var sum float64
	for r := range n {
		sum += rms(chaoslib.Row(snaps[0], r), chaoslib.Row(snaps[1], r))
	}
	return sum / float64(n)
}

// rms is the RMS difference √((1/n) Σ (a_i − b_i)²).
func rms(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// singleLinkage returns a representative of each row's group, the groups
// being the connected components of the graph joining rows closer than d
// in RMS distance (union–find).
func singleLinkage(x blas32.General, d float64) []int {
	parent := make([]int, x.Rows)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	N := x.Cols
	for i := range x.Rows {
		for j := range i {
			if find(i) == find(j) {
				continue
			}
			if rms(x.Data[i*x.Stride:i*x.Stride+N], x.Data[j*x.Stride:j*x.Stride+N]) < d {
				parent[find(i)] = find(j)
			}
		}
	}
	for i := range parent {
		parent[i] = find(i)
	}
	return parent
}
