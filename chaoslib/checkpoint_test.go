package chaoslib

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointRoundTrip: save then load gives the same config, step, RNG
// state and every array bit for bit.
func TestCheckpointRoundTrip(t *testing.T) {
	for _, arch := range Archs() {
		tr := mustTrainer(t, toyConfig(arch))
		if err := tr.Train(nil); err != nil {
			t.Fatal(err)
		}
		ck := tr.Checkpoint()
		ck.Extra = map[string]any{"note": "hello"}
		got := saveLoad(t, ck)
		if got.Step != ck.Step || !bytes.Equal(got.RNG, ck.RNG) || !paramsEqual(got.Params, ck.Params) ||
			got.Config.Arch != arch || got.Extra["note"] != "hello" {
			t.Fatalf("%s: round trip changed the checkpoint", arch)
		}
		m, err := got.Model(newCPU(t))
		if err != nil {
			t.Fatal(err)
		}
		if !paramsEqual(m.Params(), ck.Params) {
			t.Fatalf("%s: rebuilt model differs", arch)
		}
	}
}

// TestResumeBitIdentical: N steps in one go equal k steps, save, load, and
// N − k more, for every architecture.
func TestResumeBitIdentical(t *testing.T) {
	for _, arch := range Archs() {
		cfg := toyConfig(arch)
		cfg.Steps = 6
		whole, resumed := wholeAndResumed(t, cfg, 2)
		if resumed.Step != 6 || !paramsEqual(whole.M.Params(), resumed.M.Params()) {
			t.Fatalf("%s: resumed run differs from the run in one go", arch)
		}
	}
}

// wholeAndResumed trains cfg for cfg.Steps in one go, and again for k
// steps, through a checkpoint file, then to cfg.Steps.
func wholeAndResumed(t *testing.T, cfg Config, k int) (whole, resumed *Trainer) {
	t.Helper()
	whole = mustTrainer(t, cfg)
	if err := whole.Train(nil); err != nil {
		t.Fatal(err)
	}
	part := mustTrainer(t, cfg)
	for range k {
		if _, err := part.TrainStep(); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "ck.npz")
	if err := part.Checkpoint().Save(path); err != nil {
		t.Fatal(err)
	}
	ck, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if resumed, err = ck.Resume(newCPU(t), toyData(64, cfg.N, 1)); err != nil {
		t.Fatal(err)
	}
	if err := resumed.Train(nil); err != nil {
		t.Fatal(err)
	}
	return whole, resumed
}

// TestCheckpointDamage: truncation, a flipped byte, a foreign zip and a
// non-zip file each give a clear error.
func TestCheckpointDamage(t *testing.T) {
	tr := mustTrainer(t, toyConfig(Restricted))
	dir := t.TempDir()
	path := filepath.Join(dir, "ck.npz")
	if err := tr.Checkpoint().Save(path); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)/3] ^= 0xff
	cases := map[string][]byte{
		"truncated": good[:len(good)/2],
		"flipped":   flipped,
		"not a zip": []byte("hello, world"),
		"empty":     nil,
	}
	for name, raw := range cases {
		p := filepath.Join(dir, name+".npz")
		os.WriteFile(p, raw, 0o644)
		_, err := LoadCheckpoint(p)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := LoadCheckpoint(filepath.Join(dir, "missing.npz")); err == nil {
		t.Error("missing file: no error")
	}
}

// FuzzParseCheckpoint: the reader never panics, whatever the bytes.
func FuzzParseCheckpoint(f *testing.F) {
	tr := mustTrainer(f, toyConfig(Unrestricted))
	var buf bytes.Buffer
	path := filepath.Join(f.TempDir(), "seed.npz")
	if err := tr.Checkpoint().Save(path); err != nil {
		f.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	buf.Write(good)
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ck, err := ParseCheckpoint(raw)
		if err == nil && ck == nil {
			t.Fatal("nil checkpoint without error")
		}
	})
}

// TestCompactCheckpoint: a compacted checkpoint stores only trained arrays,
// rebuilds the same model, and rejects couplings that do not match.
func TestCompactCheckpoint(t *testing.T) {
	for _, arch := range Archs() {
		tr := mustTrainer(t, toyConfig(arch))
		if err := tr.Train(nil); err != nil {
			t.Fatal(err)
		}
		ck := tr.Checkpoint()
		ck.Compact()
		for _, p := range ck.Params {
			if !p.Trained {
				t.Fatalf("%s: compacted checkpoint stores %s", arch, p.Name)
			}
		}
		got, m := saveLoadModel(t, ck)
		if !paramsEqual(m.Params(), tr.M.Params()) {
			t.Fatalf("%s: compacted checkpoint rebuilt another model", arch)
		}
		got.Regenerated[0].SHA256 = strings.Repeat("0", 64)
		if _, err := got.Model(newCPU(t)); err == nil || !strings.Contains(err.Error(), "redrawn") {
			t.Fatalf("%s: wrong coupling checksum accepted: %v", arch, err)
		}
	}
}

// TestCheckpointForSampling: a checkpoint of a run with EMA and Adam,
// reduced for sampling, holds no training state, gives the same sampling
// model (the averages) as the full one, and refuses to resume.
func TestCheckpointForSampling(t *testing.T) {
	cfg := toyConfig(Restricted)
	cfg.EMA, cfg.Optimizer = 0.9, "adam"
	tr := mustTrainer(t, cfg)
	if err := tr.Train(nil); err != nil {
		t.Fatal(err)
	}
	full := tr.Checkpoint()
	want, err := full.Model(newCPU(t))
	if err != nil {
		t.Fatal(err)
	}
	ck := tr.Checkpoint()
	ck.Compact()
	ck.ForSampling()
	got, m := saveLoadModel(t, ck)
	if len(got.State) != 0 {
		t.Fatalf("reduced checkpoint keeps %d state arrays", len(got.State))
	}
	if !paramsEqual(m.Params(), want.Params()) {
		t.Fatal("reduced checkpoint rebuilt another sampling model than the averages")
	}
	if paramsEqual(m.Params(), tr.M.Params()) {
		t.Fatal("the averages equal the raw parameters: the test cannot tell them apart")
	}
	if _, err := got.Resume(newCPU(t), toyData(64, cfg.N, 1)); err == nil || !strings.Contains(err.Error(), "reduced for sampling") {
		t.Fatalf("Resume of a reduced checkpoint: %v", err)
	}
}

// TestCheckpointFloat16: a sampling checkpoint stored in half floats loads
// as the rounded parameters, each within 2⁻¹¹ of its float32 value
// (relative, or 2⁻²⁵ absolute below the normal halves), some of them
// changed; the fixed couplings are redrawn in full precision; a checkpoint
// that keeps its training state is refused.
func TestCheckpointFloat16(t *testing.T) {
	for _, arch := range Archs() {
		tr := mustTrainer(t, toyConfig(arch))
		if err := tr.Train(nil); err != nil {
			t.Fatal(err)
		}
		if err := tr.Checkpoint().Float16(); err == nil || !strings.Contains(err.Error(), "reduced for sampling") {
			t.Fatalf("%s: Float16 of a full checkpoint: %v", arch, err)
		}
		ck := tr.Checkpoint()
		ck.Compact()
		ck.ForSampling()
		if err := ck.Float16(); err != nil {
			t.Fatal(err)
		}
		got, m := saveLoadModel(t, ck)
		if got.Extra[float16Key] != true {
			t.Fatalf("%s: the loaded checkpoint lost its half-float mark, so saving it again would store float32", arch)
		}
		changed := 0
		raw := map[string]Param{}
		for _, p := range tr.M.Params() {
			raw[p.Name] = p
		}
		for _, p := range m.Params() {
			for i, v := range p.Data {
				w := raw[p.Name].Data[i]
				if !p.Trained && v != w {
					t.Fatalf("%s: fixed coupling %s[%d] = %g, want %g", arch, p.Name, i, v, w)
				}
				if d := math.Abs(float64(v - w)); d > math.Max(math.Abs(float64(w))/2048, 1.0/(1<<25)) {
					t.Fatalf("%s: %s[%d] = %g from %g, further than half a half-float ulp", arch, p.Name, i, v, w)
				}
				if v != w {
					changed++
				}
			}
		}
		if changed == 0 {
			t.Fatalf("%s: no parameter changed: the test cannot tell the rounding happened", arch)
		}
	}
	// a parameter beyond the half-float range is refused, and nothing is rounded
	tr := mustTrainer(t, toyConfig(Restricted))
	ck := tr.Checkpoint()
	ck.ForSampling()
	first := ck.Params[0].Data[0]
	last := &ck.Params[len(ck.Params)-1].Data[0]
	*last = 70000
	if err := ck.Float16(); err == nil || !strings.Contains(err.Error(), "beyond the half-float range") || ck.Params[0].Data[0] != first || *last != 70000 {
		t.Errorf("Float16 with 70000: %v", err)
	}
}

// saveLoad saves ck to a temporary file and loads it back.
func saveLoad(t *testing.T, ck *Checkpoint) *Checkpoint {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ck.npz")
	if err := ck.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// saveLoadModel is saveLoad, then the loaded checkpoint's sampling model on
// the CPU.
func saveLoadModel(t *testing.T, ck *Checkpoint) (*Checkpoint, *Model) {
	t.Helper()
	got := saveLoad(t, ck)
	m, err := got.Model(newCPU(t))
	if err != nil {
		t.Fatal(err)
	}
	return got, m
}
