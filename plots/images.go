package plots

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
)

// Colours shared by the image functions.
var (
	// Separator is the gray between the cells of a grid: visible against
	// both black backgrounds and white strokes.
	Separator = color.Gray{Y: 128}
	// Background is the colour around titled panels.
	Background = color.White
	// Highlight marks the column at t = T in Fig3aSnapshots.
	Highlight = color.RGBA{R: 200, G: 30, B: 30, A: 255}
)

// Pixel maps an s-space value to a gray level: (s+1)/2 clipped to [0, 1],
// times 255. NaN maps to 0 (black).
func Pixel(s float32) uint8 {
	v := (float64(s) + 1) / 2
	if !(v > 0) { // also NaN
		return 0
	}
	if v >= 1 {
		return 255
	}
	return uint8(math.Round(v * 255))
}

// SampleImage returns one sample as a side×side gray image, magnified by scale
// (each value becomes a scale×scale block). side ≤ 0 means √len(s).
func SampleImage(s []float32, side, scale int) *image.Gray {
	side = sideOf(s, side)
	scale = max(scale, 1)
	img := image.NewGray(image.Rect(0, 0, side*scale, side*scale))
	paintSample(img, 0, 0, s, side, scale)
	return img
}

// sideOf checks that s is side×side (side ≤ 0: a square of any side) and
// returns side.
func sideOf(s []float32, side int) int {
	if side <= 0 {
		side = int(math.Round(math.Sqrt(float64(len(s)))))
	}
	if side <= 0 || len(s) != side*side {
		panic(fmt.Sprintf("plots: sample of length %d is not %d×%d", len(s), side, side))
	}
	return side
}

// paintSample draws s (side×side) with its top-left corner at (x0, y0).
func paintSample(img *image.Gray, x0, y0 int, s []float32, side, scale int) {
	for r := range side {
		for c := range side {
			v := Pixel(s[r*side+c])
			for dy := range scale {
				off := img.PixOffset(x0+c*scale, y0+r*scale+dy)
				row := img.Pix[off : off+scale]
				for i := range row {
					row[i] = v
				}
			}
		}
	}
}

// separatorWidth is the gap between grid cells: 1 px up to scale 2, else 2 px.
func separatorWidth(scale int) int {
	if scale <= 2 {
		return 1
	}
	return 2
}

// gridLayout returns the number of columns and rows for n cells and cols
// requested (cols ≤ 0: about square).
func gridLayout(n, cols int) (int, int) {
	if n <= 0 {
		return max(cols, 1), 0
	}
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	return cols, (n + cols - 1) / cols
}

// ImageGrid lays images (each side×side in s-space; side ≤ 0 means √len) out
// in rows of cols (cols ≤ 0: about square), each magnified by scale, with
// separators of the Separator gray between cells and around the grid (1 px up
// to scale 2, 2 px above). Empty cells of the last row are separator gray.
//
// The result is cols·side·scale + (cols+1)·sep pixels wide, and likewise high.
func ImageGrid(images [][]float32, side, cols, scale int) *image.Gray {
	scale = max(scale, 1)
	if len(images) > 0 {
		side = sideOf(images[0], side)
	} else if side <= 0 {
		side = 1
	}
	cols, rows := gridLayout(len(images), cols)
	sep := separatorWidth(scale)
	cell := side * scale
	img := image.NewGray(image.Rect(0, 0, cols*cell+(cols+1)*sep, rows*cell+(rows+1)*sep))
	draw.Draw(img, img.Bounds(), image.NewUniform(Separator), image.Point{}, draw.Src)
	for i, s := range images {
		sideOf(s, side)
		r, c := i/cols, i%cols
		paintSample(img, sep+c*(cell+sep), sep+r*(cell+sep), s, side, scale)
	}
	return img
}

// LabelledGrids puts each grid under its title and the titled grids side by
// side, top-aligned, on a white background: for example "data" beside
// "generated" in Fig. 2. titles and grids must have the same length.
func LabelledGrids(titles []string, grids []image.Image) image.Image {
	if len(titles) != len(grids) {
		panic(fmt.Sprintf("plots: %d titles for %d grids", len(titles), len(grids)))
	}
	panels := make([]image.Image, len(grids))
	for i, g := range grids {
		panels[i] = Titled(titles[i], g)
	}
	return Row(16, panels...)
}

// Titled returns img with title centred above it (one or more lines,
// separated by "\n"), on a white background.
func Titled(title string, img image.Image) image.Image {
	lines := splitLines(title)
	th := textBlockHeight(len(lines), labelSize)
	b := img.Bounds()
	w := max(b.Dx(), textBlockWidth(lines, labelSize))
	out := newCanvas(w, th+b.Dy())
	drawLines(out, lines, w/2, 0, labelSize, color.Black)
	draw.Draw(out, image.Rect((w-b.Dx())/2, th, (w-b.Dx())/2+b.Dx(), th+b.Dy()), img, b.Min, draw.Src)
	return out
}

// Row places images side by side, top-aligned, gap pixels apart, on a
// white background.
func Row(gap int, imgs ...image.Image) image.Image {
	w, h := 0, 0
	for i, m := range imgs {
		if i > 0 {
			w += gap
		}
		w += m.Bounds().Dx()
		h = max(h, m.Bounds().Dy())
	}
	out := newCanvas(w, h)
	x := 0
	for _, m := range imgs {
		b := m.Bounds()
		draw.Draw(out, image.Rect(x, 0, x+b.Dx(), b.Dy()), m, b.Min, draw.Src)
		x += b.Dx() + gap
	}
	return out
}

// Column stacks images top to bottom, centred, gap pixels apart, on a white
// background.
func Column(gap int, imgs ...image.Image) image.Image {
	w, h := 0, 0
	for i, m := range imgs {
		if i > 0 {
			h += gap
		}
		h += m.Bounds().Dy()
		w = max(w, m.Bounds().Dx())
	}
	out := newCanvas(w, h)
	y := 0
	for _, m := range imgs {
		b := m.Bounds()
		x := (w - b.Dx()) / 2
		draw.Draw(out, image.Rect(x, y, x+b.Dx(), y+b.Dy()), m, b.Min, draw.Src)
		y += b.Dy() + gap
	}
	return out
}

// newCanvas returns a w×h RGBA image filled with Background.
func newCanvas(w, h int) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), image.NewUniform(Background), image.Point{}, draw.Src)
	return out
}

// TimeLabel names t relative to T: "T", "T/4", "10T", or "0.37T".
func TimeLabel(t, T float64) string {
	if T <= 0 || math.IsNaN(t) {
		return ""
	}
	r := t / T
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
	switch {
	case r == 0:
		return "0"
	case near(r, 1):
		return "T"
	case r > 1 && near(r, math.Round(r)):
		return fmt.Sprintf("%gT", math.Round(r))
	case r < 1 && r > 0 && near(1/r, math.Round(1/r)):
		return fmt.Sprintf("T/%g", math.Round(1/r))
	default:
		return fmt.Sprintf("%.2gT", r)
	}
}

// Fig3aSnapshots draws free runs at several times: snap[i][j] is chain j at
// times[i] (a sample in s-space). Rows are chains, columns are times, each
// column headed "t = …" over its value relative to T ("= T/4"); the column at
// t = T is framed in the Highlight red. Samples are shown at scale 2.
func Fig3aSnapshots(snap [][][]float32, times []float64, T float64) image.Image {
	if len(snap) != len(times) {
		panic(fmt.Sprintf("plots: %d snapshots for %d times", len(snap), len(times)))
	}
	const scale, gap, frame = 2, 6, 2
	chains := 0
	side := 0
	for _, s := range snap {
		chains = max(chains, len(s))
		if side == 0 && len(s) > 0 {
			side = sideOf(s[0], 0)
		}
	}
	if side == 0 {
		side = 1
	}
	cols := make([]image.Image, len(times))
	headers := make([][]string, len(times))
	colW := 0
	for i := range times {
		// One-column grid: chains stacked vertically.
		cols[i] = ImageGrid(snap[i], side, 1, scale)
		colW = max(colW, cols[i].Bounds().Dx())
		headers[i] = []string{"t = " + fmtNum(times[i]), "= " + TimeLabel(times[i], T)}
		colW = max(colW, textBlockWidth(headers[i], labelSize))
	}
	th := textBlockHeight(2, labelSize) + frame + 2
	gridH := 0
	for _, c := range cols {
		gridH = max(gridH, c.Bounds().Dy())
	}
	colW += 2 * frame
	w := len(times)*colW + max(len(times)-1, 0)*gap
	out := newCanvas(w, th+gridH+frame)
	for i, c := range cols {
		x0 := i * (colW + gap)
		clr := color.Color(color.Black)
		if T > 0 && TimeLabel(times[i], T) == "T" {
			clr = Highlight
			draw.Draw(out, image.Rect(x0, th-frame, x0+colW, th+c.Bounds().Dy()+frame), image.NewUniform(Highlight), image.Point{}, draw.Src)
		}
		drawLines(out, headers[i], x0+colW/2, 0, labelSize, clr)
		b := c.Bounds()
		x := x0 + (colW-b.Dx())/2
		draw.Draw(out, image.Rect(x, th, x+b.Dx(), th+b.Dy()), c, b.Min, draw.Src)
	}
	return out
}

// fmtNum formats a time or value compactly: 12.5, 1000, 1.2e+04.
func fmtNum(v float64) string {
	if v != 0 && (math.Abs(v) >= 1e5 || math.Abs(v) < 1e-3) {
		return fmt.Sprintf("%.2g", v)
	}
	return fmt.Sprintf("%.4g", v)
}
