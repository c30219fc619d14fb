package rbm

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
	"math/rand/v2"
	"os"

	"github.com/chaosgen/chaosgen/chaoslib"
)

// File format: an .npz (a zip of .npy arrays, which numpy.load opens) with
// W.npy (N×M), b.npy (1×N) and c.npy (1×M), float32 little-endian, and a
// meta.json entry holding the format name and version, the Config, the step,
// the training PCG state (so that training can continue exactly) and the
// SHA-256 of every array's data.
const (
	fileFormat  = "chaosgen-rbm"
	fileVersion = 1
	metaEntry   = "meta.json"
)

type arrayMeta struct {
	Name   string `json:"name"`
	Shape  [2]int `json:"shape"`
	SHA256 string `json:"sha256"`
}

type fileMeta struct {
	Format  string      `json:"format"`
	Version int         `json:"version"`
	Config  Config      `json:"config"`
	Step    int         `json:"step"`
	RNG     []byte      `json:"rng"`
	Arrays  []arrayMeta `json:"arrays"`
}

type array struct {
	name       string
	rows, cols int
	data       []float32
}

func (r *RBM) arrays() []array {
	return []array{
		{"W", r.Cfg.N, r.Cfg.M, r.W.Data},
		{"b", 1, r.Cfg.N, r.B},
		{"c", 1, r.Cfg.M, r.C},
	}
}

// Save writes the RBM (parameters, config, step and training RNG state) to
// path atomically.
func (r *RBM) Save(path string) error {
	rng, err := r.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("rbm: PCG state: %w", err)
	}
	meta := fileMeta{Format: fileFormat, Version: fileVersion, Config: r.Cfg, Step: r.Step, RNG: rng}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, a := range r.arrays() {
		raw := make([]byte, 4*len(a.data))
		for i, v := range a.data {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
		}
		sum := sha256.Sum256(raw)
		meta.Arrays = append(meta.Arrays, arrayMeta{a.name, [2]int{a.rows, a.cols}, hex.EncodeToString(sum[:])})
		w, err := zw.Create(a.name + ".npy")
		if err != nil {
			return err
		}
		w.Write(npyHeader(a.rows, a.cols))
		w.Write(raw)
	}
	js, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return fmt.Errorf("rbm: meta: %w", err)
	}
	w, err := zw.Create(metaEntry)
	if err != nil {
		return err
	}
	w.Write(js)
	if err := zw.Close(); err != nil {
		return err
	}
	return chaoslib.WriteFileAtomic(path, buf.Bytes())
}

// Load reads an RBM written by Save, verifying its format, config, shapes and
// checksums; errors name the file and the problem. The loaded RBM continues
// training exactly where the saved one stopped.
func Load(path string) (*RBM, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("rbm file %s: %w", path, err)
	}
	return r, nil
}

func parse(raw []byte) (*RBM, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("not a chaosgen RBM (not an .npz/zip file: %v)", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	mf, ok := files[metaEntry]
	if !ok {
		return nil, errors.New("not a chaosgen RBM (no meta.json entry)")
	}
	js, err := readEntry(mf, 1<<20)
	if err != nil {
		return nil, err
	}
	var meta fileMeta
	if err := json.Unmarshal(js, &meta); err != nil {
		return nil, fmt.Errorf("meta.json: %v", err)
	}
	if meta.Format != fileFormat {
		return nil, fmt.Errorf("not a chaosgen RBM (format %q)", meta.Format)
	}
	if meta.Version != fileVersion {
		return nil, fmt.Errorf("RBM file format version %d; this build reads version %d", meta.Version, fileVersion)
	}
	r, err := New(meta.Config)
	if err != nil {
		return nil, err
	}
	if meta.Step < 0 {
		return nil, fmt.Errorf("step %d < 0", meta.Step)
	}
	r.Step = meta.Step
	if err := r.pcg.UnmarshalBinary(meta.RNG); err != nil {
		return nil, fmt.Errorf("RNG state: %v", err)
	}
	r.rng = rand.New(r.pcg)
	want := r.arrays()
	if len(meta.Arrays) != len(want) {
		return nil, fmt.Errorf("%d arrays listed, want %d (W, b, c)", len(meta.Arrays), len(want))
	}
	for i, w := range want {
		a := meta.Arrays[i]
		if a.Name != w.name || a.Shape != [2]int{w.rows, w.cols} {
			return nil, fmt.Errorf("array %d is %s %v, config needs %s [%d %d]", i, a.Name, a.Shape, w.name, w.rows, w.cols)
		}
		f, ok := files[a.Name+".npy"]
		if !ok {
			return nil, fmt.Errorf("array %s is missing", a.Name)
		}
		hdr := npyHeader(w.rows, w.cols)
		body, err := readEntry(f, int64(len(hdr)+4*len(w.data)))
		if err != nil {
			return nil, err
		}
		if len(body) != len(hdr)+4*len(w.data) || !bytes.Equal(body[:len(hdr)], hdr) {
			return nil, fmt.Errorf("array %s: not a float32 %d×%d .npy array (truncated or foreign)", a.Name, w.rows, w.cols)
		}
		body = body[len(hdr):]
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != a.SHA256 {
			return nil, fmt.Errorf("array %s: SHA-256 mismatch (file damaged)", a.Name)
		}
		for j := range w.data {
			w.data[j] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*j:]))
		}
	}
	return r, nil
}

// readEntry reads a zip entry of at most limit bytes (the zip reader checks
// its CRC-32).
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

// npyHeader is the .npy v1.0 header of a little-endian float32 rows×cols
// C-order array, padded to a multiple of 64 bytes.
func npyHeader(rows, cols int) []byte {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	n := 10 + len(dict) + 1
	pad := (64 - n%64) % 64
	h := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(h[8:], uint16(len(dict)+pad+1))
	h = append(h, dict...)
	h = append(h, bytes.Repeat([]byte(" "), pad)...)
	return append(h, '\n')
}
