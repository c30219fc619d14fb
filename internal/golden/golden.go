// Package golden is the one golden-image harness of the chaosgen tests
// (plots and figures), in gonum/plot's cmpimg style: a test draws an image
// from synthetic data and Check compares it with testdata/<name>_golden.png
// of the test's package. Run
//
//	go test ./plots ./figures -regen
//
// to rewrite the golden files, and look at them before committing.
//
// Rendering differences (fonts, antialiasing) of a few pixels pass: Check
// fails when the sizes differ or when more than MaxBadFraction of the pixels
// differ by more than MaxLevelDiff levels (of 255) in some channel.
package golden

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Tolerances of Check.
const (
	MaxLevelDiff   = 24    // a pixel differs when a channel differs by more
	MaxBadFraction = 0.005 // the images differ when more pixels differ
)

var regen = flag.Bool("regen", false, "rewrite the golden PNGs testdata/*_golden.png")

// Path returns the golden file of name: testdata/<name>_golden.png.
func Path(name string) string { return filepath.Join("testdata", name+"_golden.png") }

// Check compares img with the golden file of name, or rewrites that file
// with -regen. On a mismatch the image drawn is written to the test's
// temporary folder and named in the error.
func Check(t *testing.T, name string, img image.Image) {
	t.Helper()
	path := Path(name)
	if *regen {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := writePNG(path, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden image missing (run go test with -regen): %v", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	bad, total, err := Differ(img, want)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if float64(bad) > MaxBadFraction*float64(total) {
		out := filepath.Join(t.TempDir(), name+".png")
		_ = writePNG(out, img)
		t.Errorf("%s: %d of %d pixels differ from %s; got %s (rebuild with -regen if intended)", name, bad, total, path, out)
	}
}

// Differ counts the pixels of got and want that differ by more than
// MaxLevelDiff in some channel (R, G or B), of total; images of different
// sizes are an error.
func Differ(got, want image.Image) (bad, total int, err error) {
	gb, wb := got.Bounds(), want.Bounds()
	if gb.Size() != wb.Size() {
		return 0, 0, fmt.Errorf("size %v, golden %v", gb.Size(), wb.Size())
	}
	for y := range gb.Dy() {
		for x := range gb.Dx() {
			total++
			g := color.RGBAModel.Convert(got.At(gb.Min.X+x, gb.Min.Y+y)).(color.RGBA)
			w := color.RGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.RGBA)
			if absDiff(g.R, w.R) > MaxLevelDiff || absDiff(g.G, w.G) > MaxLevelDiff || absDiff(g.B, w.B) > MaxLevelDiff {
				bad++
			}
		}
	}
	return bad, total, nil
}

func absDiff(a, b uint8) int { return max(int(a), int(b)) - min(int(a), int(b)) }

// writePNG writes img to path (without importing plots, whose tests use
// this package).
func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
