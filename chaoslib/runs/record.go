package runs

import (
	"encoding/json"
	"fmt"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/rbm"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// RunInfo is the part of a run's config.json that every kind of run has.
type RunInfo struct {
	Command   string   `json:"command,omitempty"`    // the command line that started the run
	ResumedBy []string `json:"resumed_by,omitempty"` // the command lines that resumed it, oldest first
	Device    string   `json:"device"`               // compute device
	// BLAS names the OpenBLAS kernels of a CPU run (openblas.Kernel), as
	// "A, resumed with B" when a resume used others: another kernel family
	// rounds the GEMMs differently, so the same seed gives other parameters.
	BLAS      string `json:"blas,omitempty"`
	EvalEvery int    `json:"eval_every"` // steps between metrics rows
	EvalN     int    `json:"eval_n"`     // test images (and samples) per metrics row
}

// RunRecord is config.json of a chaotic model's run.
type RunRecord struct {
	Config chaoslib.Config `json:"config"`
	RunInfo
}

// RBMRecord is config.json of an RBM run.
type RBMRecord struct {
	Model  string     `json:"model"` // "rbm"
	Config rbm.Config `json:"config"`
	RunInfo
	Note string `json:"note"` // how the RBM's metrics differ from a chaotic run's
}

// MaxRecordBytes bounds the JSON records of a run folder that are read
// back (config.json, sweep.json, scores); a run's are a few kB.
const MaxRecordBytes = 1 << 20

// readJSON reads a run's config.json into v; errors name the file.
func readJSON(run string, v any) error {
	path := RecordPath(run)
	raw, err := safefile.ReadRegular(path, MaxRecordBytes)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadRunRecord reads a chaotic run's config.json and checks it, so that a
// hand-edited file is refused naming itself: an RBM's record, a config that
// Validate refuses, and a negative eval_every or eval_n are errors.
func ReadRunRecord(run string) (RunRecord, error) {
	var r struct {
		RunRecord
		Model string `json:"model"`
	}
	if err := readJSON(run, &r); err != nil {
		return r.RunRecord, err
	}
	path := RecordPath(run)
	switch {
	case r.Model == KindRBM:
		return r.RunRecord, fmt.Errorf("%s is an RBM run's: use chaosgen rbm", path)
	case r.EvalEvery < 0 || r.EvalN < 0:
		return r.RunRecord, fmt.Errorf("%s: eval_every %d and eval_n %d must be ≥ 0", path, r.EvalEvery, r.EvalN)
	}
	if err := r.Config.Validate(); err != nil {
		return r.RunRecord, fmt.Errorf("%s: %w", path, err)
	}
	return r.RunRecord, nil
}

// ReadRBMRecord reads an RBM run's config.json.
func ReadRBMRecord(run string) (RBMRecord, error) {
	var r RBMRecord
	if err := readJSON(run, &r); err != nil {
		return r, err
	}
	if r.Model != "rbm" {
		return r, fmt.Errorf("%s is not an RBM run (model %q)", RecordPath(run), r.Model)
	}
	return r, nil
}

// ReadBatch reads B, the training images per update, from a run's
// config.json, a chaotic model's or an RBM's.
func ReadBatch(run string) (int, error) {
	var r struct {
		Config struct {
			Batch int `json:"batch"`
		} `json:"config"`
	}
	if err := readJSON(run, &r); err != nil {
		return 0, err
	}
	if r.Config.Batch <= 0 {
		return 0, fmt.Errorf("%s: config.batch is %d; it must be ≥ 1", RecordPath(run), r.Config.Batch)
	}
	return r.Config.Batch, nil
}
