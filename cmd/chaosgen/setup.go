package main

import (
	"fmt"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/device"
)

// openDeviceAndData opens the --device backend and loads the data set with its
// coverage classifier; the caller closes the backend.
func openDeviceAndData(dev, dataset string) (backend.Backend, *runs.Data, error) {
	be, err := device.Open(dev)
	if err != nil {
		return nil, nil, fmt.Errorf("--device: %v", err)
	}
	fmt.Fprintf(os.Stderr, "loading %s …\n", dataset)
	d, err := runs.LoadData(dataset)
	if err != nil {
		be.Close()
		return nil, nil, err
	}
	return be, d, nil
}
