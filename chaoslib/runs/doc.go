// Package runs keeps chaosgen's long jobs as files on disk, so that the CLI
// and the notebooks share one implementation. A training run writes
// DIR/config.json, DIR/metrics.csv (indices at t = T every EvalEvery steps)
// and DIR/checkpoints/step-NNNNNNN.npz at log-spaced steps plus the last one,
// and can be resumed bit-identically from its newest checkpoint. Sweeps
// (many short runs and a sweep.csv) and the six cases of the paper (Case,
// EnsureRun) are built on the same runs.
//
// The package map (what runs builds on, and what builds on it) is in the
// "The library" section of README.md.
package runs
