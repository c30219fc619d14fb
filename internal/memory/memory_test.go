package memory

import (
	"os"
	"path/filepath"
	"testing"
)

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

// TestCgroupRoom reads hand-written cgroup v2 and v1 files: the room is the
// limit less the usage without its inactive file cache.
func TestCgroupRoom(t *testing.T) {
	const gib = 1 << 30
	for _, c := range []struct {
		name  string
		files map[string]string
		room  int64
		ok    bool
	}{
		{"v2, page cache reclaimable", map[string]string{
			"memory.max": "8589934592\n", "memory.current": "8489271296\n", // 8 GiB, 8 GiB − 96 MiB
			"memory.stat": "anon 1073741824\nfile 7300000000\nactive_file 300000000\ninactive_file 6979321856\n"},
			8589934592 - (8489271296 - 6979321856), true}, // 7,079,985,152 B
		{"v2, no memory.stat", map[string]string{"memory.max": "8589934592", "memory.current": "4294967296"}, 4 * gib, true},
		{"v2, no limit", map[string]string{"memory.max": "max\n", "memory.current": "4294967296\n", "memory.stat": "inactive_file 100\n"}, 0, false},
		{"v2, working set at the limit", map[string]string{"memory.max": "1000", "memory.current": "1200", "memory.stat": "inactive_file 100\n"}, 0, false},
		{"v1", map[string]string{
			"memory/memory.limit_in_bytes": "4294967296\n", "memory/memory.usage_in_bytes": "4000000000\n",
			"memory/memory.stat": "cache 3000000000\ninactive_file 5\ntotal_inactive_file 2500000000\n"},
			4294967296 - (4000000000 - 2500000000), true},
		{"none", map[string]string{}, 0, false},
	} {
		root := t.TempDir()
		for name, text := range c.files {
			p := filepath.Join(root, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if room, ok := cgroupRoom(root); room != c.room || ok != c.ok {
			t.Errorf("%s: cgroupRoom = %d, %v; want %d, %v", c.name, room, ok, c.room, c.ok)
		}
	}
}
