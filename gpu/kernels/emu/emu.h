// A CPU emulation of the few CUDA constructs kernels.cu uses, so that the
// kernels can be run without a GPU (gpu/emu_test.go): each block runs with
// one std::thread per CUDA thread and a barrier for __syncthreads, blocks one
// after another (so a function-scope static stands in for __shared__), and
// the _rn intrinsics are plain float operations (compile with
// -ffp-contract=off so that none is fused). It checks the kernels' indexing,
// reductions, grid-stride loops and arithmetic order, not nvcc or the GPU.
#include <barrier>
#include <thread>
#include <vector>
#include <functional>
#include <cstdint>
struct dim3 { unsigned x = 1, y = 1, z = 1; };
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
std::barrier<> *g_bar;
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
inline void __syncthreads() { g_bar->arrive_and_wait(); }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fdiv_rn(float a, float b) { return a / b; }
template <class F> void launch(unsigned gx, unsigned gy, unsigned bx, unsigned by, F f) {
	gridDim = {gx, gy, 1}; blockDim = {bx, by, 1};
	for (unsigned y = 0; y < gy; y++) for (unsigned x = 0; x < gx; x++) {
		std::barrier<> bar(bx * by); g_bar = &bar;
		std::vector<std::thread> ts;
		for (unsigned ty = 0; ty < by; ty++) for (unsigned tx = 0; tx < bx; tx++)
			ts.emplace_back([=] { blockIdx = {x, y, 1}; threadIdx = {tx, ty, 1}; f(); });
		for (auto &t : ts) t.join();
	}
}
