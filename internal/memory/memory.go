// Package memory estimates how much memory a command may still allocate, so
// that sizes are refused with a clear error before an allocation fails.
package memory

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Available returns the bytes this process may still allocate: the
// smaller of the kernel's MemAvailable (/proc/meminfo) and the room left
// under a cgroup v2 or v1 memory limit. Where neither can be read it
// returns math.MaxInt64 (no limit known).
func Available() int64 {
	avail := int64(math.MaxInt64)
	if v, ok := meminfo("MemAvailable"); ok {
		avail = v
	}
	for _, p := range [][2]string{
		{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
		{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"},
	} {
		limit, ok1 := readInt(p[0])
		used, ok2 := readInt(p[1])
		if ok1 && ok2 && limit > used {
			avail = min(avail, limit-used)
		}
	}
	return avail
}

// meminfo reads a "Key: N kB" line of /proc/meminfo in bytes.
func meminfo(key string) (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || k != key {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		v, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil || v < 0 || v > math.MaxInt64/1024 {
			return 0, false
		}
		return v * 1024, true
	}
	return 0, false
}

// readInt reads a file holding one integer ("max" and junk read as absent).
func readInt(path string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return v, err == nil && v >= 0
}

// Bytes writes n bytes for people: "512 B", "3.1 MB", "80 TB" (powers of 1000).
func Bytes(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB", "EB"}
	v, u := float64(n), 0
	for v >= 1000 && u < len(units)-1 {
		v /= 1000
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.3g %s", v, units[u])
}
