package gpu

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// TestKernelsEmulated runs on the CPU, without CUDA: it compiles
// kernels/kernels.cu with g++ against a CPU emulation of CUDA's threads,
// blocks and __syncthreads (kernels/emu), runs every kernel with package
// gpu's launch geometry for a 1-multiprocessor GPU (so that the grid-stride
// loops wrap), and compares the results bit for bit with the CPU backend
// (AddColMeans within 1 ulp, SumSquares within 1e-9). It checks the kernels'
// indexing, reductions and order of float operations; whether nvcc and a GPU
// do the same is for the cuda tests on a GPU.
func TestKernelsEmulated(t *testing.T) {
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("g++ not found")
	}
	dir := t.TempDir()
	// Copy the sources (reading them here also makes them part of go test's
	// cache key, which files read only by g++ would not be).
	src := filepath.Join(dir, "src")
	for _, f := range []string{"kernels.cu", "emu/emu.h", "emu/harness.cpp"} {
		b, err := os.ReadFile(filepath.Join("kernels", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(src, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	harness := filepath.Join(dir, "harness")
	out, err := exec.Command(gxx, "-std=c++20", "-O1", "-ffp-contract=off", "-pthread",
		"-o", harness, filepath.Join(src, "emu", "harness.cpp")).CombinedOutput()
	if err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}

	be := cpu.New(1)
	defer be.Close()
	write := func(name string, v []float32) {
		f, err := os.Create(filepath.Join(dir, name+".bin"))
		if err != nil {
			t.Fatal(err)
		}
		if err := binary.Write(f, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	mk := func(r, c int, v []float32) backend.Mat { m := be.NewMat(r, c); be.Upload(m, v); return m }
	rng := rand.New(rand.NewPCG(1, 2))

	// 67×129 = 8643 elements > 32 blocks × 256 threads on 1 multiprocessor.
	const R, C, S = 67, 129, 37
	cm := []struct {
		r, c  int
		alpha float32
	}{{1500, 33, -1}, {3, 5, 0.25}}
	sizes := fmt.Sprintf("%d %d %d %d %d %g %d %d %g\n", R, C, S, cm[0].r, cm[0].c, cm[0].alpha, cm[1].r, cm[1].c, cm[1].alpha)
	if err := os.WriteFile(filepath.Join(dir, "sizes.txt"), []byte(sizes), 0o644); err != nil {
		t.Fatal(err)
	}

	x := randn(rng, R*C, 3)
	copy(x, []float32{0, float32(math.Copysign(0, -1)), 1e-30, -1e-30, 7.9, -7.9, 8, -8, 50, -50,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN())})
	write("tanh_in", x)
	d := be.NewMat(R, C)
	be.Tanh(d, mk(R, C, x))
	write("tanh_out", down(be, d))

	x0, f, bias := randn(rng, R*C, 1), randn(rng, R*C, 2), randn(rng, C, 0.5)
	write("eu_x", x0)
	write("eu_f", f)
	write("eu_b", bias)
	xm := mk(R, C, x0)
	be.Euler(xm, mk(R, C, f), nil, 0.2)
	write("eu_out_nob", down(be, xm))
	xm = mk(R, C, x0)
	be.Euler(xm, mk(R, C, f), mk(1, C, bias), 0.98)
	write("eu_out_b", down(be, xm))

	a, b := randn(rng, R*C, 1), randn(rng, R*C, 1)
	write("a", a)
	write("b", b)
	be.Add(d, mk(R, C, a), mk(R, C, b))
	write("add_out", down(be, d))
	bm := mk(R, C, b)
	be.Axpy(-0.37, mk(R, C, a), bm)
	write("axpy_out", down(be, bm))
	be.Scale(1.7, bm)
	write("scale_out", down(be, bm))
	ss := fmt.Sprintf("%.17g\n", be.SumSquares(mk(R, C, a)))
	if err := os.WriteFile(filepath.Join(dir, "sumsq.txt"), []byte(ss), 0o644); err != nil {
		t.Fatal(err)
	}

	s := randn(rng, S*S, 1)
	write("sym_in", s)
	sm := mk(S, S, s)
	be.Symmetrize(sm)
	write("sym_out", down(be, sm))

	for i, c := range cm {
		src, d0 := randn(rng, c.r*c.c, 1), randn(rng, c.c, 1)
		tag := fmt.Sprintf("cm%d", i+1)
		write(tag+"_src", src)
		write(tag+"_d0", d0)
		dm := mk(1, c.c, d0)
		be.AddColMeans(dm, c.alpha, mk(c.r, c.c, src))
		write(tag+"_out", down(be, dm))
	}

	out, err = exec.Command(harness, dir, "1").CombinedOutput()
	t.Logf("emulated kernels vs the CPU backend:\n%s", out)
	if err != nil {
		t.Fatalf("harness: %v", err)
	}
}
