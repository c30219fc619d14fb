package data

import (
	"math"
	"slices"
	"testing"
)

func TestToS(t *testing.T) {
	for _, c := range []struct {
		p    byte
		want float32
	}{{0, -1}, {255, 1}, {51, -0.6}, {204, 0.6}} {
		if got := ToS(c.p); math.Abs(float64(got-c.want)) > 1e-6 {
			t.Errorf("ToS(%d) = %v, want %v", c.p, got, c.want)
		}
	}
	for p := 0; p < 256; p++ {
		if got, want := ToPixel(ToS(byte(p))), float32(p)/255; math.Abs(float64(got-want)) > 1e-6 {
			t.Errorf("ToPixel(ToS(%d)) = %v, want %v", p, got, want)
		}
	}
	for _, c := range []struct{ s, want float32 }{
		{-1, 0}, {1, 1}, {0, 0.5}, {-3, 0}, {2, 1}, {float32(math.NaN()), 0},
		{float32(math.Inf(1)), 1}, {float32(math.Inf(-1)), 0},
	} {
		if got := ToPixel(c.s); got != c.want {
			t.Errorf("ToPixel(%v) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestRoundRobin(t *testing.T) {
	// Class 0 ×3, class 1 ×1, class 2 ×2 (index = position in the input).
	labels := []uint8{0, 2, 0, 1, 2, 0}
	want := []int{0, 3, 1, 2, 4, 5} // 0,1,2 | 0,2 | 0
	if got := roundRobin(labels); !slices.Equal(got, want) {
		t.Fatalf("roundRobin(%v) = %v, want %v", labels, got, want)
	}
	if got := roundRobin(nil); len(got) != 0 {
		t.Fatalf("roundRobin(nil) = %v", got)
	}
	pix := make([]byte, len(labels)*Pixels)
	for i := range labels {
		pix[i*Pixels] = byte(i)
	}
	p, l := permute(pix, labels, want)
	for k, i := range want {
		if l[k] != labels[i] || p[k*Pixels] != byte(i) {
			t.Fatalf("permute: position %d holds label %d, first pixel %d; want image %d", k, l[k], p[k*Pixels], i)
		}
	}
}

func TestSetHead(t *testing.T) {
	pix := make([]byte, 4*Pixels)
	for i := range pix {
		pix[i] = byte(i / Pixels * 80)
	}
	s := newSet("mnist", "test", pix, []byte{0, 1, 2, 3})
	if s.Len() != 4 || s.X.Rows != 4 || s.X.Cols != Pixels || s.X.Stride != Pixels || len(s.X.Data) != 4*Pixels {
		t.Fatalf("newSet shape: len %d, X %d×%d stride %d", s.Len(), s.X.Rows, s.X.Cols, s.X.Stride)
	}
	if s.X.Data[0] != -1 || s.X.Data[3*Pixels] != ToS(240) {
		t.Fatalf("newSet values: %v %v", s.X.Data[0], s.X.Data[3*Pixels])
	}
	h := s.Head(2)
	if h.Len() != 2 || h.X.Rows != 2 || len(h.X.Data) != 2*Pixels || h.Dataset != "mnist" || h.Split != "test" {
		t.Fatalf("Head(2): len %d, rows %d, data %d", h.Len(), h.X.Rows, len(h.X.Data))
	}
	if &h.X.Data[0] != &s.X.Data[0] {
		t.Error("Head copies the data")
	}
	if s.Head(0).Len() != 0 || s.Head(4).Len() != 4 {
		t.Error("Head(0) or Head(Len) wrong")
	}
	defer func() {
		if recover() == nil {
			t.Error("Head(5) on 4 images did not panic")
		}
	}()
	s.Head(5)
}
