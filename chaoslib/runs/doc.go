// Package runs keeps chaosgen's long jobs as files on disk, so that the CLI
// and the notebooks share one implementation. A training run writes
// DIR/config.json, DIR/metrics.csv (indices at t = T every EvalEvery steps)
// and DIR/checkpoints/step-NNNNNNN.npz at log-spaced steps plus the last one,
// and can be resumed bit-identically from its newest checkpoint. Sweeps
// (many short runs and a sweep.csv) and the six cases of the paper (Case,
// EnsureRun) are built on the same runs.
//
// Where the other packages stand: chaoslib is the model (dynamics, training,
// checkpoints, the config table), chaoslib/indices the accuracy indices,
// chaoslib/rbm the RBM baseline, chaoslib/analysis measurements on trained
// models; runs drives them over time and disk. The figures package draws
// the paper's figures from models and runs, and nbui serves the notebooks.
package runs
