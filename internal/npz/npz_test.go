package npz

import (
	"bytes"
	"strings"
	"testing"
)

// TestRoundTrip: arrays and meta come back; a flipped data byte is caught
// by the SHA-256 or the zip CRC.
func TestRoundTrip(t *testing.T) {
	arrays := []Array{{"W", 2, 3, []float32{1, 2, 3, 4, 5, -6}}, {"b", 1, 2, []float32{0.5, -0.25}}}
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
	h := npyHeader(784, 500)
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
