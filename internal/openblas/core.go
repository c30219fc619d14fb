package openblas

// char* openblas_get_corename(void);
import "C"

import (
	"os"
	"strings"

	"golang.org/x/sys/cpu"
)

// CoreName is the CPU kernel family OpenBLAS chose at start-up, e.g.
// "Haswell", "SkylakeX", or "Prescott" (its generic fallback).
func CoreName() string { return C.GoString(C.openblas_get_corename()) }

// Hint returns advice when OpenBLAS fell back to a generic kernel on a CPU
// that has AVX2 or AVX-512: OpenBLAS reads OPENBLAS_CORETYPE once, at
// start-up, so only the environment of a new process can change it. It
// returns "" when OPENBLAS_CORETYPE is set or the choice looks right.
func Hint() string {
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		return ""
	}
	core := strings.ToLower(CoreName())
	generic := core == "prescott" || core == "core2" || core == "nehalem" || core == "katmai" || core == "unknown"
	want := ""
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL:
		want = "SkylakeX"
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		want = "Haswell"
	}
	if !generic || want == "" {
		return ""
	}
	return "OpenBLAS did not recognise this CPU and uses its generic " + CoreName() +
		" kernel; this CPU supports " + want + " kernels, which are several times faster: export OPENBLAS_CORETYPE=" + want
}
