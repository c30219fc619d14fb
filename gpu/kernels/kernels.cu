// Elementwise and reduction kernels of the chaosgen CUDA backend (package
// gpu). Compiled to PTX by `go generate ./gpu/` (nvcc -ptx -arch=compute_80);
// the PTX is committed and embedded in the Go binary.
//
// Conventions:
//   - every kernel parameter is 8 bytes wide (pointers, long long, double),
//     because gorgonia.org/cu's Function.Launch copies 8 bytes per argument;
//     float scalars travel as double (exact: they are float32 values) and
//     are converted back to float here;
//   - matrices are row-major float32, n = rows*cols elements;
//   - elementwise kernels use grid-stride loops, so any grid size is correct;
//   - arithmetic uses the explicit round-to-nearest intrinsics (__fadd_rn,
//     __fmul_rn, ...) in the CPU backend's order of operations: nvcc never
//     contracts them into FMAs, so tanh, Euler, Add, Axpy, Scale and
//     Symmetrize give bit-identical results to chaoslib/backend/cpu (which,
//     on amd64 at the default GOAMD64=v1, does not fuse either).

typedef long long i64;

// tanh32 is cpu.Tanh32: the odd 13/6 rational minimax approximation used by
// Eigen, on x clamped to +-7.90531110763549805; NaN maps to NaN.
__device__ __forceinline__ float tanh32(float x)
{
	const float clampv = 7.90531110763549805f;
	if (x > clampv) {
		x = clampv;
	} else if (x < -clampv) {
		x = -clampv;
	}
	const float a1 = 4.89352455891786e-03f;
	const float a3 = 6.37261928875436e-04f;
	const float a5 = 1.48572235717979e-05f;
	const float a7 = 5.12229709037114e-08f;
	const float a9 = -8.60467152213735e-11f;
	const float a11 = 2.00018790482477e-13f;
	const float a13 = -2.76076847742355e-16f;
	const float b0 = 4.89352518554385e-03f;
	const float b2 = 2.26843463243900e-03f;
	const float b4 = 1.18534705686654e-04f;
	const float b6 = 1.19825839466702e-06f;
	float x2 = __fmul_rn(x, x);
	float p = a13;
	p = __fadd_rn(__fmul_rn(p, x2), a11);
	p = __fadd_rn(__fmul_rn(p, x2), a9);
	p = __fadd_rn(__fmul_rn(p, x2), a7);
	p = __fadd_rn(__fmul_rn(p, x2), a5);
	p = __fadd_rn(__fmul_rn(p, x2), a3);
	p = __fadd_rn(__fmul_rn(p, x2), a1);
	p = __fmul_rn(p, x);
	float q = b6;
	q = __fadd_rn(__fmul_rn(q, x2), b4);
	q = __fadd_rn(__fmul_rn(q, x2), b2);
	q = __fadd_rn(__fmul_rn(q, x2), b0);
	return __fdiv_rn(p, q);
}

#define GRID_STRIDE(i, n) \
	for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

// dst = tanh32(src); dst may be src.
extern "C" __global__ void cg_tanh(float *dst, const float *src, i64 n)
{
	GRID_STRIDE(i, n) { dst[i] = tanh32(src[i]); }
}

// x += k*(f - x), or with a 1 x cols bias row: x += k*((f + bias[col]) - x).
extern "C" __global__ void cg_euler(float *x, const float *f, const float *bias, i64 cols, i64 n, double kd)
{
	const float k = (float)kd;
	if (bias == 0) {
		GRID_STRIDE(i, n) {
			float xi = x[i];
			x[i] = __fadd_rn(xi, __fmul_rn(k, __fsub_rn(f[i], xi)));
		}
		return;
	}
	GRID_STRIDE(i, n) {
		float xi = x[i];
		float u = __fadd_rn(f[i], bias[i % cols]);
		x[i] = __fadd_rn(xi, __fmul_rn(k, __fsub_rn(u, xi)));
	}
}

// dst = a + b; dst may alias a or b.
extern "C" __global__ void cg_add(float *dst, const float *a, const float *b, i64 n)
{
	GRID_STRIDE(i, n) { dst[i] = __fadd_rn(a[i], b[i]); }
}

// y += alpha*x.
extern "C" __global__ void cg_axpy(float *y, const float *x, double alphad, i64 n)
{
	const float alpha = (float)alphad;
	GRID_STRIDE(i, n) { y[i] = __fadd_rn(y[i], __fmul_rn(alpha, x[i])); }
}

// m *= alpha (alpha = 0 is done with a memset by the host, so NaNs go too).
extern "C" __global__ void cg_scale(float *m, double alphad, i64 n)
{
	const float alpha = (float)alphad;
	GRID_STRIDE(i, n) { m[i] = __fmul_rn(m[i], alpha); }
}

// m_ij = m_ji = (m_ij + m_ji)/2 for a square n x n m. A 2-D grid of 16x16
// blocks covers the matrix; the thread at (i, j) with j > i owns the pair.
extern "C" __global__ void cg_symmetrize(float *m, i64 n)
{
	i64 j = (i64)blockIdx.x * blockDim.x + threadIdx.x;
	i64 i = (i64)blockIdx.y * blockDim.y + threadIdx.y;
	if (i < n && j < n && j > i) {
		float v = __fdiv_rn(__fadd_rn(m[i * n + j], m[j * n + i]), 2.0f);
		m[i * n + j] = v;
		m[j * n + i] = v;
	}
}

// Column sums, first pass. Block (32, COLSUM_Y), grid (ceil(cols/32),
// chunks): block (bx, by) sums rows [by*chunk, min(rows, (by+1)*chunk)) of
// columns [32*bx, 32*bx + 32) in double, and writes part[by*cols + j].
// Reads are coalesced along rows; the order of the sums is fixed, so the
// result is deterministic.
#define COLSUM_Y 8
extern "C" __global__ void cg_colsum_partial(double *part, const float *src, i64 rows, i64 cols, i64 chunk)
{
	__shared__ double acc[COLSUM_Y][32];
	const i64 j = (i64)blockIdx.x * 32 + threadIdx.x;
	const i64 r0 = (i64)blockIdx.y * chunk;
	i64 r1 = r0 + chunk;
	if (r1 > rows) {
		r1 = rows;
	}
	double s = 0;
	if (j < cols) {
		for (i64 r = r0 + threadIdx.y; r < r1; r += COLSUM_Y) {
			s += (double)src[r * cols + j];
		}
	}
	acc[threadIdx.y][threadIdx.x] = s;
	__syncthreads();
	if (threadIdx.y == 0 && j < cols) {
		double t = acc[0][threadIdx.x];
		for (int y = 1; y < COLSUM_Y; y++) {
			t += acc[y][threadIdx.x];
		}
		part[(i64)blockIdx.y * cols + j] = t;
	}
}

// Column sums, second pass: dst_j += alpha * (float)(sum_c part[c*cols + j] / rows),
// as cpu.Backend.AddColMeans rounds it.
extern "C" __global__ void cg_colmeans_finish(float *dst, const double *part, i64 chunks, i64 cols, i64 rows, double alphad)
{
	const float alpha = (float)alphad;
	GRID_STRIDE(j, cols) {
		double s = 0;
		for (i64 c = 0; c < chunks; c++) {
			s += part[c * cols + j];
		}
		float mean = (float)(s / (double)rows);
		dst[j] = __fadd_rn(dst[j], __fmul_rn(alpha, mean));
	}
}

// Sum of squares, first pass: each block writes the double sum of the
// squares of its grid-stride share to part[blockIdx.x]; the host adds the
// gridDim.x partial sums in order. blockDim.x must be SUMSQ_THREADS.
#define SUMSQ_THREADS 256
extern "C" __global__ void cg_sumsq_partial(double *part, const float *m, i64 n)
{
	__shared__ double acc[SUMSQ_THREADS];
	double s = 0;
	GRID_STRIDE(i, n) {
		double v = (double)m[i];
		s += v * v;
	}
	acc[threadIdx.x] = s;
	__syncthreads();
	for (int w = SUMSQ_THREADS / 2; w > 0; w >>= 1) {
		if (threadIdx.x < w) {
			acc[threadIdx.x] += acc[threadIdx.x + w];
		}
		__syncthreads();
	}
	if (threadIdx.x == 0) {
		part[blockIdx.x] = acc[0];
	}
}
