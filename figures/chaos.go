package figures

import (
	"fmt"
	"image"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/plot"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/chaos"
	"github.com/chaosgen/chaosgen/chaoslib/inpaint"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/plots"
)

// ChaosGain draws chaos.GainSweep's estimates: λ_max(g) beside λ_T(g), one
// curve per visible size ns[i] (est[i][j] at gain gs[j]).
func ChaosGain(ns []int, gs []float64, est [][]chaos.Estimate) (image.Image, error) {
	var lmax, lT []plots.Series
	for i, n := range ns {
		a, b := plots.Series{Name: fmt.Sprintf("N = %d", n)}, plots.Series{Name: fmt.Sprintf("N = %d", n)}
		for _, e := range est[i] {
			a.Y, b.Y = append(a.Y, e.LambdaMax), append(b.Y, e.LambdaT)
		}
		lmax, lT = append(lmax, a), append(lT, b)
	}
	return plots.PanelGrid([][]*plot.Plot{{
		plots.LyapunovVsGain(gs, lmax, "largest Lyapunov exponent λ_max"),
		plots.LyapunovVsGain(gs, lT, "finite-time exponent λ_T over [0, T]"),
	}}, 0, 0)
}

// ChaosTraining draws λ_max and λ_T against the training step of each run
// (chaos.OverTraining's points), one panel per run, named by names[i].
func ChaosTraining(names []string, pts [][]chaos.TrainingPoint) (image.Image, error) {
	var row []*plot.Plot
	for i, ps := range pts {
		var steps []float64
		a, b := plots.Series{Name: "λ_max"}, plots.Series{Name: "λ_T"}
		for _, p := range ps {
			steps = append(steps, float64(p.Step))
			a.Y, b.Y = append(a.Y, p.Estimate.LambdaMax), append(b.Y, p.Estimate.LambdaT)
		}
		row = append(row, plots.ExponentsVsStep(steps, []plots.Series{a, b}, names[i]))
	}
	return plots.PanelGrid([][]*plot.Plot{row}, 0, 0)
}

// Attractors draws the mean read-out of the k largest attractors of a
// census, each titled with its share of the starts and its class.
func Attractors(c chaos.Census, k int) image.Image {
	var titles []string
	var grids []image.Image
	for _, a := range c.Attractors[:min(k, len(c.Attractors))] {
		titles = append(titles, fmt.Sprintf("%.0f%%\nclass %d", 100*a.Fraction, a.Class))
		grids = append(grids, plots.SampleImage(a.Center, data.Side, 2))
	}
	if len(grids) == 0 {
		return plots.Titled("no attractors", plots.ImageGrid(nil, data.Side, 1, 2))
	}
	return plots.LabelledGrids(titles, grids)
}

// Inpainting draws k test images as rows of a grid: the masked input (hidden
// pixels mid-grey), the completions at each of times (comps[i] at
// times[i]), the mean-image baseline and the original.
func Inpainting(x blas32.General, mask inpaint.Mask, mean []float32, comps []blas32.General, times []float64, T float64, k int) image.Image {
	k = min(k, x.Rows)
	head := func(g blas32.General) blas32.General { g.Rows = k; return g }
	titles := []string{"given\n(" + mask.Spec + ")"}
	cols := []blas32.General{inpaint.Baseline(head(x), make([]float32, x.Cols), mask)}
	for i, c := range comps {
		titles = append(titles, "completed\nt = "+plots.TimeLabel(times[i], T))
		cols = append(cols, head(c))
	}
	titles = append(titles, "baseline\n(train mean)", "original\n")
	cols = append(cols, inpaint.Baseline(head(x), mean, mask), head(x))
	grids := make([]image.Image, len(cols))
	for i, c := range cols {
		grids[i] = plots.ImageGrid(chaoslib.Rows(c), data.Side, 1, 2)
	}
	return plots.LabelledGrids(titles, grids)
}
