package data

import (
	"os"
	"path/filepath"
)

// Dir returns the data directory: $CHAOSGEN_DATA if set, else
// $XDG_CACHE_HOME/chaosgen, else ~/.cache/chaosgen. If no home directory is
// known either, it falls back to ./.chaosgen-data.
func Dir() string {
	if d := os.Getenv("CHAOSGEN_DATA"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "chaosgen")
	}
	if h, err := os.UserHomeDir(); err == nil && h != "" {
		return filepath.Join(h, ".cache", "chaosgen")
	}
	return ".chaosgen-data"
}

// fileName returns the converted file's path relative to the data directory,
// e.g. "mnist/train-images-idx3-ubyte.gz" or "fashion-mnist/test-labels-idx1-ubyte.gz".
func fileName(dataset, split string, labels bool) string {
	if labels {
		return dataset + "/" + split + "-labels-idx1-ubyte.gz"
	}
	return dataset + "/" + split + "-images-idx3-ubyte.gz"
}
