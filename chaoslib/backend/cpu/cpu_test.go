package cpu

import (
	"math"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

func newMat(b *Backend, r, c int, v ...float32) backend.Mat {
	m := b.NewMat(r, c)
	if v != nil {
		b.Upload(m, v)
	}
	return m
}

func eq(t *testing.T, what string, got []float32, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(float64(got[i]-want[i])) > tol {
			t.Fatalf("%s = %v, want %v", what, got, want)
		}
	}
}

// TestGemmTransposes checks all four transpose cases on a 2×3·3×2 hand case.
func TestGemmTransposes(t *testing.T) {
	b := New(2)
	defer b.Close()
	a := newMat(b, 2, 3, 1, 2, 3, 4, 5, 6)  // A
	at := newMat(b, 3, 2, 1, 4, 2, 5, 3, 6) // Aᵀ stored
	x := newMat(b, 3, 2, 1, 0, 0, 1, 1, 1)  // B
	xt := newMat(b, 2, 3, 1, 0, 1, 0, 1, 1) // Bᵀ stored
	want := []float32{4, 5, 10, 11}         // A·B
	for _, c := range []struct {
		ta, tb bool
		a, b   backend.Mat
	}{{false, false, a, x}, {true, false, at, x}, {false, true, a, xt}, {true, true, at, xt}} {
		out := newMat(b, 2, 2, float32(math.NaN()), 0, 0, 0)
		b.Gemm(c.ta, c.tb, 1, c.a, c.b, 0, out) // beta = 0 must drop the NaN
		eq(t, "A·B", out.(*Mat).Data, want, 0)
		b.Gemm(c.ta, c.tb, 2, c.a, c.b, -1, out) // 2AB − AB = AB
		eq(t, "2AB−AB", out.(*Mat).Data, want, 0)
	}
}

// TestGemmBetaZeroDropsNaN: with beta = 0, C's old contents (NaN and ±Inf
// here) do not reach the result, at sizes that take OpenBLAS's small-matrix
// kernels and its blocked ones, for every transpose: all-ones A (m×k) and
// B (k×n) give C = k everywhere.
func TestGemmBetaZeroDropsNaN(t *testing.T) {
	b := New(2)
	defer b.Close()
	ones := func(r, c int) backend.Mat {
		m := b.NewMat(r, c)
		for i := range m.(*Mat).Data {
			m.(*Mat).Data[i] = 1
		}
		return m
	}
	for _, n := range []int{2, 7, 100, 300} {
		m, k := n+3, n+1
		for _, tr := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
			a, x := ones(m, k), ones(k, n)
			if tr[0] {
				a = ones(k, m)
			}
			if tr[1] {
				x = ones(n, k)
			}
			out := b.NewMat(m, n)
			d := out.(*Mat).Data
			for i := range d {
				d[i] = []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}[i%3]
			}
			b.Gemm(tr[0], tr[1], 1, a, x, 0, out)
			for i, v := range d {
				if v != float32(k) {
					t.Fatalf("n = %d, transposes %v: C[%d] = %v, want %d", n, tr, i, v, k)
				}
			}
		}
	}
}

// TestEulerHandCase: x=1, field=3, bias=0.5, k=0.1 → 1 + 0.1(−1+3.5) = 1.25.
func TestEulerHandCase(t *testing.T) {
	b := New(2)
	defer b.Close()
	x := newMat(b, 2, 2, 1, 2, -1, 0)
	f := newMat(b, 2, 2, 3, 0, 1, -2)
	bias := newMat(b, 1, 2, 0.5, -1)
	b.Euler(x, f, bias, 0.1)
	eq(t, "x", x.(*Mat).Data, []float32{1.25, 1.7, -0.75, -0.3}, 1e-6)
	b.Euler(x, f, nil, 1) // k = 1 jumps to the field
	eq(t, "x", x.(*Mat).Data, []float32{3, 0, 1, -2}, 0)
}

// TestElementwiseLarge runs the pooled passes on a matrix big enough to be
// split, and compares with a serial loop.
func TestElementwiseLarge(t *testing.T) {
	b := New(3)
	defer b.Close()
	r, c := 97, 1001
	src := make([]float32, r*c)
	for i := range src {
		src[i] = float32(math.Sin(float64(i))) * 5
	}
	x, f, bias := b.NewMat(r, c), newMat(b, r, c, src...), b.NewMat(1, c)
	bv := make([]float32, c)
	for j := range bv {
		bv[j] = float32(j) / float32(c)
	}
	b.Upload(bias, bv)
	b.Tanh(x, f)
	want := make([]float32, r*c)
	for i, v := range src {
		want[i] = Tanh32(v)
	}
	eq(t, "tanh", x.(*Mat).Data, want, 0)
	b.Euler(x, f, bias, 0.25)
	for i := range want {
		want[i] += float32(0.25 * (src[i] + bv[i%c] - want[i]))
	}
	eq(t, "euler", x.(*Mat).Data, want, 1e-6)
}

func TestReductions(t *testing.T) {
	b := New(1)
	defer b.Close()
	m := newMat(b, 2, 3, 1, 2, 3, 5, 6, 7)
	d := newMat(b, 1, 3, 1, 1, 1)
	b.AddColMeans(d, 2, m) // 1 + 2·mean
	eq(t, "colmeans", d.(*Mat).Data, []float32{7, 9, 11}, 0)
	if s := b.SumSquares(m); s != 1+4+9+25+36+49 {
		t.Fatalf("SumSquares = %g", s)
	}
	s := newMat(b, 2, 2, 1, 2, 4, 3)
	b.Symmetrize(s)
	eq(t, "sym", s.(*Mat).Data, []float32{1, 3, 3, 3}, 0)
	y := newMat(b, 1, 3, 1, 1, 1)
	b.Axpy(-2, d, y)
	eq(t, "axpy", y.(*Mat).Data, []float32{-13, -17, -21}, 0)
	b.Add(y, y, d)
	eq(t, "add", y.(*Mat).Data, []float32{-6, -8, -10}, 0)
	b.Scale(0, y)
	eq(t, "scale", y.(*Mat).Data, []float32{0, 0, 0}, 0)
	nan := newMat(b, 1, 1, float32(math.NaN()))
	if !math.IsNaN(b.SumSquares(nan)) {
		t.Fatal("SumSquares hides a NaN")
	}
}

func TestShapePanics(t *testing.T) {
	b := New(1)
	defer b.Close()
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic on shape mismatch")
		}
	}()
	b.Gemm(false, false, 1, b.NewMat(2, 3), b.NewMat(2, 3), 0, b.NewMat(2, 3))
}

// TestPassesAllocateNothing: the elementwise passes and GEMM allocate nothing.
func TestPassesAllocateNothing(t *testing.T) {
	b := New(2)
	defer b.Close()
	x, f, bias := b.NewMat(200, 784), b.NewMat(200, 784), b.NewMat(1, 784)
	w := b.NewMat(784, 500)
	h := b.NewMat(200, 500)
	allocs := testing.AllocsPerRun(20, func() {
		b.Gemm(false, false, 1, x, w, 0, h)
		b.Tanh(f, x)
		b.Euler(x, f, bias, 0.2)
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per pass, want 0", allocs)
	}
}

// TestCloseTwice: a second Close does nothing; a pass after Close panics
// with a message, not on a closed channel.
func TestCloseTwice(t *testing.T) {
	b := New(2)
	x := b.NewMat(2, 3)
	b.Close()
	b.Close()
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "used after Close") {
			t.Errorf("a pass after Close: panic %q", msg)
		}
	}()
	b.Tanh(x, x)
}
