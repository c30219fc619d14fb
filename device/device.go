// Package device opens a compute backend by name: "cpu" always, "cuda" in
// binaries built with -tags cuda (which then need the NVIDIA driver and a GPU
// to start).
package device

import (
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/backend/cpu"
)

// Names lists the devices this binary can open.
func Names() []string {
	if cudaBuilt {
		return []string{"cpu", "cuda"}
	}
	return []string{"cpu"}
}

// Open returns the backend called name ("cpu" or "cuda").
func Open(name string) (backend.Backend, error) {
	switch name {
	case "", "cpu":
		return cpu.New(0), nil
	case "cuda", "gpu":
		return openCUDA()
	}
	return nil, fmt.Errorf("unknown device %q (want cpu or cuda)", name)
}
