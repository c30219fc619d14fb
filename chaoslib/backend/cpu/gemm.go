package cpu

import (
	"gonum.org/v1/gonum/blas"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

// Gemm computes c ← alpha·op(a)·op(b) + beta·c with OpenBLAS SGEMM. With
// beta = 0 the BLAS contract is that c need not be set on input: OpenBLAS
// writes zeros before accumulating rather than scaling c by 0, so a NaN in
// c does not propagate (TestGemmBetaZeroDropsNaN checks this on the
// kernels in use), and no pass of our own clears c first.
func (*Backend) Gemm(transA, transB bool, alpha float32, a, b backend.Mat, beta float32, c backend.Mat) {
	am, bm, cm := mat(a), mat(b), mat(c)
	m, n, k := backend.GemmDims(transA, transB, a, b, c)
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	openblas.Impl.Sgemm(ta, tb, m, n, k, alpha, am.Data, am.C, bm.Data, bm.C, beta, cm.Data, cm.C)
}
