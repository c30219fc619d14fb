// Package figures builds the paper's figures (Fig. 2 samples, Fig. 3a
// snapshots and 3b indices against time, Fig. 4 receptive fields and the
// silencing experiment, Fig. 5 indices against training step) as images,
// from trained models (chaoslib), measurements (chaoslib/analysis) and runs
// on disk (chaoslib/runs). It draws with the plots package; `chaosgen
// figures`, scripts/results and the notebooks call it.
package figures
