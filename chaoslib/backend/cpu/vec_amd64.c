// Vector kernels for the CPU backend's elementwise passes (amd64).
//
// Every path (AVX-512, AVX2, scalar) performs the same IEEE float32
// operations in the same order as the Go reference Tanh32 and the Go Euler
// loop: multiplies and adds are never fused (the package builds this file
// with fp-contract off, by the pragma below), so every path returns bit-identical results and
// the choice of instruction set cannot change a training run.

#pragma GCC optimize("fp-contract=off")
#pragma STDC FP_CONTRACT OFF

#include <immintrin.h>
#include <stddef.h>

#include "vec_amd64.h"

// The rational approximation p(x)/q(x) of Tanh32 (tanh.go), in float32.
#define CLAMP 7.90531110763549805f
#define A1 4.89352455891786e-03f
#define A3 6.37261928875436e-04f
#define A5 1.48572235717979e-05f
#define A7 5.12229709037114e-08f
#define A9 -8.60467152213735e-11f
#define A11 2.00018790482477e-13f
#define A13 -2.76076847742355e-16f
#define B0 4.89352518554385e-03f
#define B2 2.26843463243900e-03f
#define B4 1.18534705686654e-04f
#define B6 1.19825839466702e-06f

static inline float tanh1(float x) {
	if (x > CLAMP) {
		x = CLAMP;
	} else if (x < -CLAMP) {
		x = -CLAMP;
	}
	float x2 = x * x;
	float p = A13;
	p = p * x2 + A11;
	p = p * x2 + A9;
	p = p * x2 + A7;
	p = p * x2 + A5;
	p = p * x2 + A3;
	p = p * x2 + A1;
	p *= x;
	float q = B6;
	q = q * x2 + B4;
	q = q * x2 + B2;
	q = q * x2 + B0;
	return p / q;
}

// euler1 is one element of x ← x + k·(field + bias − x).
static inline float euler1(float x, float f, float b, float k) { return x + k * ((f + b) - x); }
static inline float euler0(float x, float f, float k) { return x + k * (f - x); }

// RATIONAL declares p = p(x) and q = q(x) of Tanh32 for a vector x, with the
// vector type V and its multiply, add and broadcast, in tanh1's order.
#define RATIONAL(V, MUL, ADD, SET1)                  \
	V x2 = MUL(x, x);                             \
	V p = SET1(A13);                              \
	p = ADD(MUL(p, x2), SET1(A11));               \
	p = ADD(MUL(p, x2), SET1(A9));                \
	p = ADD(MUL(p, x2), SET1(A7));                \
	p = ADD(MUL(p, x2), SET1(A5));                \
	p = ADD(MUL(p, x2), SET1(A3));                \
	p = ADD(MUL(p, x2), SET1(A1));                \
	p = MUL(p, x);                                \
	V q = SET1(B6);                               \
	q = ADD(MUL(q, x2), SET1(B4));                \
	q = ADD(MUL(q, x2), SET1(B2));                \
	q = ADD(MUL(q, x2), SET1(B0))

// ---- AVX-512 --------------------------------------------------------------

#define AVX512 __attribute__((target("avx512f")))

// min(c, x) and max(−c, ·) keep a NaN x (the second operand is returned when
// either is NaN), as the scalar comparisons do.
AVX512 static inline __m512 tanh16(__m512 x) {
	x = _mm512_min_ps(_mm512_set1_ps(CLAMP), x);
	x = _mm512_max_ps(_mm512_set1_ps(-CLAMP), x);
	RATIONAL(__m512, _mm512_mul_ps, _mm512_add_ps, _mm512_set1_ps);
	return _mm512_div_ps(p, q);
}

static inline __mmask16 tail16(size_t n) { return (__mmask16)((1u << n) - 1u); }

AVX512 static void tanh_avx512(float *dst, const float *src, size_t n) {
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		_mm512_storeu_ps(dst + i, tanh16(_mm512_loadu_ps(src + i)));
	}
	if (i < n) {
		__mmask16 m = tail16(n - i);
		_mm512_mask_storeu_ps(dst + i, m, tanh16(_mm512_maskz_loadu_ps(m, src + i)));
	}
}

// euler16 is 16 elements of x ← x + k·(field + bias − x); b is zero-free
// when has_bias is 0 (then the add is skipped, as in euler0).
AVX512 static inline __m512 euler16(__m512 x, __m512 f, __m512 b, __m512 k, int has_bias) {
	if (has_bias) {
		f = _mm512_add_ps(f, b);
	}
	return _mm512_add_ps(x, _mm512_mul_ps(k, _mm512_sub_ps(f, x)));
}

AVX512 static void euler_avx512(float *x, float *phi, const float *f, const float *bias, size_t rows, size_t cols, float k) {
	__m512 kk = _mm512_set1_ps(k), zero = _mm512_setzero_ps();
	int hb = bias != NULL;
	for (size_t r = 0; r < rows; r++) {
		float *xr = x + r * cols;
		const float *fr = f + r * cols;
		float *pr = phi ? phi + r * cols : NULL;
		size_t c = 0;
		for (; c + 16 <= cols; c += 16) {
			__m512 b = hb ? _mm512_loadu_ps(bias + c) : zero;
			__m512 v = euler16(_mm512_loadu_ps(xr + c), _mm512_loadu_ps(fr + c), b, kk, hb);
			_mm512_storeu_ps(xr + c, v);
			if (pr) {
				_mm512_storeu_ps(pr + c, tanh16(v));
			}
		}
		if (c < cols) {
			__mmask16 m = tail16(cols - c);
			__m512 b = hb ? _mm512_maskz_loadu_ps(m, bias + c) : zero;
			__m512 v = euler16(_mm512_maskz_loadu_ps(m, xr + c), _mm512_maskz_loadu_ps(m, fr + c), b, kk, hb);
			_mm512_mask_storeu_ps(xr + c, m, v);
			if (pr) {
				_mm512_mask_storeu_ps(pr + c, m, tanh16(v));
			}
		}
	}
}

// ---- AVX2 -----------------------------------------------------------------

#define AVX2 __attribute__((target("avx2")))

AVX2 static inline __m256 tanh8(__m256 x) {
	x = _mm256_min_ps(_mm256_set1_ps(CLAMP), x);
	x = _mm256_max_ps(_mm256_set1_ps(-CLAMP), x);
	RATIONAL(__m256, _mm256_mul_ps, _mm256_add_ps, _mm256_set1_ps);
	return _mm256_div_ps(p, q);
}

AVX2 static void tanh_avx2(float *dst, const float *src, size_t n) {
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(dst + i, tanh8(_mm256_loadu_ps(src + i)));
	}
	for (; i < n; i++) {
		dst[i] = tanh1(src[i]);
	}
}

AVX2 static void euler_avx2(float *x, float *phi, const float *f, const float *bias, size_t rows, size_t cols, float k) {
	__m256 kk = _mm256_set1_ps(k);
	for (size_t r = 0; r < rows; r++) {
		float *xr = x + r * cols;
		const float *fr = f + r * cols;
		float *pr = phi ? phi + r * cols : NULL;
		size_t c = 0;
		for (; c + 8 <= cols; c += 8) {
			__m256 fv = _mm256_loadu_ps(fr + c), xv = _mm256_loadu_ps(xr + c);
			if (bias) {
				fv = _mm256_add_ps(fv, _mm256_loadu_ps(bias + c));
			}
			__m256 v = _mm256_add_ps(xv, _mm256_mul_ps(kk, _mm256_sub_ps(fv, xv)));
			_mm256_storeu_ps(xr + c, v);
			if (pr) {
				_mm256_storeu_ps(pr + c, tanh8(v));
			}
		}
		for (; c < cols; c++) {
			float v = bias ? euler1(xr[c], fr[c], bias[c], k) : euler0(xr[c], fr[c], k);
			xr[c] = v;
			if (pr) {
				pr[c] = tanh1(v);
			}
		}
	}
}

// ---- scalar ---------------------------------------------------------------

static void tanh_scalar(float *dst, const float *src, size_t n) {
	for (size_t i = 0; i < n; i++) {
		dst[i] = tanh1(src[i]);
	}
}

static void euler_scalar(float *x, float *phi, const float *f, const float *bias, size_t rows, size_t cols, float k) {
	for (size_t r = 0; r < rows; r++) {
		float *xr = x + r * cols;
		const float *fr = f + r * cols;
		for (size_t c = 0; c < cols; c++) {
			float v = bias ? euler1(xr[c], fr[c], bias[c], k) : euler0(xr[c], fr[c], k);
			xr[c] = v;
			if (phi) {
				phi[r * cols + c] = tanh1(v);
			}
		}
	}
}

// ---- dispatch -------------------------------------------------------------

void cg_tanh(int level, float *dst, const float *src, size_t n) {
	switch (level) {
	case CG_AVX512:
		tanh_avx512(dst, src, n);
		break;
	case CG_AVX2:
		tanh_avx2(dst, src, n);
		break;
	default:
		tanh_scalar(dst, src, n);
	}
}

void cg_euler(int level, float *x, float *phi, const float *f, const float *bias, size_t rows, size_t cols, float k) {
	switch (level) {
	case CG_AVX512:
		euler_avx512(x, phi, f, bias, rows, cols, k);
		break;
	case CG_AVX2:
		euler_avx2(x, phi, f, bias, rows, cols, k);
		break;
	default:
		euler_scalar(x, phi, f, bias, rows, cols, k);
	}
}

// ---- vector algebra: add, axpy, sum of squares, column sums ---------------
//
// Same order of operations on every level: add and axpy are elementwise;
// cg_sumsq keeps 16 float64 partial sums (element i goes to sum i mod 16)
// and adds them in one fixed order; cg_colsum adds the rows one after the
// other, as a column-by-column loop would.

AVX512 static void add_avx512(float *d, const float *a, const float *b, size_t n) {
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		_mm512_storeu_ps(d + i, _mm512_add_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i)));
	}
	if (i < n) {
		__mmask16 m = tail16(n - i);
		_mm512_mask_storeu_ps(d + i, m, _mm512_add_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
	}
}

AVX512 static void axpy_avx512(float alpha, const float *x, float *y, size_t n) {
	__m512 al = _mm512_set1_ps(alpha);
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		_mm512_storeu_ps(y + i, _mm512_add_ps(_mm512_loadu_ps(y + i), _mm512_mul_ps(al, _mm512_loadu_ps(x + i))));
	}
	if (i < n) {
		__mmask16 m = tail16(n - i);
		__m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(m, y + i), _mm512_mul_ps(al, _mm512_maskz_loadu_ps(m, x + i)));
		_mm512_mask_storeu_ps(y + i, m, v);
	}
}

AVX512 static void sumsq_avx512(const float *x, size_t n, double acc[16]) {
	__m512d lo = _mm512_setzero_pd(), hi = _mm512_setzero_pd();
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		__m512d a = _mm512_cvtps_pd(_mm256_loadu_ps(x + i));
		__m512d b = _mm512_cvtps_pd(_mm256_loadu_ps(x + i + 8));
		lo = _mm512_add_pd(lo, _mm512_mul_pd(a, a));
		hi = _mm512_add_pd(hi, _mm512_mul_pd(b, b));
	}
	_mm512_storeu_pd(acc, lo);
	_mm512_storeu_pd(acc + 8, hi);
	for (size_t k = 0; i < n; i++, k++) {
		acc[k] += (double)x[i] * (double)x[i];
	}
}

AVX512 static void colsum_avx512(double *acc, const float *x, size_t rows, size_t cols) {
	for (size_t r = 0; r < rows; r++) {
		const float *xr = x + r * cols;
		size_t c = 0;
		for (; c + 8 <= cols; c += 8) {
			_mm512_storeu_pd(acc + c, _mm512_add_pd(_mm512_loadu_pd(acc + c), _mm512_cvtps_pd(_mm256_loadu_ps(xr + c))));
		}
		for (; c < cols; c++) {
			acc[c] += (double)xr[c];
		}
	}
}

AVX2 static void add_avx2(float *d, const float *a, const float *b, size_t n) {
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(d + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
	}
	for (; i < n; i++) {
		d[i] = a[i] + b[i];
	}
}

AVX2 static void axpy_avx2(float alpha, const float *x, float *y, size_t n) {
	__m256 al = _mm256_set1_ps(alpha);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(al, _mm256_loadu_ps(x + i))));
	}
	for (; i < n; i++) {
		y[i] += alpha * x[i];
	}
}

AVX2 static void sumsq_avx2(const float *x, size_t n, double acc[16]) {
	__m256d s[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		for (int q = 0; q < 4; q++) {
			__m256d a = _mm256_cvtps_pd(_mm_loadu_ps(x + i + 4 * q));
			s[q] = _mm256_add_pd(s[q], _mm256_mul_pd(a, a));
		}
	}
	for (int q = 0; q < 4; q++) {
		_mm256_storeu_pd(acc + 4 * q, s[q]);
	}
	for (size_t k = 0; i < n; i++, k++) {
		acc[k] += (double)x[i] * (double)x[i];
	}
}

AVX2 static void colsum_avx2(double *acc, const float *x, size_t rows, size_t cols) {
	for (size_t r = 0; r < rows; r++) {
		const float *xr = x + r * cols;
		size_t c = 0;
		for (; c + 4 <= cols; c += 4) {
			_mm256_storeu_pd(acc + c, _mm256_add_pd(_mm256_loadu_pd(acc + c), _mm256_cvtps_pd(_mm_loadu_ps(xr + c))));
		}
		for (; c < cols; c++) {
			acc[c] += (double)xr[c];
		}
	}
}

static void sumsq_scalar(const float *x, size_t n, double acc[16]) {
	for (int k = 0; k < 16; k++) {
		acc[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		acc[i % 16] += (double)x[i] * (double)x[i];
	}
}

void cg_add(int level, float *d, const float *a, const float *b, size_t n) {
	switch (level) {
	case CG_AVX512:
		add_avx512(d, a, b, n);
		break;
	case CG_AVX2:
		add_avx2(d, a, b, n);
		break;
	default:
		for (size_t i = 0; i < n; i++) {
			d[i] = a[i] + b[i];
		}
	}
}

void cg_axpy(int level, float alpha, const float *x, float *y, size_t n) {
	switch (level) {
	case CG_AVX512:
		axpy_avx512(alpha, x, y, n);
		break;
	case CG_AVX2:
		axpy_avx2(alpha, x, y, n);
		break;
	default:
		for (size_t i = 0; i < n; i++) {
			y[i] += alpha * x[i];
		}
	}
}

double cg_sumsq(int level, const float *x, size_t n) {
	double acc[16];
	switch (level) {
	case CG_AVX512:
		sumsq_avx512(x, n, acc);
		break;
	case CG_AVX2:
		sumsq_avx2(x, n, acc);
		break;
	default:
		sumsq_scalar(x, n, acc);
	}
	// one fixed order: e_k = acc_k + acc_{k+8}, o_k = e_k + e_{k+4},
	// sum = (o_0 + o_2) + (o_1 + o_3)
	double e[8], o[4];
	for (int k = 0; k < 8; k++) {
		e[k] = acc[k] + acc[k + 8];
	}
	for (int k = 0; k < 4; k++) {
		o[k] = e[k] + e[k + 4];
	}
	return ((o[0] + o[2]) + (o[1] + o[3]));
}

void cg_colsum(int level, double *acc, const float *x, size_t rows, size_t cols) {
	switch (level) {
	case CG_AVX512:
		colsum_avx512(acc, x, rows, cols);
		break;
	case CG_AVX2:
		colsum_avx2(acc, x, rows, cols);
		break;
	default:
		for (size_t r = 0; r < rows; r++) {
			for (size_t c = 0; c < cols; c++) {
				acc[c] += (double)x[r * cols + c];
			}
		}
	}
}
