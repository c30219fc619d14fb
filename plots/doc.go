// Package plots draws the figures of Fournier & Urbani (2024): image grids of
// samples (Fig. 2, Fig. 3a), receptive fields (Fig. 4) and index curves
// (Fig. 3b, Fig. 5); the tutorial's trajectories and divergence; bar
// histograms (Fig. 4's smoothness); and the chaos plots beyond the paper, Lyapunov exponents
// against the gain (LyapunovVsGain) and over training (ExponentsVsStep).
//
// It takes plain Go values, never chaoslib types, and it does not import
// gonbui: the CLI (PNG files) and the notebooks (package nbui) both use it.
//
// # Images
//
// A sample in s-space is a []float32 of length side×side (28×28 for MNIST),
// row-major, with s in [−1, 1]. Pixel shows it as gray level (s+1)/2, clipped
// to [0, 1]: s = −1 is black, s = +1 is white, as in the paper's figures.
// Image functions return in-memory images at an integer magnification
// (scale); SavePNG writes one.
//
// Functions that build images from samples panic when a sample does not have
// side×side values: that is a programming error, like an index out of range.
//
// # Plots
//
// Curve functions return a *plot.Plot (gonum.org/v1/plot) with a title, axis
// labels with units and a legend; render them with PlotPNG, SavePlotPNG, or
// PanelGrid for several plots on one image. Time is in units of the neuron
// time constant τ. On a log axis, points ≤ 0 and non-finite values are left
// out, since they have no position there.
//
// The legend of these plots is drawn in a band of its own between the title
// and the data area, so that it covers neither curves nor title at any image
// size; PlotPNG, PlotImage, PanelGrid and nbui.Plot draw it there (p.Draw
// alone puts it at gonum/plot's usual place, inside the data area). Log axes
// carry at least three labels where the range allows, a tick at every power
// of ten, and one number format per axis.
package plots
