//go:build cuda

package gpu

import (
	_ "embed"
	"fmt"
	"unsafe"

	"gorgonia.org/cu"
)

// kernelsPTX is kernels/kernels.cu compiled by `go generate` (nvcc -ptx
// -arch=compute_80). The driver JIT-compiles it for the GPU at hand (sm_80
// and newer) when New loads it.
//
//go:embed kernels/kernels.ptx
var kernelsPTX string

// kernels holds the functions of the loaded module.
type kernels struct {
	tanh, euler, add, axpy, scale, symmetrize cu.Function
	colsumPartial, colmeansFinish, sumsqPart  cu.Function
}

const (
	threads      = 256 // block size of the 1-D kernels (= SUMSQ_THREADS)
	colsumY      = 8   // COLSUM_Y of kernels.cu
	sumsqMaxGrid = 1024
)

func (b *Backend) loadKernels() error {
	mod, err := cu.LoadData(kernelsPTX)
	if err != nil {
		return fmt.Errorf("loading the kernels' PTX: %w", err)
	}
	b.mod = mod
	for _, k := range []struct {
		fn   *cu.Function
		name string
	}{
		{&b.fn.tanh, "cg_tanh"},
		{&b.fn.euler, "cg_euler"},
		{&b.fn.add, "cg_add"},
		{&b.fn.axpy, "cg_axpy"},
		{&b.fn.scale, "cg_scale"},
		{&b.fn.symmetrize, "cg_symmetrize"},
		{&b.fn.colsumPartial, "cg_colsum_partial"},
		{&b.fn.colmeansFinish, "cg_colmeans_finish"},
		{&b.fn.sumsqPart, "cg_sumsq_partial"},
	} {
		if *k.fn, err = mod.Function(k.name); err != nil {
			return fmt.Errorf("kernel %s: %w", k.name, err)
		}
	}
	return nil
}

// grid1 is the grid size of a grid-stride kernel over n elements: one
// thread per element, at most 32 blocks per multiprocessor.
func (b *Backend) grid1(n int64) int {
	g := (n + threads - 1) / threads
	return int(min(g, int64(32*max(b.sms, 1))))
}

// launch runs fn on the null stream (the stream cuBLAS and the copies use,
// so everything stays in order). Every kernel argument must be 8 bytes wide:
// cu's Function.Launch copies 8 bytes from each argument pointer.
func launch(fn cu.Function, gx, gy, bx, by int, args ...unsafe.Pointer) error {
	return fn.Launch(gx, gy, 1, bx, by, 1, 0, cu.Stream{}, args)
}

// arg returns a pointer to a fresh copy of v for launch; v must be 8 bytes
// (cu.DevicePtr, int64, float64 or uint64).
func arg[T cu.DevicePtr | int64 | float64 | uint64](v T) unsafe.Pointer {
	if unsafe.Sizeof(v) != 8 {
		panic("chaoslib: cuda: kernel argument is not 8 bytes")
	}
	p := new(T)
	*p = v
	return unsafe.Pointer(p)
}
