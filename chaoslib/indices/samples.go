package indices

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"codeberg.org/sbinet/npyio"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/chaosgen/chaosgen/internal/safefile"
)

// DefaultCols is the number of columns ReadSamples requires (28×28 images).
const DefaultCols = 784

// RangeTol is how far outside [−1, 1] a sample value may lie and still be
// accepted.
const RangeTol = 1e-6

// ReadSamples reads an s-space sample set from a .npy file holding a 2-D
// float32 array of DefaultCols (784) columns; see ReadSamplesN.
func ReadSamples(path string) (blas32.General, error) {
	return ReadSamplesN(path, DefaultCols)
}

// ReadSamplesN reads an s-space sample set from the .npy file at path, parsed
// with codeberg.org/sbinet/npyio. The array must be 2-D (n, cols) of dtype
// float32 (either byte order; C or Fortran order), hold exactly n·cols values
// and satisfy CheckSamples. cols ≤ 0 accepts any number of columns. Every
// error names the file and the problem.
func ReadSamplesN(path string, cols int) (blas32.General, error) {
	f, size, err := safefile.OpenRegular(path)
	if err != nil {
		return blas32.General{}, fmt.Errorf("indices: read samples: %w", err)
	}
	defer f.Close()
	fail := func(format string, a ...any) (blas32.General, error) {
		return blas32.General{}, fmt.Errorf("indices: read samples %s: "+format, append([]any{path}, a...)...)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	if err := checkNpyHeaderLen(br, size); err != nil {
		return fail("%w", err)
	}
	r, err := newNpyReader(br)
	if err != nil {
		return fail("not a readable .npy file: %w", err)
	}
	dtype := strings.Trim(r.Header.Descr.Type, `'" `)
	if dtype != "<f4" && dtype != ">f4" {
		return fail("dtype %s, want float32 (<f4)", dtype)
	}
	shape := r.Header.Descr.Shape
	if len(shape) != 2 {
		return fail("shape %v, want 2-D (n, %s)", shapeText(shape), colsText(cols))
	}
	n, N := shape[0], shape[1]
	if n < 0 || N < 0 {
		return fail("shape %v has a negative dimension", shapeText(shape))
	}
	if cols > 0 && N != cols {
		return fail("shape %v, want %d columns", shapeText(shape), cols)
	}
	if N > 0 && int64(n) > size/4/int64(N) {
		need := "more than 2⁶³"
		if int64(n) <= math.MaxInt64/4/int64(N) {
			need = fmt.Sprint(int64(n) * int64(N) * 4)
		}
		return fail("truncated: shape %v needs %s bytes of float32 data, the whole file has %d bytes",
			shapeText(shape), need, size)
	}
	data := make([]float32, n*N)
	if len(data) > 0 {
		if err := readNpy(r, &data); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fail("truncated: data ends before the %d values of shape %v", n*N, shapeText(shape))
			}
			return fail("reading data: %w", err)
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		if err != nil {
			return fail("%w", err)
		}
		return fail("trailing bytes after the %d values of shape %v", n*N, shapeText(shape))
	}
	x := blas32.General{Rows: n, Cols: N, Stride: N, Data: data}
	if r.Header.Descr.Fortran {
		t := make([]float32, n*N)
		for j := range N {
			for i := range n {
				t[i*N+j] = data[j*n+i]
			}
		}
		x.Data = t
	}
	if err := CheckSamples(x); err != nil {
		return fail("%w", err)
	}
	return x, nil
}

// checkNpyHeaderLen checks, before npyio allocates the header, that the
// header length of the .npy file ahead in br (uint16 at byte 8 for format
// 1.0, uint32 for 2.0 and 3.0) fits in the file's size bytes.
func checkNpyHeaderLen(br *bufio.Reader, size int64) error {
	pre, err := br.Peek(12)
	if err != nil {
		return fmt.Errorf("not a .npy file (%d bytes, shorter than a header)", size)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return errors.New("not a .npy file (no \\x93NUMPY magic)")
	}
	hlen, start := int64(binary.LittleEndian.Uint16(pre[8:])), int64(10)
	if pre[6] >= 2 {
		hlen, start = int64(binary.LittleEndian.Uint32(pre[8:])), 12
	}
	if start+hlen > size {
		return fmt.Errorf("truncated: the header claims %d bytes, the whole file has %d", hlen, size)
	}
	return nil
}

// newNpyReader is npyio.NewReader with its panics (npyio v0.14.0 slices
// out of range on a header cut short) turned into errors.
func newNpyReader(r io.Reader) (rd *npyio.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, fmt.Errorf("malformed header (%v)", p)
		}
	}()
	return npyio.NewReader(r)
}

// readNpy is r.Read(ptr) with panics turned into errors.
func readNpy(r *npyio.Reader, ptr any) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("malformed data (%v)", p)
		}
	}()
	return r.Read(ptr)
}

// WriteSamples writes x as a .npy file (format 1.0, dtype '<f4', C order,
// shape (x.Rows, x.Cols)) at path, atomically (internal/safefile: a temporary
// file in the same directory, synced, then renamed over path; a path that
// is a device or a link is refused). x must
// satisfy CheckSamples. The bytes are written directly (the format is a short
// text header and the raw little-endian values): npyio.Write inspects every
// element by reflection and takes seconds for a 10,000×784 set. The files read
// back with npyio (ReadSamples) and NumPy.
func WriteSamples(path string, x blas32.General) error {
	if err := CheckSamples(x); err != nil {
		return fmt.Errorf("indices: write samples %s: %w", path, err)
	}
	err := safefile.WriteAtomicFunc(path, func(w io.Writer) error {
		if _, err := w.Write(npyHeader(x.Rows, x.Cols)); err != nil {
			return err
		}
		buf := make([]byte, 4*x.Cols)
		for i := range x.Rows {
			for j, v := range row(x, i) {
				binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(v))
			}
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("indices: %w", err)
	}
	return nil
}

// npyHeader returns the .npy format 1.0 header of a C-order (n, N) '<f4'
// array: magic, version, little-endian uint16 length and the dictionary,
// space-padded and ended by '\n' so that the data start at a multiple of 64.
func npyHeader(n, N int) []byte {
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", n, N)
	const pre = 10 // magic (6) + version (2) + length (2)
	total := (pre + len(dict) + 1 + 63) / 64 * 64
	h := make([]byte, 0, total)
	h = append(h, "\x93NUMPY\x01\x00"...)
	h = binary.LittleEndian.AppendUint16(h, uint16(total-pre))
	h = append(h, dict...)
	for len(h) < total-1 {
		h = append(h, ' ')
	}
	return append(h, '\n')
}

// CheckSamples returns an error naming the row and column of the first value
// of x that is NaN, ±Inf or outside [−1 − RangeTol, 1 + RangeTol], or the
// error of CheckMatrix for a malformed x.
func CheckSamples(x blas32.General) error {
	if err := CheckMatrix(x); err != nil {
		return err
	}
	for i := range x.Rows {
		for j, v := range row(x, i) {
			f := float64(v)
			switch {
			case math.IsNaN(f) || math.IsInf(f, 0):
				return fmt.Errorf("row %d, column %d: value %v is not finite", i, j, v)
			case math.Abs(f) > 1+RangeTol:
				return fmt.Errorf("row %d, column %d: value %v is outside [-1, 1]", i, j, v)
			}
		}
	}
	return nil
}

func shapeText(shape []int) string {
	parts := make([]string, len(shape))
	for i, s := range shape {
		parts[i] = fmt.Sprint(s)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func colsText(cols int) string {
	if cols > 0 {
		return fmt.Sprint(cols)
	}
	return "N"
}
