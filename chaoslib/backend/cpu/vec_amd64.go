package cpu

// #cgo CFLAGS: -O2
// #include "vec_amd64.h"
import "C"

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Vector levels of the elementwise kernels (vec_amd64.c).
const (
	levelScalar = C.CG_SCALAR
	levelAVX2   = C.CG_AVX2
	levelAVX512 = C.CG_AVX512
)

// vecLevel is the widest instruction set that this CPU and OS support. All
// levels give bit-identical results; only the speed differs.
var vecLevel = func() int {
	switch {
	case cpu.X86.HasAVX512F:
		return levelAVX512
	case cpu.X86.HasAVX2:
		return levelAVX2
	}
	return levelScalar
}()

// vecLevels lists the levels this CPU can run, for tests and benchmarks.
func vecLevels() []int {
	l := []int{levelScalar}
	if cpu.X86.HasAVX2 {
		l = append(l, levelAVX2)
	}
	if cpu.X86.HasAVX512F {
		l = append(l, levelAVX512)
	}
	return l
}

// levelName names a vector level.
func levelName(level int) string {
	return [...]string{"scalar", "AVX2", "AVX-512"}[level]
}

func ptr(s []float32) *C.float {
	if len(s) == 0 {
		return nil
	}
	return (*C.float)(unsafe.Pointer(&s[0]))
}

// tanhVec sets dst[i] = Tanh32(src[i]) with the given level's kernel.
func tanhVec(level int, dst, src []float32) {
	if len(src) == 0 {
		return
	}
	_ = dst[len(src)-1]
	C.cg_tanh(C.int(level), ptr(dst), ptr(src), C.size_t(len(src)))
}

// eulerVec sets x ← x + k·(f + bias − x) on rows of len(bias) (or of cols
// when bias is nil), then phi = Tanh32(x) when phi is not nil.
func eulerVec(level int, x, phi, f, bias []float32, cols int, k float32) {
	if len(x) == 0 {
		return
	}
	_ = f[len(x)-1]
	if phi != nil {
		_ = phi[len(x)-1]
	}
	if bias != nil && len(bias) != cols {
		panic("chaoslib: eulerVec: bias length differs from cols")
	}
	C.cg_euler(C.int(level), ptr(x), ptr(phi), ptr(f), ptr(bias), C.size_t(len(x)/cols), C.size_t(cols), C.float(k))
}

// addVec sets d = a + b.
func addVec(level int, d, a, b []float32) {
	if len(d) == 0 {
		return
	}
	_, _ = a[len(d)-1], b[len(d)-1]
	C.cg_add(C.int(level), ptr(d), ptr(a), ptr(b), C.size_t(len(d)))
}

// axpyVec sets y ← y + alpha·x.
func axpyVec(level int, alpha float32, x, y []float32) {
	if len(y) == 0 {
		return
	}
	_ = x[len(y)-1]
	C.cg_axpy(C.int(level), C.float(alpha), ptr(x), ptr(y), C.size_t(len(y)))
}

// sumSquaresVec returns Σ x_i² in float64, summed in the order of cg_sumsq.
func sumSquaresVec(level int, x []float32) float64 {
	return float64(C.cg_sumsq(C.int(level), ptr(x), C.size_t(len(x))))
}

// colSumVec adds the rows of x (rows of len(acc)) to acc, in float64.
func colSumVec(level int, acc []float64, x []float32) {
	cols := len(acc)
	if cols == 0 || len(x) < cols {
		return
	}
	_ = x[len(x)/cols*cols-1]
	C.cg_colsum(C.int(level), (*C.double)(unsafe.Pointer(&acc[0])), ptr(x), C.size_t(len(x)/cols), C.size_t(cols))
}
