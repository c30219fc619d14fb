package indices

import (
	"math"
	"math/rand/v2"
	"runtime"
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

const (
	pruneBlock   = 256  // query rows per bound product: a pruneBlock × 2n float32 buffer
	prunePilot   = 128  // rows of the pilot that decides whether pruning pays
	pruneMaxFrac = 0.02 // largest fraction of surviving pilot pairs for which it does
	subspaceRows = 2048 // rows of the subsample behind the principal directions
	subspaceIter = 4    // its subspace iterations
)

// projection holds, for every row x_i of a set and a matrix U (N×k,
// orthonormal columns), the k+1 float32 values
//
//	z_i = (ŷ_i, ρ̂_i),  ŷ_i = Uᵀx_i,  ρ̂_i = ‖x_i − Uŷ_i‖,
//
// computed in float64 and rounded. In exact arithmetic
//
//	d²_ij = ‖y_i − y_j‖² + ‖r_i − r_j‖² ≥ ‖y_i − y_j‖² + (ρ_i − ρ_j)² = ‖z_i − z_j‖²,
//
// as the residuals r_i = x_i − Uy_i are orthogonal to U's columns and
// ‖r_i − r_j‖ ≥ |‖r_i‖ − ‖r_j‖|. The bound is computed as
// b_ij = ‖z_i‖² + ‖z_j‖² − 2 fl32(z_i·z_j) (SGEMM, sums in float64), and
//
//	d²_ij ≥ b_ij − τ_i − τ_j,  τ_i = (2γ_{k+3}(2⁻²⁴) + 2⁻²¹ + 2⁻³⁰)·max(‖z_i‖², ‖x_i‖²),
//
// where the first term doubles gemmTol32's bound for k+1 columns, the second
// bounds the rounding of z to float32 (‖z̃ − ẑ‖ ≤ 2⁻²⁴‖ẑ‖ moves the squared
// distance by at most 2·2⁻²⁴(‖z_i‖ + ‖z_j‖)² + O(2⁻⁴⁸)), and the third
// covers the float64 work: ŷ, the residual and its norm are each within
// about (N + k)·√k·2⁻⁵³·‖x‖ of their exact values for the computed U, and
// U's departure from orthonormality ε = ‖UᵀU − I‖_F adds 3ε‖Δŷ‖²; the
// projection is used only when 16(N + k + 1)(√k + 1)·2⁻⁵³ ≤ 2⁻³² and
// ε ≤ 2⁻³⁶, so that these stay below a quarter of 2⁻³⁰ (summed over both
// points). For N = 784, k = 64 and s-space rows, τ_i ≤ 0.007.
type projection struct {
	z   dense[float32] // rows z_i
	w   []float64      // ‖z_i‖² − τ_i: b_ij − τ_i − τ_j = w_i + w_j − 2 fl32(z_i·z_j)
	fl  int            // multiply-adds spent on U and the z_i
	dim int            // k
}

// pruneTau is the factor of max(‖z_i‖², ‖x_i‖²) in τ_i for k directions.
func pruneTau(k int) float64 { return 2*gamma(k+3, 0x1p-24) + 0x1p-21 + 0x1p-30 }

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
	p := projection{
		z:   dense[float32]{Rows: x.Rows, Cols: k + 1, Stride: k + 1, Data: make([]float32, x.Rows*(k+1))},
		w:   make([]float64, x.Rows),
		fl:  2 * x.Rows * N * k,
		dim: k,
	}
	ub := blas64.General{Rows: N, Cols: k, Stride: k, Data: u.RawMatrix().Data}
	if u.RawMatrix().Stride != k {
		ub.Data = mat.DenseCopyOf(u).RawMatrix().Data
	}
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
			zi := p.z.Data[(i0+a)*(k+1) : (i0+a+1)*(k+1)]
			for l, v := range y.Data[a*k : (a+1)*k] {
				zi[l] = float32(v)
			}
			zi[k] = float32(math.Sqrt(rho))
		}
	}
	tau := pruneTau(k)
	for i, zz := range sqNorms(p.z) {
		p.w[i] = zz - tau*max(zz, xsq[i])
	}
	return p
}

// pruned is the nearest-neighbour search of nearestSelf over the stacked EAAI
// set (rows [0, n) data, [n, 2n) generated), with pairs skipped by the
// projection bound. For each query row i and category c it
//
//  1. finds the row j₁ of c with the smallest bound (j₁ ≠ i) and computes
//     its distance d̂_ij₁ = ‖x_i‖² + ‖x_j₁‖² − 2 fl32(x_i·x_j₁) (a float32
//     dot, sums in float64: within gemmTol32/2 of the exact value, as in
//     SGEMM), so that the nearest distance is at most t = d̂_ij₁ + gemmTol32;
//  2. computes d̂_ij for every other j of c whose bound b_ij − τ_i − τ_j ≤ t.
//
// A skipped j has d²_ij > t: it is no nearest neighbour of i, so the minima
// (and the lowest-index rule among exact ties) are those of the search over
// all rows, up to the rounding of d̂.
type pruned struct {
	s     *nnSearch[float32]
	p     projection
	n     int
	g, qz []float32 // bound block, query rows of z
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
	return &pruned{s: s, p: p, n: n, g: make([]float32, pruneBlock*x.Rows), qz: make([]float32, pruneBlock*(k+1))}, true
}

// rows searches the query rows idx (at most pruneBlock): one SGEMM for their
// bounds against all rows, then the rows in parallel (GOMAXPROCS goroutines).
// It returns the number of pairs whose distance was computed.
func (ps *pruned) rows(idx []int) int {
	z, R := ps.p.z, ps.p.z.Rows
	for a, i := range idx {
		copy(ps.qz[a*z.Cols:(a+1)*z.Cols], z.Data[i*z.Stride:i*z.Stride+z.Cols])
	}
	gemmNT(len(idx), R, z.Cols, -2, ps.qz, z.Cols, z.Data, z.Stride, ps.g)
	workers := min(runtime.GOMAXPROCS(0), len(idx))
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

// row searches query row i given g_j = −2 fl32(z_i·z_j) (steps 1 and 2 of
// pruned) and returns the number of distances it computed.
func (ps *pruned) row(i int, g []float32) int {
	s, w, N := ps.s, ps.p.w, ps.s.q.Cols
	xi := s.q.Data[i*s.q.Stride : i*s.q.Stride+N]
	dist := func(j int) float64 {
		xj := s.q.Data[j*s.q.Stride : j*s.q.Stride+N]
		return float64(-2*gonum.Implementation{}.Sdot(N, xi, 1, xj, 1)) + s.qsq[i] + s.qsq[j]
	}
	count := 0
	for c, lo, hi := 0, 0, ps.n; c < 2; c, lo, hi = c+1, ps.n, s.q.Rows {
		best, j1 := math.Inf(1), -1
		for j := lo; j < hi; j++ {
			if v := float64(g[j]) + w[j]; v < best && j != i {
				best, j1 = v, j
			}
		}
		if j1 < 0 {
			continue
		}
		d := dist(j1)
		s.offer(uint8(c), i, j1, d)
		count++
		t := d + gemmTol32(N, s.qsq[i], s.qsq[j1]) - w[i]
		for j := lo; j < hi; j++ {
			if float64(g[j])+w[j] <= t && j != i && j != j1 {
				s.offer(uint8(c), i, j, dist(j))
				count++
			}
		}
	}
	return count
}

// all searches every row; it returns the number of distances computed.
func (ps *pruned) all() int {
	count := 0
	idx := make([]int, 0, pruneBlock)
	for i0 := 0; i0 < ps.s.q.Rows; i0 += pruneBlock {
		idx = idx[:0]
		for i := i0; i < min(i0+pruneBlock, ps.s.q.Rows); i++ {
			idx = append(idx, i)
		}
		count += ps.rows(idx)
	}
	return count
}

// nearestSelfPruned is nearestSelf(dense32(z), cat) for the stacked EAAI set
// (cat: rows below n are category 0), by the pruned search when it pays: the
// set has at least pruneMinRows rows and N ≥ 4(k+1) columns, and in a pilot
// of prunePilot rows at a regular stride at most pruneMaxFrac of the pairs
// survive the bound. Otherwise it returns nil. exact counts the distances
// computed (the pilot's included), flops the multiply-adds of the bound
// products, the projection and the distances.
func nearestSelfPruned(z blas32.General, n int) (s *nnSearch[float32], exact, flops int) {
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
	exact = ps.rows(pilot)
	if float64(exact) > pruneMaxFrac*float64(len(pilot))*float64(R-1) {
		return nil, 0, 0
	}
	exact += ps.all()
	flops = ps.p.fl + (R+len(pilot))*R*(k+1) + exact*N
	return ps.s, exact, flops
}
