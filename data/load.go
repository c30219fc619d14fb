package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Load loads one split of one data set from Dir(); see LoadFrom.
func Load(dataset, split string) (*Set, error) { return LoadFrom(Dir(), dataset, split) }

// LoadFrom loads one split ("train" or "test") of one data set ("mnist" or
// "fashion-mnist") from the data directory dir. Both files of the split are
// checked: gzip integrity, IDX magic and shape (n×28×28 images, n labels < 10)
// and the pinned SHA-256 of the decompressed IDX data. Every error names the
// file and the problem; missing files point to `chaosgen data fetch`.
func LoadFrom(dir, dataset, split string) (*Set, error) {
	if err := checkDataset(dataset); err != nil {
		return nil, err
	}
	if err := checkSplit(split); err != nil {
		return nil, err
	}
	pix, _, err := readImagesFile(dir, fileName(dataset, split, false))
	if err != nil {
		return nil, err
	}
	labels, _, err := readLabelsFile(dir, fileName(dataset, split, true))
	if err != nil {
		return nil, err
	}
	if n := len(pix) / Pixels; n != len(labels) {
		return nil, fmt.Errorf("data: %s/%s: %d images but %d labels", dataset, split, n, len(labels))
	}
	return newSet(dataset, split, pix, labels), nil
}

// readImagesFile reads and verifies the converted image file name (relative
// to dir). gzOK reports whether the .gz bytes also match their pinned sum.
func readImagesFile(dir, name string) (pix []byte, gzOK bool, err error) {
	path := filepath.Join(dir, filepath.FromSlash(name))
	raw, content, err := readGz(dir, path)
	if err != nil {
		return nil, false, err
	}
	pix, err = parseImages(path, content)
	if err != nil {
		return nil, false, err
	}
	gzOK, err = checkSums(path, raw, content, convertedSums[name])
	return pix, gzOK, err
}

// readLabelsFile is readImagesFile for label files.
func readLabelsFile(dir, name string) (labels []byte, gzOK bool, err error) {
	path := filepath.Join(dir, filepath.FromSlash(name))
	raw, content, err := readGz(dir, path)
	if err != nil {
		return nil, false, err
	}
	labels, err = parseLabels(path, content)
	if err != nil {
		return nil, false, err
	}
	gzOK, err = checkSums(path, raw, content, convertedSums[name])
	return labels, gzOK, err
}

// errMissing marks a data file that does not exist.
var errMissing = errors.New("missing")

// readGz returns a file's bytes and its decompressed content.
func readGz(dir, path string) (raw, content []byte, err error) {
	raw, err = os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("data file %s is %w: run `chaosgen data fetch` to download and convert the data (data dir %s; set CHAOSGEN_DATA to use another)", path, errMissing, dir)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("data file %s: %w", path, err)
	}
	content, err = gunzip(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("data file %s: %w (`chaosgen data fetch` replaces it)", path, err)
	}
	return raw, content, nil
}

// parseImages parses IDX image content and requires 28×28 images.
func parseImages(path string, content []byte) ([]byte, error) {
	d, pix, err := parseIDX(content, MagicImages, 3)
	if err != nil {
		return nil, fmt.Errorf("data file %s: %w (`chaosgen data fetch` replaces it)", path, err)
	}
	if d[1] != Side || d[2] != Side {
		return nil, fmt.Errorf("data file %s: wrong shape: images are %d×%d, want %d×%d (`chaosgen data fetch` replaces it)", path, d[1], d[2], Side, Side)
	}
	return pix, nil
}

// parseLabels parses IDX label content and requires labels < Classes.
func parseLabels(path string, content []byte) ([]byte, error) {
	_, labels, err := parseIDX(content, MagicLabels, 1)
	if err != nil {
		return nil, fmt.Errorf("data file %s: %w (`chaosgen data fetch` replaces it)", path, err)
	}
	for i, l := range labels {
		if l >= Classes {
			return nil, fmt.Errorf("data file %s: label %d at index %d is not in 0..%d (`chaosgen data fetch` replaces it)", path, l, i, Classes-1)
		}
	}
	return labels, nil
}

// checkSums compares the decompressed content with its pinned SHA-256 (the
// authority: it does not depend on the compressor) and reports whether the
// .gz bytes match theirs too.
func checkSums(path string, raw, content []byte, want pinned) (gzOK bool, err error) {
	if got := sha256Hex(content); got != want.idx {
		return false, fmt.Errorf("data file %s: checksum mismatch: decompressed IDX data has SHA-256 %s, pinned %s (`chaosgen data fetch` replaces it)", path, got, want.idx)
	}
	return sha256Hex(raw) == want.gz, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
