package memory

import "testing"

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {999, "999 B"}, {1000, "1 kB"}, {3_100_000, "3.1 MB"}, {80e12, "80 TB"}, {1 << 62, "4.61 EB"}} {
		if got := Bytes(c.n); got != c.want {
			t.Errorf("Bytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestAvailable: on Linux the kernel reports a positive amount below the
// machine's total.
func TestAvailable(t *testing.T) {
	total, ok := meminfo("MemTotal")
	if !ok {
		t.Skip("no /proc/meminfo")
	}
	if a := Available(); a <= 0 || a > total {
		t.Fatalf("Available() = %d, want in (0, MemTotal = %d]", a, total)
	}
}
