package openblas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/sys/cpu"
	"gonum.org/v1/gonum/blas"
)

// Kernel says which OpenBLAS kernel family is in use and how it was chosen.
type Kernel struct {
	Core   string `json:"core"`   // kernel family in use, e.g. "SkylakeX"
	Source string `json:"source"` // "environment", "openblas" or "chaosgen"
	Note   string `json:"note,omitempty"`
}

func (k Kernel) String() string {
	s := k.Core + " kernels"
	switch k.Source {
	case "environment":
		s += " (OPENBLAS_CORETYPE)"
	case "openblas":
		s += " (OpenBLAS's own choice)"
	case "chaosgen":
		s += " (chosen by chaosgen)"
	}
	if k.Note != "" {
		s += "; " + k.Note
	}
	return s
}

// best returns the fastest SGEMM kernel family for this CPU among those that
// Debian 12's OpenBLAS 0.3.21 has, and the families that are as good. On
// CPUs with AVX-512 (including AMD Zen 4, which OpenBLAS 0.3.21 may not
// recognise) the SkylakeX kernels are the fastest measured (README,
// "Speed"); Cooperlake uses the same SGEMM kernels. With AVX2 and FMA,
// Haswell's (Zen's are the same kernels).
func best() (want string, good []string) {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512CD:
		return "SkylakeX", []string{"skylakex", "cooperlake", "sapphirerapids"}
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return "Haswell", []string{"haswell", "zen", "skylakex", "cooperlake"}
	}
	return "", nil
}

var (
	mu     sync.Mutex
	chosen *Kernel // set by Choose
)

// Choose makes OpenBLAS use the fastest kernel family for this CPU, once per
// process, and reports the family in use. It never overrides a user's
// OPENBLAS_CORETYPE. When it switches, it checks an SGEMM against a float64
// reference and goes back to OpenBLAS's own choice if the check fails.
//
// Call it at start-up, before any BLAS work and not concurrently with any.
// Tests do not call it, so they run with whatever the environment gives.
func Choose() Kernel {
	mu.Lock()
	defer mu.Unlock()
	if chosen == nil {
		k := choose()
		chosen = &k
	}
	return *chosen
}

// Current reports the kernel family in use, without changing it.
func Current() Kernel {
	mu.Lock()
	defer mu.Unlock()
	if chosen != nil {
		return *chosen
	}
	return Kernel{Core: CoreName(), Source: ownSource()}
}

func ownSource() string {
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		return "environment"
	}
	return "openblas"
}

func choose() Kernel {
	own := CoreName()
	if ownSource() == "environment" {
		return Kernel{Core: own, Source: "environment"}
	}
	want, good := best()
	if want == "" || slices.Contains(good, strings.ToLower(own)) {
		return Kernel{Core: own, Source: "openblas"}
	}
	if !switchCore(want) {
		return Kernel{Core: own, Source: "openblas", Note: "this OpenBLAS cannot switch kernels (no DYNAMIC_ARCH); " + want + " would be faster"}
	}
	if err := checkSgemm(); err != nil {
		switchCore(own)
		return Kernel{Core: CoreName(), Source: "openblas", Note: fmt.Sprintf("%s kernels failed the start-up check (%v), kept %s", want, err, own)}
	}
	return Kernel{Core: CoreName(), Source: "chaosgen", Note: "OpenBLAS chose " + own}
}

// checkSgemm compares SGEMM against a float64 reference on shapes that reach
// the blocked kernels (and their edges) in all four transpose cases:
// |C − C_ref| ≤ 1e-5·K·max|a|·max|b| elementwise.
func checkSgemm() error {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range [][3]int{{67, 131, 45}, {200, 96, 300}} {
		m, n, k := s[0], s[1], s[2]
		a, b := make([]float32, m*k), make([]float32, k*n)
		for i := range a {
			a[i] = float32(rng.Float64()*2 - 1)
		}
		for i := range b {
			b[i] = float32(rng.Float64()*2 - 1)
		}
		want := make([]float64, m*n)
		for i := 0; i < m; i++ {
			for p := 0; p < k; p++ {
				for j := 0; j < n; j++ {
					want[i*n+j] += float64(a[i*k+p]) * float64(b[p*n+j])
				}
			}
		}
		tol := 1e-5 * float64(k)
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				aa, lda, ota := a, k, blas.NoTrans
				if ta {
					aa, lda, ota = transpose(a, m, k), m, blas.Trans
				}
				bb, ldb, otb := b, n, blas.NoTrans
				if tb {
					bb, ldb, otb = transpose(b, k, n), k, blas.Trans
				}
				c := make([]float32, m*n)
				Impl.Sgemm(ota, otb, m, n, k, 1, aa, lda, bb, ldb, 0, c, n)
				for i, v := range c {
					if d := math.Abs(float64(v) - want[i]); !(d <= tol) {
						return fmt.Errorf("SGEMM %d×%d×%d transA=%v transB=%v: element %d is %g, reference %g", m, n, k, ta, tb, i, v, want[i])
					}
				}
			}
		}
	}
	return nil
}

// transpose returns the c×r transpose of the r×c row-major x.
func transpose(x []float32, r, c int) []float32 {
	t := make([]float32, len(x))
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			t[j*r+i] = x[i*c+j]
		}
	}
	return t
}
