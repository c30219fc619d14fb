// Package cpu is the CPU implementation of backend.Backend: float32 matrices
// in Go memory, GEMM through OpenBLAS (gonum's netlib bindings), and
// elementwise passes spread over a fixed pool of goroutines. Nothing is
// allocated after NewMat, so a free-run Euler step allocates nothing.
package cpu

import (
	"fmt"
	"math"
	"runtime"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

// Mat is a dense row-major float32 matrix in host memory.
type Mat struct {
	R, C int
	Data []float32 // len R·C
}

// Rows returns the number of rows.
func (m *Mat) Rows() int { return m.R }

// Cols returns the number of columns.
func (m *Mat) Cols() int { return m.C }

// Backend is the CPU backend. Its zero value is not usable; call New.
type Backend struct {
	pool    *pool
	colSums []float64 // AddColMeans scratch, grown once
}

var _ backend.Backend = (*Backend)(nil)

// New returns a CPU backend whose elementwise passes use the given number of
// goroutines; threads ≤ 0 chooses DefaultThreads(). OpenBLAS manages its own
// threads (OPENBLAS_NUM_THREADS, or openblas.SetThreads).
func New(threads int) *Backend {
	if threads <= 0 {
		threads = DefaultThreads()
	}
	return &Backend{pool: newPool(threads)}
}

// DefaultThreads is the number of goroutines for the elementwise passes that
// never oversubscribes the CPU: GOMAXPROCS − (OpenBLAS threads − 1), at least
// 1. The passes run right after GEMMs, while OpenBLAS's idle worker threads
// still spin (about 10 ms after each call on the machine the README
// describes), so each of those workers keeps a core busy; the calling
// goroutine takes the core of the BLAS thread it runs on. With 2 cores and
// 2 BLAS threads the passes run on one goroutine.
func DefaultThreads() int {
	return max(1, runtime.GOMAXPROCS(0)-openblas.Threads()+1)
}

// Threads returns the number of goroutines of the elementwise passes.
func (b *Backend) Threads() int { return b.pool.workers }

// Name returns "cpu".
func (*Backend) Name() string { return "cpu" }

// Close stops the worker goroutines; a second Close does nothing, and an
// elementwise pass after Close panics.
func (b *Backend) Close() error {
	b.pool.close()
	return nil
}

func mat(m backend.Mat) *Mat {
	c, ok := m.(*Mat)
	if !ok {
		panic(fmt.Sprintf("chaoslib: cpu backend got a %T, not a *cpu.Mat", m))
	}
	return c
}

func sameShape(op string, a, b *Mat) {
	if a.R != b.R || a.C != b.C {
		panic(fmt.Sprintf("chaoslib: %s: shape %d×%d vs %d×%d", op, a.R, a.C, b.R, b.C))
	}
}

// NewMat allocates a zeroed rows×cols matrix.
func (*Backend) NewMat(rows, cols int) backend.Mat {
	if rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("chaoslib: NewMat(%d, %d): sizes must be > 0", rows, cols))
	}
	return &Mat{R: rows, C: cols, Data: make([]float32, rows*cols)}
}

// Free drops the matrix's memory.
func (*Backend) Free(m backend.Mat) { mat(m).Data = nil }

// Upload copies src into dst.
func (*Backend) Upload(dst backend.Mat, src []float32) {
	d := mat(dst)
	if len(src) != len(d.Data) {
		panic(fmt.Sprintf("chaoslib: Upload: %d values into %d×%d", len(src), d.R, d.C))
	}
	copy(d.Data, src)
}

// Download copies src into dst.
func (*Backend) Download(dst []float32, src backend.Mat) {
	s := mat(src)
	if len(dst) != len(s.Data) {
		panic(fmt.Sprintf("chaoslib: Download: %d×%d into %d values", s.R, s.C, len(dst)))
	}
	copy(dst, s.Data)
}

// Copy sets dst = src.
func (*Backend) Copy(dst, src backend.Mat) {
	d, s := mat(dst), mat(src)
	sameShape("Copy", d, s)
	copy(d.Data, s.Data)
}

// Add sets dst = a + b, with the CPU's widest vector kernel.
func (*Backend) Add(dst, a, b backend.Mat) {
	d, x, y := mat(dst), mat(a), mat(b)
	sameShape("Add", d, x)
	sameShape("Add", d, y)
	addVec(vecLevel, d.Data, x.Data, y.Data)
}

// Axpy sets y ← y + alpha·x, with the CPU's widest vector kernel.
func (*Backend) Axpy(alpha float32, x, y backend.Mat) {
	xm, ym := mat(x), mat(y)
	sameShape("Axpy", xm, ym)
	axpyVec(vecLevel, alpha, xm.Data, ym.Data)
}

// Scale sets m ← alpha·m; alpha = 0 writes zeros.
func (*Backend) Scale(alpha float32, m backend.Mat) {
	d := mat(m).Data
	if alpha == 0 {
		clear(d)
		return
	}
	for i := range d {
		d[i] *= alpha
	}
}

// AddColMeans sets dst_j ← dst_j + alpha·(1/rows)·Σ_i src_ij, summing in
// float64 over i = 0, 1, … (row by row, in a scratch row of the backend).
func (b *Backend) AddColMeans(dst backend.Mat, alpha float32, src backend.Mat) {
	d, s := mat(dst), mat(src)
	if d.R != 1 || d.C != s.C {
		panic(fmt.Sprintf("chaoslib: AddColMeans: dst %d×%d for src %d×%d", d.R, d.C, s.R, s.C))
	}
	if cap(b.colSums) < s.C {
		b.colSums = make([]float64, s.C)
	}
	sums := b.colSums[:s.C]
	clear(sums)
	colSumVec(vecLevel, sums, s.Data)
	for j, sum := range sums {
		d.Data[j] += alpha * float32(sum/float64(s.R))
	}
}

// Symmetrize sets m_ij = m_ji = (m_ij + m_ji)/2.
func (*Backend) Symmetrize(m backend.Mat) {
	s := mat(m)
	if s.R != s.C {
		panic(fmt.Sprintf("chaoslib: Symmetrize: %d×%d is not square", s.R, s.C))
	}
	n := s.R
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := (s.Data[i*n+j] + s.Data[j*n+i]) / 2
			s.Data[i*n+j], s.Data[j*n+i] = v, v
		}
	}
}

// SumSquares returns Σ m_ij² in float64 (NaN/Inf propagate), as 16
// partial sums added in a fixed order (the same on every vector level).
func (*Backend) SumSquares(m backend.Mat) float64 {
	sum := sumSquaresVec(vecLevel, mat(m).Data)
	if math.IsNaN(sum) {
		return math.NaN()
	}
	return sum
}
