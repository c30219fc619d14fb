package figures

import (
	"image"
	"math"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/internal/golden"
	"github.com/chaosgen/chaosgen/plots"
)

// The golden-image tests draw Fig. 3b and Fig. 5 from synthetic curves, so
// the images depend neither on training nor on the CPU's floating point;
// internal/golden compares them with testdata/<name>_golden.png.

// checkGolden draws an image and compares it with its golden file.
func checkGolden(t *testing.T, name string, draw func() (image.Image, error)) {
	t.Helper()
	img, err := draw()
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, name, img)
}

// fig3bReports are indices that fall to their best value at t = T and rise
// after it, as Fig. 3b should show.
func fig3bReports(times []float64, T float64) []indices.Report {
	var rs []indices.Report
	for _, tm := range times {
		l := math.Log(tm / T)
		er := 0.05 + 0.02*l*l
		rs = append(rs, indices.Report{T: tm, E2: 1e-3 * (1 + 0.5*l*l), Es: 0.2 * math.Exp(0.4*math.Abs(l)),
			ER: &er, EAAI: 0.25 + 0.2*math.Tanh(l*l/4)})
	}
	return rs
}

func TestFig3bGolden(t *testing.T) {
	const T = 4
	times := Fig3bTimes(T, 0.2)
	checkGolden(t, "fig3b", func() (image.Image, error) { return Fig3bImage(times, fig3bReports(times, T), T) })
}

// fig5Runs are three runs scored every 100 steps whose indices fall, then
// saturate, as in Fig. 5.
func fig5Runs() map[string][]runs.MetricsRow {
	out := map[string][]runs.MetricsRow{}
	for k, name := range []string{"unrestricted", "restricted", "deep"} {
		var rows []runs.MetricsRow
		for step := 0; step <= 3000; step += 100 {
			f := math.Exp(-float64(step) / float64(400+200*k))
			rows = append(rows, runs.MetricsRow{Step: step, Report: indices.Report{
				E2: 1e-3*float64(k+1) + 1e-2*f, Es: 0.1*float64(k+1) + 5*f, EAAI: 0.2 + 0.05*float64(k) + 0.25*f}})
		}
		out[name] = rows
	}
	return out
}

func TestFig5Golden(t *testing.T) {
	checkGolden(t, "fig5", func() (image.Image, error) { return Fig5("MNIST", fig5Runs()) })
}

// TestFig5Empty: runs scored at step 0 only leave nothing for the log axis,
// which is an error, not blank panels.
func TestFig5Empty(t *testing.T) {
	if _, err := Fig5("x", map[string][]runs.MetricsRow{"a": {{Step: 0}}}); err == nil || !strings.Contains(err.Error(), "nothing to draw") {
		t.Errorf("step-0 rows only: %v", err)
	}
}

// TestFig5Images: against step, a run of B = 200 scored at steps 100 and 200
// and one of B = 2,000 scored at 10 and 20 (other steps: no longer an
// error) span steps 10…200; against images presented, both lie on
// 20,000…40,000. A run without a minibatch size is an error.
func TestFig5Images(t *testing.T) {
	rows := func(steps ...int) (out []runs.MetricsRow) {
		for i, s := range steps {
			out = append(out, runs.MetricsRow{Step: s, Report: indices.Report{E2: 1e-3, Es: 0.1, EAAI: []float64{0.5, 0.25, 0.125}[i]}})
		}
		return out
	}
	byRun := map[string][]runs.MetricsRow{"b200": rows(0, 100, 200), "b2000": rows(0, 10, 20)}
	batch := map[string]int{"b200": 200, "b2000": 2000}
	for _, tc := range []struct {
		batch    map[string]int
		xlo, xhi float64
		xlabel   string
	}{
		{nil, 10, 200, plots.StepAxisLabel},
		{batch, 20000, 40000, plots.ImagesAxisLabel},
	} {
		row, err := fig5("x", byRun, tc.batch)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range row {
			if p.X.Min != tc.xlo || p.X.Max != tc.xhi || p.X.Label.Text != tc.xlabel {
				t.Errorf("batch %v: %s spans x %g…%g labelled %q, want %g…%g labelled %q", tc.batch, p.Title.Text, p.X.Min, p.X.Max, p.X.Label.Text, tc.xlo, tc.xhi, tc.xlabel)
			}
		}
	}
	if row, _ := fig5("x", byRun, batch); row[2].Y.Min != 0.125 || row[2].Y.Max != 0.25 {
		t.Errorf("EAAI panel spans y %g…%g, want 0.125…0.25 (step 0 left out)", row[2].Y.Min, row[2].Y.Max)
	}
	if _, err := Fig5Images("x", byRun, map[string]int{"b200": 200}); err == nil || !strings.Contains(err.Error(), "b2000") {
		t.Errorf("a run without B: %v", err)
	}
	if _, err := Fig5Images("x", byRun, batch); err != nil {
		t.Error(err)
	}
}
