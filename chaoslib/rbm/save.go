package rbm

import (
	"encoding/json"
	"fmt"
	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/internal/memory"
	"github.com/chaosgen/chaosgen/internal/npz"
	"github.com/chaosgen/chaosgen/internal/safefile"
	"math/rand/v2"
)

// File format: an .npz (a zip of .npy arrays, which numpy.load opens) with
// W.npy (N×M), b.npy (1×N) and c.npy (1×M), float32 little-endian, and a
// meta.json entry holding the format name and version, the Config, the step,
// the training PCG state (so that training can continue exactly) and the
// SHA-256 of every array's data.
const (
	fileFormat  = "chaosgen-rbm"
	fileVersion = 1
)

type fileMeta struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Config  Config          `json:"config"`
	Step    int             `json:"step"`
	RNG     []byte          `json:"rng"`
	Arrays  []npz.ArrayInfo `json:"arrays"`
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
func (r *RBM) Save(path string) error {
	rng, err := r.pcg.MarshalBinary()
	if err != nil {
		return fmt.Errorf("rbm: PCG state: %w", err)
	}
	meta := fileMeta{Format: fileFormat, Version: fileVersion, Config: r.Cfg, Step: r.Step, RNG: rng, Arrays: npz.Describe(r.arrays())}
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
	raw, err := safefile.ReadRegular(path, memory.Available())
	if err != nil {
		return nil, fmt.Errorf("rbm file: %w", err)
	}
	r, err := parse(raw)
	if err != nil {
		return nil, fmt.Errorf("rbm file %s: %w", path, err)
	}
	return r, nil
}

func parse(raw []byte) (*RBM, error) {
	var meta fileMeta
	files, err := npz.Open(raw, "chaosgen RBM", fileFormat, fileVersion, &meta)
	if err != nil {
		return nil, err
	}
	if err := meta.Config.Validate(); err != nil {
		return nil, err
	}
	if meta.Step < 0 || meta.Step > meta.Config.Steps {
		return nil, fmt.Errorf("step %d is outside 0…%d (the config's steps)", meta.Step, meta.Config.Steps)
	}
	r, err := New(meta.Config)
	if err != nil {
		return nil, err
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
		if a.Name != w.Name || a.Shape != [2]int{w.Rows, w.Cols} {
			return nil, fmt.Errorf("array %d is %s %v, config needs %s [%d %d]", i, a.Name, a.Shape, w.Name, w.Rows, w.Cols)
		}
		data, err := files.Array(a)
		if err != nil {
			return nil, err
		}
		copy(w.Data, data)
	}
	return r, nil
}
