// Vector kernels for the CPU backend's elementwise passes; see vec_amd64.c.
#include <stddef.h>

// Instruction-set levels, chosen by the Go side at start-up.
enum { CG_SCALAR = 0, CG_AVX2 = 1, CG_AVX512 = 2 };

// cg_tanh sets dst[i] = Tanh32(src[i]) for i < n.
void cg_tanh(int level, float *dst, const float *src, size_t n);

// cg_euler sets x ← x + k·(f + bias − x) for a rows×cols block (bias a row of
// cols values, or NULL), then, when phi is not NULL, phi = Tanh32(x) in the
// same sweep.
void cg_euler(int level, float *x, float *phi, const float *f, const float *bias, size_t rows, size_t cols, float k);

// cg_add sets d = a + b elementwise (d may alias a or b).
void cg_add(int level, float *d, const float *a, const float *b, size_t n);

// cg_axpy sets y ← y + alpha·x.
void cg_axpy(int level, float alpha, const float *x, float *y, size_t n);

// cg_sumsq returns Σ x_i² in float64: 16 partial sums (element i into sum
// i mod 16, in order), added in one fixed order.
double cg_sumsq(int level, const float *x, size_t n);

// cg_colsum adds the rows of the rows×cols x to acc (len cols), in float64,
// one row after the other.
void cg_colsum(int level, double *acc, const float *x, size_t rows, size_t cols);
