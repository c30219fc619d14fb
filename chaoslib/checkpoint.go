package chaoslib

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/chaoslib/backend"
	"github.com/chaosgen/chaosgen/internal/memory"
	"github.com/chaosgen/chaosgen/internal/npz"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// Checkpoint format: an .npz file (a zip of .npy arrays, which numpy.load
// opens) holding one float32 array per matrix (see Model.Params; half floats
// in a sampling checkpoint after Float16) and a "meta.json" entry with the
// format name and version, the config, the step, the training RNG state and
// the SHA-256 of every array's data. Training
// state beyond the parameters, when the learning rule has any, is stored as
// more arrays: the averages "ema_<matrix>" and the optimizer's
// "momentum_<matrix>" or "adam_m_<matrix>" and "adam_u_<matrix>".
const (
	checkpointFormat  = "chaosgen-checkpoint"
	checkpointVersion = 1
)

// Checkpoint is everything needed to rebuild a model and resume its training.
type Checkpoint struct {
	Config Config
	Step   int
	RNG    []byte  // training PCG state (rand.PCG.MarshalBinary)
	Params []Param // every stored matrix (all of them unless compacted)
	// State holds the training state beyond the parameters: averages
	// (ema_…) and optimizer state (momentum_…, adam_m_…, adam_u_…).
	State []Param
	Extra map[string]any // free-form records, e.g. indices measured at save time
	// Regenerated lists the fixed couplings left out by Compact, with the
	// SHA-256 of their data, checked when they are redrawn from Config.Seed.
	Regenerated []npz.ArrayInfo
}

type checkpointMeta struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	Config  Config          `json:"config"`
	Step    int             `json:"step"`
	RNG     []byte          `json:"rng"`
	Arrays  []npz.ArrayInfo `json:"arrays"`
	Extra   map[string]any  `json:"extra,omitempty"`
	// Regenerated: fixed couplings not stored, redrawn from the seed on load.
	Regenerated []npz.ArrayInfo `json:"regenerated,omitempty"`
}

// Checkpoint captures the trainer's model, step and RNG state.
func (t *Trainer) Checkpoint() *Checkpoint {
	rng, err := t.pcg.MarshalBinary()
	if err != nil {
		panic("chaoslib: PCG state: " + err.Error())
	}
	ck := &Checkpoint{Config: t.M.Cfg, Step: t.Step, RNG: rng, Params: t.M.Params()}
	if t.ema != nil {
		ck.State = append(ck.State, t.ema.params()...)
	}
	if t.opt != nil {
		ck.State = append(ck.State, t.opt.params(t.M.Cfg.trainedShapes())...)
	}
	return ck
}

// stateSpecs lists the State arrays that a checkpoint of c holds: for every
// trained matrix, its average (EMA > 0) and its optimizer state.
func (c Config) stateSpecs() []paramSpec {
	var prefixes []string
	if c.EMA > 0 {
		prefixes = append(prefixes, emaPrefix)
	}
	prefixes = append(prefixes, newOptimizer(c.LearningRule).stateNames()...)
	var out []paramSpec
	for _, prefix := range prefixes {
		for _, s := range c.paramSpecs() {
			if s.trained() {
				s.name = prefix + s.name
				out = append(out, s)
			}
		}
	}
	return out
}

// statePrefixes name the State arrays of a checkpoint.
var statePrefixes = []string{emaPrefix, "momentum_", "adam_m_", "adam_u_"}

func isState(name string) bool {
	for _, p := range statePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// stateByName indexes ck.State.
func (ck *Checkpoint) stateByName() map[string]Param {
	out := map[string]Param{}
	for _, p := range ck.State {
		out[p.Name] = p
	}
	return out
}

// Compact leaves the fixed couplings out of ck (about two thirds of a
// 2-layer checkpoint): Model redraws them from Config.Seed, as New does, and
// checks each against the SHA-256 recorded here, so a changed generator is
// an error rather than a silently different model.
func (ck *Checkpoint) Compact() {
	var kept []Param
	for _, p := range ck.Params {
		if p.Trained {
			kept = append(kept, p)
			continue
		}
		ck.Regenerated = append(ck.Regenerated, npz.Describe([]npz.Array{{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Data: p.Data}})[0])
	}
	ck.Params = kept
}

// samplingOnlyKey marks, in Extra, a checkpoint reduced by ForSampling.
const samplingOnlyKey = "sampling_only"

// ForSampling reduces ck to what sampling needs: each trained parameter is
// replaced by its average (ema_…) when ck has one, and the training state
// (averages, optimizer moments) is dropped, so a checkpoint of a run with
// EMA and Adam shrinks about fourfold. Model gives the same model as
// before; Resume refuses the result, since the state to continue exactly
// is gone.
func (ck *Checkpoint) ForSampling() {
	avg := ck.stateByName()
	for i, p := range ck.Params {
		if a, ok := avg[emaPrefix+p.Name]; ok && p.Trained {
			ck.Params[i].Data = a.Data
		}
	}
	ck.State = nil
	if ck.Extra == nil {
		ck.Extra = map[string]any{}
	}
	ck.Extra[samplingOnlyKey] = true
}

// float16Key marks, in Extra, a checkpoint whose parameters Float16 rounded
// to half floats; Save stores them as such.
const float16Key = "float16"

// Float16 rounds every parameter of ck, a checkpoint reduced by ForSampling,
// to the nearest IEEE half float (npz.Float16: 11 significant bits, so
//
//	|w' − w| ≤ 2⁻¹¹ |w|
//
// for |w| ≥ 2⁻¹⁴, and ≤ 2⁻²⁵ below), and has Save store them in 2 bytes each
// ('<f2'), about halving the file. The rounded parameters are the model
// from then on: its samples are not those of the float32 model, though
// they are drawn in the same way.
func (ck *Checkpoint) Float16() error {
	if ck.Extra[samplingOnlyKey] != true {
		return errors.New("chaoslib: only a checkpoint reduced for sampling (ForSampling) can be stored in half floats")
	}
	for _, p := range ck.Params { // check all before rounding any
		for i, v := range p.Data {
			if math.IsInf(float64(npz.Float32From16(npz.Float16(v))), 0) && !math.IsInf(float64(v), 0) {
				return fmt.Errorf("chaoslib: parameter %s[%d] = %g is beyond the half-float range (±65504); keep float32", p.Name, i, v)
			}
		}
	}
	for _, p := range ck.Params {
		npz.RoundFloat16(p.Data)
	}
	ck.Extra[float16Key] = true
	return nil
}

// Model builds the checkpoint's model on be for sampling: its stored
// parameters, replaced by their averages (ema_…) when the checkpoint has
// them; fixed couplings left out by Compact are redrawn from the seed and
// checked. Resume trains on from the parameters themselves.
func (ck *Checkpoint) Model(be backend.Backend) (*Model, error) {
	m, err := ck.rawModel(be)
	if err != nil {
		return nil, err
	}
	if err := m.useAverages(ck.stateByName()); err != nil {
		m.Free()
		return nil, err
	}
	return m, nil
}

// rawModel builds the checkpoint's model with its stored parameters.
func (ck *Checkpoint) rawModel(be backend.Backend) (*Model, error) {
	m, err := New(ck.Config, be)
	if err != nil {
		return nil, fmt.Errorf("checkpoint config: %w", err)
	}
	stored := map[string]Param{}
	for _, p := range ck.Params {
		stored[p.Name] = p
	}
	redrawn := map[string]npz.ArrayInfo{}
	for _, r := range ck.Regenerated {
		redrawn[r.Name] = r
	}
	for _, w := range m.params() {
		rows, cols := w.mat.Rows(), w.mat.Cols()
		if p, ok := stored[w.name]; ok {
			if p.Rows != rows || p.Cols != cols {
				m.Free()
				return nil, fmt.Errorf("chaoslib: checkpoint array %s is %d×%d, model needs %d×%d", p.Name, p.Rows, p.Cols, rows, cols)
			}
			be.Upload(w.mat, p.Data)
			delete(stored, w.name)
			continue
		}
		r, ok := redrawn[w.name]
		if !ok {
			m.Free()
			return nil, fmt.Errorf("chaoslib: checkpoint lacks array %s of model %s", w.name, ck.Config.Arch)
		}
		data := make([]float32, rows*cols)
		be.Download(data, w.mat)
		if got := npz.Describe([]npz.Array{{Name: w.name, Rows: rows, Cols: cols, Data: data}})[0]; got != r {
			m.Free()
			return nil, fmt.Errorf("chaoslib: fixed coupling %s redrawn from seed %d does not match the checkpoint's SHA-256: either its config (seed, g, g_visible or sizes) was edited after it was written, or this build draws other couplings", w.name, ck.Config.Seed)
		}
	}
	for name := range stored {
		m.Free()
		return nil, fmt.Errorf("chaoslib: checkpoint array %s is not part of model %s", name, ck.Config.Arch)
	}
	m.refresh()
	return m, nil
}

// LoadModel loads the checkpoint at path and builds its model on be.
func LoadModel(path string, be backend.Backend) (*Model, error) {
	ck, err := LoadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	return ck.Model(be)
}

// Resume rebuilds the model on be and a trainer on data that continues
// exactly where the checkpoint's training stopped.
func (ck *Checkpoint) Resume(be backend.Backend, data blas32.General) (*Trainer, error) {
	if ck.Extra[samplingOnlyKey] == true {
		return nil, errors.New("chaoslib: this checkpoint was reduced for sampling (chaosgen pack --sampling): it holds no training state to resume from; resume from the checkpoint it was packed from, or train a new run (pretrained/'s checkpoints are all packed)")
	}
	m, err := ck.rawModel(be)
	if err != nil {
		return nil, err
	}
	t, err := NewTrainer(m, data)
	if err != nil {
		return nil, err
	}
	state := ck.stateByName()
	if t.ema != nil {
		if err := t.ema.load(state); err != nil {
			return nil, err
		}
	}
	if t.opt != nil {
		if err := t.opt.load(m.Cfg.trainedShapes(), state); err != nil {
			return nil, err
		}
	}
	if err := t.pcg.UnmarshalBinary(ck.RNG); err != nil {
		return nil, fmt.Errorf("chaoslib: checkpoint RNG state: %w", err)
	}
	t.rng = rand.New(t.pcg)
	t.Step = ck.Step
	return t, nil
}

// Save writes ck to path atomically: a temporary file in the same folder,
// synced, then renamed over path. The arrays are float32, or half floats
// after Float16.
func (ck *Checkpoint) Save(path string) error {
	var arrays []npz.Array
	for _, p := range append(append([]Param(nil), ck.Params...), ck.State...) {
		arrays = append(arrays, npz.Array{Name: p.Name, Rows: p.Rows, Cols: p.Cols, Data: p.Data, Float16: ck.Extra[float16Key] == true})
	}
	meta := checkpointMeta{Format: checkpointFormat, Version: checkpointVersion,
		Config: ck.Config, Step: ck.Step, RNG: ck.RNG, Arrays: npz.Describe(arrays), Extra: ck.Extra,
		Regenerated: ck.Regenerated}
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

// LoadCheckpoint reads and verifies a checkpoint: format, version, shapes and
// the SHA-256 of every array. path must be a regular file no larger than the
// memory available. Errors name the file and the problem.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	raw, err := safefile.ReadRegular(path, memory.Available())
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	ck, err := ParseCheckpoint(raw)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return ck, nil
}

// ParseCheckpoint decodes a checkpoint from its bytes (see LoadCheckpoint).
// Before reading any array it checks meta.json against itself: the config
// (Validate, so every size is within limits), 0 ≤ step ≤ config steps, the
// arrays listed (stored or regenerated) against the model's parameters by
// name and shape, and the model's memory against what is available.
func ParseCheckpoint(raw []byte) (*Checkpoint, error) {
	var meta checkpointMeta
	arrays, err := npz.Open(raw, "chaosgen checkpoint", checkpointFormat, checkpointVersion, &meta)
	if err != nil {
		return nil, err
	}
	if err := checkMeta(&meta); err != nil {
		return nil, err
	}
	if err := meta.Config.checkMemory(meta.Config.ModelBytes()); err != nil {
		return nil, err
	}
	ck := &Checkpoint{Config: meta.Config, Step: meta.Step, RNG: meta.RNG, Extra: meta.Extra, Regenerated: meta.Regenerated}
	for _, a := range meta.Arrays {
		data, err := arrays.Array(a)
		if err != nil {
			return nil, err
		}
		p := Param{Name: a.Name, Rows: a.Shape[0], Cols: a.Shape[1], Data: data, Trained: !strings.HasPrefix(a.Name, "J")}
		if isState(a.Name) {
			ck.State = append(ck.State, p)
		} else {
			ck.Params = append(ck.Params, p)
		}
	}
	return ck, nil
}

// checkMeta checks a checkpoint's meta.json without reading its arrays.
func checkMeta(meta *checkpointMeta) error {
	cfg := meta.Config
	if err := cfg.Validate(); err != nil {
		return err
	}
	if meta.Step < 0 || meta.Step > cfg.Steps {
		return fmt.Errorf("step %d is outside 0…%d (the config's steps)", meta.Step, cfg.Steps)
	}
	specs := cfg.paramSpecs()
	if meta.Extra[samplingOnlyKey] != true { // ForSampling drops the state
		specs = append(specs, cfg.stateSpecs()...)
	}
	want := map[string][2]int{}
	for _, s := range specs {
		want[s.name] = [2]int{s.rows, s.cols}
	}
	for _, a := range append(append([]npz.ArrayInfo(nil), meta.Arrays...), meta.Regenerated...) {
		shape, ok := want[a.Name]
		switch {
		case !ok:
			return fmt.Errorf("array %q is not a parameter of model %s, or is listed twice", a.Name, cfg.Arch)
		case a.Shape != shape:
			return fmt.Errorf("array %s is %d×%d in meta.json, the config's model needs %d×%d", a.Name, a.Shape[0], a.Shape[1], shape[0], shape[1])
		}
		delete(want, a.Name)
	}
	for _, s := range specs {
		if _, missing := want[s.name]; missing {
			return fmt.Errorf("meta.json lists no array %s of model %s", s.name, cfg.Arch)
		}
	}
	return nil
}
