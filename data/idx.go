package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// IDX magic numbers: 0x0000 then type 0x08 (unsigned byte) then the number of
// dimensions. Images are n×rows×cols, labels are n.
const (
	MagicImages = 0x00000803
	MagicLabels = 0x00000801
)

// maxIDXBytes bounds what the readers accept (MNIST train images are 47 MB),
// so that a corrupt header or a gzip bomb cannot exhaust memory.
const maxIDXBytes = 256 << 20

// gzipLevel is the fixed compression level of written files; together with an
// empty gzip header (no name, no mod time) it makes output bytes reproducible.
const gzipLevel = 6

// ReadIDXImages reads an uncompressed IDX image file (magic 0x00000803, big-endian
// dims n, rows, cols, then n·rows·cols bytes). pix is n×rows×cols, row-major.
// Truncated data, trailing bytes and a bad magic are errors.
func ReadIDXImages(r io.Reader) (n, rows, cols int, pix []byte, err error) {
	b, err := readAllLimited(r)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	d, body, err := parseIDX(b, MagicImages, 3)
	if err != nil {
		return 0, 0, 0, nil, err
	}
	return d[0], d[1], d[2], body, nil
}

// ReadIDXLabels reads an uncompressed IDX label file (magic 0x00000801, dim n,
// then n bytes).
func ReadIDXLabels(r io.Reader) (labels []byte, err error) {
	b, err := readAllLimited(r)
	if err != nil {
		return nil, err
	}
	_, body, err := parseIDX(b, MagicLabels, 1)
	return body, err
}

// WriteIDXImages writes pix (n×rows×cols bytes) as an uncompressed IDX image file.
func WriteIDXImages(w io.Writer, n, rows, cols int, pix []byte) error {
	if n < 0 || rows < 0 || cols < 0 || uint64(n)*uint64(rows)*uint64(cols) != uint64(len(pix)) {
		return fmt.Errorf("idx: %d pixel bytes do not match dims %d×%d×%d", len(pix), n, rows, cols)
	}
	return writeIDX(w, MagicImages, []int{n, rows, cols}, pix)
}

// WriteIDXLabels writes labels as an uncompressed IDX label file.
func WriteIDXLabels(w io.Writer, labels []byte) error {
	return writeIDX(w, MagicLabels, []int{len(labels)}, labels)
}

func writeIDX(w io.Writer, magic uint32, dims []int, body []byte) error {
	hdr := make([]byte, 4+4*len(dims))
	binary.BigEndian.PutUint32(hdr, magic)
	for i, d := range dims {
		if d < 0 || uint64(d) > 0xffffffff {
			return fmt.Errorf("idx: dimension %d out of range", d)
		}
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(body)
	return err
}

func readAllLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxIDXBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxIDXBytes {
		return nil, fmt.Errorf("idx: more than %d bytes", maxIDXBytes)
	}
	return b, nil
}

// parseIDX checks the magic and the size implied by the ndim dimensions, and
// returns the dimensions and the data bytes (a subslice of b).
func parseIDX(b []byte, magic uint32, ndim int) ([]int, []byte, error) {
	hl := 4 + 4*ndim
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("idx: truncated: %d bytes, no room for the magic number", len(b))
	}
	if m := binary.BigEndian.Uint32(b); m != magic {
		return nil, nil, fmt.Errorf("idx: bad magic 0x%08x, want 0x%08x", m, magic)
	}
	if len(b) < hl {
		return nil, nil, fmt.Errorf("idx: truncated header: %d bytes, want %d", len(b), hl)
	}
	dims := make([]int, ndim)
	size := uint64(1)
	body := b[hl:]
	for i := range dims {
		d := uint64(binary.BigEndian.Uint32(b[4+4*i:]))
		dims[i] = int(d)
		// size·d > len(body) is "truncated"; checking before multiplying avoids overflow.
		if d != 0 && size > uint64(len(body))/d {
			size = uint64(len(body)) + 1
			continue
		}
		size *= d
	}
	switch {
	case size > uint64(len(body)):
		return nil, nil, fmt.Errorf("idx: truncated: dims %v need more than the %d data bytes present", dims, len(body))
	case size < uint64(len(body)):
		return nil, nil, fmt.Errorf("idx: wrong size: dims %v need %d data bytes, found %d (trailing data)", dims, size, len(body))
	}
	return dims, body, nil
}

// gunzip decompresses a complete gzip stream (possibly multi-member) held in b.
func gunzip(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, errors.New("empty file")
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("corrupt gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxIDXBytes+1))
	if err != nil {
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, errors.New("corrupt gzip: truncated, or followed by stray bytes")
		case errors.Is(err, gzip.ErrHeader): // the first header was read by NewReader
			return nil, errors.New("corrupt gzip: stray bytes after the compressed data")
		}
		return nil, fmt.Errorf("corrupt gzip: %w", err)
	}
	if len(out) > maxIDXBytes {
		return nil, fmt.Errorf("gzip: decompresses to more than %d bytes", maxIDXBytes)
	}
	return out, nil
}

// gzipBytes compresses b with a fixed level and an empty header, so that the
// same input always gives the same output with a given Go release.
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzipLevel)
	if err != nil {
		panic(err) // gzipLevel is valid
	}
	zw.Write(b) // writes to a bytes.Buffer cannot fail
	zw.Close()
	return buf.Bytes()
}

// encodeImages returns the (uncompressed) IDX image file for n 28×28 images.
func encodeImages(pix []byte) []byte {
	var buf bytes.Buffer
	if err := WriteIDXImages(&buf, len(pix)/Pixels, Side, Side, pix); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// encodeLabels returns the uncompressed IDX label file.
func encodeLabels(labels []byte) []byte {
	var buf bytes.Buffer
	WriteIDXLabels(&buf, labels)
	return buf.Bytes()
}
