package indices

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// TestMalformedInputs: a matrix whose Stride or Data cannot hold its rows,
// an empty or non-finite set, and a classifier of other columns are
// refused by name, not read as row 0 over and over or found deep inside.
func TestMalformedInputs(t *testing.T) {
	good := func(rows int) blas32.General {
		x := blas32.General{Rows: rows, Cols: 3, Stride: 3, Data: make([]float32, rows*3)}
		for i := range x.Data {
			x.Data[i] = float32(i%7)/7 - 0.5
		}
		return x
	}
	noStride := good(4)
	noStride.Stride = 0
	short := good(4)
	short.Data = short.Data[:10]
	nan := good(4)
	nan.Data[5] = float32(math.NaN())

	for _, tc := range []struct {
		x    blas32.General
		want string
	}{
		{noStride, "Stride 0"},
		{short, "needs 12 values; Data has 10"},
		{blas32.General{Rows: -1, Cols: 3}, "sizes must be ≥ 0"},
	} {
		if err := CheckMatrix(tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckMatrix(%d×%d, Stride %d, %d values) = %v, want %q", tc.x.Rows, tc.x.Cols, tc.x.Stride, len(tc.x.Data), err, tc.want)
		}
		if _, err := Score(good(4), tc.x, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Score: %v, want %q", err, tc.want)
		}
		if err := CheckSamples(tc.x); err == nil {
			t.Error("CheckSamples: no error")
		}
	}
	if err := CheckMatrix(good(4)); err != nil {
		t.Error(err)
	}
	if err := CheckMatrix(blas32.General{Cols: 3}); err != nil {
		t.Errorf("no rows: %v", err)
	}

	panics := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			r := recover()
			if msg, _ := r.(string); !strings.Contains(msg, want) {
				t.Errorf("%s: panic %v, want one containing %q", name, r, want)
			}
		}()
		f()
	}
	panics("E2 without a stride", "Stride 0", func() { E2(good(4), noStride) })
	panics("Es of an empty set", "empty generated set", func() { Es(good(4), good(0)) })
	panics("Es of NaN", "value NaN at row 1, column 2", func() { Es(nan, good(4)) })
	clf := NewClassifier(good(4), []uint8{0, 1, 0, 1}, 2)
	panics("Predict of NaN", "value NaN at row 1, column 2", func() { clf.Predict(nan) })
	panics("Coverage of −1 classes", "classes = -1", func() { Coverage(nil, -1, DefaultMinFrac) })

	wide := blas32.General{Rows: 4, Cols: 5, Stride: 5, Data: make([]float32, 20)}
	if _, err := Score(wide, wide, clf); err == nil || !strings.Contains(err.Error(), "classifier was trained on 3 columns, the samples have 5") {
		t.Errorf("Score with a classifier of other columns: %v", err)
	}
}
