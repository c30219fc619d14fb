package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/datatest"
)

// TestRelativeOut: the --out folder, wherever it stands, becomes runs/<case>.
func TestRelativeOut(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"chaosgen train --out /work/r/x --model restricted", "chaosgen train --out runs/case --model restricted"},
		{"chaosgen rbm --dataset mnist --out /tmp/a", "chaosgen rbm --dataset mnist --out runs/case"},
		{"chaosgen train --model deep", "chaosgen train --model deep"},
		{"chaosgen train --out", "chaosgen train --out"},
		{"", ""},
	} {
		if got := relativeOut(c.in, "case"); got != c.want {
			t.Errorf("relativeOut(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestRunRefusesNothing: a folder with no model is an error and leaves
// RESULTS.md and results.json unwritten (before, an empty table replaced
// them); a case folder whose checkpoints/ is a file is an error, not a skip.
func TestRunRefusesNothing(t *testing.T) {
	for _, ds := range data.Datasets() { // run loads both
		if _, err := data.Load(ds, "test"); err != nil {
			datatest.Missing(t, err)
		}
	}
	dir := t.TempDir()
	t.Chdir(dir)
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if err := run(empty, 20, 20, filepath.Join(dir, "grids")); err == nil || !strings.Contains(err.Error(), "nothing to score") {
		t.Errorf("empty folder: %v", err)
	}
	for _, f := range []string{"RESULTS.md", filepath.Join(empty, "results.json"), filepath.Join(dir, "grids")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s written", f)
		}
	}
	bad := filepath.Join(dir, "bad")
	os.MkdirAll(filepath.Join(bad, "unrestricted-mnist"), 0o755)
	os.WriteFile(filepath.Join(bad, "unrestricted-mnist", "checkpoints"), []byte("x"), 0o644)
	if err := run(bad, 20, 20, filepath.Join(dir, "grids")); err == nil || !strings.Contains(err.Error(), "checkpoints") {
		t.Errorf("checkpoints/ a file: %v", err)
	}
}
