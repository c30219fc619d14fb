package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the files in testdata/")

// idxBytes builds a raw IDX file: magic, dims, then body.
func idxBytes(magic uint32, dims []uint32, body []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, body...)
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// testdataFiles returns the contents of the tiny files in testdata/.
func testdataFiles() map[string][]byte {
	good := idxBytes(MagicImages, []uint32{3, Side, Side}, seq(3*Pixels))
	goodGz := gzipBytes(good)
	corrupt := bytes.Clone(goodGz)
	corrupt[len(corrupt)/2] ^= 0xff // inside the deflate data
	badCRC := bytes.Clone(goodGz)
	badCRC[len(badCRC)-6] ^= 0x01 // CRC-32 of the trailer
	return map[string][]byte{
		"images.idx3.gz":          goodGz,
		"labels.idx1.gz":          gzipBytes(idxBytes(MagicLabels, []uint32{3}, []byte{7, 0, 9})),
		"bad-magic.idx3.gz":       gzipBytes(idxBytes(0x00000804, []uint32{3, Side, Side}, seq(3*Pixels))),
		"labels-magic.idx3.gz":    gzipBytes(idxBytes(MagicLabels, []uint32{3}, []byte{1, 2, 3})),
		"truncated.idx3.gz":       gzipBytes(good[:len(good)-100]),
		"short-header.idx3.gz":    gzipBytes(good[:10]),
		"trailing.idx3.gz":        gzipBytes(append(bytes.Clone(good), 0)),
		"wrong-dims.idx3.gz":      gzipBytes(idxBytes(MagicImages, []uint32{3, Side - 1, Side}, seq(3*(Side-1)*Side))),
		"huge-dims.idx3.gz":       gzipBytes(idxBytes(MagicImages, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, seq(16))),
		"corrupt.idx3.gz":         corrupt,
		"bad-crc.idx3.gz":         badCRC,
		"truncated-gzip.idx3.gz":  goodGz[:len(goodGz)/2],
		"not-gzip.idx3.gz":        good,
		"bad-label.idx1.gz":       gzipBytes(idxBytes(MagicLabels, []uint32{3}, []byte{1, 10, 2})),
		"truncated-label.idx1.gz": gzipBytes(idxBytes(MagicLabels, []uint32{4}, []byte{1, 2, 3})),
	}
}

// TestTestdata regenerates testdata/ when run with -update
// (go test -run TestTestdata -update). The files are committed rather than
// checked byte for byte, since another Go release may gzip differently.
func TestTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/")
	}
	for name, b := range testdataFiles() {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReadTestdata(t *testing.T) {
	cases := []struct {
		file, want string // want "" means no error
	}{
		{"images.idx3.gz", ""},
		{"labels.idx1.gz", ""},
		{"bad-magic.idx3.gz", "bad magic 0x00000804"},
		{"labels-magic.idx3.gz", "bad magic 0x00000801"},
		{"truncated.idx3.gz", "truncated"},
		{"short-header.idx3.gz", "truncated header"},
		{"trailing.idx3.gz", "trailing data"},
		{"wrong-dims.idx3.gz", "wrong shape: images are 27×28"},
		{"huge-dims.idx3.gz", "truncated"},
		{"corrupt.idx3.gz", "corrupt gzip"},
		{"bad-crc.idx3.gz", "corrupt gzip"},
		{"truncated-gzip.idx3.gz", "corrupt gzip: truncated"},
		{"not-gzip.idx3.gz", "corrupt gzip"},
		{"bad-label.idx1.gz", "label 10 at index 1"},
		{"truncated-label.idx1.gz", "truncated"},
		{"missing.idx3.gz", "chaosgen data fetch"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join("testdata", c.file)
			_, content, err := readGz("testdata", path)
			if err == nil {
				if strings.Contains(c.file, ".idx1") {
					_, err = parseLabels(path, content)
				} else {
					_, err = parseImages(path, content)
				}
			}
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.want == "":
			case err == nil:
				t.Fatalf("no error, want %q", c.want)
			case !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path):
				t.Fatalf("error %q should name %s and contain %q", err, path, c.want)
			}
		})
	}
}

func TestIDXRoundTrip(t *testing.T) {
	pix := seq(2 * 3 * 4)
	var buf bytes.Buffer
	if err := WriteIDXImages(&buf, 2, 3, 4, pix); err != nil {
		t.Fatal(err)
	}
	raw := bytes.Clone(buf.Bytes())
	if want := idxBytes(MagicImages, []uint32{2, 3, 4}, pix); !bytes.Equal(raw, want) {
		t.Fatalf("WriteIDXImages wrote % x, want % x", raw, want)
	}
	n, r, c, got, err := ReadIDXImages(&buf)
	if err != nil || n != 2 || r != 3 || c != 4 || !bytes.Equal(got, pix) {
		t.Fatalf("ReadIDXImages = %d %d %d %v %v", n, r, c, got, err)
	}
	if err := WriteIDXImages(&buf, 2, 3, 5, pix); err == nil {
		t.Error("WriteIDXImages accepted dims that do not match the data")
	}
	buf.Reset()
	WriteIDXLabels(&buf, []byte{3, 1, 4})
	if l, err := ReadIDXLabels(&buf); err != nil || !bytes.Equal(l, []byte{3, 1, 4}) {
		t.Fatalf("ReadIDXLabels = %v %v", l, err)
	}
	if _, err := ReadIDXLabels(bytes.NewReader(raw)); err == nil || !strings.Contains(err.Error(), "bad magic") {
		t.Fatalf("labels reader on an image file: %v", err)
	}
}

// TestGzipStable checks the fixed gzip header: no name, no mod time.
func TestGzipStable(t *testing.T) {
	a, b := gzipBytes([]byte("hello")), gzipBytes([]byte("hello"))
	if !bytes.Equal(a, b) {
		t.Fatal("gzip output differs between calls")
	}
	zr, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Fatalf("gzip header has name %q, mod time %v", zr.Name, zr.ModTime)
	}
}

func TestCheckSums(t *testing.T) {
	path := filepath.Join("testdata", "images.idx3.gz")
	raw, content, err := readGz("testdata", path)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := checkSums(path, raw, content, pinned{gz: sha256Hex(raw), idx: sha256Hex(content)})
	if err != nil || !ok {
		t.Fatalf("checkSums on matching sums: %v %v", ok, err)
	}
	ok, err = checkSums(path, raw, content, pinned{gz: "x", idx: sha256Hex(content)})
	if err != nil || ok {
		t.Fatalf("checkSums with other gzip bytes: %v %v, want false, nil", ok, err)
	}
	_, err = checkSums(path, raw, content, pinned{gz: sha256Hex(raw), idx: "0123"})
	if err == nil || !strings.Contains(err.Error(), "checksum mismatch") || !strings.Contains(err.Error(), path) {
		t.Fatalf("checkSums on a wrong pin: %v", err)
	}
}

// FuzzReadIDX feeds arbitrary bytes, raw and as gzip, to the IDX readers:
// they must not panic, and what they accept must round-trip exactly.
func FuzzReadIDX(f *testing.F) {
	for _, b := range testdataFiles() {
		f.Add(b)
		if c, err := gunzip(b); err == nil {
			f.Add(c)
		}
	}
	f.Add(idxBytes(MagicImages, []uint32{0, 0, 0}, nil))
	f.Add(idxBytes(MagicImages, []uint32{1 << 31, 1 << 31, 0}, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkIDXRoundTrip(t, b)
		if c, err := gunzip(b); err == nil {
			checkIDXRoundTrip(t, c)
		}
	})
}

func checkIDXRoundTrip(t *testing.T, in []byte) {
	if n, r, c, pix, err := ReadIDXImages(bytes.NewReader(in)); err == nil {
		if n*r*c != len(pix) {
			t.Fatalf("dims %d×%d×%d for %d bytes", n, r, c, len(pix))
		}
		var buf bytes.Buffer
		if err := WriteIDXImages(&buf, n, r, c, pix); err != nil || !bytes.Equal(buf.Bytes(), in) {
			t.Fatalf("images round trip: %v", err)
		}
	}
	if l, err := ReadIDXLabels(bytes.NewReader(in)); err == nil {
		var buf bytes.Buffer
		if err := WriteIDXLabels(&buf, l); err != nil || !bytes.Equal(buf.Bytes(), in) {
			t.Fatalf("labels round trip: %v", err)
		}
	}
}
