package plots

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/chaosgen/chaosgen/internal/golden"
)

// --- synthetic inputs ------------------------------------------------------

// constant returns a side×side sample with every value v.
func constant(side int, v float32) []float32 {
	s := make([]float32, side*side)
	for i := range s {
		s[i] = v
	}
	return s
}

// ring returns a 28×28 sample: +1 on a ring of radius r around (cx, cy),
// −1 elsewhere (a crude digit zero).
func ring(cx, cy, r float64) []float32 {
	s := make([]float32, 28*28)
	for y := range 28 {
		for x := range 28 {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			v := float32(-1)
			if math.Abs(d-r) < 1.6 {
				v = 1
			}
			s[y*28+x] = v
		}
	}
	return s
}

// samples returns n ring samples that vary smoothly.
func samples(n int) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		out[i] = ring(13.5+3*math.Sin(float64(i)), 13.5+2*math.Cos(float64(i)), 5+float64(i%4))
	}
	return out
}

// fields returns n 28×28 receptive fields: even ones a centre–surround blob,
// odd ones noise, with amplitudes that differ by unit.
func fields(n int) [][]float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	out := make([][]float32, n)
	for k := range out {
		f := make([]float32, 28*28)
		amp := 0.1 * float64(k+1)
		cx, cy := 8+float64(3*k%12), 10+float64(5*k%8)
		for y := range 28 {
			for x := range 28 {
				if k%2 == 0 {
					d2 := (float64(x)-cx)*(float64(x)-cx) + (float64(y)-cy)*(float64(y)-cy)
					f[y*28+x] = float32(amp * (math.Exp(-d2/8) - 0.5*math.Exp(-d2/40)))
				} else {
					f[y*28+x] = float32(amp * rng.NormFloat64() * 0.3)
				}
			}
		}
		out[k] = f
	}
	return out
}

// --- helpers ---------------------------------------------------------------

func gray(img image.Image, x, y int) uint8 {
	return color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
}

func rgba(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decoding PNG: %v", err)
	}
	return img
}

// --- images ----------------------------------------------------------------

func TestPixel(t *testing.T) {
	for _, tc := range []struct {
		s    float32
		want uint8
	}{{-1, 0}, {1, 255}, {0, 128}, {-3, 0}, {2, 255}, {float32(math.NaN()), 0}, {0.5, 191}} {
		if got := Pixel(tc.s); got != tc.want {
			t.Errorf("Pixel(%v) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

func TestImageGrid(t *testing.T) {
	const side, scale = 4, 3 // separators 2 px at scale 3
	imgs := [][]float32{constant(side, -1), constant(side, 1), constant(side, 0)}
	g := ImageGrid(imgs, side, 2, scale)
	sep, cell := 2, side*scale
	if w, h := g.Bounds().Dx(), g.Bounds().Dy(); w != 2*cell+3*sep || h != 2*cell+3*sep {
		t.Fatalf("size %dx%d, want %dx%d", w, h, 2*cell+3*sep, 2*cell+3*sep)
	}
	check := func(x, y int, want uint8, what string) {
		t.Helper()
		if got := gray(g, x, y); got != want {
			t.Errorf("%s at (%d,%d) = %d, want %d", what, x, y, got, want)
		}
	}
	check(0, 0, Separator.Y, "outer separator")
	check(sep, sep, 0, "all −1 image, top-left")
	check(sep+cell-1, sep+cell-1, 0, "all −1 image, bottom-right")
	check(sep+cell, sep+1, Separator.Y, "separator between cells")
	check(2*sep+cell, sep, 255, "all +1 image")
	check(sep+2, 2*sep+cell+2, 128, "all 0 image")
	check(2*sep+cell+2, 2*sep+cell+2, Separator.Y, "empty cell")

	// One pixel of a sample becomes a scale×scale block at the right place.
	s := constant(side, -1)
	s[1*side+2] = 1 // row 1, column 2
	g = ImageGrid([][]float32{s}, side, 0, scale)
	for dy := range scale {
		for dx := range scale {
			check(sep+2*scale+dx, sep+1*scale+dy, 255, "magnified pixel")
		}
	}
	check(sep+2*scale-1, sep+scale, 0, "left of magnified pixel")
}

func TestImageGridBadLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a sample of the wrong length")
		}
	}()
	ImageGrid([][]float32{constant(4, 1), make([]float32, 15)}, 4, 2, 1)
}

func TestSampleImage(t *testing.T) {
	img := SampleImage(ring(13.5, 13.5, 6), 0, 2)
	if img.Bounds().Dx() != 56 || gray(img, 0, 0) != 0 {
		t.Errorf("size %v, corner %d", img.Bounds(), gray(img, 0, 0))
	}
}

func TestTitledAndLabelledGrids(t *testing.T) {
	data := ImageGrid(samples(16), 28, 4, 1)
	gen := ImageGrid(samples(16)[3:], 28, 4, 1)
	img := LabelledGrids([]string{"data", "generated"}, []image.Image{data, gen})
	b := img.Bounds()
	if b.Dx() < data.Bounds().Dx()+gen.Bounds().Dx() || b.Dy() <= data.Bounds().Dy() {
		t.Fatalf("size %v too small for grids %v and %v", b, data.Bounds(), gen.Bounds())
	}
	// The title band holds dark (text) pixels; the grid sits below it.
	th := b.Dy() - data.Bounds().Dy()
	dark := 0
	for y := range th {
		for x := range data.Bounds().Dx() {
			if gray(img, x, y) < 100 {
				dark++
			}
		}
	}
	if dark < 20 {
		t.Errorf("title band has %d dark pixels; want text", dark)
	}
	if gray(img, 0, th) != Separator.Y {
		t.Errorf("grid's top-left separator not found below the title")
	}
	golden.Check(t, "fig2_panel", Column(12,
		Titled("MNIST — restricted (2-layer)", img),
		Titled("Fashion-MNIST — deep (3-layer)", img)))
}

func TestTimeLabel(t *testing.T) {
	for _, tc := range []struct {
		t, T float64
		want string
	}{{50, 50, "T"}, {12.5, 50, "T/4"}, {25, 50, "T/2"}, {100, 50, "2T"}, {5000, 50, "100T"}, {0, 50, "0"}, {20, 50, "0.4T"}, {75, 50, "1.5T"}} {
		if got := TimeLabel(tc.t, tc.T); got != tc.want {
			t.Errorf("TimeLabel(%v, %v) = %q, want %q", tc.t, tc.T, got, tc.want)
		}
	}
}

func TestFig3aSnapshots(t *testing.T) {
	const T = 40
	times := []float64{T / 4, T / 2, T, 2 * T, 10 * T, 100 * T}
	snap := make([][][]float32, len(times))
	for i := range snap {
		snap[i] = samples(5)
		for j := range snap[i] { // fade in, to tell columns apart
			for k := range snap[i][j] {
				snap[i][j][k] = min(1, snap[i][j][k]*float32(i+1)/3)
			}
		}
	}
	img := Fig3aSnapshots(snap, times, T)
	b := img.Bounds()
	if b.Dy() < 5*56 || b.Dx() < 6*56 {
		t.Fatalf("size %v too small for 5 chains × 6 times at scale 2", b)
	}
	red := 0
	for y := range b.Dy() {
		for x := range b.Dx() {
			if c := rgba(img, x, y); c == Highlight {
				red++
			}
		}
	}
	if red < 2*5*56 {
		t.Errorf("%d highlight pixels; want a red frame around the t = T column", red)
	}
	golden.Check(t, "fig3a_snapshots", img)
}

func TestDiverging(t *testing.T) {
	white := Diverging(0, 1)
	if white.R < 200 || white.G < 200 || white.B < 200 {
		t.Errorf("Diverging(0) = %v, want near white", white)
	}
	blue, red := Diverging(-1, 1), Diverging(1, 1)
	if !(blue.B > blue.R+60) {
		t.Errorf("Diverging(−max) = %v, want blue", blue)
	}
	if !(red.R > red.B+60) {
		t.Errorf("Diverging(+max) = %v, want red", red)
	}
	if Diverging(5, 1) != red || Diverging(-5, 1) != blue {
		t.Errorf("values beyond ±max are not clipped")
	}
	if Diverging(math.NaN(), 1) != white || Diverging(3, 0) != white {
		t.Errorf("NaN or zero scale should give the neutral colour")
	}
}

func TestReceptiveFields(t *testing.T) {
	const side, scale = 2, 4          // separators 2 px
	f0 := []float32{-1, 0, 1, 0.5}    // max |w| = 1
	f1 := []float32{0, 0, 0.1, -0.05} // max |w| = 0.1
	img := ReceptiveFields([][]float32{f0, f1}, 2, scale)
	sep, cell := 2, side*scale
	at := func(k, r, c int) color.RGBA {
		return rgba(img, sep+k*(cell+sep)+c*scale+1, sep+r*scale+1)
	}
	if got := at(0, 0, 0); got != Diverging(-1, 1) {
		t.Errorf("−max pixel = %v, want %v", got, Diverging(-1, 1))
	}
	if got := at(0, 0, 1); got != Diverging(0, 1) {
		t.Errorf("zero pixel = %v, want %v", got, Diverging(0, 1))
	}
	if got := at(0, 1, 0); got != Diverging(1, 1) {
		t.Errorf("+max pixel = %v, want %v", got, Diverging(1, 1))
	}
	// Per-field scaling: f1's 0.1 is its own maximum, so it is full red.
	if got := at(1, 1, 0); got != Diverging(1, 1) {
		t.Errorf("per-field scaling: %v, want full red %v", got, Diverging(1, 1))
	}
	// Global scaling: the same value is a pale red.
	g := ReceptiveFieldsGlobal([][]float32{f0, f1}, 2, scale)
	if got := rgba(g, sep+(cell+sep)+1, sep+scale+1); got == Diverging(1, 1) || got.R <= got.B {
		t.Errorf("global scaling: %v, want pale red", got)
	}
	if c := rgba(img, 0, 0); c != (color.RGBA{Separator.Y, Separator.Y, Separator.Y, 255}) {
		t.Errorf("separator = %v", c)
	}
	golden.Check(t, "fig4_fields", ReceptiveFields(fields(12), 6, 3))
}

// --- plots -----------------------------------------------------------------

// indexSeries returns made-up indices with a minimum near t = T.
func indexSeries(times []float64, T float64) []Series {
	names := []string{"E2", "Es", "ER", "EAAI"}
	out := make([]Series, len(names))
	for k, n := range names {
		y := make([]float64, len(times))
		for i, t := range times {
			l := math.Log(t / T)
			y[i] = (0.05 + 0.02*float64(k)) * (1 + l*l) * math.Pow(3, float64(k))
			if n == "EAAI" {
				y[i] = 0.5 + 0.4*math.Tanh(l*l/4)
			}
		}
		out[k] = Series{Name: n, Y: y}
	}
	return out
}

func logspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo * math.Pow(hi/lo, float64(i)/float64(n-1))
	}
	return out
}

func pngSize(t *testing.T, p *plot.Plot, w, h vg.Length) image.Image {
	t.Helper()
	b, err := PlotPNG(p, w, h)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	wantW, wantH := int(math.Round(float64(w)/72*DPI)), int(math.Round(float64(h)/72*DPI))
	if d := img.Bounds().Size(); absInt(d.X-wantW) > 1 || absInt(d.Y-wantH) > 1 {
		t.Errorf("PNG is %v, want about %dx%d", d, wantW, wantH)
	}
	return img
}

func absInt(a int) int { return max(a, -a) }

func TestIndicesVsTime(t *testing.T) {
	const T = 50
	times := append([]float64{0}, logspace(5, 5000, 12)...) // t = 0 has no place on a log axis
	s := indexSeries(times[1:], T)
	for i := range s {
		s[i].Y = append([]float64{math.NaN()}, s[i].Y...)
	}
	p := IndicesVsTime(times, s[:3], T, "MNIST, 2-layer: indices of free runs")
	if p.X.Label.Text != TimeAxisLabel || p.Title.Text == "" {
		t.Errorf("labels: x %q, title %q", p.X.Label.Text, p.Title.Text)
	}
	if _, ok := p.Y.Scale.(plot.LogScale); !ok {
		t.Errorf("y axis should be logarithmic for positive indices")
	}
	golden.Check(t, "fig3b_one", pngSize(t, p, Width, Height))

	// A negative value makes y linear.
	neg := []Series{{Name: "x", Y: []float64{1, -1, 2}}}
	if _, ok := IndicesVsTime([]float64{1, 2, 3}, neg, 2, "").Y.Scale.(plot.LogScale); ok {
		t.Errorf("y axis is logarithmic despite a negative value")
	}
}

func TestPanelGrid(t *testing.T) {
	times := logspace(5, 5000, 12)
	panels := IndexPanels(times, indexSeries(times, 50), 50, 2)
	if len(panels) != 2 || len(panels[0]) != 2 {
		t.Fatalf("IndexPanels layout %dx%d, want 2x2", len(panels), len(panels[0]))
	}
	img, err := PanelGrid(panels, 2*Width, 2*Height)
	if err != nil {
		t.Fatal(err)
	}
	if w := img.Bounds().Dx(); absInt(w-int(math.Round(float64(2*Width)/72*DPI))) > 1 {
		t.Errorf("width %d", w)
	}

	if _, err := PanelGrid([][]*plot.Plot{{nil, nil}, {nil}}, 0, 0); err == nil {
		t.Errorf("ragged rows: no error")
	}
	if _, err := PanelGrid(nil, 0, 0); err == nil {
		t.Errorf("no plots: no error")
	}
	// Three series in rows of two leave a nil panel, which must draw.
	odd := IndexPanels(times, indexSeries(times, 50)[:3], 50, 2)
	if odd[1][1] != nil {
		t.Errorf("missing panel is not nil")
	}
	if _, err := PanelGrid(odd, 0, 0); err != nil {
		t.Error(err)
	}
}

func TestIndicesVsStep(t *testing.T) {
	steps := make([]float64, 30)
	var e2, es, eaai []float64
	for i := range steps {
		steps[i] = float64(i * 100)
		e2 = append(e2, 0.05+2*math.Exp(-float64(i)/4))
		es = append(es, 0.1+5*math.Exp(-float64(i)/3))
		eaai = append(eaai, 0.55+0.45*math.Exp(-float64(i)/5))
	}
	s := []Series{{Name: "E2", Y: e2}, {Name: "Es", Y: es}, {Name: "EAAI", Y: eaai}}
	p := IndicesVsStep(steps, s, false, "MNIST, 2-layer: indices at t = T during training")
	pngSize(t, p, Width, Height) // the golden image of Fig. 5 is figures' (TestFig5Golden)
	// Log x drops step 0 without panicking.
	pngSize(t, IndicesVsStep(steps, s, true, "log"), Width, Height)
}

func TestTrajectoriesAndDivergence(t *testing.T) {
	ts := make([]float64, 200)
	x := make([][]float64, 4)
	for i := range ts {
		ts[i] = float64(i) * 0.1
	}
	for u := range x {
		x[u] = make([]float64, len(ts))
		for i, tt := range ts {
			x[u][i] = math.Tanh(math.Sin(tt*(1+0.3*float64(u))) * 2)
		}
	}
	golden.Check(t, "trajectories", pngSize(t, Trajectories(ts, x, "four units, g = 1.5"), Width, Height))

	var below, above []float64
	for _, tt := range ts {
		below = append(below, 1e-3*math.Exp(-0.5*tt))
		above = append(above, math.Min(1e-3*math.Exp(0.8*tt), 3))
	}
	below[0] = 0 // left out on the log axis
	p := Divergence(ts, []Series{{Name: "g = 0.5", Y: below}, {Name: "g = 1.5", Y: above}}, "distance between nearby starts")
	golden.Check(t, "divergence", pngSize(t, p, Width, Height))
}

func TestHistogram(t *testing.T) {
	counts := []int{12, 9, 11, 3, 10, 8, 14, 10, 13, 10}
	labels := strings.Split("0 1 2 3 4 5 6 7 8 9", " ")
	p := Histogram(counts, labels, "100 counts in 10 bins")
	golden.Check(t, "histogram", pngSize(t, p, Width, Height))
	pngSize(t, Histogram(nil, nil, "empty"), Width, Height)
	pngSize(t, Histogram([]int{1, 2}, nil, "no labels"), Width, Height)
}

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.png")
	for _, v := range []float32{-1, 1} { // second write replaces the first
		if err := SavePNG(path, ImageGrid([][]float32{constant(3, v)}, 3, 1, 1)); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if img := decode(t, b); gray(img, 1, 1) != 255 {
		t.Errorf("pixel = %d, want 255 from the second write", gray(img, 1, 1))
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1 (temporary file left behind?)", len(entries))
	}
	if err := SavePNG(filepath.Join(dir, "missing", "x.png"), image.NewGray(image.Rect(0, 0, 1, 1))); err == nil {
		t.Errorf("no error for a missing directory")
	}
	p := Histogram([]int{1, 2, 3}, nil, "h")
	if err := SavePlotPNG(filepath.Join(dir, "h.png"), p, 0, 0); err != nil {
		t.Fatal(err)
	}
}

// Plots without usable data (empty, NaN, non-positive on a log axis, flat)
// must render empty axes, not panic.
func TestDegenerateInputs(t *testing.T) {
	nan := math.NaN()
	for _, p := range []*plot.Plot{
		IndicesVsTime(nil, nil, 1, "no data"),
		IndicesVsTime([]float64{1, 2}, []Series{{Name: "a", Y: []float64{nan, nan}}}, 1, "NaN only"),
		IndicesVsTime([]float64{1, 2, 3}, []Series{{Name: "a", Y: []float64{1, 1, 1}}}, 2, "flat"),
		IndicesVsStep([]float64{0}, []Series{{Name: "a", Y: []float64{1}}}, true, "only step 0 on log x"),
		Divergence([]float64{0, 1}, []Series{{Name: "a", Y: []float64{0, 0}}}, "zero distance"),
		Trajectories(nil, nil, "no units"),
	} {
		pngSize(t, p, Width, Height)
	}
	if _, err := PanelGrid(IndexPanels(nil, []Series{{Name: "a", Y: nil}}, 1, 1), 0, 0); err != nil {
		t.Error(err)
	}
}
