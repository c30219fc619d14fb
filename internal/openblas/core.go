package openblas

/*
#include <stdlib.h>

char *openblas_get_corename(void);
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

// OpenBLAS built with DYNAMIC_ARCH (Debian's and Ubuntu's packages) picks its
// kernel family in gotoblas_dynamic_init, from OPENBLAS_CORETYPE or the CPU
// id, and gotoblas_dynamic_quit forgets the choice. The symbols are weak, so
// that a build without them still links; switching is then unavailable.
void gotoblas_dynamic_init(void) __attribute__((weak));
void gotoblas_dynamic_quit(void) __attribute__((weak));

// cg_switch_core makes OpenBLAS choose its kernels again as if
// OPENBLAS_CORETYPE were name, and leaves the C environment as it was.
// It must not run while a BLAS call is in progress.
static int cg_switch_core(const char *name) {
	if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) {
		return -1;
	}
	char *old = getenv("OPENBLAS_CORETYPE");
	setenv("OPENBLAS_CORETYPE", name, 1);
	gotoblas_dynamic_quit();
	gotoblas_dynamic_init();
	if (old == NULL) {
		unsetenv("OPENBLAS_CORETYPE");
	}
	return 0;
}
*/
import "C"

import (
	"unsafe"
)

// cGetenv reads the C environment, which OpenBLAS reads (Go keeps its own copy).
func cGetenv(name string) (string, bool) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	v := C.getenv(cs)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}

// CoreName is the CPU kernel family OpenBLAS uses now, e.g. "Haswell",
// "SkylakeX", "Cooperlake", or "Prescott" (its generic fallback).
func CoreName() string { return C.GoString(C.openblas_get_corename()) }

// Threads returns the number of threads OpenBLAS uses for one call.
func Threads() int { return int(C.openblas_get_num_threads()) }

// SetThreads sets the number of threads OpenBLAS uses for one call.
func SetThreads(n int) { C.openblas_set_num_threads(C.int(n)) }

// switchCore makes OpenBLAS use the kernel family name ("SkylakeX",
// "Haswell", …). It reports false when this OpenBLAS cannot switch (a build
// without DYNAMIC_ARCH). It must not run concurrently with BLAS calls.
func switchCore(name string) bool {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return C.cg_switch_core(cs) == 0
}
