// Package figures builds chaosgen's figures as images: the paper's (Fig. 2
// samples, Fig. 3a snapshots and 3b indices against time, Fig. 4 receptive
// fields and the silencing experiment, Fig. 5 indices against training
// step) and those beyond it (ChaosGain: λ_max against the gain g for
// several N; ChaosTraining: λ_max over training; Attractors: the census's
// largest attractors; Inpainting: completions of masked test images). They
// are drawn from trained models (chaoslib), measurements (chaoslib/analysis,
// chaoslib/chaos, chaoslib/inpaint) and runs on disk (chaoslib/runs) with
// the plots package; `chaosgen figures`, `attractors` and `inpaint`,
// scripts/results and the notebooks call it.
package figures
