package data

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/internal/datatest"
)

// realDir returns Dir() if it holds all converted files of dataset. If not,
// the test is skipped, or fails when CHAOSGEN_REQUIRE_DATA=1 (as in CI, after
// `chaosgen data fetch`).
func realDir(t *testing.T, dataset string) string {
	t.Helper()
	dir := Dir()
	for _, name := range datasetFiles(dataset) {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			datatest.Missing(t, fmt.Errorf("%s data missing: %v", dataset, err))
		}
	}
	return dir
}

func TestRealData(t *testing.T) {
	for _, ds := range Datasets() {
		t.Run(ds, func(t *testing.T) {
			dir := realDir(t, ds)
			in, err := Inspect(dir, ds)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range in.Files {
				if !f.OK {
					t.Errorf("%s: %s", f.Path, f.Status)
				} else if !f.GzipPinned {
					t.Logf("%s: IDX data verified, .gz bytes differ from their pin (other Go compressor)", f.Path)
				}
			}
			if wantSkipped := map[string]int{"mnist": 0, "fashion-mnist": 2}[ds]; in.Skipped != wantSkipped {
				t.Errorf("skipped %d, want %d", in.Skipped, wantSkipped)
			}
			for split, n := range map[string]int{"train": 60000, "test": 10000} {
				s, err := LoadFrom(dir, ds, split)
				if err != nil {
					t.Fatal(err)
				}
				checkRealSet(t, s, n)
			}
		})
	}
}

func checkRealSet(t *testing.T, s *Set, n int) {
	t.Helper()
	if s.Len() != n || s.X.Rows != n || s.X.Cols != Pixels || s.X.Stride != Pixels || len(s.X.Data) != n*Pixels {
		t.Fatalf("%s/%s: %d labels, X %d×%d stride %d len %d; want %d×%d", s.Dataset, s.Split,
			s.Len(), s.X.Rows, s.X.Cols, s.X.Stride, len(s.X.Data), n, Pixels)
	}
	lo, hi := s.X.Data[0], s.X.Data[0]
	for _, v := range s.X.Data {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo != -1 || hi != 1 {
		t.Errorf("%s/%s: values in [%v, %v], want exactly [-1, 1]", s.Dataset, s.Split, lo, hi)
	}
	var counts [Classes]int
	for _, l := range s.Head(1000).Labels {
		counts[l]++
	}
	for c, k := range counts {
		if k != 100 {
			t.Errorf("%s/%s: first 1000 images hold %d of class %d, want 100 (%v)", s.Dataset, s.Split, k, c, counts)
		}
	}
	// Round robin: label k is k mod 10 until the smallest class runs out.
	counts = [Classes]int{}
	for _, l := range s.Labels {
		counts[l]++
	}
	m := slices.Min(counts[:])
	for k, l := range s.Labels[:Classes*m] {
		if int(l) != k%Classes {
			t.Fatalf("%s/%s: label %d at %d breaks the round robin", s.Dataset, s.Split, l, k)
		}
	}
	if s.Dataset == "fashion-mnist" && m != n/Classes {
		t.Errorf("fashion-mnist/%s: class counts %v, want %d each", s.Split, counts, n/Classes)
	}
}

// copyReal copies dataset files from the real data dir into a temp dir.
func copyReal(t *testing.T, dataset string, names ...string) string {
	t.Helper()
	src := realDir(t, dataset)
	dst := t.TempDir()
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dst, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestCorruptCache(t *testing.T) {
	img, lbl := fileName("mnist", "test", false), fileName("mnist", "test", true)
	edits := map[string]struct {
		file string
		edit func([]byte) []byte
		want string
	}{
		"flipped byte":     {img, func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }, "corrupt gzip"},
		"truncated":        {lbl, func(b []byte) []byte { return b[:len(b)-9] }, "corrupt gzip"},
		"empty":            {lbl, func([]byte) []byte { return nil }, "empty file"},
		"stray bytes":      {lbl, func(b []byte) []byte { return append(b, "garbage"...) }, "followed by stray bytes"},
		"more stray bytes": {lbl, func(b []byte) []byte { return append(b, "twenty bytes of junk"...) }, "stray bytes after the compressed data"},
		"changed pixel": {img, func(b []byte) []byte {
			c, _ := gunzip(b)
			c[len(c)-1] ^= 1
			return gzipBytes(c) // valid gzip and IDX: only the checksum can tell
		}, "checksum mismatch"},
		"bad magic": {img, func(b []byte) []byte {
			c, _ := gunzip(b)
			c[3] = 2
			return gzipBytes(c)
		}, "bad magic"},
	}
	for name, e := range edits {
		t.Run(name, func(t *testing.T) {
			dir := copyReal(t, "mnist", img, lbl)
			if _, err := LoadFrom(dir, "mnist", "test"); err != nil {
				t.Fatalf("intact copy: %v", err)
			}
			path := filepath.Join(dir, e.file)
			b, _ := os.ReadFile(path)
			os.WriteFile(path, e.edit(b), 0o644)
			_, err := LoadFrom(dir, "mnist", "test")
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), e.want) || !strings.Contains(err.Error(), "`chaosgen data fetch` replaces it") {
				t.Fatalf("LoadFrom error %v; want one naming %s, containing %q and the remedy", err, path, e.want)
			}
		})
	}
}

// TestFetchRepairs damages one MNIST file of a copied data dir and checks that
// Fetch (which needs the go tool) rewrites just that file, then is a no-op.
func TestFetchRepairs(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod download")
	}
	var names []string
	for _, ds := range Datasets() {
		realDir(t, ds)
		names = append(names, datasetFiles(ds)...)
	}
	dir := copyReal(t, "mnist", names...)
	bad := filepath.Join(dir, fileName("mnist", "test", false))
	os.WriteFile(bad, []byte("junk"), 0o644)
	os.Remove(filepath.Join(dir, fileName("mnist", "train", true)))
	var log bytes.Buffer
	if err := Fetch(dir, &log); err != nil {
		t.Fatalf("Fetch: %v\n%s", err, &log)
	}
	if got := strings.Count(log.String(), "wrote "); got != 2 || strings.Contains(log.String(), "fashion-mnist: fetching") {
		t.Errorf("Fetch should rewrite exactly the 2 bad MNIST files; log:\n%s", &log)
	}
	if _, err := LoadFrom(dir, "mnist", "test"); err != nil {
		t.Fatal(err)
	}
	log.Reset()
	if err := Fetch(dir, &log); err != nil || !strings.Contains(log.String(), "nothing to do") {
		t.Fatalf("second Fetch: %v\n%s", err, &log)
	}
}
