package plots

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
)

// Diverging returns the colour of v on Moreland's smooth blue–red diverging
// map scaled to [−maxAbs, maxAbs]: −maxAbs is blue, 0 is a light neutral gray
// (near white), +maxAbs is red. Values beyond ±maxAbs are clipped; maxAbs ≤ 0
// or NaN v gives the neutral colour.
func Diverging(v, maxAbs float64) color.RGBA {
	cm := divergingMap()
	x := 0.0
	if maxAbs > 0 && !math.IsNaN(v) {
		x = max(-1, min(1, v/maxAbs))
	}
	c, err := cm.At(x)
	if err != nil { // cannot happen: x is in [−1, 1]
		panic(err)
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 255}
}

// divergingMap returns the colour map on [−1, 1]. A new one each call: the
// map holds its range, so sharing one would not be safe for concurrent use.
func divergingMap() palette.DivergingColorMap {
	cm := moreland.SmoothBlueRed()
	cm.SetMin(-1)
	cm.SetMax(1)
	return cm
}

// ReceptiveFields draws fields (each a side×side weight image, row-major,
// e.g. W[:, a] for hidden unit a) in rows of cols (cols ≤ 0: about square),
// magnified by scale, with the Diverging colour map. Each field is scaled by
// its own largest |w|, so that the structure of weak and strong units shows
// alike; use ReceptiveFieldsGlobal to compare magnitudes across units.
func ReceptiveFields(fields [][]float32, cols, scale int) image.Image {
	return receptiveFields(fields, cols, scale, false)
}

// ReceptiveFieldsGlobal is ReceptiveFields with one scale for all fields: the
// largest |w| over all of them.
func ReceptiveFieldsGlobal(fields [][]float32, cols, scale int) image.Image {
	return receptiveFields(fields, cols, scale, true)
}

func maxAbs(f []float32) float64 {
	m := 0.0
	for _, v := range f {
		if a := math.Abs(float64(v)); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	return m
}

func receptiveFields(fields [][]float32, cols, scale int, global bool) image.Image {
	scale = max(scale, 1)
	side := 1
	if len(fields) > 0 {
		side = sideOf(fields[0], 0)
	}
	cols, rows := gridLayout(len(fields), cols)
	sep := separatorWidth(scale)
	cell := side * scale
	img := image.NewRGBA(image.Rect(0, 0, cols*cell+(cols+1)*sep, rows*cell+(rows+1)*sep))
	draw.Draw(img, img.Bounds(), image.NewUniform(Separator), image.Point{}, draw.Src)
	gmax := 0.0
	if global {
		for _, f := range fields {
			gmax = max(gmax, maxAbs(f))
		}
	}
	cm := divergingMap()
	lut := make([]color.RGBA, 511) // v/max quantised to 1/255 steps
	for i := range lut {
		c, _ := cm.At(float64(i-255) / 255)
		r, g, b, _ := c.RGBA()
		lut[i] = color.RGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 255}
	}
	for k, f := range fields {
		sideOf(f, side)
		m := gmax
		if !global {
			m = maxAbs(f)
		}
		x0, y0 := sep+(k%cols)*(cell+sep), sep+(k/cols)*(cell+sep)
		for r := range side {
			for c := range side {
				x := 0.0
				if v := float64(f[r*side+c]); m > 0 && !math.IsNaN(v) {
					x = max(-1, min(1, v/m))
				}
				clr := lut[255+int(math.Round(x*255))]
				for dy := range scale {
					for dx := range scale {
						img.SetRGBA(x0+c*scale+dx, y0+r*scale+dy, clr)
					}
				}
			}
		}
	}
	return img
}
