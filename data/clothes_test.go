package data

import (
	"bytes"
	"strings"
	"testing"
)

func TestParseClothes(t *testing.T) {
	rows, err := parseClothes([]byte(` {"data": [[0,1, 255], [],[ 7 ]]} ` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || !bytes.Equal(rows[0], []byte{0, 1, 255}) || rows[1] != nil || !bytes.Equal(rows[2], []byte{7}) {
		t.Fatalf("rows = %v", rows)
	}
	if rows, err := parseClothes([]byte(`{"data":[]}`)); err != nil || len(rows) != 0 {
		t.Fatalf("empty data: %v %v", rows, err)
	}
	for _, bad := range []string{
		``, `{`, `{"data":[[1]]`, `{"dat":[[1]]}`, `{"data":[[256]]}`, `{"data":[[-1]]}`,
		`{"data":[[01]]}`, `{"data":[[1.5]]}`, `{"data":[[1,]]}`, `{"data":[[1],]}`,
		`{"data":[[1]]}x`, `{"data":[[12345]]}`, `["data"]`,
	} {
		if _, err := parseClothes([]byte(bad)); err == nil || !strings.Contains(err.Error(), "at byte") {
			t.Errorf("parseClothes(%q) = %v, want an error with an offset", bad, err)
		}
	}
}

// FuzzParseClothes checks that the Fashion-MNIST JSON scanner never panics
// and only returns rows of bytes.
func FuzzParseClothes(f *testing.F) {
	f.Add([]byte(`{"data":[[0,1,255],[],[7]]}`))
	f.Add([]byte(`{"data":[[256]]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := parseClothes(b)
		if err != nil && rows != nil {
			t.Fatal("rows returned with an error")
		}
	})
}
