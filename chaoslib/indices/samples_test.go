package indices

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"
)

// rawNpy writes a .npy file with the given header dictionary and float32
// values, bypassing WriteSamples' checks.
func rawNpy(t *testing.T, path, dict string, vals []float32) {
	t.Helper()
	h := []byte("\x93NUMPY\x01\x00")
	pad := 64 - (10+len(dict)+1)%64
	body := dict + strings.Repeat(" ", pad%64) + "\n"
	h = binary.LittleEndian.AppendUint16(h, uint16(len(body)))
	h = append(h, body...)
	for _, v := range vals {
		h = binary.LittleEndian.AppendUint32(h, math.Float32bits(v))
	}
	if err := os.WriteFile(path, h, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeWith(t *testing.T, path string, v any) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := npyio.Write(f, v); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want one mentioning %q", parts)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func TestSamplesRoundTrip(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(25, 26))
	x := uniform(rng, 5, 784, -1, 1)
	x.Data[0], x.Data[1] = -1, 1
	path := filepath.Join(dir, "s.npy")
	if err := WriteSamples(path, withStride(x, 3)); err != nil {
		t.Fatal(err)
	}
	y, err := ReadSamples(path)
	if err != nil {
		t.Fatal(err)
	}
	if y.Rows != 5 || y.Cols != 784 || y.Stride != 784 {
		t.Fatalf("read %d×%d stride %d, want 5×784", y.Rows, y.Cols, y.Stride)
	}
	for i := range x.Data {
		if math.Float32bits(x.Data[i]) != math.Float32bits(y.Data[i]) {
			t.Fatalf("value %d: wrote %v, read %v", i, x.Data[i], y.Data[i])
		}
	}
	// npyio itself sees a (5, 784) '<f4' C-order array with data aligned to 64 bytes.
	f, _ := os.Open(path)
	r, err := npyio.NewReader(f)
	f.Close()
	if err != nil || r.Header.Descr.Type != "'<f4'" || r.Header.Descr.Fortran || len(r.Header.Descr.Shape) != 2 ||
		r.Header.Descr.Shape[0] != 5 || r.Header.Descr.Shape[1] != 784 {
		t.Errorf("npyio header %v, %v", r, err)
	}
	if b, _ := os.ReadFile(path); (len(b)-5*784*4)%64 != 0 {
		t.Errorf("header length %d is not a multiple of 64", len(b)-5*784*4)
	}
	// Other column counts, and no temporary files left behind.
	small := mk([]float32{0.5, -0.25, 0}, []float32{1, -1, 0.125})
	if err := WriteSamples(path, small); err != nil { // overwrite
		t.Fatal(err)
	}
	got, err := ReadSamplesN(path, 3)
	if err != nil || got.Rows != 2 || got.Cols != 3 || got.Data[5] != 0.125 {
		t.Errorf("ReadSamplesN = %+v, %v", got, err)
	}
	if _, err := ReadSamplesN(path, 0); err != nil {
		t.Errorf("ReadSamplesN(any columns): %v", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only s.npy", len(ents))
	}
	// An empty set round-trips as (0, N).
	if err := WriteSamples(path, blas32.General{Rows: 0, Cols: 784, Stride: 784}); err != nil {
		t.Fatal(err)
	}
	if e, err := ReadSamples(path); err != nil || e.Rows != 0 || e.Cols != 784 {
		t.Errorf("empty set: %+v, %v", e, err)
	}
}

// TestReadFortranOrder: a (2, 3) Fortran-order array stores columns first.
func TestReadFortranOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.npy")
	rawNpy(t, path, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", []float32{0.1, 0.4, 0.2, 0.5, 0.3, 0.6})
	x, err := ReadSamplesN(path, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
	for i := range want {
		if x.Data[i] != want[i] {
			t.Fatalf("read %v, want %v", x.Data, want)
		}
	}
}

func TestReadSamplesErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }

	writeWith(t, p("f8.npy"), mat.NewDense(2, 784, make([]float64, 2*784)))
	_, err := ReadSamples(p("f8.npy"))
	wantErr(t, err, "f8.npy", "dtype <f8", "float32")

	writeWith(t, p("flat.npy"), make([]float32, 784))
	_, err = ReadSamples(p("flat.npy"))
	wantErr(t, err, "flat.npy", "shape (784,)", "2-D")

	rawNpy(t, p("cols.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", make([]float32, 6))
	_, err = ReadSamples(p("cols.npy"))
	wantErr(t, err, "cols.npy", "shape (2, 3)", "784 columns")

	rawNpy(t, p("3d.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 3), }", make([]float32, 6))
	_, err = ReadSamplesN(p("3d.npy"), 3)
	wantErr(t, err, "3d.npy", "shape (2, 1, 3)")

	vals := []float32{0, 0, 0, 0, 0, float32(math.NaN())}
	rawNpy(t, p("nan.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", vals)
	_, err = ReadSamplesN(p("nan.npy"), 3)
	wantErr(t, err, "nan.npy", "row 1, column 2", "not finite")

	vals = []float32{0, float32(math.Inf(-1)), 0, 0, 0, 0}
	rawNpy(t, p("inf.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", vals)
	_, err = ReadSamplesN(p("inf.npy"), 3)
	wantErr(t, err, "inf.npy", "row 0, column 1", "not finite")

	vals = []float32{0, 0, 0, 1 + 5e-7, 1.5, 0}
	rawNpy(t, p("range.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", vals)
	_, err = ReadSamplesN(p("range.npy"), 3)
	wantErr(t, err, "range.npy", "row 1, column 1", "1.5", "outside [-1, 1]")

	vals[4] = -1 - 5e-7 // within RangeTol: accepted
	rawNpy(t, p("tol.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", vals)
	if _, err := ReadSamplesN(p("tol.npy"), 3); err != nil {
		t.Errorf("values within RangeTol of ±1: %v", err)
	}

	if err := WriteSamples(p("ok.npy"), uniform(rand.New(rand.NewPCG(1, 1)), 4, 784, -1, 1)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p("ok.npy"))
	os.WriteFile(p("short.npy"), b[:len(b)-3], 0o644)
	_, err = ReadSamples(p("short.npy"))
	wantErr(t, err, "short.npy", "truncated")

	os.WriteFile(p("short2.npy"), b[:len(b)-784*4], 0o644) // whole last row missing
	_, err = ReadSamples(p("short2.npy"))
	wantErr(t, err, "short2.npy", "truncated")

	os.WriteFile(p("header.npy"), b[:20], 0o644)
	_, err = ReadSamples(p("header.npy"))
	wantErr(t, err, "header.npy", "truncated: the header claims 118 bytes")

	// regressions of issue 15: a 13-byte format-2.0 file whose header claims
	// 0xFFFFFFF0 bytes (npyio allocated 4 GB), a shape whose byte count
	// overflows int64 (the error said "needs -3136 bytes"), and devices.
	os.WriteFile(p("claim.npy"), []byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff{"), 0o644)
	_, err = ReadSamples(p("claim.npy"))
	wantErr(t, err, "claim.npy", "header claims 4294967280 bytes", "13")

	rawNpy(t, p("huge.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000000000, 784), }", make([]float32, 6))
	_, err = ReadSamples(p("huge.npy"))
	wantErr(t, err, "huge.npy", "more than 2⁶³ bytes")

	os.WriteFile(p("tiny.npy"), []byte("\x93NUMPY"), 0o644)
	_, err = ReadSamples(p("tiny.npy"))
	wantErr(t, err, "tiny.npy", "shorter than a header")

	for _, dev := range []string{"/dev/zero", dir} {
		_, err = ReadSamples(dev)
		wantErr(t, err, dev, "not a regular file")
	}

	os.WriteFile(p("long.npy"), append(b, 0, 0, 0, 0), 0o644)
	_, err = ReadSamples(p("long.npy"))
	wantErr(t, err, "long.npy", "trailing bytes")

	_, err = ReadSamples(p("missing.npy"))
	wantErr(t, err, "missing.npy")
}

// TestWriteSamplesRefusesDevices: a device or a link given as the output is
// left as it is (it used to be replaced by a regular file).
func TestWriteSamplesRefusesDevices(t *testing.T) {
	x := uniform(rand.New(rand.NewPCG(1, 1)), 2, 3, -1, 1)
	link := filepath.Join(t.TempDir(), "link.npy")
	os.Symlink("/dev/null", link)
	for _, p := range []string{"/dev/null", link} {
		if err := WriteSamples(p, x); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("WriteSamples(%s) = %v", p, err)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced")
	}
}

func TestWriteSamplesRefusesBadValues(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.npy")
	x := mk([]float32{0, 0}, []float32{0, float32(math.NaN())})
	wantErr(t, WriteSamples(path, x), "bad.npy", "row 1, column 1")
	x.Data[3] = 2
	wantErr(t, WriteSamples(path, x), "bad.npy", "outside")
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("failed writes left %d files", len(ents))
	}
	wantErr(t, WriteSamples(filepath.Join(dir, "no", "such", "dir.npy"), mk([]float32{0})), "dir.npy")
}
