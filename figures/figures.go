package figures

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/plot"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/analysis"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/plots"
)

// PCG streams of the figures' draws (with the seed they are given). Fig. 3b
// scores with chaoslib.Evaluate's own stream.
const (
	streamFig2        = 2 // Fig2: the free runs of each model
	streamFig3a       = 3 // Fig3a: the snapshot chains
	streamFig4Pick    = 4 // Fig4: which receptive fields are shown
	streamFig4Samples = 5 // Fig4: the same starts before and after silencing
)

// Fig3Times are the snapshot times of Fig. 3: T/4, T/2, T, 2T, 10T, 100T,
// each snapped to the nearest whole number n ≥ 1 of Euler steps of dt,
// t = n·dt, where it is not one already (with T = 6 and dt = 0.2, T/4 = 1.5
// is 7.5 steps and is drawn at t = 1.6: halves round up).
func Fig3Times(T, dt float64) []float64 {
	var out []float64
	for _, r := range []float64{0.25, 0.5, 1, 2, 10, 100} {
		t := r * T
		if q := t / dt; math.Abs(q-math.Round(q)) > 1e-9 {
			t = math.Round(max(1, math.Round(q))*dt*1e9) / 1e9 // n·dt, without n·dt's float noise in the label
		}
		out = append(out, t)
	}
	return out
}

// Fig2 draws, for one data set, n test images beside n samples at t = T of
// each given model (a 10-column grid each; models in Archs order).
func Fig2(dataset string, test *data.Set, models map[chaoslib.Arch]*chaoslib.Model, n int, seed uint64) image.Image {
	titles := []string{dataset + "\ntest data"}
	grids := []image.Image{plots.ImageGrid(chaoslib.Rows(test.Head(n).X), data.Side, 10, 1)}
	for _, a := range chaoslib.Archs() {
		m, ok := models[a]
		if !ok {
			continue
		}
		x := m.Sample(n, m.Cfg.T, rand.New(rand.NewPCG(seed, streamFig2)))
		titles = append(titles, fmt.Sprintf("%s\ngenerated, t = T = %g", a, m.Cfg.T))
		grids = append(grids, plots.ImageGrid(chaoslib.Rows(x), data.Side, 10, 1))
	}
	return plots.LabelledGrids(titles, grids)
}

// Fig3a follows n free chains of m over Fig3Times and draws them.
func Fig3a(m *chaoslib.Model, n int, seed uint64) image.Image {
	times := Fig3Times(m.Cfg.T, m.Cfg.Dt)
	snaps := m.Snapshots(n, times, rand.New(rand.NewPCG(seed, streamFig3a)))
	grid := make([][][]float32, len(snaps))
	for i, s := range snaps {
		grid[i] = chaoslib.Rows(s)
	}
	return plots.Fig3aSnapshots(grid, times, m.Cfg.T)
}

// Fig3bTimes are log-spaced times from T/8 to about 100T, T included, that
// Euler steps of dt reach: each T·2^(k/2), k = −6 … 13, snapped to the
// nearest whole number of steps n ≥ 1, t = n·dt (T itself, a whole number
// of steps, is kept exactly). Times that snap to the same step are given
// once, so the times increase strictly.
func Fig3bTimes(T, dt float64) []float64 {
	var out []float64
	last, nT := 0, int(math.Round(T/dt))
	for k := -6; k <= 13; k++ {
		n := max(1, int(math.Round(T*math.Pow(2, float64(k)/2)/dt)))
		switch {
		case n <= last:
			continue
		case n == nT:
			out = append(out, T)
		default:
			out = append(out, float64(n)*dt)
		}
		last = n
	}
	return out
}

// Fig3b scores m at Fig3bTimes against the first n test images and draws
// one panel per index on a log time axis, with t = T marked.
func Fig3b(m *chaoslib.Model, d *runs.Data, n int, seed uint64) (image.Image, []indices.Report, error) {
	times := Fig3bTimes(m.Cfg.T, m.Cfg.Dt)
	rs, err := chaoslib.Evaluate(m, d.Test.X, n, times, chaoslib.EvalOptions{Classifier: d.Classifier, Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	img, err := Fig3bImage(times, rs, m.Cfg.T)
	return img, rs, err
}

// Fig3bImage draws reports scored at times as Fig. 3b: one panel per index
// (E2, Es, ER when present, EAAI) on a log time axis, with t = T marked.
func Fig3bImage(times []float64, rs []indices.Report, T float64) (image.Image, error) {
	return plots.PanelGrid(plots.IndexPanels(times, indexSeries(rs), T, 2), 0, 0)
}

// indexSeries turns reports into the E2, Es, ER (if present) and EAAI curves.
func indexSeries(rs []indices.Report) []plots.Series {
	get := map[string]func(indices.Report) float64{
		"E2": func(r indices.Report) float64 { return r.E2 }, "Es": func(r indices.Report) float64 { return r.Es },
		"EAAI": func(r indices.Report) float64 { return r.EAAI },
		"ER": func(r indices.Report) float64 {
			if r.ER == nil {
				return math.NaN()
			}
			return *r.ER
		},
	}
	var out []plots.Series
	for _, name := range []string{"E2", "Es", "ER", "EAAI"} {
		s := plots.Series{Name: name}
		for _, r := range rs {
			s.Y = append(s.Y, get[name](r))
		}
		if name == "ER" && math.IsNaN(s.Y[0]) {
			continue
		}
		out = append(out, s)
	}
	return out
}

// Fig4 draws k randomly chosen receptive fields of a 2-layer model (titled
// with the share of structured fields), and the companion experiment:
// samples at t = T before and after silencing every random-looking unit
// (Smoothness < analysis.StructuredThreshold). reload must return a fresh copy of
// the model, since silencing changes it.
func Fig4(m *chaoslib.Model, reload func() (*chaoslib.Model, error), k, n int, seed uint64) (fields, companion image.Image, random []int, err error) {
	all, smooth, err := analysis.ReceptiveFields(m)
	if err != nil {
		return nil, nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, streamFig4Pick))
	pick := rng.Perm(len(all))[:min(k, len(all))]
	sort.Ints(pick)
	var shown [][]float32
	for _, a := range pick {
		shown = append(shown, all[a])
	}
	for a, s := range smooth {
		if s < analysis.StructuredThreshold {
			random = append(random, a)
		}
	}
	fields = plots.Titled(fmt.Sprintf("receptive fields W[:, a] of %d random hidden units\n%d of %d units structured (smoothness ≥ %.1f)",
		len(pick), len(all)-len(random), len(all), analysis.StructuredThreshold), plots.ReceptiveFields(shown, 0, 3))

	before := m.Sample(n, m.Cfg.T, rand.New(rand.NewPCG(seed, streamFig4Samples)))
	sil, err := reload()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := sil.Silence(1, random); err != nil {
		return nil, nil, nil, err
	}
	after := sil.Sample(n, m.Cfg.T, rand.New(rand.NewPCG(seed, streamFig4Samples)))
	companion = plots.LabelledGrids(
		[]string{"all hidden units", fmt.Sprintf("%d random-looking units clamped to 0", len(random))},
		[]image.Image{plots.ImageGrid(chaoslib.Rows(before), data.Side, 10, 1), plots.ImageGrid(chaoslib.Rows(after), data.Side, 10, 1)})
	return fields, companion, random, nil
}

// Fig5 draws E2, Es and EAAI at t = T against training step, one curve per
// run (named by its key), on log–log axes, as panels side by side. Runs may
// have been scored at different steps.
func Fig5(title string, runs map[string][]runs.MetricsRow) (image.Image, error) {
	return panelRow(fig5(title, runs, nil))
}

// Fig5Images is Fig5 against the training images presented, step × B, with
// B = batch[name] the run's minibatch size. Runs of different B then lie side
// by side where they have seen as many images: at equal data, a run of 10 B
// takes a tenth of the steps.
func Fig5Images(title string, runs map[string][]runs.MetricsRow, batch map[string]int) (image.Image, error) {
	for name := range runs {
		if batch[name] <= 0 {
			return nil, fmt.Errorf("figures: Fig5Images: run %s has minibatch size %d; it must be ≥ 1", name, batch[name])
		}
	}
	return panelRow(fig5(title, runs, batch))
}

// panelRow lays plots side by side, or returns err.
func panelRow(row []*plot.Plot, err error) (image.Image, error) {
	if err != nil {
		return nil, err
	}
	return plots.PanelGrid([][]*plot.Plot{row}, 0, 0)
}

// fig5 makes Fig5's panels, at x = step·batch[name] when batch is not nil.
func fig5(title string, byRun map[string][]runs.MetricsRow, batch map[string]int) ([]*plot.Plot, error) {
	names := make([]string, 0, len(byRun))
	for n := range byRun {
		names = append(names, n)
	}
	sort.Strings(names)
	var row []*plot.Plot
	for _, idx := range []string{"E2", "Es", "EAAI"} {
		var series []plots.Series
		drawn := false
		for _, name := range names {
			s := plots.Series{Name: name}
			perStep := 1.0
			if batch != nil {
				perStep = float64(batch[name])
			}
			for _, r := range byRun[name] {
				if r.Step == 0 {
					continue // log axis
				}
				s.X = append(s.X, float64(r.Step)*perStep)
				s.Y = append(s.Y, map[string]float64{"E2": r.E2, "Es": r.Es, "EAAI": r.EAAI}[idx])
			}
			drawn = drawn || len(s.X) > 0
			series = append(series, s)
		}
		if !drawn {
			return nil, fmt.Errorf("figures: Fig5: no run was scored after step 0, which the log axis cannot show: nothing to draw")
		}
		p := plots.IndicesVsStep(nil, series, true, title+": "+idx+" at t = T")
		if batch != nil {
			p.X.Label.Text = plots.ImagesAxisLabel
		}
		row = append(row, p)
	}
	return row, nil
}
