package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// ExponentAxisLabel labels a Lyapunov-exponent axis.
const ExponentAxisLabel = "exponent (1/τ)"

// LyapunovVsGain plots Lyapunov exponents against the gain g, one curve
// per series (e.g. "N = 500"), with a dashed line at 0, the edge of chaos.
func LyapunovVsGain(gs []float64, series []Series, title string) *plot.Plot {
	return exponentPlot(gs, series, "gain g of the random couplings", title)
}

// ExponentsVsStep plots Lyapunov exponents (λ_max, λ_T) against the
// training step, linear axes (step 0, the untrained network, included),
// with a dashed line at 0.
func ExponentsVsStep(steps []float64, series []Series, title string) *plot.Plot {
	return exponentPlot(steps, series, StepAxisLabel, title)
}

func exponentPlot(xs []float64, series []Series, xlabel, title string) *plot.Plot {
	p := newPlot(title, xlabel, ExponentAxisLabel)
	_, _, err := addSeries(p, xs, series, false, false, true)
	mustPlot(err)
	xlo, xhi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		xlo, xhi = min(xlo, x), max(xhi, x)
	}
	if !math.IsInf(xlo, 0) {
		l, err := plotter.NewLine(plotter.XYs{{X: xlo, Y: 0}, {X: xhi, Y: 0}})
		mustPlot(err)
		l.Color = color.Gray{Y: 90}
		l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
	}
	return p
}
