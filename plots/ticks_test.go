package plots

import (
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func labels(ticks []plot.Tick) []string {
	var out []string
	for _, t := range ticks {
		if t.Label != "" {
			out = append(out, t.Label)
		}
	}
	return out
}

func TestLogTicksLabels(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{0.05, 20, "0.1 1 10"},                             // powers of ten suffice
		{0.0012, 0.012, "0.002 0.005 0.01"},                // 1, 2, 5 × 10^k
		{110, 1500, "200 500 1000"},                        // Fig. 5's step axis
		{0.24, 0.36, "0.24 0.26 0.28 0.30 0.32 0.34 0.36"}, // under one decade: linear labels
		{1e-7, 2, "1e-7 1e-5 1e-3 1e-1"},                   // one format per axis, every second decade
		{1e-9, 1e3, "1e-9 1e-7 1e-5 1e-3 1e-1 1e1 1e3"},    // at most 7 labels
	} {
		got := strings.Join(labels(logTicks{}.Ticks(tc.lo, tc.hi)), " ")
		if got != tc.want {
			t.Errorf("logTicks(%g, %g) labels %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
	// every power of ten has a tick, labelled or not
	ticks := logTicks{}.Ticks(1e-9, 1e3)
	for _, v := range []float64{1e-8, 1e-2, 1e2} {
		found := false
		for _, tk := range ticks {
			found = found || tk.Value == v || (tk.Value > v*(1-1e-12) && tk.Value < v*(1+1e-12))
		}
		if !found {
			t.Errorf("no tick at %g", v)
		}
	}
}

// TestLegendBand checks that the legend sits between the title and the data
// area, whatever the canvas size, and that p is restored after drawing.
func TestLegendBand(t *testing.T) {
	times := logspace(5, 5000, 12)
	for _, size := range [][2]float64{{1, 1}, {0.6, 0.5}, {0.4, 0.4}} {
		p := IndicesVsTime(times, indexSeries(times, 50), 50, "title")
		w, h := Width*vg.Length(size[0]), Height*vg.Length(size[1])
		c := draw.New(vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI)))
		pad := p.Title.Padding
		v, _ := bands.Load(p)
		es := v.([]legendEntry)
		_, _, bandH := bandLayout(p, es, w)
		drawBand := reserveBand(p, w)
		data := p.DataCanvas(c)
		titleBottom := c.Max.Y - p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y - pad
		if data.Max.Y > titleBottom-bandH+1e-9 {
			t.Errorf("size %v: data area top %v is inside the legend band [%v, %v]", size, data.Max.Y, titleBottom-bandH, titleBottom)
		}
		p.Draw(c)
		drawBand(c)
		if p.Title.Padding != pad {
			t.Errorf("size %v: title padding %v after drawing, want %v", size, p.Title.Padding, pad)
		}
	}
}
