package runs

import "path/filepath"

// The files that a run's command writes in its folder, besides its
// checkpoints (CheckpointDir).
const (
	recordFile     = "config.json" // the run's record: config and command lines (RunRecord, RBMRecord)
	metricsFile    = "metrics.csv" // the indices during training (MetricsRow)
	sweepFile      = "sweep.json"  // a sweep's base config, axes and settings
	sweepTableFile = "sweep.csv"   // a sweep's runs, a row each (SweepRow)
)

// RecordPath names run's config.json.
func RecordPath(run string) string { return filepath.Join(run, recordFile) }

// MetricsPath names run's metrics.csv.
func MetricsPath(run string) string { return filepath.Join(run, metricsFile) }

// SweepPath names a sweep folder's sweep.json.
func SweepPath(dir string) string { return filepath.Join(dir, sweepFile) }

// SweepTablePath names a sweep folder's sweep.csv.
func SweepTablePath(dir string) string { return filepath.Join(dir, sweepTableFile) }
