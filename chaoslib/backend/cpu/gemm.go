package cpu

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/internal/openblas"
)

// Gemm computes c ← alpha·op(a)·op(b) + beta·c with OpenBLAS SGEMM.
func (*Backend) Gemm(transA, transB bool, alpha float32, a, b backend.Mat, beta float32, c backend.Mat) {
	am, bm, cm := mat(a), mat(b), mat(c)
	m, k := am.R, am.C
	ta := blas.NoTrans
	if transA {
		m, k = k, m
		ta = blas.Trans
	}
	kb, n := bm.R, bm.C
	tb := blas.NoTrans
	if transB {
		kb, n = n, kb
		tb = blas.Trans
	}
	if k != kb || cm.R != m || cm.C != n {
		panic(fmt.Sprintf("chaoslib: Gemm: op(a) %d×%d · op(b) %d×%d into c %d×%d", m, k, kb, n, cm.R, cm.C))
	}
	if beta == 0 {
		clear(cm.Data) // BLAS may compute 0·NaN = NaN; the interface promises it does not.
	}
	openblas.Impl.Sgemm(ta, tb, m, n, k, alpha, am.Data, am.C, bm.Data, bm.C, beta, cm.Data, cm.C)
}
