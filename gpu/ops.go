//go:build cuda

package gpu

import (
	"fmt"
	"math"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gorgonia.org/cu"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Every method checks its arguments on the caller's goroutine (panicking
// with "chaoslib:" on a mistake), copies the device pointers it needs into
// the closure it queues (so that a later Free cannot affect it), and queues
// or runs that closure on the device thread.

// Upload copies src into dst (waits for the copy).
func (b *Backend) Upload(dst backend.Mat, src []float32) {
	d := b.mat("Upload", dst)
	if int64(len(src)) != d.n() {
		panic(fmt.Sprintf("chaoslib: Upload: %d values into %d×%d", len(src), d.r, d.c))
	}
	p, n := d.ptr, d.bytes()
	b.call("Upload", func() error { return cu.MemcpyHtoD(p, unsafe.Pointer(&src[0]), n) })
}

// Download copies src into dst (waits for the queued work and the copy).
func (b *Backend) Download(dst []float32, src backend.Mat) {
	s := b.mat("Download", src)
	if int64(len(dst)) != s.n() {
		panic(fmt.Sprintf("chaoslib: Download: %d×%d into %d values", s.r, s.c, len(dst)))
	}
	p, n := s.ptr, s.bytes()
	b.call("Download", func() error { return cu.MemcpyDtoH(unsafe.Pointer(&dst[0]), p, n) })
}

// Copy sets dst = src.
func (b *Backend) Copy(dst, src backend.Mat) {
	d, s := b.mat("Copy", dst), b.mat("Copy", src)
	sameShape("Copy", d, s)
	pd, ps, n := d.ptr, s.ptr, d.bytes()
	if pd == ps {
		return
	}
	b.post("Copy", func() error { return cu.MemcpyDtoD(pd, ps, n) })
}

// devSlice returns a slice whose data pointer is the device address p, for
// gorgonia.org/cu/blas, whose methods take []float32 and hand &s[0] to
// cuBLAS. Go never reads or writes through it; the garbage collector and the
// cgo pointer checks ignore addresses outside Go's heap, and device
// addresses (CUDA's unified address space) are reserved by the driver, so
// they are never in it. The double indirection converts the integer address
// to a pointer without the uintptr→unsafe.Pointer pattern that go vet flags.
func devSlice(p cu.DevicePtr, n int64) []float32 {
	ptr := *(*unsafe.Pointer)(unsafe.Pointer(&p))
	return unsafe.Slice((*float32)(ptr), n)
}

// Gemm computes c ← alpha·op(a)·op(b) + beta·c with cuBLAS SGEMM.
//
// cuBLAS is column-major. A row-major r×c buffer is, read column-major, the
// c×r transpose, so row-major C = op(A)·op(B) is computed as the
// column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: Sgemm(transB, transA, n, m, k, B, A, C)
// with each leading dimension equal to the row-major column count. With
// beta = 0 cuBLAS does not read C, so NaNs in c do not propagate (the parity
// tests poison c to check this). cuBLAS's default math mode keeps FP32
// GEMMs in full FP32 (no TF32 tensor cores).
func (b *Backend) Gemm(transA, transB bool, alpha float32, a, bm backend.Mat, beta float32, c backend.Mat) {
	am, bb, cm := b.mat("Gemm", a), b.mat("Gemm", bm), b.mat("Gemm", c)
	m, n, k := backend.GemmDims(transA, transB, a, bm, c)
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	pa, pb, pc := am.ptr, bb.ptr, cm.ptr
	na, nb, nc := am.n(), bb.n(), cm.n()
	lda, ldb := am.c, bb.c
	b.post("Gemm", func() error {
		b.blas.Sgemm(tb, ta, n, m, k, alpha, devSlice(pb, nb), ldb, devSlice(pa, na), lda, beta, devSlice(pc, nc), n)
		return b.blas.Err()
	})
}

// Tanh sets dst = tanh(src) with cpu.Tanh32's rational approximation
// (bit-identical to the CPU backend).
func (b *Backend) Tanh(dst, src backend.Mat) {
	d, s := b.mat("Tanh", dst), b.mat("Tanh", src)
	sameShape("Tanh", d, s)
	pd, ps, n := d.ptr, s.ptr, d.n()
	b.post("Tanh", func() error {
		return launch(b.fn.tanh, b.grid1(n), 1, threads, 1, arg(pd), arg(ps), arg(n))
	})
}

// Euler sets x ← x + k·(−x + field + bias), bias a 1×cols row or nil.
func (b *Backend) Euler(x, field, bias backend.Mat, k float32) {
	xm, fm := b.mat("Euler", x), b.mat("Euler", field)
	sameShape("Euler", xm, fm)
	var pbias cu.DevicePtr
	if bias != nil {
		bm := b.mat("Euler", bias)
		if bm.r != 1 || bm.c != xm.c {
			panic(fmt.Sprintf("chaoslib: Euler: bias %d×%d for x %d×%d", bm.r, bm.c, xm.r, xm.c))
		}
		pbias = bm.ptr
	}
	px, pf, cols, n := xm.ptr, fm.ptr, int64(xm.c), xm.n()
	kd := float64(k)
	b.post("Euler", func() error {
		return launch(b.fn.euler, b.grid1(n), 1, threads, 1, arg(px), arg(pf), arg(pbias), arg(cols), arg(n), arg(kd))
	})
}

// Add sets dst = a + b.
func (b *Backend) Add(dst, a, c backend.Mat) {
	d, x, y := b.mat("Add", dst), b.mat("Add", a), b.mat("Add", c)
	sameShape("Add", d, x)
	sameShape("Add", d, y)
	pd, px, py, n := d.ptr, x.ptr, y.ptr, d.n()
	b.post("Add", func() error {
		return launch(b.fn.add, b.grid1(n), 1, threads, 1, arg(pd), arg(px), arg(py), arg(n))
	})
}

// Axpy sets y ← y + alpha·x.
func (b *Backend) Axpy(alpha float32, x, y backend.Mat) {
	xm, ym := b.mat("Axpy", x), b.mat("Axpy", y)
	sameShape("Axpy", xm, ym)
	px, py, n, ad := xm.ptr, ym.ptr, xm.n(), float64(alpha)
	b.post("Axpy", func() error {
		return launch(b.fn.axpy, b.grid1(n), 1, threads, 1, arg(py), arg(px), arg(ad), arg(n))
	})
}

// Scale sets m ← alpha·m; alpha = 0 writes zeros (a memset, NaNs included).
func (b *Backend) Scale(alpha float32, m backend.Mat) {
	g := b.mat("Scale", m)
	p, n, ad := g.ptr, g.n(), float64(alpha)
	if alpha == 0 {
		b.post("Scale", func() error { return cu.MemsetD32(p, 0, n) })
		return
	}
	b.post("Scale", func() error {
		return launch(b.fn.scale, b.grid1(n), 1, threads, 1, arg(p), arg(ad), arg(n))
	})
}

// Symmetrize sets m_ij = m_ji = (m_ij + m_ji)/2 for a square m.
func (b *Backend) Symmetrize(m backend.Mat) {
	g := b.mat("Symmetrize", m)
	if g.r != g.c {
		panic(fmt.Sprintf("chaoslib: Symmetrize: %d×%d is not square", g.r, g.c))
	}
	p, n := g.ptr, int64(g.r)
	blocks := int((n + 15) / 16)
	b.post("Symmetrize", func() error {
		return launch(b.fn.symmetrize, blocks, blocks, 16, 16, arg(p), arg(n))
	})
}

// AddColMeans sets dst_j ← dst_j + alpha·(1/rows)·Σ_i src_ij, summing in
// float64 on the device in two deterministic passes (row chunks, then the
// chunks in order).
func (b *Backend) AddColMeans(dst backend.Mat, alpha float32, src backend.Mat) {
	d, s := b.mat("AddColMeans", dst), b.mat("AddColMeans", src)
	if d.r != 1 || d.c != s.c {
		panic(fmt.Sprintf("chaoslib: AddColMeans: dst %d×%d for src %d×%d", d.r, d.c, s.r, s.c))
	}
	pd, ps := d.ptr, s.ptr
	rows, cols := int64(s.r), int64(s.c)
	chunk := max(64, (rows+1023)/1024)
	chunks := (rows + chunk - 1) / chunk
	ad := float64(alpha)
	b.post("AddColMeans", func() error {
		if err := b.ensureScratch(8 * chunks * cols); err != nil {
			return err
		}
		part := b.scratch
		if err := launch(b.fn.colsumPartial, int((cols+31)/32), int(chunks), 32, colsumY,
			arg(part), arg(ps), arg(rows), arg(cols), arg(chunk)); err != nil {
			return err
		}
		return launch(b.fn.colmeansFinish, b.grid1(cols), 1, threads, 1,
			arg(pd), arg(part), arg(chunks), arg(cols), arg(rows), arg(ad))
	})
}

// SumSquares returns Σ m_ij² in float64: per-block double partial sums on
// the device, added in order on the host. NaN or +Inf when m holds one.
func (b *Backend) SumSquares(m backend.Mat) float64 {
	g := b.mat("SumSquares", m)
	p, n := g.ptr, g.n()
	blocks := int(min((n+threads-1)/threads, sumsqMaxGrid))
	var sum float64
	b.call("SumSquares", func() error {
		if err := b.ensureScratch(8 * sumsqMaxGrid); err != nil {
			return err
		}
		if err := launch(b.fn.sumsqPart, blocks, 1, threads, 1, arg(b.scratch), arg(p), arg(n)); err != nil {
			return err
		}
		if cap(b.host64) < blocks {
			b.host64 = make([]float64, sumsqMaxGrid)
		}
		h := b.host64[:blocks]
		if err := cu.MemcpyDtoH(unsafe.Pointer(&h[0]), b.scratch, int64(8*blocks)); err != nil {
			return err
		}
		for _, v := range h {
			sum += v
		}
		return nil
	})
	if math.IsNaN(sum) {
		return math.NaN()
	}
	return sum
}
