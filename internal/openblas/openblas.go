// Package openblas makes OpenBLAS (Debian package libopenblas-dev) the
// implementation behind gonum's blas32 and blas64 packages, and so behind
// gonum/mat. Import it for its side effect:
//
//	import _ "github.com/chaosgen/chaosgen/internal/openblas"
//
// gonum's netlib bindings declare no linker flags of their own; this package
// adds -lopenblas to the link.
package openblas

// #cgo LDFLAGS: -lopenblas
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// Impl is the OpenBLAS implementation, for direct calls.
var Impl netlib.Implementation

func init() {
	blas32.Use(Impl)
	blas64.Use(Impl)
}
