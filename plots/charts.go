package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Axis labels used by several plots.
const (
	TimeAxisLabel = "t (units of τ)"
	StepAxisLabel = "training step (parameter updates)"
	// ImagesAxisLabel is the x axis of curves against the training images
	// presented, step × B, on which runs of different minibatch sizes B
	// compare at equal data.
	ImagesAxisLabel = "training images presented (step × B)"
)

// Series is one named curve: Y[i] is its value at X[i], or at the plot's
// i-th x where X is nil (the x values shared by all the plot's series).
type Series struct {
	Name string
	Y    []float64
	X    []float64
}

// newPlot returns a plot with a title, axis labels and a light grid. Its
// legend goes in a band below the title (addLegend); drawn by gonum/plot
// alone, it is at the top right of the data area.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = 0.6 * vg.Centimeter
	for _, f := range []*font.Font{&p.Title.TextStyle.Font, &p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Legend.TextStyle.Font} {
		f.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = 13
	p.Title.Padding = vg.Points(6)
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{Y: 225}
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g)
	return p
}

// usable reports whether (x, y) can be placed on the axes.
func usable(x, y float64, logX, logY bool) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
		return false
	}
	return (!logX || x > 0) && (!logY || y > 0)
}

// points pairs xs and ys (the shorter length wins), leaving out what the
// axes cannot show.
func points(xs, ys []float64, logX, logY bool) plotter.XYs {
	n := min(len(xs), len(ys))
	pts := make(plotter.XYs, 0, n)
	for i := range n {
		if usable(xs[i], ys[i], logX, logY) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	return pts
}

// allPositive reports whether every finite value of the series is > 0 and
// there is at least one.
func allPositive(series []Series) bool {
	n := 0
	for _, s := range series {
		for _, y := range s.Y {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			if y <= 0 {
				return false
			}
			n++
		}
	}
	return n > 0
}

// setLog makes an axis logarithmic, with readable ticks.
func setLog(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
}

// fmtTick formats a tick label: plain decimals from 1e-4 to 1e6, else
// scientific ("1e-07").
func fmtTick(v float64, decimals int) string {
	a := math.Abs(v)
	if v == 0 {
		return "0"
	}
	if a < 1e-4 || a >= 1e6 {
		return strings.Replace(strconv.FormatFloat(v, 'e', -1, 64), "e+", "e", 1)
	}
	if decimals < 0 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

// niceTicks labels a linear axis at 1, 2 or 5 times a power of ten, about
// five labels per axis, with unlabelled ticks halfway.
type niceTicks struct{}

func (niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return plot.DefaultTicks{}.Ticks(lo, hi)
	}
	raw := (hi - lo) / 6
	e := math.Floor(math.Log10(raw))
	p := math.Pow(10, e)
	var step float64
	switch m := raw / p; {
	case m <= 1:
		step = p
	case m <= 2:
		step = 2 * p
	case m <= 5:
		step = 5 * p
	default:
		step = 10 * p
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var ticks []plot.Tick
	for k := math.Ceil(lo / step * 2); k <= math.Floor(hi/step*2); k++ {
		v := k * step / 2
		t := plot.Tick{Value: v}
		if math.Mod(k, 2) == 0 {
			t.Label = fmtTick(v, decimals)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// logTicks labels a log axis so that a value can be read off it:
//   - at least three labels where the axis allows: powers of ten (every
//     few when the axis spans many decades), else 1, 2 and 5 times them,
//     else every m·10^k; an axis that spans too little for that gets
//     evenly spaced labels (niceTicks);
//   - an unlabelled tick at every power of ten, and at every m·10^k when the
//     axis spans at most six decades;
//   - one number format per axis: scientific ("1e-6") for all labels when
//     one of them needs it, plain decimals otherwise.
type logTicks struct{}

// minLogLabels is the number of labels logTicks aims for.
const minLogLabels = 3

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) || math.IsInf(hi, 0) {
		return nil
	}
	e0 := int(math.Floor(math.Log10(lo)))
	e1 := int(math.Ceil(math.Log10(hi)))
	every := max(1, (e1-e0+5)/6) // label every n-th decade
	minor := e1-e0 <= 6
	sci := lo < 1e-4 || hi >= 1e6
	for _, labelled := range []map[int]bool{
		{1: true},
		{1: true, 2: true, 5: true},
		{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true},
	} {
		var ticks []plot.Tick
		n := 0
		for e := e0; e <= e1; e++ {
			p := math.Pow(10, float64(e))
			for m := 1; m <= 9; m++ {
				v := float64(m) * p
				if v < lo*(1-1e-9) || v > hi*(1+1e-9) {
					continue
				}
				t := plot.Tick{Value: v}
				if labelled[m] && (m != 1 || (e-e0)%every == 0) {
					t.Label = fmtLogTick(v, e, sci)
					n++
				}
				if t.Label != "" || minor || m == 1 {
					ticks = append(ticks, t)
				}
			}
		}
		if n >= minLogLabels {
			return ticks
		}
	}
	return niceTicks{}.Ticks(lo, hi)
}

// fmtLogTick formats v = m·10^e: "2e-6" when sci, else plain decimals.
func fmtLogTick(v float64, e int, sci bool) string {
	if !sci {
		return fmtTick(v, max(0, -e))
	}
	m := int(math.Round(v / math.Pow(10, float64(e))))
	return strconv.Itoa(m) + "e" + strconv.Itoa(e)
}

// addSeries adds one line with markers per series, in distinct colours and
// marker shapes, to the legend too, at the series' own X where set and at xs
// otherwise. It returns the y range of what it drew.
func addSeries(p *plot.Plot, xs []float64, series []Series, logX, logY bool, markers bool) (ylo, yhi float64, err error) {
	ylo, yhi = math.Inf(1), math.Inf(-1)
	for i, s := range series {
		x := xs
		if s.X != nil {
			x = s.X
		}
		pts := points(x, s.Y, logX, logY)
		if len(pts) == 0 {
			continue
		}
		for _, pt := range pts {
			ylo, yhi = min(ylo, pt.Y), max(yhi, pt.Y)
		}
		l, sc, err := plotter.NewLinePoints(pts)
		if err != nil {
			return 0, 0, fmt.Errorf("plots: series %q: %w", s.Name, err)
		}
		l.Color = plotutil.Color(i)
		l.Width = vg.Points(1.5)
		sc.Color = l.Color
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(2.5)
		switch {
		case markers:
			p.Add(l, sc)
		default:
			p.Add(l)
		}
		switch {
		case s.Name == "":
		case markers:
			addLegend(p, s.Name, l, sc)
		default:
			addLegend(p, s.Name, l)
		}
	}
	return ylo, yhi, nil
}

// verticalLine adds a dashed vertical line at x spanning [ylo, yhi], named in
// the legend.
func verticalLine(p *plot.Plot, x, ylo, yhi float64, name string) {
	if math.IsInf(ylo, 0) || math.IsInf(yhi, 0) {
		return
	}
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: ylo}, {X: x, Y: yhi}})
	if err != nil {
		return
	}
	l.Color = color.Gray{Y: 90}
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	l.Width = vg.Points(1.2)
	p.Add(l)
	addLegend(p, name, l)
}

// fixLogRanges gives every logarithmic axis a positive, non-empty range, so
// that a plot without usable data draws empty axes instead of panicking.
func fixLogRanges(p *plot.Plot) *plot.Plot {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		if _, ok := a.Scale.(plot.LogScale); !ok {
			continue
		}
		okMax := a.Max > 0 && !math.IsInf(a.Max, 0)
		switch {
		case !okMax:
			a.Min, a.Max = 1, 10
		case !(a.Min > 0) || math.IsInf(a.Min, 0):
			a.Min = a.Max / 10
		}
		if a.Min == a.Max {
			a.Min, a.Max = a.Min/2, a.Max*2
		}
	}
	return p
}

// mustPlot turns an error from plotter constructors, which only fail on
// non-finite values that points already removed, into a panic.
func mustPlot(err error) {
	if err != nil {
		panic(err)
	}
}

// IndicesVsTime plots quality indices (E2, Es, ER, EAAI, …) of samples
// against the free-run time t (Fig. 3b): x is logarithmic, y too when every
// value is positive. A dashed vertical line marks t = T (T ≤ 0: none).
func IndicesVsTime(times []float64, series []Series, T float64, title string) *plot.Plot {
	logY := allPositive(series)
	p := newPlot(title, TimeAxisLabel, "index (dimensionless)")
	setLog(&p.X)
	if logY {
		setLog(&p.Y)
	}
	ylo, yhi, err := addSeries(p, times, series, true, logY, true)
	mustPlot(err)
	if T > 0 {
		verticalLine(p, T, ylo, yhi, "t = T")
	}
	return fixLogRanges(p)
}

// IndexPanels returns one IndicesVsTime plot per series (each titled with the
// series' name and with its own y axis, since the indices have different
// scales), laid out in rows of cols for PanelGrid; missing cells are nil.
func IndexPanels(times []float64, series []Series, T float64, cols int) [][]*plot.Plot {
	cols, rows := gridLayout(len(series), cols)
	out := make([][]*plot.Plot, rows)
	for r := range out {
		out[r] = make([]*plot.Plot, cols)
	}
	for i, s := range series {
		out[i/cols][i%cols] = IndicesVsTime(times, []Series{s}, T, s.Name)
	}
	return out
}

// IndicesVsStep plots indices at t = T against the training step (Fig. 5),
// at steps or each series' own X, with a logarithmic step axis when logX
// (steps ≤ 0 are then left out) and a logarithmic y axis when every value is
// positive. Curves of at most 40 points are drawn with markers.
func IndicesVsStep(steps []float64, series []Series, logX bool, title string) *plot.Plot {
	logY := allPositive(series)
	p := newPlot(title, StepAxisLabel, "index (dimensionless)")
	if logX {
		setLog(&p.X)
	}
	if logY {
		setLog(&p.Y)
	}
	n := len(steps)
	for _, s := range series {
		n = max(n, len(s.X))
	}
	_, _, err := addSeries(p, steps, series, logX, logY, n <= 40)
	mustPlot(err)
	return fixLogRanges(p)
}

// Trajectories plots activities x[i](t) of a few units against time, for the
// tutorial; with at most 8 units each is named "unit i" in the legend.
func Trajectories(t []float64, x [][]float64, title string) *plot.Plot {
	p := newPlot(title, TimeAxisLabel, "activity xᵢ(t) (dimensionless)")
	series := make([]Series, len(x))
	for i := range x {
		series[i] = Series{Name: fmt.Sprintf("unit %d", i), Y: x[i]}
	}
	if len(x) > 8 {
		for i := range series {
			series[i].Name = ""
		}
	}
	_, _, err := addSeries(p, t, series, false, false, false)
	mustPlot(err)
	return p
}

// Divergence plots the distance ‖φ(vᵃ(t)) − φ(vᵇ(t))‖ between the visible
// read-outs of runs started close together (analysis.NearbyDistance) against
// time on a log y axis, one curve per series (e.g. "g = 0.5", "g = 1.5"):
// it grows exponentially in the chaotic phase and shrinks below it.
func Divergence(t []float64, series []Series, title string) *plot.Plot {
	p := newPlot(title, TimeAxisLabel, "distance ‖φ(vᵃ(t)) − φ(vᵇ(t))‖")
	setLog(&p.Y)
	_, _, err := addSeries(p, t, series, false, true, false)
	mustPlot(err)
	return fixLogRanges(p)
}

// Histogram draws counts per bin as bars, labelled with labels (with 0, 1, …
// when labels does not give one per bin), on a y axis from 0.
func Histogram(counts []int, labels []string, title string) *plot.Plot {
	p := newPlot(title, "bin", "count")
	if len(counts) == 0 {
		return p
	}
	vals := make(plotter.Values, len(counts))
	for i, c := range counts {
		vals[i] = float64(c)
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(14))
	mustPlot(err)
	bars.Color = plotutil.Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	if len(labels) == len(counts) {
		p.NominalX(labels...)
	} else {
		names := make([]string, len(counts))
		for i := range names {
			names[i] = strconv.Itoa(i)
		}
		p.NominalX(names...)
	}
	p.Y.Min = 0
	return p
}
