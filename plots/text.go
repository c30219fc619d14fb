package plots

import (
	"image"
	"image/color"
	"strings"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
)

// labelSize is the height in pixels of titles and headers drawn on images.
const labelSize = 13

// faces caches one font face per size; x/image faces are not safe for
// concurrent use, so drawing holds faceMu.
var (
	faceMu sync.Mutex
	faces  = map[int]xfont.Face{}
)

// face returns Liberation Sans at px pixels (gonum/plot's bundled fonts);
// faceMu is held.
func face(px int) xfont.Face {
	if f, ok := faces[px]; ok {
		return f
	}
	fnt := plot.DefaultFont
	fnt.Variant = "Sans"
	ff := font.DefaultCache.Lookup(fnt, font.Length(px))
	f := ff.FontFace(72) // at 72 dpi one point is one pixel
	faces[px] = f
	return f
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// lineHeight is the distance between baselines.
func lineHeight(px int) int { return px + px/3 }

// textBlockHeight is the height of n lines plus a small margin below.
func textBlockHeight(n, px int) int {
	if n == 0 {
		return 0
	}
	return n*lineHeight(px) + px/3
}

// textBlockWidth is the width of the widest line plus a margin.
func textBlockWidth(lines []string, px int) int {
	faceMu.Lock()
	defer faceMu.Unlock()
	w := 0
	for _, l := range lines {
		w = max(w, xfont.MeasureString(face(px), l).Ceil())
	}
	if w > 0 {
		w += px / 2
	}
	return w
}

// drawLines draws lines centred on x = cx, the first line's top at y = top.
func drawLines(dst *image.RGBA, lines []string, cx, top, px int, clr color.Color) {
	faceMu.Lock()
	defer faceMu.Unlock()
	f := face(px)
	d := xfont.Drawer{Dst: dst, Src: image.NewUniform(clr), Face: f}
	ascent := f.Metrics().Ascent.Ceil()
	for i, l := range lines {
		w := d.MeasureString(l)
		d.Dot = fixed.Point26_6{
			X: fixed.I(cx) - w/2,
			Y: fixed.I(top + i*lineHeight(px) + ascent + (lineHeight(px)-px)/2),
		}
		d.DrawString(l)
	}
}
