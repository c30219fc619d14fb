package plots

import (
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The charts of this package draw their legend in a band of its own between
// the title and the data area, its entries side by side in right-aligned
// rows, so that it can cover neither a curve nor the title, whatever the size
// of the image. The entries are also in p.Legend, so that a plot drawn by
// gonum/plot itself (p.Draw, p.Save) still has a legend, at its usual place.

// legendEntry is one named entry of a band legend.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// bands holds the band-legend entries of the plots made here, by plot.
var bands sync.Map // *plot.Plot → []legendEntry

// addLegend adds an entry to p's legend and to its band.
func addLegend(p *plot.Plot, name string, thumbs ...plot.Thumbnailer) {
	p.Legend.Add(name, thumbs...)
	old, _ := bands.Load(p)
	es, _ := old.([]legendEntry)
	bands.Store(p, append(es, legendEntry{name, thumbs}))
}

// legendGap is the horizontal space between two entries of a band, in ems,
// and the space between the band and the data area, in entry heights.
const (
	legendGap     = 2
	legendPadding = 0.4
)

// bandLayout places the entries of p's band in rows no wider than width:
// rows[i] lists the entries of row i, and height is the band's height.
func bandLayout(p *plot.Plot, es []legendEntry, width vg.Length) (rows [][]legendEntry, widths []vg.Length, height vg.Length) {
	sty := p.Legend.TextStyle
	gap := legendGap * sty.Rectangle(" ").Max.X
	var row []legendEntry
	var w vg.Length
	for _, e := range es {
		ew := entryWidth(p, e)
		if len(row) > 0 && w+gap+ew > width {
			rows, widths = append(rows, row), append(widths, w)
			row, w = nil, 0
		}
		if len(row) > 0 {
			w += gap
		}
		row, w = append(row, e), w+ew
	}
	if len(row) > 0 {
		rows, widths = append(rows, row), append(widths, w)
	}
	h := entryHeight(p, es)
	height = vg.Length(len(rows))*(h+p.Legend.Padding) + legendPadding*h
	return rows, widths, height
}

func entryWidth(p *plot.Plot, e legendEntry) vg.Length {
	return p.Legend.ThumbnailWidth + p.Legend.TextStyle.Rectangle(" "+e.name).Max.X
}

func entryHeight(p *plot.Plot, es []legendEntry) vg.Length {
	var h vg.Length
	for _, e := range es {
		h = max(h, p.Legend.TextStyle.Rectangle(e.name).Size().Y)
	}
	return h
}

// reserveBand makes room for p's band legend on a canvas of the given width:
// it moves the data area down by the band's height (through the title's
// padding) and takes the entries out of p.Legend. The returned function draws
// the band on the canvas p was drawn on and restores p; call it after
// p.Draw. For a plot without a band it does nothing.
func reserveBand(p *plot.Plot, width vg.Length) (drawBand func(c draw.Canvas)) {
	v, ok := bands.Load(p)
	es, _ := v.([]legendEntry)
	if !ok || len(es) == 0 {
		return func(draw.Canvas) {}
	}
	rows, widths, height := bandLayout(p, es, width)
	savedLegend, savedPad := p.Legend, p.Title.Padding
	p.Legend = plot.NewLegend() // empty: the band replaces it
	p.Title.Padding += height
	return func(c draw.Canvas) {
		p.Legend, p.Title.Padding = savedLegend, savedPad
		top := c.Max.Y
		if p.Title.Text != "" {
			top -= p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding
		}
		h := entryHeight(p, es)
		gap := legendGap * p.Legend.TextStyle.Rectangle(" ").Max.X
		for i, row := range rows {
			x := c.Max.X - widths[i]
			for _, e := range row {
				// one legend per entry, in p.Legend's style, left-aligned in its cell
				l := plot.Legend{TextStyle: p.Legend.TextStyle, ThumbnailWidth: p.Legend.ThumbnailWidth,
					Left: true, Top: true, YPosition: p.Legend.YPosition}
				l.Add(e.name, e.thumbs...)
				ew := entryWidth(p, e)
				l.Draw(draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
					Min: vg.Point{X: x, Y: top - h},
					Max: vg.Point{X: x + ew, Y: top},
				}})
				x += ew + gap
			}
			top -= h + p.Legend.Padding
		}
	}
}

// drawPlot draws p on c, its legend in a band (see addLegend).
func drawPlot(p *plot.Plot, c draw.Canvas) {
	band := reserveBand(p, c.Max.X-c.Min.X)
	p.Draw(c)
	band(c)
}
