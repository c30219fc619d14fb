package main

import (
	"fmt"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/device"
)

// openDevice opens the --device backend; the caller closes it.
func openDevice(dev string) (backend.Backend, error) {
	be, err := device.Open(dev)
	if err != nil {
		return nil, fmt.Errorf("--device: %v", err)
	}
	return be, nil
}

// modelOnDevice opens the --device backend and rebuilds ck's model on it;
// the caller closes the backend.
func modelOnDevice(ck *chaoslib.Checkpoint, dev string) (*chaoslib.Model, backend.Backend, error) {
	be, err := openDevice(dev)
	if err != nil {
		return nil, nil, err
	}
	m, err := ck.Model(be)
	if err != nil {
		be.Close()
		return nil, nil, err
	}
	return m, be, nil
}

// openDeviceAndData opens the --device backend and loads the data set with its
// coverage classifier; the caller closes the backend.
func openDeviceAndData(dev, dataset string) (backend.Backend, *runs.Data, error) {
	be, err := openDevice(dev)
	if err != nil {
		return nil, nil, err
	}
	fmt.Fprintf(os.Stderr, "loading %s …\n", dataset)
	d, err := runs.LoadData(dataset)
	if err != nil {
		be.Close()
		return nil, nil, err
	}
	return be, d, nil
}
