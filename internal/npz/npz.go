// Package npz reads and writes the container of chaosgen's model files: an
// .npz (a zip of .npy arrays, which numpy.load opens) holding float32
// rows×cols arrays as <name>.npy, stored as float32 ('<f4') or, when asked,
// as IEEE half floats ('<f2'), and a "meta.json" entry. The caller's JSON
// lists each array with its shape, storage type and the SHA-256 of its
// stored data (ArrayInfo), which Reader.Array checks.
package npz

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// MetaEntry is the name of the JSON entry.
const MetaEntry = "meta.json"

// Array is a named float32 rows×cols matrix, row-major. With Float16 it is
// stored as binary16 ('<f2'), each value rounded to the nearest half
// (Float16); Encode refuses data that this rounding would change, so the
// caller rounds first (RoundFloat16) and what it holds is what is stored.
type Array struct {
	Name       string
	Rows, Cols int
	Data       []float32
	Float16    bool
}

// ArrayInfo describes an array in meta.json. DType is "f2" for an array
// stored as half floats and empty for float32, so that the meta.json of
// float32 arrays is as before half floats were added.
type ArrayInfo struct {
	Name   string `json:"name"`
	Shape  [2]int `json:"shape"`
	DType  string `json:"dtype,omitempty"`
	SHA256 string `json:"sha256"`
}

// dtypeFloat16 is ArrayInfo.DType of a half-float array.
const dtypeFloat16 = "f2"

// Describe returns each array's name, shape, storage type and SHA-256 of
// its stored little-endian data, for the caller's meta.json.
func Describe(arrays []Array) []ArrayInfo {
	out := make([]ArrayInfo, len(arrays))
	for i, a := range arrays {
		sum := sha256.Sum256(a.bytes())
		out[i] = ArrayInfo{Name: a.Name, Shape: [2]int{a.Rows, a.Cols}, SHA256: hex.EncodeToString(sum[:])}
		if a.Float16 {
			out[i].DType = dtypeFloat16
		}
	}
	return out
}

// bytes returns a's stored data: little-endian float32, or binary16 with
// Float16.
func (a Array) bytes() []byte {
	if !a.Float16 {
		return float32Bytes(a.Data)
	}
	b := make([]byte, 2*len(a.Data))
	for i, v := range a.Data {
		binary.LittleEndian.PutUint16(b[2*i:], Float16(v))
	}
	return b
}

// Encode returns the .npz bytes holding arrays and meta (JSON). It refuses
// a NaN or ±Inf: a model file holds finite values only.
func Encode(meta []byte, arrays []Array) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range arrays {
		if len(a.Data) != a.Rows*a.Cols {
			return nil, fmt.Errorf("npz: array %s has %d values for %d×%d", a.Name, len(a.Data), a.Rows, a.Cols)
		}
		if i := nonFinite(a.Data); i >= 0 {
			return nil, fmt.Errorf("npz: array %s[%d] = %g: a model file holds finite values only", a.Name, i, a.Data[i])
		}
		if a.Float16 {
			for i, v := range a.Data {
				if Float32From16(Float16(v)) != v {
					return nil, fmt.Errorf("npz: array %s[%d] = %g is not a half float (round it first)", a.Name, i, v)
				}
			}
		}
		w, err := zw.Create(a.Name + ".npy")
		if err != nil {
			return nil, err
		}
		w.Write(npyHeader(a.Rows, a.Cols, a.Float16))
		w.Write(a.bytes())
	}
	w, err := zw.Create(MetaEntry)
	if err != nil {
		return nil, err
	}
	w.Write(meta)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Reader gives access to a decoded container's arrays.
type Reader struct {
	files map[string]*zip.File
}

// Decode opens raw as a container and returns its meta.json; what names
// the expected kind of file in errors (e.g. "chaosgen checkpoint"). A
// container with two entries of one name is refused.
func Decode(raw []byte, what string) (meta []byte, r *Reader, err error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, nil, fmt.Errorf("not a %s (not an .npz/zip file: %v)", what, err)
	}
	r = &Reader{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		if _, dup := r.files[f.Name]; dup { // which one would be read is the zip reader's choice
			return nil, nil, fmt.Errorf("not a %s (two entries named %s)", what, f.Name)
		}
		r.files[f.Name] = f
	}
	mf, ok := r.files[MetaEntry]
	if !ok {
		return nil, nil, fmt.Errorf("not a %s (no %s entry)", what, MetaEntry)
	}
	meta, err = readEntry(mf, 1<<20)
	return meta, r, err
}

// Array reads the array that info describes as float32, checking its .npy
// header, shape, storage type and SHA-256, and that every value is finite.
func (r *Reader) Array(info ArrayInfo) ([]float32, error) {
	rows, cols := info.Shape[0], info.Shape[1]
	if rows <= 0 || cols <= 0 || rows > 1<<16 || cols > 1<<16 {
		return nil, fmt.Errorf("array %s: bad shape %v", info.Name, info.Shape)
	}
	if info.DType != "" && info.DType != dtypeFloat16 {
		return nil, fmt.Errorf("array %s: unknown dtype %q (want %q or none)", info.Name, info.DType, dtypeFloat16)
	}
	f, ok := r.files[info.Name+".npy"]
	if !ok {
		return nil, fmt.Errorf("array %s is missing", info.Name)
	}
	half := info.DType == dtypeFloat16
	size := 4
	if half {
		size = 2
	}
	hdr := npyHeader(rows, cols, half)
	body, err := readEntry(f, int64(len(hdr)+size*rows*cols))
	if err != nil {
		return nil, err
	}
	if len(body) != len(hdr)+size*rows*cols || !bytes.Equal(body[:len(hdr)], hdr) {
		return nil, fmt.Errorf("array %s: not a %s %d×%d .npy array (truncated or foreign)", info.Name, npyDescr(half), rows, cols)
	}
	body = body[len(hdr):]
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != info.SHA256 {
		return nil, errors.New("array " + info.Name + ": SHA-256 mismatch (file damaged)")
	}
	x := make([]float32, rows*cols)
	for i := range x {
		if half {
			x[i] = Float32From16(binary.LittleEndian.Uint16(body[2*i:]))
		} else {
			x[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
		}
	}
	if i := nonFinite(x); i >= 0 { // the SHA-256 matched: written so, or edited with its sum
		return nil, fmt.Errorf("array %s holds %g at row %d, column %d: a model file holds finite values only (damaged, or not written by chaosgen)",
			info.Name, x[i], i/cols, i%cols)
	}
	return x, nil
}

// nonFinite returns the index of the first NaN or ±Inf in x, or −1.
func nonFinite(x []float32) int {
	for i, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}

// readEntry reads a zip entry of at most limit bytes; the zip reader checks
// its CRC-32 at the end.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, fmt.Errorf("entry %s: %d bytes, expected at most %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("entry %s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("entry %s: %v (file damaged)", f.Name, err)
	}
	return b, nil
}

// npyDescr is the .npy type of float32 ('<f4') or half-float ('<f2') data.
func npyDescr(half bool) string {
	if half {
		return "<f2"
	}
	return "<f4"
}

// npyHeader is the .npy v1.0 header of a little-endian float32 (or, with
// half, binary16) rows×cols C-order array, padded to a multiple of 64 bytes.
func npyHeader(rows, cols int, half bool) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", npyDescr(half), rows, cols)
	n := 10 + len(dict) + 1
	pad := (64 - n%64) % 64
	h := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(h[8:], uint16(len(dict)+pad+1))
	h = append(h, dict...)
	h = append(h, bytes.Repeat([]byte(" "), pad)...)
	return append(h, '\n')
}

func float32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

// FormatError is Open's error for a file of another format than asked:
// the file may still be a good file of the format it names.
type FormatError struct {
	What   string // the kind of file asked for
	Format string // the format the file's meta.json names
}

func (e *FormatError) Error() string { return fmt.Sprintf("not a %s (format %q)", e.What, e.Format) }

// Open decodes raw (see Decode), checks that its meta.json has the given
// "format" and "version" fields, and unmarshals meta.json into meta.
func Open(raw []byte, what, format string, version int, meta any) (*Reader, error) {
	js, r, err := Decode(raw, what)
	if err != nil {
		return nil, err
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(js, &head); err != nil {
		return nil, fmt.Errorf("%s: %v", MetaEntry, err)
	}
	if head.Format != format {
		return nil, &FormatError{What: what, Format: head.Format}
	}
	if head.Version != version {
		return nil, fmt.Errorf("%s format version %d; this build reads version %d", what, head.Version, version)
	}
	if err := json.Unmarshal(js, meta); err != nil {
		return nil, fmt.Errorf("%s: %v", MetaEntry, err)
	}
	return r, nil
}
