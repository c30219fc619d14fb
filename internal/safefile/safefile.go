// Package safefile writes outputs so that nothing is lost and reads inputs
// so that nothing is read without bound.
//
// Outputs are written atomically (a temporary file beside the target,
// synced, then renamed over it), and only over a regular file: a device
// (/dev/null, /dev/full), a symbolic link, a folder or a pipe given as an
// output is refused rather than replaced. CheckOutput lets a command refuse
// a bad output, including one that is also an input, before it starts any
// work. Inputs are opened only when they are regular files, so that their
// size is known before reading (/dev/zero is refused, not read forever).
package safefile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// CheckOutput reports why path cannot be written as an output: it is
// empty, it exists and is not a regular file (a symbolic link counts as
// not regular), it is the same file as one of inputs, or its folder is
// missing, not a folder or not writable. It creates nothing.
func CheckOutput(path string, inputs ...string) error {
	if path == "" {
		return errors.New("empty path")
	}
	if st, err := os.Lstat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s exists and is not a regular file (%s); refusing to replace it", path, kind(st.Mode()))
		}
		for _, in := range inputs {
			if in == "" {
				continue
			}
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				return fmt.Errorf("%s is also the input %s; write to another file", path, in)
			}
		}
	} else if !os.IsNotExist(err) && !errors.Is(err, unix.ENOTDIR) {
		return err
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case os.IsNotExist(err):
		return fmt.Errorf("folder %s does not exist", dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	return writable(dir)
}

// writable refuses a folder that this process may not write in.
func writable(dir string) error {
	if err := unix.Access(dir, unix.W_OK); err != nil {
		return fmt.Errorf("folder %s is not writable: %v", dir, err)
	}
	return nil
}

// kind names a file mode that is not a regular file.
func kind(m os.FileMode) string {
	switch {
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a folder"
	case m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file"
}

// WriteAtomic writes data to path atomically (see WriteAtomicFunc).
func WriteAtomic(path string, data []byte) error {
	return WriteAtomicFunc(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteAtomicFunc calls write with a buffered writer on a temporary file
// beside path, syncs the file and renames it over path (mode 0644), so that
// path never holds a partial file. A path that exists and is not a regular
// file is refused. Errors name path; the temporary file is removed.
func WriteAtomicFunc(path string, write func(io.Writer) error) (err error) {
	if path == "" {
		return errors.New("write: empty path")
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("exists and is not a regular file (%s); refusing to replace it", kind(st.Mode()))
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// OpenRegular opens path for reading if it is a regular file (after
// following symbolic links) and returns it with its size. It opens without
// blocking, so that a named pipe is refused instead of waiting for a writer.
func OpenRegular(path string) (*os.File, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("%s is not a regular file (%s)", path, kind(st.Mode()))
	}
	if err := unix.SetNonblock(int(f.Fd()), false); err != nil { // reads as from os.Open
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// ReadRegular reads the regular file at path, refusing it unread if it is
// larger than limit bytes.
func ReadRegular(path string, limit int64) ([]byte, error) {
	f, size, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d this read allows", path, size, limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit { // grown since Stat
		return nil, fmt.Errorf("%s grew past %d bytes while being read", path, limit)
	}
	return buf.Bytes(), nil
}
