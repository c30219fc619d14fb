package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/chaosgen/chaosgen/internal/safefile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// DPI is the resolution of rendered plots: a 16 cm × 10 cm plot is about
// 605 × 378 pixels.
const DPI = 96

// Default plot sizes.
const (
	Width  = 16 * vg.Centimeter
	Height = 10 * vg.Centimeter
)

// PlotPNG renders p at w×h (Width×Height when zero) as PNG bytes.
func PlotPNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	w, h = orDefault(w, Width), orDefault(h, Height)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
	drawPlot(p, draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plots: encoding plot %q: %w", p.Title.Text, err)
	}
	return buf.Bytes(), nil
}

// PlotImage renders p at w×h (Width×Height when zero) as an image.
func PlotImage(p *plot.Plot, w, h vg.Length) image.Image {
	w, h = orDefault(w, Width), orDefault(h, Height)
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
	drawPlot(p, draw.New(c))
	return c.Image()
}

func orDefault(v, d vg.Length) vg.Length {
	if v <= 0 {
		return d
	}
	return v
}

// SavePlotPNG renders p at w×h (Width×Height when zero) to a PNG file,
// atomically (see SavePNG).
func SavePlotPNG(path string, p *plot.Plot, w, h vg.Length) error {
	b, err := PlotPNG(p, w, h)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// PanelGrid draws plots as a grid of panels (rows of plots[r]) on one w×h
// image, their data areas aligned (plot.Align). Nil plots leave their panel
// empty. All rows must have the same length. Zero w or h means
// Width·columns, Height·rows.
func PanelGrid(plots [][]*plot.Plot, w, h vg.Length) (image.Image, error) {
	rows := len(plots)
	if rows == 0 {
		return nil, fmt.Errorf("plots: PanelGrid with no plots")
	}
	cols := len(plots[0])
	for r, row := range plots {
		if len(row) != cols || cols == 0 {
			return nil, fmt.Errorf("plots: PanelGrid row %d has %d plots, row 0 has %d", r, len(row), cols)
		}
	}
	w = orDefault(w, Width*vg.Length(cols))
	h = orDefault(h, Height*vg.Length(rows))
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DPI))
	dc := draw.New(c)
	tiles := draw.Tiles{
		Rows: rows, Cols: cols,
		PadX: vg.Millimeter * 6, PadY: vg.Millimeter * 6,
		PadTop: vg.Millimeter * 5, PadBottom: vg.Millimeter * 2,
		PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2,
	}
	// Legend bands are laid out for the width of a tile before the data
	// areas are aligned below them.
	tile := make([][]draw.Canvas, rows)
	bandFor := make([][]func(draw.Canvas), rows)
	for r, row := range plots {
		tile[r], bandFor[r] = make([]draw.Canvas, cols), make([]func(draw.Canvas), cols)
		for i, p := range row {
			tile[r][i] = tiles.At(dc, i, r)
			if p != nil {
				bandFor[r][i] = reserveBand(p, tile[r][i].Max.X-tile[r][i].Min.X)
			}
		}
	}
	for r, row := range plots {
		for i, p := range row {
			if p != nil {
				c := alignedCanvas(plots, tile, r, i)
				p.Draw(c)
				bandFor[r][i](c)
			}
		}
	}
	return c.Image(), nil
}

// alignedCanvas shrinks the tile of plots[r][i] so that its data area lines
// up with the others: the same left and right margins down a column, the
// same top and bottom margins along a row (the largest of each). Unlike
// plot.Align it only ever shrinks a tile, so no panel leaves the image.
func alignedCanvas(plots [][]*plot.Plot, tile [][]draw.Canvas, r, i int) draw.Canvas {
	margins := func(rr, ii int) (left, right, bottom, top vg.Length) {
		c := tile[rr][ii]
		d := plots[rr][ii].DataCanvas(c)
		return d.Min.X - c.Min.X, c.Max.X - d.Max.X, d.Min.Y - c.Min.Y, c.Max.Y - d.Max.Y
	}
	var left, right, bottom, top vg.Length
	for rr := range plots {
		if plots[rr][i] != nil {
			l, rt, _, _ := margins(rr, i)
			left, right = max(left, l), max(right, rt)
		}
	}
	for ii := range plots[r] {
		if plots[r][ii] != nil {
			_, _, b, t := margins(r, ii)
			bottom, top = max(bottom, b), max(top, t)
		}
	}
	l, rt, b, t := margins(r, i)
	return draw.Crop(tile[r][i], left-l, -(right - rt), bottom-b, -(top - t))
}

// EncodePNG returns img as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("plots: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// SavePNG writes img to path as PNG, atomically: it writes a temporary file
// in the same directory, then renames it, so that a reader never sees half a
// file; a path that is a device or a link is refused. The directory must
// exist.
func SavePNG(path string, img image.Image) error {
	b, err := EncodePNG(img)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// writeAtomic writes b with internal/safefile: atomically, and never over
// a device or a link.
func writeAtomic(path string, b []byte) error {
	if err := safefile.WriteAtomic(path, b); err != nil {
		return fmt.Errorf("plots: %w", err)
	}
	return nil
}
