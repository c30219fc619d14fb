package golden

import (
	"image"
	"image/color"
	"testing"
)

func TestDiffer(t *testing.T) {
	grey := func(w, h int, v uint8) *image.RGBA {
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range img.Pix {
			img.Pix[i] = v
		}
		return img
	}
	want := grey(4, 3, 100)
	for _, tc := range []struct {
		name    string
		change  uint8 // new value of pixel (1, 2)'s green channel
		wantBad int
	}{
		{"equal", 100, 0},
		{"within MaxLevelDiff", 100 + MaxLevelDiff, 0},
		{"beyond MaxLevelDiff", 100 + MaxLevelDiff + 1, 1},
		{"darker", 100 - MaxLevelDiff - 1, 1},
	} {
		got := grey(4, 3, 100)
		got.SetRGBA(1, 2, color.RGBA{100, tc.change, 100, 100})
		bad, total, err := Differ(got, want)
		if err != nil || bad != tc.wantBad || total != 12 {
			t.Errorf("%s: %d of %d differ (%v), want %d of 12", tc.name, bad, total, err, tc.wantBad)
		}
	}
	if _, _, err := Differ(grey(4, 3, 0), grey(3, 4, 0)); err == nil {
		t.Error("different sizes: no error")
	}
}
