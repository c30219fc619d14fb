//go:build cuda

package gpu

// Parity of every operation with the CPU backend. These tests need a GPU
// (the test binary exits at start-up without one: gorgonia.org/cu calls
// cuInit in its package init).

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// gpuBE is one CUDA backend shared by the tests (a context costs time).
var gpuBE *Backend

func TestMain(m *testing.M) {
	b, err := New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gpu tests:", err)
		os.Exit(1)
	}
	gpuBE = b
	code := m.Run()
	if err := b.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "gpu tests: Close:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// pair is the CUDA backend under test and a CPU reference.
func pair(t testing.TB) (*Backend, *cpu.Backend) {
	c := cpu.New(2)
	t.Cleanup(func() { c.Close() })
	return gpuBE, c
}

// both uploads the same values into a new r×c matrix on each backend.
func both(g *Backend, c *cpu.Backend, r, cols int, v []float32) (backend.Mat, backend.Mat) {
	mg, mc := g.NewMat(r, cols), c.NewMat(r, cols)
	g.Upload(mg, v)
	c.Upload(mc, v)
	return mg, mc
}

// closeTo fails unless |got_i − want_i| ≤ tol·scale_i for every i (scale nil
// means max(|want_i|, 1)); NaN must match NaN and Inf the same Inf. It logs
// how many elements differ at all.
func closeTo(t *testing.T, what string, got, want []float32, scale []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	differ := 0
	var worst float64
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			differ++
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			if !(math.IsNaN(w) && math.IsNaN(g)) && g != w {
				t.Fatalf("%s[%d] = %g, want %g", what, i, g, w)
			}
			continue
		}
		s := math.Max(math.Abs(w), 1)
		if scale != nil {
			s = scale[i]
		}
		d := math.Abs(g - w)
		if !(d <= tol*s) { // also catches NaN in got
			t.Fatalf("%s[%d] = %.9g, want %.9g (|Δ| = %.3g > %.3g)", what, i, g, w, d, tol*s)
		}
		worst = math.Max(worst, d/math.Max(s, 1e-300))
	}
	if differ > 0 {
		t.Logf("%s: %d of %d values not bit-identical, worst |Δ|/scale = %.3g", what, differ, len(got), worst)
	}
}

// shapes are the matrix shapes of the elementwise tests: odd sizes, and one
// larger than the grid-stride kernels' largest grid (32 blocks of 256 per
// multiprocessor; 132 multiprocessors on an H100/H200: 1.08M elements).
var shapes = [][2]int{{1, 1}, {3, 5}, {257, 129}, {2000, 784}}

// bitTol is the tolerance of the kernels that follow the CPU's order of
// float32 operations and should be bit-identical (see kernels.cu).
const bitTol = 0x1p-23

func TestUploadDownloadCopy(t *testing.T) {
	g := gpuBE
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range shapes {
		v := randn(rng, s[0]*s[1], 1)
		a := g.NewMat(s[0], s[1])
		g.Upload(a, v)
		closeTo(t, "download", down(g, a), v, nil, 0)
		b := g.NewMat(s[0], s[1])
		g.Upload(b, nans(len(v)))
		g.Copy(b, a)
		closeTo(t, "copy", down(g, b), v, nil, 0)
		z := g.NewMat(s[0], s[1])
		closeTo(t, "new matrix", down(g, z), make([]float32, len(v)), nil, 0)
		g.Free(a)
		g.Free(b)
		g.Free(z)
	}
}

func TestGemm(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(2, 2))
	for _, mnk := range [][3]int{{1, 1, 1}, {3, 5, 7}, {257, 129, 65}, {64, 1, 300}, {2, 300, 1}, {200, 100, 784}} {
		m, n, k := mnk[0], mnk[1], mnk[2]
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			for _, ab := range [][2]float32{{1, 0}, {0.7, 1}, {-1.3, -0.5}} {
				alpha, beta := ab[0], ab[1]
				ar, ac := m, k
				if tr[0] {
					ar, ac = k, m
				}
				br, bc := k, n
				if tr[1] {
					br, bc = n, k
				}
				av, bv := randn(rng, ar*ac, 1), randn(rng, br*bc, 1)
				cv := randn(rng, m*n, 1)
				if beta == 0 {
					cv = nans(m * n) // beta = 0 must ignore NaNs in c
				}
				ag, acpu := both(g, c, ar, ac, av)
				bg, bcpu := both(g, c, br, bc, bv)
				cg, ccpu := both(g, c, m, n, cv)
				g.Gemm(tr[0], tr[1], alpha, ag, bg, beta, cg)
				c.Gemm(tr[0], tr[1], alpha, acpu, bcpu, beta, ccpu)
				// Error bound of each side: (k+2)·u·(|α|·(|A||B|)_ij + |β c_ij|).
				scale := make([]float64, m*n)
				at := func(i, p int) float64 { // op(A)_ip
					if tr[0] {
						return float64(av[p*ac+i])
					}
					return float64(av[i*ac+p])
				}
				bt := func(p, j int) float64 {
					if tr[1] {
						return float64(bv[j*bc+p])
					}
					return float64(bv[p*bc+j])
				}
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						var s float64
						for p := 0; p < k; p++ {
							s += math.Abs(at(i, p) * bt(p, j))
						}
						s *= math.Abs(float64(alpha))
						if beta != 0 {
							s += math.Abs(float64(beta) * float64(cv[i*n+j]))
						}
						scale[i*n+j] = math.Max(s, 1e-30)
					}
				}
				what := fmt.Sprintf("Gemm(%v, %v) %d×%d×%d α=%g β=%g", tr[0], tr[1], m, n, k, alpha, beta)
				closeTo(t, what, down(g, cg), down(c, ccpu), scale, 2*float64(k+2)*0x1p-24)
				g.Free(ag)
				g.Free(bg)
				g.Free(cg)
			}
		}
	}
}

func TestTanh(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(3, 3))
	for _, s := range shapes {
		n := s[0] * s[1]
		v := randn(rng, n, 3)
		special := []float32{0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 7.9, -7.9, 8, -8, 50, -50,
			float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())}
		copy(v, special[:min(n, len(special))])
		xg, xc := both(g, c, s[0], s[1], v)
		dg, dc := both(g, c, s[0], s[1], nans(n))
		g.Tanh(dg, xg)
		c.Tanh(dc, xc)
		closeTo(t, fmt.Sprintf("Tanh %v", s), down(g, dg), down(c, dc), nil, bitTol)
		g.Tanh(xg, xg) // in place
		closeTo(t, fmt.Sprintf("Tanh in place %v", s), down(g, xg), down(c, dc), nil, bitTol)
		g.Free(xg)
		g.Free(dg)
	}
}

func TestEuler(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(4, 4))
	for _, s := range shapes {
		n := s[0] * s[1]
		for _, withBias := range []bool{false, true} {
			for _, k := range []float32{0.2, 0.98} {
				xg, xc := both(g, c, s[0], s[1], randn(rng, n, 1))
				fg, fc := both(g, c, s[0], s[1], randn(rng, n, 2))
				var bg, bc backend.Mat
				if withBias {
					bg, bc = both(g, c, 1, s[1], randn(rng, s[1], 0.5))
				}
				g.Euler(xg, fg, bg, k)
				c.Euler(xc, fc, bc, k)
				closeTo(t, fmt.Sprintf("Euler %v bias=%v k=%g", s, withBias, k), down(g, xg), down(c, xc), nil, bitTol)
				g.Free(xg)
				g.Free(fg)
				if bg != nil {
					g.Free(bg)
				}
			}
		}
	}
}

func TestAddAxpyScale(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(5, 5))
	for _, s := range shapes {
		n := s[0] * s[1]
		av, bv := randn(rng, n, 1), randn(rng, n, 1)
		ag, ac := both(g, c, s[0], s[1], av)
		bg, bc := both(g, c, s[0], s[1], bv)
		dg, dc := both(g, c, s[0], s[1], nans(n))
		g.Add(dg, ag, bg)
		c.Add(dc, ac, bc)
		closeTo(t, fmt.Sprintf("Add %v", s), down(g, dg), down(c, dc), nil, bitTol)
		g.Add(ag, ag, bg) // dst aliases a
		closeTo(t, fmt.Sprintf("Add dst=a %v", s), down(g, ag), down(c, dc), nil, bitTol)
		g.Upload(ag, av)
		g.Add(bg, ag, bg) // dst aliases b
		closeTo(t, fmt.Sprintf("Add dst=b %v", s), down(g, bg), down(c, dc), nil, bitTol)
		g.Upload(bg, bv)

		g.Axpy(-0.37, ag, bg)
		c.Axpy(-0.37, ac, bc)
		closeTo(t, fmt.Sprintf("Axpy %v", s), down(g, bg), down(c, bc), nil, bitTol)

		g.Scale(1.7, bg)
		c.Scale(1.7, bc)
		closeTo(t, fmt.Sprintf("Scale %v", s), down(g, bg), down(c, bc), nil, bitTol)
		g.Upload(dg, nans(n))
		g.Scale(0, dg) // zeroes NaNs too
		closeTo(t, fmt.Sprintf("Scale 0 %v", s), down(g, dg), make([]float32, n), nil, 0)
		g.Free(ag)
		g.Free(bg)
		g.Free(dg)
	}
}

func TestAddColMeans(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(6, 6))
	// rows 5000 and 200000 span many row chunks (64 rows and more each)
	for _, s := range [][2]int{{1, 1}, {3, 5}, {257, 129}, {5000, 33}, {200000, 3}, {2000, 784}} {
		r, cols := s[0], s[1]
		src := randn(rng, r*cols, 1)
		d0 := randn(rng, cols, 1)
		for _, alpha := range []float32{1, -1, 0.25} {
			sg, sc := both(g, c, r, cols, src)
			dg, dc := both(g, c, 1, cols, d0)
			g.AddColMeans(dg, alpha, sg)
			c.AddColMeans(dc, alpha, sc)
			scale := make([]float64, cols)
			for j := range scale {
				var a float64
				for i := 0; i < r; i++ {
					a += math.Abs(float64(src[i*cols+j]))
				}
				scale[j] = math.Abs(float64(d0[j])) + math.Abs(float64(alpha))*a/float64(r)
			}
			closeTo(t, fmt.Sprintf("AddColMeans %v α=%g", s, alpha), down(g, dg), down(c, dc), scale, 4*0x1p-24)
			g.Free(sg)
			g.Free(dg)
		}
	}
}

func TestSymmetrize(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1, 3, 17, 257, 784} {
		v := randn(rng, n*n, 1)
		mg, mc := both(g, c, n, n, v)
		g.Symmetrize(mg)
		c.Symmetrize(mc)
		got := down(g, mg)
		closeTo(t, fmt.Sprintf("Symmetrize %d", n), got, down(c, mc), nil, 0)
		for i := 0; i < n; i++ {
			for j := 0; j < i; j++ {
				if got[i*n+j] != got[j*n+i] {
					t.Fatalf("Symmetrize %d: [%d,%d] = %g ≠ [%d,%d] = %g", n, i, j, got[i*n+j], j, i, got[j*n+i])
				}
			}
		}
		g.Free(mg)
	}
}

func TestSumSquares(t *testing.T) {
	g, c := pair(t)
	rng := rand.New(rand.NewPCG(8, 8))
	for _, s := range append(shapes, [2]int{4000, 1000}) {
		v := randn(rng, s[0]*s[1], 2)
		mg, mc := both(g, c, s[0], s[1], v)
		got, want := g.SumSquares(mg), c.SumSquares(mc)
		// Both sum in float64, in different orders: |Δ| ≤ n·2⁻⁵³·sum at worst.
		if math.Abs(got-want) > 1e-9*want {
			t.Fatalf("SumSquares %v = %.17g, want %.17g", s, got, want)
		}
		v[len(v)/2] = float32(math.Inf(-1))
		g.Upload(mg, v)
		if got := g.SumSquares(mg); !math.IsInf(got, 1) {
			t.Fatalf("SumSquares %v with −Inf = %g, want +Inf", s, got)
		}
		v[len(v)-1] = float32(math.NaN())
		g.Upload(mg, v)
		if got := g.SumSquares(mg); !math.IsNaN(got) {
			t.Fatalf("SumSquares %v with NaN = %g, want NaN", s, got)
		}
		g.Free(mg)
	}
	z := g.NewMat(3, 3)
	if got := g.SumSquares(z); got != 0 {
		t.Fatalf("SumSquares of zeros = %g", got)
	}
	g.Free(z)
}

// mustPanic runs f and checks that it panics with a message starting with
// prefix.
func mustPanic(t *testing.T, what, prefix string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("%s did not panic", what)
		}
		if msg := fmt.Sprint(r); !strings.HasPrefix(msg, prefix) {
			t.Fatalf("%s panicked with %q, want prefix %q", what, msg, prefix)
		}
	}()
	f()
}

func TestProgrammerErrorsPanic(t *testing.T) {
	g, c := pair(t)
	a, b := g.NewMat(2, 3), g.NewMat(3, 2)
	mustPanic(t, "Add shape", "chaoslib:", func() { g.Add(a, a, b) })
	mustPanic(t, "Gemm shape", "chaoslib:", func() { g.Gemm(false, false, 1, a, a, 0, b) })
	mustPanic(t, "Upload length", "chaoslib:", func() { g.Upload(a, make([]float32, 5)) })
	mustPanic(t, "cpu matrix", "chaoslib:", func() { g.Tanh(a, c.NewMat(2, 3)) })
	mustPanic(t, "NewMat(0, 1)", "chaoslib:", func() { g.NewMat(0, 1) })
	g.Free(b)
	mustPanic(t, "use after Free", "chaoslib:", func() { g.Tanh(b, b) })
	mustPanic(t, "Symmetrize non-square", "chaoslib:", func() { g.Symmetrize(a) })
	g.Free(a)
	if err := g.Err(); err != nil {
		t.Fatalf("backend error after programmer errors: %v", err)
	}
}

// TestDeviceErrorIsSticky: an allocation the device cannot satisfy panics
// with a *Error, later calls report the same error, and Close returns it.
// It uses its own backend, since the error poisons the backend.
func TestDeviceErrorIsSticky(t *testing.T) {
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var first error
	func() {
		defer func() {
			r := recover()
			e, ok := r.(error)
			if !ok || !errors.As(e, new(*Error)) || !strings.HasPrefix(e.Error(), "chaoslib: cuda: NewMat") {
				t.Errorf("NewMat(1<<20, 1<<20) panicked with %v (%T), want a *gpu.Error", r, r)
			}
			first = e
		}()
		b.NewMat(1<<20, 1<<20) // 4 TiB
	}()
	t.Logf("expected error: %v", first)
	mustPanic(t, "NewMat after an error", "chaoslib: cuda: NewMat", func() { b.NewMat(2, 2) })
	if err := b.Close(); err == nil || err.Error() != first.Error() {
		t.Fatalf("Close = %v, want %v", err, first)
	}
	mustPanic(t, "use after Close", "chaoslib: cuda:", func() { b.NewMat(2, 2) })
}
