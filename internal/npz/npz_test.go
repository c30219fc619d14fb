package npz

import (
	"archive/zip"
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestRoundTrip: arrays and meta come back, a half-float one as well; a
// wrong checksum is caught.
func TestRoundTrip(t *testing.T) {
	arrays := []Array{{Name: "W", Rows: 2, Cols: 3, Data: []float32{1, 2, 3, 4, 5, -6}}, {Name: "b", Rows: 1, Cols: 2, Data: []float32{0.5, -0.25}},
		{Name: "h", Rows: 1, Cols: 3, Data: []float32{1.5, -0.0009765625, 65504}, Float16: true}}
	infos := Describe(arrays)
	raw, err := Encode([]byte(`{"x":1}`), arrays)
	if err != nil {
		t.Fatal(err)
	}
	meta, r, err := Decode(raw, "test file")
	if err != nil || string(meta) != `{"x":1}` {
		t.Fatalf("meta %q, err %v", meta, err)
	}
	for i, info := range infos {
		got, err := r.Array(info)
		if err != nil {
			t.Fatal(err)
		}
		for j, v := range arrays[i].Data {
			if got[j] != v {
				t.Fatalf("%s[%d] = %g, want %g", info.Name, j, got[j], v)
			}
		}
	}
	bad := infos[0]
	bad.SHA256 = strings.Repeat("0", 64)
	if _, err := r.Array(bad); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("wrong checksum accepted: %v", err)
	}
	if _, _, err := Decode([]byte("nope"), "test file"); err == nil || !strings.Contains(err.Error(), "not a test file") {
		t.Fatalf("foreign bytes: %v", err)
	}
}

// TestNpyHeader: the header is 64-byte aligned and names the shape.
func TestNpyHeader(t *testing.T) {
	h := npyHeader(784, 500, false)
	if len(h)%64 != 0 || !bytes.HasPrefix(h, []byte("\x93NUMPY\x01\x00")) || !bytes.Contains(h, []byte("(784, 500)")) || h[len(h)-1] != '\n' {
		t.Fatalf("bad header %q", h)
	}
}

// TestOpenChecksHeader: Open rejects another format or version by name.
func TestOpenChecksHeader(t *testing.T) {
	raw, err := Encode([]byte(`{"format":"x","version":2,"n":7}`), nil)
	if err != nil {
		t.Fatal(err)
	}
	var meta struct{ N int }
	if _, err := Open(raw, "x file", "x", 2, &meta); err != nil || meta.N != 7 {
		t.Fatalf("Open: %v, n = %d", err, meta.N)
	}
	if _, err := Open(raw, "y file", "y", 2, &meta); err == nil || !strings.Contains(err.Error(), `not a y file (format "x")`) {
		t.Fatalf("wrong format: %v", err)
	}
	if _, err := Open(raw, "x file", "x", 1, &meta); err == nil || !strings.Contains(err.Error(), "version 2") {
		t.Fatalf("wrong version: %v", err)
	}
}

// TestFloat16Storage: a half-float array is stored as '<f2' in 2 bytes a
// value and listed with dtype f2; a float32 array's meta has no dtype (as
// before half floats); Encode refuses a value that is not a half, and
// Reader.Array refuses an unknown dtype.
func TestFloat16Storage(t *testing.T) {
	half := Array{Name: "h", Rows: 2, Cols: 2, Data: []float32{1, -2, 0.25, 1024}, Float16: true}
	full := Array{Name: "f", Rows: 1, Cols: 1, Data: []float32{0.1}}
	infos := Describe([]Array{half, full})
	if infos[0].DType != "f2" || infos[1].DType != "" {
		t.Fatalf("dtypes %q, %q; want f2 and none", infos[0].DType, infos[1].DType)
	}
	raw, err := Encode(nil, []Array{half})
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	body, _ := readEntry(zr.File[0], 1<<20)
	if hdr := npyHeader(2, 2, true); len(body) != len(hdr)+8 || !bytes.Contains(hdr, []byte("'<f2'")) {
		t.Fatalf("stored %d bytes, header %q; want header + 8 bytes of '<f2'", len(body), hdr)
	}
	// 1 is 0x3c00, −2 is 0xc000, 0.25 is 0x3400, 1024 is 0x6400 (little-endian).
	if want := []byte{0x00, 0x3c, 0x00, 0xc0, 0x00, 0x34, 0x00, 0x64}; !bytes.Equal(body[len(body)-8:], want) {
		t.Fatalf("data % x, want % x", body[len(body)-8:], want)
	}
	if _, err := Encode(nil, []Array{{Name: "x", Rows: 1, Cols: 1, Data: []float32{0.1}, Float16: true}}); err == nil || !strings.Contains(err.Error(), "not a half float") {
		t.Fatalf("0.1 stored as a half: %v", err)
	}
	_, r, err := Decode(raw, "test file")
	if err != nil {
		t.Fatal(err)
	}
	bad := infos[0]
	bad.DType = "f8"
	if _, err := r.Array(bad); err == nil || !strings.Contains(err.Error(), "unknown dtype") {
		t.Fatalf("dtype f8: %v", err)
	}
	bad.DType = ""
	if _, err := r.Array(bad); err == nil || !strings.Contains(err.Error(), "not a <f4") {
		t.Fatalf("a '<f2' array read as float32: %v", err)
	}
}

// TestNonFinite: Encode refuses NaN and ±Inf, as float32 and as half floats
// (65520 rounds to +Inf); Array refuses them in a file written without
// Encode whose SHA-256 matches, naming the row and column.
func TestNonFinite(t *testing.T) {
	nan := float32(math.NaN())
	for _, a := range []Array{
		{Name: "W", Rows: 1, Cols: 2, Data: []float32{1, nan}},
		{Name: "W", Rows: 1, Cols: 2, Data: []float32{float32(math.Inf(-1)), 1}},
		{Name: "W", Rows: 1, Cols: 2, Data: []float32{0, nan}, Float16: true},
		{Name: "W", Rows: 1, Cols: 2, Data: []float32{0, 65520}, Float16: true},
	} {
		if _, err := Encode([]byte("{}"), []Array{a}); err == nil {
			t.Errorf("Encode(%v, half %v) accepted", a.Data, a.Float16)
		}
	}
	a := Array{Name: "W", Rows: 2, Cols: 3, Data: []float32{1, 2, 3, 4, nan, 6}}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("W.npy")
	w.Write(npyHeader(2, 3, false))
	w.Write(a.bytes())
	w, _ = zw.Create(MetaEntry)
	w.Write([]byte("{}"))
	zw.Close()
	_, r, err := Decode(buf.Bytes(), "test file")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Array(Describe([]Array{a})[0]); err == nil || !strings.Contains(err.Error(), "row 1, column 1") {
		t.Errorf("NaN at row 1, column 1: %v", err)
	}
}

// TestDuplicateEntry: a zip with two entries of one name (an array's or
// meta.json's) is refused, whichever would have been read.
func TestDuplicateEntry(t *testing.T) {
	for _, name := range []string{"W.npy", MetaEntry} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, entry := range []string{"W.npy", name, MetaEntry} {
			w, err := zw.Create(entry)
			if err != nil {
				t.Fatal(err)
			}
			w.Write([]byte("{}"))
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		_, _, err := Decode(buf.Bytes(), "test file")
		if err == nil || !strings.Contains(err.Error(), "two entries named "+name) {
			t.Errorf("%s twice: error %v", name, err)
		}
	}
}
