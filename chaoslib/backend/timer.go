package backend

import "time"

// Timer wraps a Backend and, while On, adds up the wall time of its calls,
// method by method, so that a benchmark can say where a training step's
// time goes: in GEMM, in the elementwise passes, or outside the backend
// (the time not in any call: random draws, minibatch copies). On a backend
// that queues its work (CUDA) a call's time is that of queueing it, so the
// split is meaningful on the CPU backend only.
type Timer struct {
	Backend
	On      bool
	Seconds map[string]float64 // method name → seconds, summed over calls
}

// NewTimer wraps be, off.
func NewTimer(be Backend) *Timer { return &Timer{Backend: be, Seconds: map[string]float64{}} }

// add records the time since start under name.
func (t *Timer) add(name string, start time.Time) {
	if t.On {
		t.Seconds[name] += time.Since(start).Seconds()
	}
}

// Gemm times Backend.Gemm.
func (t *Timer) Gemm(transA, transB bool, alpha float32, a, b Mat, beta float32, c Mat) {
	defer t.add("Gemm", time.Now())
	t.Backend.Gemm(transA, transB, alpha, a, b, beta, c)
}

// EulerTanh times the fused pass, fused where the wrapped backend can.
func (t *Timer) EulerTanh(x, phi, field, bias Mat, k float32) {
	defer t.add("EulerTanh", time.Now())
	EulerTanh(t.Backend, x, phi, field, bias, k)
}

// Euler times Backend.Euler.
func (t *Timer) Euler(x, field, bias Mat, k float32) {
	defer t.add("Euler", time.Now())
	t.Backend.Euler(x, field, bias, k)
}

// Tanh times Backend.Tanh.
func (t *Timer) Tanh(dst, src Mat) {
	defer t.add("Tanh", time.Now())
	t.Backend.Tanh(dst, src)
}

// Upload times Backend.Upload.
func (t *Timer) Upload(dst Mat, src []float32) {
	defer t.add("Upload", time.Now())
	t.Backend.Upload(dst, src)
}

// Download times Backend.Download.
func (t *Timer) Download(dst []float32, src Mat) {
	defer t.add("Download", time.Now())
	t.Backend.Download(dst, src)
}

// Copy times Backend.Copy.
func (t *Timer) Copy(dst, src Mat) {
	defer t.add("Copy", time.Now())
	t.Backend.Copy(dst, src)
}

// Add times Backend.Add.
func (t *Timer) Add(dst, a, b Mat) {
	defer t.add("Add", time.Now())
	t.Backend.Add(dst, a, b)
}

// Axpy times Backend.Axpy.
func (t *Timer) Axpy(alpha float32, x, y Mat) {
	defer t.add("Axpy", time.Now())
	t.Backend.Axpy(alpha, x, y)
}

// AddColMeans times Backend.AddColMeans.
func (t *Timer) AddColMeans(dst Mat, alpha float32, src Mat) {
	defer t.add("AddColMeans", time.Now())
	t.Backend.AddColMeans(dst, alpha, src)
}

// Symmetrize times Backend.Symmetrize.
func (t *Timer) Symmetrize(m Mat) {
	defer t.add("Symmetrize", time.Now())
	t.Backend.Symmetrize(m)
}

// Scale times Backend.Scale.
func (t *Timer) Scale(alpha float32, m Mat) {
	defer t.add("Scale", time.Now())
	t.Backend.Scale(alpha, m)
}

// SumSquares times Backend.SumSquares.
func (t *Timer) SumSquares(m Mat) float64 {
	defer t.add("SumSquares", time.Now())
	return t.Backend.SumSquares(m)
}
