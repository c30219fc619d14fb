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
