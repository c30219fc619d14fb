package main

import (
	"os"
	"strings"
	"testing"
)

// The fixtures in testdata are real GoNB outputs: a notebook with a hello
// cell, a gonbui.DisplayImage cell, an <img> in HTML, a cell marked
// "// expect: image" that shows none, a panic, a compile error and os.Exit(3),
// executed with `jupyter nbconvert --execute --allow-errors`. good.ipynb keeps
// the first five cells, noimages.ipynb the first three.

func checkFile(t *testing.T, name string) Result {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Check(name, f)
}

func TestGood(t *testing.T) {
	res := checkFile(t, "good.ipynb")
	if len(res.Problems) != 0 {
		t.Errorf("problems in good notebook: %v", res.Problems)
	}
	if res.Images != 2 {
		t.Errorf("images = %d, want 2 (one image/png, one <img> in text/html)", res.Images)
	}
}

func TestBad(t *testing.T) {
	res := checkFile(t, "bad.ipynb")
	want := map[int]string{
		5: `marked "// expect: image" but shows no image`,
		6: "stderr: panic: runtime error: index out of range",
		7: "error output: ERROR: # gonb",
		8: "stderr: exit status 3",
	}
	got := map[int]string{}
	for _, p := range res.Problems {
		if _, dup := got[p.Cell]; dup {
			t.Errorf("two problems for cell %d: %v", p.Cell, res.Problems)
		}
		got[p.Cell] = p.Msg
	}
	for c, w := range want {
		if !strings.HasPrefix(got[c], w) {
			t.Errorf("cell %d: problem %q, want prefix %q", c, got[c], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems %v, want cells %v", res.Problems, want)
	}
	if !strings.Contains(got[7], "undefined: undefinedVariable") {
		t.Errorf("compile error message lost: %q", got[7])
	}
	if res.Images != 2 {
		t.Errorf("images = %d, want 2", res.Images)
	}
}

func TestNoImages(t *testing.T) {
	res := checkFile(t, "noimages.ipynb")
	if len(res.Problems) != 1 || res.Problems[0].Cell != -1 || !strings.Contains(res.Problems[0].Msg, "no image") {
		t.Errorf("problems = %v, want only the notebook-level 'no image'", res.Problems)
	}
}

func TestStreamPatterns(t *testing.T) {
	for _, tc := range []struct {
		text string
		fail bool
	}{
		{`"ok\n"`, false},
		{`["a\n", "panic: boom\n"]`, true},
		{`"\u001b[31mpanic: colored\u001b[0m\n"`, true},
		{`"signal: killed\n"`, true},
		{`"fatal error: all goroutines are asleep - deadlock!\n"`, true},
		{`"nbui: encoding image: x\n"`, true},
		{`"no panic: here, mid-line\n"`, false},
		{`"exit status 0 mentioned later: exit status 1\n"`, true}, // at line start
		{`"   exit status 1\n"`, false},
	} {
		nb := `{"cells":[{"cell_type":"code","source":"","outputs":[
			{"output_type":"stream","name":"stdout","text":` + tc.text + `},
			{"output_type":"display_data","data":{"image/png":"iVBOR"}}]}]}`
		res := Check("x", strings.NewReader(nb))
		if got := len(res.Problems) > 0; got != tc.fail {
			t.Errorf("text %s: fail = %v, want %v (%v)", tc.text, got, tc.fail, res.Problems)
		}
	}
}

func TestUnreadable(t *testing.T) {
	res := Check("x", strings.NewReader("{not json"))
	if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Msg, "cannot parse") {
		t.Errorf("problems = %v", res.Problems)
	}
}

func TestSVGAndHTMLSVG(t *testing.T) {
	nb := `{"cells":[
		{"cell_type":"code","source":["// expect: image\n"],"outputs":[{"output_type":"execute_result","data":{"image/svg+xml":"<svg></svg>"}}]},
		{"cell_type":"code","source":"// expect: image","outputs":[{"output_type":"display_data","data":{"text/html":["<div><svg width=\"1\">", "</svg></div>"]}}]},
		{"cell_type":"code","source":"// expect: image","outputs":[{"output_type":"display_data","data":{"text/html":"<b>no</b>"}}]}]}`
	res := Check("x", strings.NewReader(nb))
	if res.Images != 2 || len(res.Problems) != 1 || res.Problems[0].Cell != 2 {
		t.Errorf("images = %d, problems = %v; want 2 and one for cell 2", res.Images, res.Problems)
	}
}
