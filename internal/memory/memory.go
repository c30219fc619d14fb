// Package memory estimates how much memory a command may still allocate, so
// that sizes are refused with a clear error before an allocation fails.
package memory

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Available returns the bytes this process may still allocate: the
// smaller of the kernel's MemAvailable (/proc/meminfo) and the room left
// under a cgroup v2 or v1 memory limit (cgroupRoom). Where neither can be
// read it returns math.MaxInt64 (no limit known).
func Available() int64 {
	avail := int64(math.MaxInt64)
	if v, ok := meminfo("MemAvailable"); ok {
		avail = v
	}
	if v, ok := cgroupRoom("/sys/fs/cgroup"); ok {
		avail = min(avail, v)
	}
	return avail
}

// cgroupFiles name, for cgroup v2 and v1 (relative to the cgroup mount),
// the memory limit, the usage and the statistics file with the key of its
// inactive file cache.
var cgroupFiles = []struct{ limit, usage, stat, inactive string }{
	{"memory.max", "memory.current", "memory.stat", "inactive_file"},
	{"memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes", "memory/memory.stat", "total_inactive_file"},
}

// cgroupRoom returns the room left under the memory limit of the cgroup
// mounted at root (v2, else v1):
//
//	limit − (usage − inactive file cache)
//
// The usage counts the page cache, and the inactive part of it (e.g. files
// read by a build) is reclaimed when memory is needed, so it is not taken
// (the working set, as container runtimes count it). A missing statistics
// file counts as no inactive cache. ok is false where no limit is set
// ("max"), the files cannot be read, or the working set is not below the
// limit (then MemAvailable alone is used, as it always was).
func cgroupRoom(root string) (room int64, ok bool) {
	for _, f := range cgroupFiles {
		limit, ok1 := readInt(filepath.Join(root, f.limit))
		used, ok2 := readInt(filepath.Join(root, f.usage))
		if !ok1 || !ok2 {
			continue
		}
		if inactive, ok := statValue(filepath.Join(root, f.stat), f.inactive); ok {
			used -= min(inactive, used)
		}
		if limit > used {
			return limit - used, true
		}
	}
	return 0, false
}

// statValue reads the value of key from a cgroup memory.stat file (lines
// "key value").
func statValue(path, key string) (int64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), " ")
		if k == key {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil && n >= 0
		}
	}
	return 0, false
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
