package backend

import "fmt"

// GemmShape is one GEMM shape: C (M×N) ← op(A) (M×K) · op(B) (K×N).
type GemmShape struct {
	M, N, K        int
	TransA, TransB bool
}

// FLOPs is the floating-point operation count of one such GEMM, 2·M·N·K.
func (s GemmShape) FLOPs() float64 { return 2 * float64(s.M) * float64(s.N) * float64(s.K) }

// Counter wraps a Backend and tallies the GEMMs that pass through it, so
// that benchmarks count FLOPs from what the model really does.
type Counter struct {
	Backend
	Gemms map[GemmShape]int // shape → calls
}

// NewCounter wraps be.
func NewCounter(be Backend) *Counter { return &Counter{Backend: be, Gemms: map[GemmShape]int{}} }

// Gemm records the call's shape and forwards it.
func (c *Counter) Gemm(transA, transB bool, alpha float32, a, b Mat, beta float32, out Mat) {
	m, n, k := GemmDims(transA, transB, a, b, out)
	c.Gemms[GemmShape{m, n, k, transA, transB}]++
	c.Backend.Gemm(transA, transB, alpha, a, b, beta, out)
}

// FLOPs is the total GEMM FLOP count recorded so far.
func (c *Counter) FLOPs() float64 {
	var f float64
	for s, n := range c.Gemms {
		f += float64(n) * s.FLOPs()
	}
	return f
}

// Reset forgets the recorded calls.
func (c *Counter) Reset() { clear(c.Gemms) }

// GemmDims returns the dimensions of c ← op(a)·op(b): op(a) is m×k, op(b)
// k×n. It panics with a "chaoslib:" message when the shapes do not fit.
func GemmDims(transA, transB bool, a, b, c Mat) (m, n, k int) {
	m, k = a.Rows(), a.Cols()
	if transA {
		m, k = k, m
	}
	kb, n := b.Rows(), b.Cols()
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Rows() != m || c.Cols() != n {
		panic(fmt.Sprintf("chaoslib: Gemm: op(a) %d×%d · op(b) %d×%d into c %d×%d", m, k, kb, n, c.Rows(), c.Cols()))
	}
	return m, n, k
}

// EulerTanh forwards to the wrapped backend, fused where it can.
func (c *Counter) EulerTanh(x, phi, field, bias Mat, k float32) {
	EulerTanh(c.Backend, x, phi, field, bias, k)
}
