package safefile

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestCheckOutput: every kind of bad output is refused with its reason, and
// nothing is created.
func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.npz")
	os.WriteFile(in, []byte("x"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(in, link)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for _, c := range []struct {
		out    string
		inputs []string
		want   string // "" for accepted
	}{
		{filepath.Join(dir, "new.npy"), nil, ""},
		{in, nil, ""}, // overwriting a regular file that is no input
		{in, []string{"", in}, "also the input"},
		{filepath.Join(dir, ".", "in.npz"), []string{in}, "also the input"},
		{"", nil, "empty path"},
		{"/dev/null", nil, "a device"},
		{"/dev/full", nil, "a device"},
		{link, nil, "a symbolic link"},
		{filepath.Join(dir, "sub"), nil, "a folder"},
		{filepath.Join(dir, "missing", "x.npy"), nil, "does not exist"},
		{filepath.Join(in, "x.npy"), nil, "is not a folder"},
	} {
		err := CheckOutput(c.out, c.inputs...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckOutput(%q): %v", c.out, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckOutput(%q, %q) = %v, want %q", c.out, c.inputs, err, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "new.npy")); !os.IsNotExist(err) {
		t.Errorf("CheckOutput created its output")
	}
}

// TestWriteAtomic: a regular file is replaced whole; a device or a symbolic
// link is refused and left as it was; no temporary file remains.
func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.txt")
	for _, s := range []string{"first", "second"} {
		if err := WriteAtomic(p, []byte(s)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(p); string(b) != s {
			t.Fatalf("read %q, want %q", b, s)
		}
	}
	link := filepath.Join(dir, "link")
	os.Symlink(p, link)
	for _, bad := range []string{link, "/dev/null", dir, ""} {
		if err := WriteAtomic(bad, []byte("x")); err == nil {
			t.Errorf("WriteAtomic(%q) succeeded", bad)
		}
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced")
	}
	if st, err := os.Stat("/dev/null"); err != nil || st.Mode()&os.ModeDevice == 0 {
		t.Fatalf("/dev/null is no longer a device!")
	}
	failing := filepath.Join(dir, "b.txt")
	if err := WriteAtomicFunc(failing, func(w io.Writer) error { return io.ErrShortWrite }); err == nil {
		t.Errorf("a failing writer reported success")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") || e.Name() == "b.txt" {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

// TestReadRegular: devices are refused unread, sizes above the limit too.
func TestReadRegular(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	os.WriteFile(p, bytes.Repeat([]byte{7}, 100), 0o644)
	fifo := filepath.Join(filepath.Dir(p), "fifo") // opening it to read would wait for a writer
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadRegular(p, 100); err != nil || len(b) != 100 {
		t.Fatalf("ReadRegular = %d bytes, %v", len(b), err)
	}
	for _, c := range []struct {
		path  string
		limit int64
		want  string
	}{{p, 99, "more than"}, {"/dev/zero", 1 << 30, "not a regular file"}, {filepath.Dir(p), 1 << 30, "not a regular file"},
		{fifo, 1 << 30, "not a regular file (a named pipe)"}} {
		if _, err := ReadRegular(c.path, c.limit); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadRegular(%s, %d) = %v, want %q", c.path, c.limit, err, c.want)
		}
	}
}

// TestClaimRunDir covers the kind marker and the lock: own kind and empty
// folders are accepted, foreign ones refused; a held lock is refused naming
// the PID; a stale one is taken over with a warning; release frees it.
func TestClaimRunDir(t *testing.T) {
	root := t.TempDir()
	isTrain := func(dir string) bool { _, err := os.Stat(filepath.Join(dir, "config.json")); return err == nil }
	var warnings []string
	warn := func(s string) { warnings = append(warnings, s) }

	fresh := filepath.Join(root, "new", "run")
	r, err := ClaimRunDir(fresh, "train", isTrain, warn)
	if err != nil {
		t.Fatal(err)
	}
	if k, _ := ReadKind(fresh); k != "train" {
		t.Fatalf("kind %q, want train", k)
	}
	b, _ := os.ReadFile(filepath.Join(fresh, LockFile))
	if strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock holds %q, want our PID", b)
	}
	if _, err := ClaimRunDir(fresh, "train", isTrain, warn); err == nil || !strings.Contains(err.Error(), "in use by process "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second claim: %v, want in use by our PID", err)
	}
	r.Release()
	r.Release()
	if _, err := os.Stat(filepath.Join(fresh, LockFile)); !os.IsNotExist(err) {
		t.Fatalf("lock file left after Release")
	}
	if _, err := ClaimRunDir(fresh, "rbm", nil, warn); err == nil || !strings.Contains(err.Error(), `holds a run of kind "train"`) {
		t.Fatalf("rbm in a train folder: %v", err)
	}

	legacy := filepath.Join(root, "legacy")
	os.Mkdir(legacy, 0o755)
	os.WriteFile(filepath.Join(legacy, "config.json"), []byte("{}"), 0o644)
	if _, err := ClaimRunDir(legacy, "rbm", nil, warn); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("rbm in an unmarked train folder: %v", err)
	}
	r, err = ClaimRunDir(legacy, "train", isTrain, warn)
	if err != nil {
		t.Fatalf("unmarked train folder: %v", err)
	}
	r.Release()

	// a lock left by a process that has exited
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("no `true` to get a dead PID:", err)
	}
	dead := cmd.Process.Pid
	os.WriteFile(filepath.Join(legacy, LockFile), []byte(strconv.Itoa(dead)+"\n"), 0o644)
	warnings = nil
	r, err = ClaimRunDir(legacy, "train", isTrain, warn)
	if err != nil {
		t.Fatalf("stale lock: %v", err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], strconv.Itoa(dead)) {
		t.Fatalf("warnings %q, want one naming PID %d", warnings, dead)
	}
	r.Release()

	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := ClaimRunDir(file, "train", nil, nil); err == nil {
		t.Fatalf("a file accepted as a run folder")
	}
}

// TestClaimRunDirRace: a command of another kind that claims an empty
// folder between ClaimRunDir's first check and its lock (and finishes) is
// seen once the lock is held: the claim is refused and the other command's
// marker is kept.
func TestClaimRunDirRace(t *testing.T) {
	dir := t.TempDir()
	raced := false
	beforeLock = func(d string) {
		if raced { // only the outer claim is raced
			return
		}
		raced = true
		r, err := ClaimRunDir(d, "rbm", nil, nil)
		if err != nil {
			t.Errorf("the other command's claim: %v", err)
			return
		}
		r.Release()
	}
	defer func() { beforeLock = func(string) {} }()
	if r, err := ClaimRunDir(dir, "train", nil, nil); err == nil {
		r.Release()
		t.Fatal("claimed a folder that another command had marked as its own meanwhile")
	} else if !strings.Contains(err.Error(), `holds a run of kind "rbm"`) {
		t.Fatalf("err = %v, want the other kind named", err)
	}
	if kind, err := ReadKind(dir); err != nil || kind != "rbm" {
		t.Fatalf("marker %q (%v), want the other command's \"rbm\"", kind, err)
	}
	if _, err := os.Stat(filepath.Join(dir, LockFile)); !os.IsNotExist(err) {
		t.Fatalf("the refused claim left its lock file: %v", err)
	}
}

// TestCheckRunDir: CheckRunDir refuses what ClaimRunDir refuses, for the
// same reason, and creates, marks and locks nothing.
func TestCheckRunDir(t *testing.T) {
	root := t.TempDir()
	p := func(name string) string { return filepath.Join(root, name) }
	isTrain := func(dir string) bool { _, err := os.Stat(filepath.Join(dir, "config.json")); return err == nil }
	os.WriteFile(p("file"), nil, 0o644)
	os.Mkdir(p("foreign"), 0o755)
	os.WriteFile(p("foreign/notes.txt"), []byte("x"), 0o644)
	os.Mkdir(p("legacy"), 0o755)
	os.WriteFile(p("legacy/config.json"), []byte("{}"), 0o644)
	os.Mkdir(p("empty"), 0o755)
	for _, name := range []string{"rbm", "train", "busy"} {
		r, err := ClaimRunDir(p(name), name, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if name != "busy" {
			r.Release()
		} else {
			defer r.Release()
		}
	}
	for _, tc := range []struct {
		dir, kind, want string // want: part of the error, "" for none
	}{
		{p("new/run"), "train", ""},
		{p("empty"), "train", ""},
		{p("train"), "train", ""},
		{p("legacy"), "train", ""},
		{p("file"), "train", "not a folder"},
		{p("file/run"), "train", "cannot create " + p("file/run") + ": " + p("file") + " is not a folder"},
		{p("foreign"), "train", "not empty"},
		{p("legacy"), "rbm", "not empty"},
		{p("rbm"), "train", `holds a run of kind "rbm"`},
		{p("busy"), "busy", "in use by process " + strconv.Itoa(os.Getpid())},
		{"", "train", "empty folder name"},
	} {
		before := listing(t, root)
		err := CheckRunDir(tc.dir, tc.kind, func(dir string) bool { return tc.kind == "train" && isTrain(dir) })
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s for %s: %v, want no error", tc.dir, tc.kind, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s for %s: %v, want an error with %q", tc.dir, tc.kind, err, tc.want)
		}
		if after := listing(t, root); after != before {
			t.Errorf("%s for %s changed the files:\n%s\nwas\n%s", tc.dir, tc.kind, after, before)
		}
	}
	// the check took no lock: the folder can still be claimed
	r, err := ClaimRunDir(p("train"), "train", nil, nil)
	if err != nil {
		t.Fatalf("claim after the check: %v", err)
	}
	r.Release()
}

// listing names every file and folder under root, one per line.
func listing(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		b.WriteString(path + "\n")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
