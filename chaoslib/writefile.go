package chaoslib

import "github.com/chaosgen/chaosgen/internal/safefile"

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so that path never holds a partial file; a path that
// exists and is not a regular file (a device, a link) is refused. Every
// output of chaosgen (checkpoints, config.json, metrics.csv, sweep.csv) is
// written this way.
func WriteFileAtomic(path string, data []byte) error { return safefile.WriteAtomic(path, data) }
