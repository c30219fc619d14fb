//go:build !cuda

package device

import (
	"errors"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

const cudaBuilt = false

func openCUDA() (backend.Backend, error) {
	return nil, errors.New("device cuda: this binary was built without CUDA support; rebuild with `go build -tags cuda` (needs the CUDA toolkit; see README, \"GPU\")")
}
