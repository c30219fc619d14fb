package rbm

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/internal/memory"
	"github.com/chaosgen/chaosgen/internal/npz"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// File format: an .npz (a zip of .npy arrays, which numpy.load opens) with
// W.npy (N×M), b.npy (1×N) and c.npy (1×M), float32 little-endian, and a
// meta.json entry holding the format name and version, the Config, the step,
// the training PCG state (so that training can continue exactly) and the
// SHA-256 of every array's data.
const (
	FileFormat  = "chaosgen-rbm" // the format meta.json names
	fileVersion = 1
)

type fileMeta struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Config  Config          `json:"config"`
	Step    int             `json:"step"`
	RNG     []byte          `json:"rng"`
	Arrays  []npz.ArrayInfo `json:"arrays"`
	Extra   map[string]any  `json:"extra,omitempty"` // free-form records (training seconds, command, …)
}

func (r *RBM) arrays() []npz.Array {
	return []npz.Array{
		{Name: "W", Rows: r.Cfg.N, Cols: r.Cfg.M, Data: r.W.Data},
		{Name: "b", Rows: 1, Cols: r.Cfg.N, Data: r.B},
		{Name: "c", Rows: 1, Cols: r.Cfg.M, Data: r.C},
	}
}

// Save writes the RBM (parameters, config, step and training RNG state) to
// path atomically.
func (r *RBM) Save(path string) error { return r.SaveWith(path, nil) }

// SaveWith is Save with free-form records stored beside the parameters
// (LoadWith returns them).
func (r *RBM) SaveWith(path string, extra map[string]any) error {
	rng, err := r.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("rbm: PCG state: %w", err)
	}
	meta := fileMeta{Format: FileFormat, Version: fileVersion, Config: r.Cfg, Step: r.Step, RNG: rng, Arrays: npz.Describe(r.arrays()), Extra: extra}
	js, err := json.MarshalIndent(meta, "", " ")
	if err != nil {
		return fmt.Errorf("rbm: meta: %w", err)
	}
	raw, err := npz.Encode(js, r.arrays())
	if err != nil {
		return err
	}
	return chaoslib.WriteFileAtomic(path, raw)
}

// Load reads an RBM written by Save, verifying its format, config, shapes and
// checksums; errors name the file and the problem. The loaded RBM continues
// training exactly where the saved one stopped.
func Load(path string) (*RBM, error) {
	r, _, err := LoadWith(path)
	return r, err
}

// LoadWith is Load that also returns the records saved by SaveWith.
func LoadWith(path string) (*RBM, map[string]any, error) {
	raw, err := safefile.ReadRegular(path, memory.Available())
	if err != nil {
		return nil, nil, fmt.Errorf("rbm file: %w", err)
	}
	r, extra, err := parse(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("rbm file %s: %w", path, err)
	}
	return r, extra, nil
}

func parse(raw []byte) (*RBM, map[string]any, error) {
	var meta fileMeta
	files, err := npz.Open(raw, "chaosgen RBM", FileFormat, fileVersion, &meta)
	if err != nil {
		return nil, nil, err
	}
	if err := meta.Config.Validate(); err != nil {
		return nil, nil, err
	}
	if meta.Step < 0 || meta.Step > meta.Config.Steps {
		return nil, nil, fmt.Errorf("step %d is outside 0…%d (the config's steps)", meta.Step, meta.Config.Steps)
	}
	r, err := New(meta.Config)
	if err != nil {
		return nil, nil, err
	}
	r.Step = meta.Step
	if err := r.pcg.UnmarshalBinary(meta.RNG); err != nil {
		return nil, nil, fmt.Errorf("RNG state: %v", err)
	}
	r.rng = rand.New(r.pcg)
	want := r.arrays()
	if len(meta.Arrays) != len(want) {
		return nil, nil, fmt.Errorf("%d arrays listed, want %d (W, b, c)", len(meta.Arrays), len(want))
	}
	for i, w := range want {
		a := meta.Arrays[i]
		if a.Name != w.Name || a.Shape != [2]int{w.Rows, w.Cols} {
			return nil, nil, fmt.Errorf("array %d is %s %v, config needs %s [%d %d]", i, a.Name, a.Shape, w.Name, w.Rows, w.Cols)
		}
		data, err := files.Array(a)
		if err != nil {
			return nil, nil, err
		}
		copy(w.Data, data)
	}
	return r, meta.Extra, nil
}
