// Package backend is the narrow compute interface under chaoslib's dynamics
// and learning code. A Backend owns its matrices (so that they can live on a
// GPU) and offers the handful of operations the model needs: GEMM, tanh, the
// fused Euler update, column means, axpy and host transfers.
//
// All matrices are float32 and row-major. A batch of states is a Mat with
// one row per chain and one column per unit.
//
// Shape mismatches are programmer errors: implementations panic with a
// "chaoslib:" prefix.
package backend

// Mat is a rows×cols float32 matrix allocated by, and living in, a Backend.
type Mat interface {
	Rows() int
	Cols() int
}

// Backend is implemented by the CPU backend (package cpu) and the CUDA
// backend (package gpu, build tag cuda).
type Backend interface {
	// Name identifies the backend, e.g. "cpu" or "cuda".
	Name() string

	// NewMat allocates a zeroed rows×cols matrix.
	NewMat(rows, cols int) Mat
	// Free releases m. Using m afterwards is a programmer error.
	Free(m Mat)

	// Upload copies src (row-major, len rows·cols) into dst.
	Upload(dst Mat, src []float32)
	// Download copies src into dst (row-major, len rows·cols).
	Download(dst []float32, src Mat)
	// Copy sets dst = src.
	Copy(dst, src Mat)

	// Gemm computes c ← alpha·op(a)·op(b) + beta·c, where op(x) is xᵀ when
	// the matching trans flag is set. With beta = 0, c's old contents are
	// ignored (NaNs in c do not propagate).
	Gemm(transA, transB bool, alpha float32, a, b Mat, beta float32, c Mat)

	// Tanh sets dst = tanh(src) elementwise (dst may be src).
	Tanh(dst, src Mat)

	// Euler performs the fused update x ← x + k·(−x + field + bias) for every
	// element, where bias is a 1×cols row added to every row (bias may be
	// nil). With k = dt/τ this is one Euler step of τ dx/dt = −x + field + bias;
	// with k = 1 − e^{−t/τ} it is the exact solution at time t of the linear
	// relaxation with a constant field.
	Euler(x, field, bias Mat, k float32)

	// Add sets dst = a + b elementwise (dst may alias a or b).
	Add(dst, a, b Mat)
	// Axpy sets y ← y + alpha·x.
	Axpy(alpha float32, x, y Mat)
	// AddColMeans sets dst_j ← dst_j + alpha·(1/rows)·Σ_i src_ij, for a 1×cols dst.
	AddColMeans(dst Mat, alpha float32, src Mat)
	// Symmetrize sets m_ij = m_ji = (m_ij + m_ji)/2 for a square m.
	Symmetrize(m Mat)
	// Scale sets m ← alpha·m (alpha = 0 zeroes m, NaNs included).
	Scale(alpha float32, m Mat)
	// SumSquares returns Σ m_ij², accumulated in float64. It is NaN or +Inf
	// when m holds a NaN or an Inf.
	SumSquares(m Mat) float64

	// Close releases the backend's resources.
	Close() error
}
