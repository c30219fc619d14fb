//go:build cuda

package gpu

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"gorgonia.org/cu"
	cublas "gorgonia.org/cu/blas"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Error is a CUDA failure inside a backend method. Methods that cannot return
// an error panic with it (see the package doc); New and Close return it.
type Error struct {
	Op  string // the backend operation, e.g. "Gemm" or "New"
	Err error  // the CUDA driver or cuBLAS error
}

func (e *Error) Error() string { return "chaoslib: cuda: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying CUDA error.
func (e *Error) Unwrap() error { return e.Err }

// Mat is a rows×cols float32 row-major matrix in device memory.
type Mat struct {
	be   *Backend
	ptr  cu.DevicePtr // 0 once freed
	r, c int
}

// Rows returns the number of rows.
func (m *Mat) Rows() int { return m.r }

// Cols returns the number of columns.
func (m *Mat) Cols() int { return m.c }

func (m *Mat) n() int64     { return int64(m.r) * int64(m.c) }
func (m *Mat) bytes() int64 { return 4 * m.n() }

// op is one unit of work for the device thread. done is nil for queued
// operations and non-nil for those the caller waits for.
type op struct {
	name   string
	f      func() error
	done   chan error
	always bool // run even after an error (Close's teardown)
}

// Backend is the CUDA backend. Like the CPU backend it is meant to be used
// by one goroutine at a time. Its zero value is not usable; call New.
type Backend struct {
	ops    chan op
	done   chan error // reply channel of waited-for operations
	closed bool
	closeE error

	// owned by the device thread
	ctx      cu.CUContext
	mod      cu.Module
	fn       kernels
	blas     *cublas.Standard
	scratch  cu.DevicePtr // reduction partial sums, grown on demand
	scrBytes int64
	sms      int   // multiprocessors, to size grids
	err      error // first failure; all later work is skipped
	syncEach bool  // CHAOSGEN_CUDA_SYNC=1: synchronize after every operation
	host64   []float64
}

var _ backend.Backend = (*Backend)(nil)

// queueLen is how many operations may wait for the device thread before a
// queuing caller blocks.
const queueLen = 4096

// New creates a CUDA context on device 0 (set CUDA_VISIBLE_DEVICES to pick
// another GPU), loads the kernels and creates a cuBLAS handle, all on one
// goroutine locked to its OS thread. Failures come back as a *Error.
//
// With the environment variable CHAOSGEN_CUDA_SYNC=1 the backend
// synchronizes after every operation, so that an asynchronous kernel failure
// is reported by the operation that caused it (slow; for debugging).
func New() (*Backend, error) {
	b := &Backend{ops: make(chan op, queueLen), done: make(chan error, 1)}
	b.syncEach = os.Getenv("CHAOSGEN_CUDA_SYNC") == "1"
	ready := make(chan error, 1)
	go b.loop(ready)
	if err := <-ready; err != nil {
		return nil, &Error{Op: "New", Err: err}
	}
	return b, nil
}

// loop is the device thread: it creates the context and then runs every
// operation in order until ops is closed.
func (b *Backend) loop(ready chan<- error) {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	if err := b.init(); err != nil {
		b.teardown()
		ready <- err
		return
	}
	ready <- nil
	for o := range b.ops {
		var err error
		if b.err == nil || o.always {
			err = run(o.f)
			if err == nil && b.syncEach {
				err = cu.Synchronize()
			}
			if err != nil {
				err = &Error{Op: o.name, Err: err}
				if b.err == nil {
					b.err = err
				}
			}
		}
		if o.done != nil {
			if err == nil {
				err = b.err
			}
			o.done <- err
		}
	}
}

// run calls f, turning a panic (a bug in this package or in cu) into an
// error, so that it reaches the caller instead of killing the device thread.
func run(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic on the device thread: %v", r)
		}
	}()
	return f()
}

func (b *Backend) init() (err error) {
	n, err := cu.NumDevices()
	if err != nil {
		return fmt.Errorf("counting devices: %w", err)
	}
	if n == 0 {
		return errors.New("no CUDA device")
	}
	dev, err := cu.GetDevice(0)
	if err != nil {
		return fmt.Errorf("device 0: %w", err)
	}
	if b.sms, err = dev.Attribute(cu.MultiprocessorCount); err != nil {
		return fmt.Errorf("device 0 attributes: %w", err)
	}
	// cuCtxCreate makes the new context current on this (locked) thread.
	if b.ctx, err = dev.MakeContext(cu.SchedAuto); err != nil {
		return fmt.Errorf("creating a context on device 0: %w", err)
	}
	if err = b.loadKernels(); err != nil {
		return err
	}
	defer func() { // cublas.New panics on failure
		if r := recover(); r != nil {
			err = fmt.Errorf("creating the cuBLAS handle: %v", r)
		}
	}()
	b.blas = cublas.New()
	return nil
}

// teardown releases everything init or later operations created; it runs on
// the device thread and returns the first error.
func (b *Backend) teardown() error {
	var errs []error
	if b.ctx != (cu.CUContext{}) {
		errs = append(errs, cu.Synchronize())
	}
	if b.scratch != 0 {
		errs = append(errs, cu.MemFree(b.scratch))
		b.scratch, b.scrBytes = 0, 0
	}
	if b.blas != nil {
		errs = append(errs, b.blas.Close())
		b.blas = nil
	}
	if b.mod != (cu.Module{}) {
		errs = append(errs, b.mod.Unload())
		b.mod = cu.Module{}
	}
	if b.ctx != (cu.CUContext{}) {
		errs = append(errs, b.ctx.Destroy())
	}
	return errors.Join(errs...)
}

// post queues f on the device thread without waiting. A failure is
// reported by the next operation that waits (call) and by Close.
func (b *Backend) post(name string, f func() error) {
	b.usable(name)
	if b.syncEach {
		b.call(name, f)
		return
	}
	b.ops <- op{name: name, f: f}
}

// call runs f on the device thread and waits for it; it panics with the
// backend's first error if f or any earlier operation failed.
func (b *Backend) call(name string, f func() error) {
	b.usable(name)
	b.ops <- op{name: name, f: f, done: b.done}
	if err := <-b.done; err != nil {
		panic(err)
	}
}

func (b *Backend) usable(name string) {
	if b.closed {
		panic("chaoslib: cuda: " + name + " on a closed backend")
	}
}

// Name returns "cuda".
func (*Backend) Name() string { return "cuda" }

// Close waits for the queued work, frees the backend's device memory (but
// not matrices still allocated: they go with the context), destroys the
// cuBLAS handle and the context and stops the device thread. It returns the
// first CUDA error the backend met, if any. Closing twice returns the same.
func (b *Backend) Close() error {
	if b.closed {
		return b.closeE
	}
	done := make(chan error, 1)
	var tear error
	b.ops <- op{name: "Close", always: true, done: done, f: func() error {
		tear = b.teardown()
		return nil
	}}
	first := <-done
	close(b.ops)
	b.closed = true
	if first == nil && tear != nil {
		first = &Error{Op: "Close", Err: tear}
	}
	b.closeE = first
	return first
}

// Err returns the first CUDA error the backend met, or nil. It waits for the
// queued work.
func (b *Backend) Err() (err error) {
	if b.closed {
		return b.closeE
	}
	done := make(chan error, 1)
	b.ops <- op{name: "Err", f: cu.Synchronize, done: done}
	return <-done
}

// mat checks that m is a live matrix of this backend.
func (b *Backend) mat(op string, m backend.Mat) *Mat {
	g, ok := m.(*Mat)
	if !ok {
		panic(fmt.Sprintf("chaoslib: %s: cuda backend got a %T, not a *gpu.Mat", op, m))
	}
	if g.be != b {
		panic(fmt.Sprintf("chaoslib: %s: matrix belongs to another backend", op))
	}
	if g.ptr == 0 {
		panic(fmt.Sprintf("chaoslib: %s: %d×%d matrix used after Free", op, g.r, g.c))
	}
	return g
}

func sameShape(op string, a, b *Mat) {
	if a.r != b.r || a.c != b.c {
		panic(fmt.Sprintf("chaoslib: %s: shape %d×%d vs %d×%d", op, a.r, a.c, b.r, b.c))
	}
}

// NewMat allocates a zeroed rows×cols matrix on the device.
func (b *Backend) NewMat(rows, cols int) backend.Mat {
	if rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("chaoslib: NewMat(%d, %d): sizes must be > 0", rows, cols))
	}
	m := &Mat{be: b, r: rows, c: cols}
	b.call("NewMat", func() error {
		p, err := cu.MemAlloc(m.bytes())
		if err != nil {
			return fmt.Errorf("allocating %d×%d floats: %w", rows, cols, err)
		}
		if err := cu.MemsetD32(p, 0, m.n()); err != nil {
			cu.MemFree(p)
			return err
		}
		m.ptr = p
		return nil
	})
	return m
}

// Free releases m's device memory once the work queued before has run.
// After Close it only marks m freed: its memory went with the context.
func (b *Backend) Free(m backend.Mat) {
	g := b.mat("Free", m)
	p := g.ptr
	g.ptr = 0
	if b.closed {
		return
	}
	b.post("Free", func() error {
		// Wait for queued kernels that may still read p.
		if err := cu.Synchronize(); err != nil {
			return err
		}
		return cu.MemFree(p)
	})
}

// ensureScratch grows the reduction scratch buffer to at least n bytes (on
// the device thread).
func (b *Backend) ensureScratch(n int64) error {
	if b.scrBytes >= n {
		return nil
	}
	if b.scratch != 0 {
		if err := cu.Synchronize(); err != nil {
			return err
		}
		if err := cu.MemFree(b.scratch); err != nil {
			return err
		}
		b.scratch, b.scrBytes = 0, 0
	}
	n = max(n, 64<<10)
	p, err := cu.MemAlloc(n)
	if err != nil {
		return fmt.Errorf("allocating %d bytes of scratch: %w", n, err)
	}
	b.scratch, b.scrBytes = p, n
	return nil
}
