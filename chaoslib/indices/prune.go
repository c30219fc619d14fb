package indices

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// The pruned nearest-neighbour search of EAAI. A projection of every point
// onto k principal directions gives a lower bound on each squared distance;
// a pair whose bound exceeds a known upper bound on the point's nearest
// distance cannot hold the nearest neighbour, and its distance is never
// computed.

// pruneK is the number of principal directions k of the projection bound.
var pruneK = 64

// pruneMinRows is the smallest stacked set (2n rows) that EAAI searches with
// pruning; smaller ones take the full search. Tests lower it.
var pruneMinRows = 4096

// pruneMaxFrac is the largest fraction of a pilot's pairs whose distance
// may be computed for the pruned search to go on (tests raise it).
var pruneMaxFrac = 0.02

const (
	pruneBlock   = 256  // query rows per bound product: a pruneBlock × 2n float32 buffer
	prunePilot   = 128  // rows of the pilot that decides whether pruning pays
	subspaceRows = 2048 // rows of the subsample behind the principal directions
	subspaceIter = 4    // its subspace iterations
)

// projection holds, for every row x_i of a set and a matrix U (N×k,
// orthonormal columns), the k+1 values
//
//	z_i = (ŷ_i, ρ̂_i),  ŷ_i = Uᵀx_i,  ρ̂_i = ‖x_i − Uŷ_i‖,
//
// computed in float64 and rounded to float32 (z̃_i). In exact arithmetic
//
//	d²_ij = ‖y_i − y_j‖² + ‖r_i − r_j‖² ≥ ‖y_i − y_j‖² + (ρ_i − ρ_j)² = ‖z_i − z_j‖²,
//
// as the residuals r_i = x_i − Uy_i are orthogonal to U's columns and
// ‖r_i − r_j‖ ≥ |‖r_i‖ − ‖r_j‖|. The bound is one float32 product per pair,
//
//	b_ij = fl32(q_i·p_j),  q_i = (z̃_i, w̃_i, 1),  p_j = (−2z̃_j, 1, w̃_j),
//	w_i  = ‖z̃_i‖² − σ_i,   σ_i = (4γ_{k+3}(2⁻²⁴) + 2⁻¹⁹ + 2⁻²⁹)·s_i,
//	s_i  = max(‖z̃_i‖², ‖x_i‖²),
//
// so that b_ij ≈ ‖z̃_i − z̃_j‖² − σ_i − σ_j, and
//
//	d²_ij ≥ b_ij.
//
// σ_i + σ_j is twice the sum of: the float32 product's error,
// γ_{k+3}(‖z̃_i‖² + ‖z̃_j‖² + |w_i| + |w_j|) ≤ 2.001γ_{k+3}(s_i + s_j)
// (as |w| ≤ 1.001 s); the rounding of w to float32, 2⁻²⁴(|w_i| + |w_j|);
// the rounding of z to float32, which moves ‖z_i − z_j‖² by at most
// 2·2⁻²⁴(‖z_i‖ + ‖z_j‖)² + O(2⁻⁴⁸) ≤ 2⁻²¹(s_i + s_j); and the float64 work:
// ŷ, the residual and its norm lie within about (N + k)·√k·2⁻⁵³·‖x‖ of
// their exact values for the computed U, and U's departure from
// orthonormality ε = ‖UᵀU − I‖_F adds 3ε‖Δŷ‖². The projection is used only
// when 16(N + k + 1)(√k + 1)·2⁻⁵³ ≤ 2⁻³² and ε ≤ 2⁻³⁶, so that these stay
// below 2⁻³¹(s_i + s_j). For N = 784, k = 64 and s-space rows, σ_i ≤ 0.015.
type projection struct {
	q, p dense[float32] // rows q_i and p_j (k+3 columns)
	fl   int            // multiply-adds spent on U and the z_i
}

// bounds sets g (len(idx) rows of R) to the bounds b_ij of the rows idx
// against all rows, through qb (len(idx)·(k+3)).
func (pr projection) bounds(idx []int, qb, g []float32) {
	q, p := pr.q, pr.p
	for a, i := range idx {
		copy(qb[a*q.Cols:(a+1)*q.Cols], q.Data[i*q.Stride:i*q.Stride+q.Cols])
	}
	gemmNT(len(idx), p.Rows, q.Cols, 1, qb, q.Cols, p.Data, p.Stride, g)
}

// pruneSigma is the factor of s_i in σ_i for k directions.
func pruneSigma(k int) float64 { return 4*gamma(k+3, 0x1p-24) + 0x1p-19 + 0x1p-29 }

// principalDirections returns U (N×k, orthonormal columns): the leading
// eigenvectors of XₛᵀXₛ, approximated by subspaceIter subspace iterations
// from a fixed random start, for Xₛ up to subspaceRows rows of x taken at a
// regular stride (uncentred: the first direction follows the mean). Any U
// with orthonormal columns gives a valid bound; a better one prunes more.
// ok is false when U's columns are not orthonormal to ε ≤ 2⁻³⁶.
func principalDirections(x blas32.General, k int) (u *mat.Dense, flops int, ok bool) {
	m, N := min(x.Rows, subspaceRows), x.Cols
	xs := mat.NewDense(m, N, nil)
	for a := range m {
		for j, v := range row(x, a*x.Rows/m) {
			xs.Set(a, j, float64(v))
		}
	}
	var b mat.SymDense
	b.SymOuterK(1, xs.T())
	rng := rand.New(rand.NewPCG(43, 44))
	u = mat.NewDense(N, k, nil)
	for i := range N {
		for j := range k {
			u.Set(i, j, rng.NormFloat64())
		}
	}
	var w, q mat.Dense
	var qr mat.QR
	for range subspaceIter {
		w.Mul(&b, u)
		qr.Factorize(&w)
		qr.QTo(&q)
		u.Copy(q.Slice(0, N, 0, k))
	}
	var e mat.Dense
	e.Mul(u.T(), u)
	for i := range k {
		e.Set(i, i, e.At(i, i)-1)
	}
	flops = m*N*N/2 + subspaceIter*(N*N*k+2*N*N*k)
	return u, flops, mat.Norm(&e, 2) <= 0x1p-36
}

// project returns the projection of the rows of x onto the columns of u, in
// row blocks of nnBlock (float64 buffers of nnBlock×(N+k)); xsq holds ‖x_i‖².
func project(x blas32.General, u *mat.Dense, xsq []float64) projection {
	N, k := u.Dims()
	z := dense[float32]{Rows: x.Rows, Cols: k + 1, Stride: k + 1, Data: make([]float32, x.Rows*(k+1))}
	ub := blas64.General{Rows: N, Cols: k, Stride: k, Data: mat.DenseCopyOf(u).RawMatrix().Data}
	for i0 := 0; i0 < x.Rows; i0 += nnBlock {
		i1 := min(i0+nnBlock, x.Rows)
		xb := to64(blas32.General{Rows: i1 - i0, Cols: N, Stride: x.Stride, Data: x.Data[i0*x.Stride:]})
		y := blas64.General{Rows: i1 - i0, Cols: k, Stride: k, Data: make([]float64, (i1-i0)*k)}
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, xb, ub, 0, y)
		blas64.Gemm(blas.NoTrans, blas.Trans, -1, y, ub, 1, xb) // xb becomes the residuals
		for a := range i1 - i0 {
			var rho float64
			for _, v := range xb.Data[a*N : (a+1)*N] {
				rho += v * v
			}
			zi := z.Data[(i0+a)*(k+1) : (i0+a+1)*(k+1)]
			for l, v := range y.Data[a*k : (a+1)*k] {
				zi[l] = float32(v)
			}
			zi[k] = float32(math.Sqrt(rho))
		}
	}
	c := k + 3
	pr := projection{
		q:  dense[float32]{Rows: x.Rows, Cols: c, Stride: c, Data: make([]float32, x.Rows*c)},
		p:  dense[float32]{Rows: x.Rows, Cols: c, Stride: c, Data: make([]float32, x.Rows*c)},
		fl: 2 * x.Rows * N * k,
	}
	sigma := pruneSigma(k)
	for i, zz := range sqNorms(z) {
		w := float32(zz - sigma*max(zz, xsq[i]))
		qi, pi := pr.q.Data[i*c:(i+1)*c], pr.p.Data[i*c:(i+1)*c]
		for l, v := range z.Data[i*(k+1) : (i+1)*(k+1)] {
			qi[l], pi[l] = v, -2*v
		}
		qi[k+1], qi[k+2] = w, 1
		pi[k+1], pi[k+2] = 1, w
	}
	return pr
}

// pruned is the nearest-neighbour search of nearestSelf over the stacked EAAI
// set (rows [0, n) data, [n, 2n) generated), with pairs skipped by the
// projection bound b_ij. Distances are computed as
// d̂_ij = ‖x_i‖² + ‖x_j‖² − 2 fl32(x_i·x_j) (a float32 dot, sums in float64:
// within e_ij = gemmTol32(N, ‖x_i‖², ‖x_j‖²)/2 of the exact value, as in
// SGEMM). For each query row i and category c:
//
//  1. the row j₁ ≠ i of c with the smallest bound gets its d̂_ij₁, so that
//     i's nearest distance in c is at most t = d̂_ij₁ + 2e_ij₁;
//  2. every other j of c with b_ij ≤ t (t rounded up to float32) gets d̂_ij.
//
// A skipped j has d²_ij ≥ b_ij > t ≥ i's nearest distance in c: it is no
// nearest neighbour of i, so the minima (and the lowest-index rule among
// exact ties) are those of the search over all rows, up to the rounding of
// d̂. Queries run in k-d tree order (order), so that consecutive ones share
// candidates, which then come from cache.
type pruned struct {
	s       *nnSearch[float32]
	p       projection
	n       int
	g, qb   []float32 // bound block, its query rows q_i
	workers int       // goroutines for the rows of a block
}

// newPruned prepares the pruned search of x with k directions; ok is false
// when the projection's rounding cannot be bounded as stated (see
// projection).
func newPruned(x blas32.General, n, k int) (ps *pruned, ok bool) {
	N := x.Cols
	if 16*float64(N+k+1)*(math.Sqrt(float64(k))+1)*0x1p-53 > 0x1p-32 {
		return nil, false
	}
	cat := func(j int) int {
		if j < n {
			return 0
		}
		return 1
	}
	s := newSearch(dense32(x), dense32(x), true, cat)
	u, fl, ok := principalDirections(x, k)
	if !ok {
		return nil, false
	}
	p := project(x, u, s.qsq)
	p.fl += fl
	// The rows of a block run after its SGEMM has returned, never beside a
	// BLAS call (idle OpenBLAS threads only yield), so they use every core.
	workers := runtime.GOMAXPROCS(0)
	ps = &pruned{s: s, p: p, n: n, g: make([]float32, pruneBlock*x.Rows),
		qb: make([]float32, pruneBlock*p.q.Cols), workers: workers}
	return ps, true
}

// rows searches the query rows idx (at most pruneBlock): one SGEMM for their
// bounds against all rows, then the rows in parallel. It returns the number
// of distances computed.
func (ps *pruned) rows(idx []int) int {
	R := ps.p.p.Rows
	ps.p.bounds(idx, ps.qb, ps.g)
	workers := min(ps.workers, len(idx))
	counts := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := w; a < len(idx); a += workers {
				counts[w] += ps.row(idx[a], ps.g[a*R:(a+1)*R])
			}
		}()
	}
	wg.Wait()
	total := 0
	for _, c := range counts {
		total += c
	}
	return total
}

// row searches query row i given its bounds g_j = b_ij (steps 1 and 2 of
// pruned; it overwrites g) and returns the number of distances computed.
func (ps *pruned) row(i int, g []float32) int {
	s, N := ps.s, ps.s.q.Cols
	xi := s.q.Data[i*s.q.Stride : i*s.q.Stride+N]
	count := 0
	// dist offers row j of category c to i and returns the upper bound
	// d̂_ij + 2e_ij on i's nearest distance in c.
	dist := func(c, j int) float64 {
		xj := s.q.Data[j*s.q.Stride : j*s.q.Stride+N]
		d := float64(-2*gonum.Implementation{}.Sdot(N, xi, 1, xj, 1)) + s.qsq[i] + s.qsq[j]
		s.offer(uint8(c), i, j, d)
		count++
		return d + gemmTol32(N, s.qsq[i], s.qsq[j])
	}
	inf := float32(math.Inf(1))
	g[i] = inf
	for c, lo, hi := 0, 0, ps.n; c < 2; c, lo, hi = c+1, ps.n, s.q.Rows {
		gc := g[lo:hi]
		j1 := argmin32(gc)
		if j1 < 0 {
			continue
		}
		t := roundUp32(dist(c, lo+j1))
		gc[j1] = inf
		for j, v := range gc {
			if v <= t {
				dist(c, lo+j)
			}
		}
	}
	return count
}

// argmin32 returns the index of the first smallest value of g, −1 if all
// are +∞ (or g is empty). It finds the smallest value with four independent
// minima first (the comparisons rarely change them, so branches predict
// well), then its first position.
func argmin32(g []float32) int {
	inf := float32(math.Inf(1))
	m0, m1, m2, m3 := inf, inf, inf, inf
	j := 0
	for ; j+4 <= len(g); j += 4 {
		v := g[j : j+4 : j+4]
		if v[0] < m0 {
			m0 = v[0]
		}
		if v[1] < m1 {
			m1 = v[1]
		}
		if v[2] < m2 {
			m2 = v[2]
		}
		if v[3] < m3 {
			m3 = v[3]
		}
	}
	for ; j < len(g); j++ {
		m0 = min(m0, g[j])
	}
	best := min(m0, m1, m2, m3)
	for j, v := range g {
		if v == best && v != inf {
			return j
		}
	}
	return -1
}

// roundUp32 returns the smallest float32 ≥ t.
func roundUp32(t float64) float32 {
	t32 := float32(t)
	if float64(t32) < t {
		t32 = math.Nextafter32(t32, float32(math.Inf(1)))
	}
	return t32
}

// search searches the query rows idx, pruneBlock at a time; it returns the
// number of distances computed.
func (ps *pruned) search(idx []int) int {
	count := 0
	for a := 0; a < len(idx); a += pruneBlock {
		count += ps.rows(idx[a:min(a+pruneBlock, len(idx))])
	}
	return count
}

// order returns the rows in the order of the leaves of a k-d tree over the
// leading projected coordinates (median splits, one coordinate per level,
// leaves of at most 32 rows), so that consecutive queries are near each
// other and share candidates, which then stay in cache.
func (ps *pruned) order() []int {
	q := ps.p.q
	idx := make([]int, q.Rows)
	for i := range idx {
		idx[i] = i
	}
	depthMax := 12
	var split func(idx []int, depth int)
	split = func(idx []int, depth int) {
		if len(idx) <= 32 || depth >= depthMax {
			return
		}
		c := depth % 8
		sort.Slice(idx, func(a, b int) bool { return q.Data[idx[a]*q.Stride+c] < q.Data[idx[b]*q.Stride+c] })
		h := len(idx) / 2
		split(idx[:h], depth+1)
		split(idx[h:], depth+1)
	}
	split(idx, 0)
	return idx
}

// nearestSelfPruned prepares and runs the pruned search of the stacked EAAI
// set z (rows below n are category 0) when it pays: the set has at least
// pruneMinRows rows and N ≥ 4(k+1) columns, and in a pilot of prunePilot rows
// at a regular stride at most pruneMaxFrac of the pairs get their distance.
// Otherwise it returns nil. Its search ps.s is then that of
// nearestSelf(dense32(z), cat). exact counts the distances computed (the
// pilot's included), flops the multiply-adds of the bound products, the
// projection and the distances.
func nearestSelfPruned(z blas32.General, n int) (ps *pruned, exact, flops int) {
	k, R, N := pruneK, z.Rows, z.Cols
	if R < max(pruneMinRows, 2) || N < 4*(k+1) {
		return nil, 0, 0
	}
	ps, ok := newPruned(z, n, k)
	if !ok {
		return nil, 0, 0
	}
	pilot := make([]int, min(prunePilot, R))
	for a := range pilot {
		pilot[a] = a * R / len(pilot)
	}
	exact = ps.search(pilot)
	if float64(exact) > pruneMaxFrac*float64(len(pilot))*float64(R-1) {
		return nil, 0, 0
	}
	exact += ps.search(ps.order())
	flops = ps.p.fl + (R+len(pilot))*R*(k+3) + exact*N
	return ps, exact, flops
}

// recheck is nearestRows after the pruned search: for the rows idx, the
// float64 nearest squared distances per category (entry k for row idx[k]),
// d²_ij = −2 x_i·x_j + ‖x_i‖² + ‖x_j‖² with the dot in float64, computed only
// for the j with b_ij ≤ t = m̂_c(i) + gemmTol32(N, ‖x_i‖², max‖x‖²), m̂_c(i)
// the pruned search's minimum. As m̂_c(i) is within gemmTol32/2 of i's
// nearest distance m*, t ≥ m* + gemmTol32/2, so a skipped j (d²_ij ≥ b_ij >
// t) is neither nearest nor, in float64, within rounding (≤ gemmTol/4 ≪
// gemmTol32/4) of the nearest: the minima are those of the full float64
// search.
func (ps *pruned) recheck(idx []int) (m [2][]float64) {
	s, N, R := ps.s, ps.s.q.Cols, ps.s.q.Rows
	maxSq := maxOf(s.qsq)
	for c := range 2 {
		m[c] = make([]float64, len(idx))
		for k := range idx {
			m[c][k] = math.Inf(1)
		}
	}
	for a0 := 0; a0 < len(idx); a0 += pruneBlock {
		blk := idx[a0:min(a0+pruneBlock, len(idx))]
		ps.p.bounds(blk, ps.qb, ps.g)
		for a, i := range blk {
			xi := s.q.Data[i*s.q.Stride : i*s.q.Stride+N]
			var t [2]float32
			for c := range 2 {
				t[c] = roundUp32(s.minD[c][i] + gemmTol32(N, s.qsq[i], maxSq))
			}
			for j, v := range ps.g[a*R : (a+1)*R] {
				c := s.cat(j)
				if v > t[c] || j == i {
					continue
				}
				var dot float64
				for l, u := range s.q.Data[j*s.q.Stride : j*s.q.Stride+N] {
					dot += float64(xi[l]) * float64(u)
				}
				m[c][a0+a] = min(m[c][a0+a], -2*dot+s.qsq[i]+s.qsq[j])
			}
		}
	}
	return m
}
