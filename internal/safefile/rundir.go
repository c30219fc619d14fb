package safefile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Files that ClaimRunDir keeps in a run folder.
const (
	// KindFile records which command's run a folder holds ("train",
	// "rbm", "sweep"), so that no command writes into another's folder.
	KindFile = ".chaosgen-run"
	// LockFile holds the PID of the process writing the folder; it is
	// locked with flock(2) while that process runs.
	LockFile = ".chaosgen.lock"
)

// RunDir is a claimed run folder; Release gives it up, Abandon gives it up
// as it was before the claim.
type RunDir struct {
	Dir    string
	lock   *os.File
	made   string // the highest folder the claim made (Dir or one above it); "" if none
	marked bool   // the claim wrote KindFile
}

// ClaimRunDir prepares dir for a run of the given kind and locks it:
//
//   - it creates dir if needed;
//   - a folder marked with another kind (KindFile) is refused; an unmarked
//     folder must be empty, or hold a run of this kind written before the
//     marker existed, as recognise reports (recognise may be nil);
//   - it takes LockFile: a second writer, in this or another process, gets
//     an error naming the PID that holds the lock; a lock left by a process
//     that is gone (killed, crashed) is taken over, and warn (if not nil)
//     is told so;
//   - it writes the marker if it is missing.
//
// The kind is checked again once the lock is held, so that of two commands
// of different kinds starting together on an empty folder, the second to
// lock it sees the first one's marker and is refused instead of
// overwriting it.
func ClaimRunDir(dir, kind string, recognise func(dir string) bool, warn func(string)) (*RunDir, error) {
	if dir == "" {
		return nil, errors.New("empty folder name")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, fmt.Errorf("%s exists and is not a folder", dir)
	}
	made := ""
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); !os.IsNotExist(err) || d == filepath.Dir(d) {
			break
		}
		made = d
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := checkKind(dir, kind, recognise); err != nil {
		return nil, err // refused before taking a lock
	}
	beforeLock(dir)
	r := &RunDir{Dir: dir, made: made}
	if err := r.takeLock(warn); err != nil {
		return nil, err
	}
	marked, err := checkKind(dir, kind, recognise) // another command may have claimed it meanwhile
	if err != nil {
		r.Release()
		return nil, err
	}
	if !marked {
		if err := WriteAtomic(filepath.Join(dir, KindFile), []byte(kind+"\n")); err != nil {
			r.Release()
			return nil, err
		}
		r.marked = true
	}
	return r, nil
}

// CheckRunDir reports the error that ClaimRunDir would give for dir and
// kind (a file in its place, a folder it cannot create or write, another
// kind's folder, a foreign non-empty folder, a lock held by a running
// process) without creating, marking or locking anything, so that a command
// can refuse early and leave no trace when it later fails for another
// reason.
func CheckRunDir(dir, kind string, recognise func(dir string) bool) error {
	if dir == "" {
		return errors.New("empty folder name")
	}
	st, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err) || errors.Is(err, unix.ENOTDIR):
		return checkCreatable(dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s exists and is not a folder", dir)
	}
	if err := writable(dir); err != nil {
		return err
	}
	if _, err := checkKind(dir, kind, recognise); err != nil {
		return err
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	defer f.Close()
	// A shared lock conflicts with the writer's exclusive one and, unlike an
	// exclusive one, may be taken on a file opened for reading only.
	if err := unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB); err != nil {
		if errors.Is(err, unix.EWOULDBLOCK) {
			return inUse(dir, readPID(f), path)
		}
		return fmt.Errorf("lock %s: %w", path, err)
	}
	return nil // closing f drops the lock
}

// checkCreatable refuses a missing folder dir whose nearest existing
// ancestor is not a writable folder, the cases where MkdirAll would fail.
func checkCreatable(dir string) error {
	for parent := filepath.Dir(dir); ; parent = filepath.Dir(parent) {
		st, err := os.Stat(parent)
		switch {
		case os.IsNotExist(err) && parent != filepath.Dir(parent):
			continue
		case err != nil:
			return err
		case !st.IsDir():
			return fmt.Errorf("cannot create %s: %s is not a folder", dir, parent)
		}
		if err := writable(parent); err != nil {
			return fmt.Errorf("cannot create %s: %v", dir, err)
		}
		return nil
	}
}

// beforeLock runs between ClaimRunDir's first kind check and its lock; a
// test sets it to play a command that claims the folder meanwhile.
var beforeLock = func(dir string) {}

// ReadKind returns the kind recorded in dir's KindFile ("" if none).
func ReadKind(dir string) (string, error) {
	b, err := ReadRegular(filepath.Join(dir, KindFile), 1<<10)
	if os.IsNotExist(err) {
		return "", nil
	}
	return strings.TrimSpace(string(b)), err
}

// checkKind refuses dir unless it is marked kind, empty, or recognised.
func checkKind(dir, kind string, recognise func(string) bool) (marked bool, err error) {
	st, err := os.Stat(dir)
	if err != nil {
		return false, err
	}
	if !st.IsDir() {
		return false, fmt.Errorf("%s is not a folder", dir)
	}
	got, err := ReadKind(dir)
	if err != nil {
		return false, err
	}
	if got != "" {
		if got != kind {
			return false, fmt.Errorf("%s holds a run of kind %q (%s says so), not %q; use another folder", dir, got, filepath.Join(dir, KindFile), kind)
		}
		return true, nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	for _, e := range ents {
		if e.Name() != LockFile {
			if recognise != nil && recognise(dir) {
				return false, nil
			}
			return false, fmt.Errorf("%s is not empty and holds no run of kind %q (it has %s …); use a new or empty folder", dir, kind, e.Name())
		}
	}
	return false, nil
}

// takeLock opens and flocks LockFile, retrying when the file it locked was
// removed or replaced meanwhile (so that a released lock is never shared),
// and writes this process's PID into it.
func (r *RunDir) takeLock(warn func(string)) error {
	path := filepath.Join(r.Dir, LockFile)
	for attempt := 0; attempt < 10; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return inUse(r.Dir, pid, path)
			}
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if !samePath(f, path) {
			f.Close()
			continue
		}
		if old := readPID(f); old > 0 && old != os.Getpid() && warn != nil {
			warn(fmt.Sprintf("taking over the lock of %s from process %d, which is no longer running", r.Dir, old))
		}
		if err := writePID(f); err != nil {
			f.Close()
			return fmt.Errorf("lock %s: %w", path, err)
		}
		r.lock = f
		return nil
	}
	return fmt.Errorf("lock %s: the lock file keeps changing; another process is starting in %s", path, r.Dir)
}

// Abandon releases the folder and undoes the claim, for a command refused
// after its claim and before it wrote anything: it removes the marker if
// the claim wrote it, and the folders the claim made (Dir and those above
// it) that are empty again. An unmarked run folder (pretrained/'s) stays
// unmarked. A command that claims the folder between the release and the
// removal keeps it: os.Remove fails on a folder with its lock file in it.
func (r *RunDir) Abandon() {
	if r == nil || r.lock == nil {
		return
	}
	if r.marked {
		os.Remove(filepath.Join(r.Dir, KindFile))
	}
	r.Release()
	if r.made == "" {
		return
	}
	for d := filepath.Clean(r.Dir); ; d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == r.made {
			return
		}
	}
}

// Release removes the lock file and unlocks it (in that order, see
// takeLock). It is safe to call twice.
func (r *RunDir) Release() {
	if r == nil || r.lock == nil {
		return
	}
	os.Remove(filepath.Join(r.Dir, LockFile))
	r.lock.Close()
	r.lock = nil
}

// samePath reports whether f is still the file at path.
func samePath(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := f.WriteString(strconv.Itoa(os.Getpid()) + "\n"); err != nil {
		return err
	}
	return f.Sync()
}

// inUse is the error for a run folder dir whose lock file path is held by
// process pid.
func inUse(dir string, pid int, path string) error {
	return fmt.Errorf("%s is in use by process %s (lock %s); wait for it to finish or stop it", dir, pidText(pid), path)
}

func pidText(pid int) string {
	if pid <= 0 {
		return "(PID not yet written)"
	}
	return strconv.Itoa(pid)
}
