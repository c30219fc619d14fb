package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFetchMissingTools(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // neither go nor npm on PATH
	var log strings.Builder
	err := Fetch(t.TempDir(), &log)
	if err == nil {
		t.Fatal("Fetch without go and npm succeeded")
	}
	for _, want := range []string{`"go" tool`, "apt-get install golang", `"npm" tool`, "apt-get install npm"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// TestFetchDirIsFile: a data folder that cannot be made (here a file) is
// refused before any download starts.
func TestFetchDirIsFile(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // a download would fail on the missing tools instead
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	var log strings.Builder
	err := Fetch(file, &log)
	if err == nil || !strings.Contains(err.Error(), "the data folder "+file) || strings.Contains(log.String(), "fetching") {
		t.Errorf("Fetch into a file: %v; log %q", err, log.String())
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.gz")
	for _, s := range []string{"first", "second"} {
		if err := writeFileAtomic(path, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != s {
			t.Fatalf("file holds %q, want %q", b, s)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Fatalf("temp files left behind: %v", ents)
	}
	if err := writeFileAtomic(filepath.Join(dir, "no", "such", "dir"), []byte("x")); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
}

// TestFetchRemovesStaleTemps: the temp file of a fetch killed while it
// wrote is removed by the next fetch once it is older than staleAfter; a
// fresh one (another fetch at work) and other files, even of a similar
// name, are left alone.
func TestFetchRemovesStaleTemps(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // the fetch itself fails on the missing tools
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "mnist"), 0o755)
	p := func(name string) string { return filepath.Join(dir, "mnist", name) }
	old, fresh := p(".train-images-idx3-ubyte.gz.tmp123"), p(".test-labels-idx1-ubyte.gz.tmp456")
	other, mine := p("notes.tmp789"), p(".train-images-idx3-ubyte.gz.tmp-mine")
	for _, f := range []string{old, fresh, other, mine} {
		os.WriteFile(f, []byte("partial"), 0o600)
	}
	long := time.Now().Add(-2 * staleAfter)
	for _, f := range []string{old, other, mine} {
		os.Chtimes(f, long, long)
	}
	var log strings.Builder
	Fetch(dir, &log)
	if _, err := os.Stat(old); !os.IsNotExist(err) || !strings.Contains(log.String(), "removed "+old) {
		t.Errorf("stale temp file: stat %v; log %q", err, log.String())
	}
	for _, f := range []string{fresh, other, mine} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: %v", f, err)
		}
	}
}

func TestLoadFromErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadFrom(dir, "mnist", "train")
	if err == nil || !strings.Contains(err.Error(), "chaosgen data fetch") || !strings.Contains(err.Error(), filepath.Join(dir, "mnist")) {
		t.Fatalf("LoadFrom on an empty dir: %v", err)
	}
	if _, err := LoadFrom(dir, "cifar", "train"); err == nil || !strings.Contains(err.Error(), "mnist, fashion-mnist") {
		t.Fatalf("unknown dataset: %v", err)
	}
	if _, err := LoadFrom(dir, "mnist", "val"); err == nil || !strings.Contains(err.Error(), "train, test") {
		t.Fatalf("unknown split: %v", err)
	}
	in, err := Inspect(dir, "fashion-mnist")
	if err != nil || in.OK || len(in.Files) != 4 || in.Files[0].Status != "missing" || in.Skipped != FashionSkipped {
		t.Fatalf("Inspect on an empty dir: %+v %v", in, err)
	}
}

func TestDir(t *testing.T) {
	t.Setenv("CHAOSGEN_DATA", "/x/data")
	t.Setenv("XDG_CACHE_HOME", "/y/cache")
	if d := Dir(); d != "/x/data" {
		t.Errorf("Dir() = %q with CHAOSGEN_DATA set", d)
	}
	t.Setenv("CHAOSGEN_DATA", "")
	if d := Dir(); d != "/y/cache/chaosgen" {
		t.Errorf("Dir() = %q with XDG_CACHE_HOME set", d)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/z")
	if d := Dir(); d != "/z/.cache/chaosgen" {
		t.Errorf("Dir() = %q with only HOME set", d)
	}
}
