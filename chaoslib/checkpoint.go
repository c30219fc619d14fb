package chaoslib

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
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
)

// Checkpoint format: an .npz file (a zip of .npy arrays, which numpy.load
// opens) holding one float32 array per matrix (see Model.Params) and a
// "meta.json" entry with the format name and version, the config, the step,
// the training RNG state and the SHA-256 of every array's data.
const (
	checkpointFormat  = "chaosgen-checkpoint"
	checkpointVersion = 1
	metaEntry         = "meta.json"
)

// Checkpoint is everything needed to rebuild a model and resume its training.
type Checkpoint struct {
	Config Config
	Step   int
	RNG    []byte         // training PCG state (rand.PCG.MarshalBinary)
	Params []Param        // every matrix, fixed couplings included
	Extra  map[string]any // free-form records, e.g. indices measured at save time
}

type arrayMeta struct {
	Name   string `json:"name"`
	Shape  [2]int `json:"shape"`
	SHA256 string `json:"sha256"`
}

type checkpointMeta struct {
	Format  string         `json:"format"`
	Version int            `json:"version"`
	Config  Config         `json:"config"`
	Step    int            `json:"step"`
	RNG     []byte         `json:"rng"`
	Arrays  []arrayMeta    `json:"arrays"`
	Extra   map[string]any `json:"extra,omitempty"`
}

// Checkpoint captures the trainer's model, step and RNG state.
func (t *Trainer) Checkpoint() *Checkpoint {
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		panic("chaoslib: PCG state: " + err.Error())
	}
	return &Checkpoint{Config: t.M.Cfg, Step: t.Step, RNG: rng, Params: t.M.Params()}
}

// Model builds the checkpoint's model on be, with its stored parameters.
func (ck *Checkpoint) Model(be backend.Backend) (*Model, error) {
	m, err := New(ck.Config, be)
	if err != nil {
		return nil, fmt.Errorf("checkpoint config: %w", err)
	}
	want := m.params()
	if len(want) != len(ck.Params) {
		return nil, fmt.Errorf("chaoslib: checkpoint has %d arrays, model %s needs %d", len(ck.Params), ck.Config.Model, len(want))
	}
	for i, p := range ck.Params {
		w := want[i]
		if p.Name != w.name || p.Rows != w.mat.Rows() || p.Cols != w.mat.Cols() {
			return nil, fmt.Errorf("chaoslib: checkpoint array %d is %s %d×%d, model needs %s %d×%d",
				i, p.Name, p.Rows, p.Cols, w.name, w.mat.Rows(), w.mat.Cols())
		}
		be.Upload(w.mat, p.Data)
	}
	m.refresh()
	return m, nil
}

// Resume rebuilds the model on be and a trainer on data that continues
// exactly where the checkpoint's training stopped.
func (ck *Checkpoint) Resume(be backend.Backend, data blas32.General) (*Trainer, error) {
	m, err := ck.Model(be)
	if err != nil {
		return nil, err
	}
	t, err := NewTrainer(m, data)
	if err != nil {
		return nil, err
	}
	if err := t.pcg.UnmarshalBinary(ck.RNG); err != nil {
		return nil, fmt.Errorf("chaoslib: checkpoint RNG state: %w", err)
	}
	t.rng = rand.New(t.pcg)
	t.Step = ck.Step
	return t, nil
}

// Save writes ck to path atomically: a temporary file in the same folder,
// synced, then renamed over path.
func (ck *Checkpoint) Save(path string) error {
	meta := checkpointMeta{Format: checkpointFormat, Version: checkpointVersion,
		Config: ck.Config, Step: ck.Step, RNG: ck.RNG, Extra: ck.Extra}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range ck.Params {
		raw := float32Bytes(p.Data)
		sum := sha256.Sum256(raw)
		meta.Arrays = append(meta.Arrays, arrayMeta{p.Name, [2]int{p.Rows, p.Cols}, hex.EncodeToString(sum[:])})
		w, err := zw.Create(p.Name + ".npy")
		if err != nil {
			return err
		}
		w.Write(npyHeader(p.Rows, p.Cols))
		w.Write(raw)
	}
	js, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return fmt.Errorf("chaoslib: checkpoint meta: %w", err)
	}
	w, err := zw.Create(metaEntry)
	if err != nil {
		return err
	}
	w.Write(js)
	if err := zw.Close(); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// WriteFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so that path never holds a partial file.
func WriteFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// LoadCheckpoint reads and verifies a checkpoint: format, version, shapes and
// the SHA-256 of every array. Errors name the file and the problem.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ck, err := ParseCheckpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return ck, nil
}

// ParseCheckpoint decodes a checkpoint from its bytes (see LoadCheckpoint).
func ParseCheckpoint(raw []byte) (*Checkpoint, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("not a chaosgen checkpoint (not an .npz/zip file: %v)", err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	mf, ok := files[metaEntry]
	if !ok {
		return nil, errors.New("not a chaosgen checkpoint (no meta.json entry)")
	}
	js, err := readEntry(mf, 1<<20)
	if err != nil {
		return nil, err
	}
	var meta checkpointMeta
	if err := json.Unmarshal(js, &meta); err != nil {
		return nil, fmt.Errorf("meta.json: %v", err)
	}
	if meta.Format != checkpointFormat {
		return nil, fmt.Errorf("not a chaosgen checkpoint (format %q)", meta.Format)
	}
	if meta.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint format version %d; this build reads version %d", meta.Version, checkpointVersion)
	}
	if err := meta.Config.Validate(); err != nil {
		return nil, err
	}
	ck := &Checkpoint{Config: meta.Config, Step: meta.Step, RNG: meta.RNG, Extra: meta.Extra}
	for _, a := range meta.Arrays {
		r, c := a.Shape[0], a.Shape[1]
		if r <= 0 || c <= 0 || r > 1<<16 || c > 1<<16 {
			return nil, fmt.Errorf("array %s: bad shape %v", a.Name, a.Shape)
		}
		f, ok := files[a.Name+".npy"]
		if !ok {
			return nil, fmt.Errorf("array %s is missing", a.Name)
		}
		hdr := npyHeader(r, c)
		body, err := readEntry(f, int64(len(hdr)+4*r*c))
		if err != nil {
			return nil, err
		}
		if len(body) != len(hdr)+4*r*c || !bytes.Equal(body[:len(hdr)], hdr) {
			return nil, fmt.Errorf("array %s: not a float32 %d×%d .npy array (truncated or foreign)", a.Name, r, c)
		}
		sum := sha256.Sum256(body[len(hdr):])
		if hex.EncodeToString(sum[:]) != a.SHA256 {
			return nil, fmt.Errorf("array %s: SHA-256 mismatch (file damaged)", a.Name)
		}
		ck.Params = append(ck.Params, Param{Name: a.Name, Rows: r, Cols: c,
			Data: bytesFloat32(body[len(hdr):]), Trained: !strings.HasPrefix(a.Name, "J")})
	}
	return ck, nil
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

func float32Bytes(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func bytesFloat32(b []byte) []float32 {
	x := make([]float32, len(b)/4)
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return x
}
