// Package experiment runs chaosgen's long jobs as files on disk, so that the
// CLI and the notebooks share one implementation: a training run writes
// DIR/config.json, DIR/metrics.csv (indices at t = T every EvalEvery steps)
// and DIR/checkpoints/step-NNNNNNN.npz at log-spaced steps plus the last one,
// and can be resumed bit-identically from its newest checkpoint.
package experiment
