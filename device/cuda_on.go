//go:build cuda

package device

import (
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/gpu"
)

const cudaBuilt = true

// openCUDA opens the CUDA backend on device 0 (see package gpu).
func openCUDA() (backend.Backend, error) {
	b, err := gpu.New()
	if err != nil {
		return nil, err // not a typed nil *gpu.Backend inside the interface
	}
	return b, nil
}
