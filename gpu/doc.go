// Package gpu is the CUDA implementation of backend.Backend. It is built only
// with the build tag cuda (go build -tags cuda), because gorgonia.org/cu
// initializes the CUDA driver when the program starts and exits the process
// when there is no GPU; the default build and `go test ./...` never import it.
// This file carries no build tag, so that the package exists (empty) in the
// default build and `go vet ./...` sees it.
//
// The design, kernels, tolerances and the device check are described in
// gpu/README.md. In short:
//
//   - New creates a CUDA context on device 0, owned by one goroutine locked to
//     its OS thread; every CUDA call runs on that thread. Operations that
//     return nothing (kernels, GEMMs, copies, Free) are queued without waiting;
//     NewMat, Upload, Download and SumSquares wait for their result.
//   - Matrices live on the device (float32, row-major); only Upload and
//     Download move data.
//   - GEMMs go through cuBLAS (gorgonia.org/cu/blas) with the operands
//     swapped for row-major storage; everything else is a kernel of
//     kernels/kernels.cu, compiled to PTX by go generate and embedded.
//   - Errors: New returns a wrapped error. Shape and usage mistakes inside the
//     interface methods panic at once with a "chaoslib:" message, as in the
//     CPU backend. A CUDA failure inside a method (which has no error result)
//     is recorded; the backend then skips all further work, and the next
//     method that waits for the device panics with a *Error ("chaoslib:
//     cuda: ..."); Close returns the first such error.
package gpu

//go:generate nvcc -ptx -arch=compute_80 -o kernels/kernels.ptx kernels/kernels.cu
