package chaoslib

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/internal/npz"
)

// Checkpoint format: an .npz file (a zip of .npy arrays, which numpy.load
// opens) holding one float32 array per matrix (see Model.Params) and a
// "meta.json" entry with the format name and version, the config, the step,
// the training RNG state and the SHA-256 of every array's data.
const (
	checkpointFormat  = "chaosgen-checkpoint"
	checkpointVersion = 1
)

// Checkpoint is everything needed to rebuild a model and resume its training.
type Checkpoint struct {
	Config Config
	Step   int
	RNG    []byte         // training PCG state (rand.PCG.MarshalBinary)
	Params []Param        // every matrix, fixed couplings included
	Extra  map[string]any // free-form records, e.g. indices measured at save time
}

type checkpointMeta struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Config  Config          `json:"config"`
	Step    int             `json:"step"`
	RNG     []byte          `json:"rng"`
	Arrays  []npz.ArrayInfo `json:"arrays"`
	Extra   map[string]any  `json:"extra,omitempty"`
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
	arrays := make([]npz.Array, len(ck.Params))
	for i, p := range ck.Params {
		arrays[i] = npz.Array{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Data: p.Data}
	}
	meta := checkpointMeta{Format: checkpointFormat, Version: checkpointVersion,
		Config: ck.Config, Step: ck.Step, RNG: ck.RNG, Arrays: npz.Describe(arrays), Extra: ck.Extra}
	js, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return fmt.Errorf("chaoslib: checkpoint meta: %w", err)
	}
	raw, err := npz.Encode(js, arrays)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, raw)
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
	js, arrays, err := npz.Decode(raw, "chaosgen checkpoint")
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
		data, err := arrays.Array(a)
		if err != nil {
			return nil, err
		}
		ck.Params = append(ck.Params, Param{Name: a.Name, Rows: a.Shape[0], Cols: a.Shape[1],
			Data: data, Trained: !strings.HasPrefix(a.Name, "J")})
	}
	return ck, nil
}
