package main

import "testing"

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
