// Command nbcheck checks executed Jupyter notebooks (the output of
// `jupyter nbconvert --execute --allow-errors`) for failures that nbconvert
// itself lets through: with GoNB, a panic or os.Exit inside a cell does not
// make nbconvert fail.
//
// Usage:
//
//	go run ./scripts/nbcheck [-times FILE] executed.ipynb ...
//
// A notebook fails when
//   - any output has output_type "error" (GoNB compile errors, kernel errors);
//   - a line of any stream output (stdout or stderr) starts with "panic: ",
//     "fatal error: ", "exit status ", "signal: " or "nbui: " (after ANSI
//     colour codes are removed);
//   - a code cell whose source contains the marker comment "// expect: image"
//     has no image output: image/png or image/svg+xml in a display_data or
//     execute_result, or text/html holding an <img src="data:image/..."> or
//     an <svg>;
//   - it has no image output at all;
//   - it cannot be read, or FILE says that nbconvert exited non-zero for it.
//
// FILE, written by scripts/run-notebooks.sh, has one line per notebook:
// "NAME<TAB>SECONDS<TAB>NBCONVERT_EXIT_CODE", where NAME is the notebook's
// base name. Cells are reported as cell[i], i the 0-based index among all
// cells (markdown included), as in the .ipynb file. nbcheck prints every problem, then a summary table, and exits 1
// if any notebook failed (2 on a usage error).
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
)

// expectImageMarker marks a cell that must display an image.
const expectImageMarker = "// expect: image"

var (
	failLine = regexp.MustCompile(`^(panic: |fatal error: |exit status |signal: |nbui: )`)
	ansi     = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	htmlImg  = regexp.MustCompile(`(?i)<img[^>]+src\s*=\s*["']data:image/|<svg[\s>]`)
)

// text is a notebook string field: a string or a list of strings.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = text(s)
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*t = text(strings.Join(ss, ""))
	return nil
}

type output struct {
	OutputType string          `json:"output_type"`
	Name       string          `json:"name"` // stream: stdout or stderr
	Text       text            `json:"text"`
	Data       map[string]text `json:"data"`
	EName      string          `json:"ename"`
	EValue     string          `json:"evalue"`
	Traceback  []string        `json:"traceback"`
}

type cell struct {
	CellType string   `json:"cell_type"`
	Source   text     `json:"source"`
	Outputs  []output `json:"outputs"`
}

type notebook struct {
	Cells []cell `json:"cells"`
}

// Problem is one failure found in a notebook; Cell is -1 for the notebook
// as a whole.
type Problem struct {
	Cell int
	Msg  string
}

func (p Problem) String() string {
	if p.Cell < 0 {
		return p.Msg
	}
	return fmt.Sprintf("cell[%d]: %s", p.Cell, strings.ReplaceAll(p.Msg, "\n", "\n    "))
}

// Result is the outcome of checking one notebook.
type Result struct {
	Name     string
	Images   int
	Problems []Problem
}

// isImage reports whether o displays an image.
func isImage(o output) bool {
	if o.OutputType != "display_data" && o.OutputType != "execute_result" {
		return false
	}
	for mime, v := range o.Data {
		switch {
		case mime == "image/png" || mime == "image/svg+xml" || mime == "image/jpeg" || mime == "image/gif":
			if len(v) > 0 {
				return true
			}
		case mime == "text/html":
			if htmlImg.MatchString(string(v)) {
				return true
			}
		}
	}
	return false
}

// clip shortens s for a one-line report.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// Check checks one executed notebook read from r.
func Check(name string, r io.Reader) Result {
	res := Result{Name: name}
	var nb notebook
	if err := json.NewDecoder(r).Decode(&nb); err != nil {
		res.Problems = append(res.Problems, Problem{-1, "cannot parse notebook: " + err.Error()})
		return res
	}
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		images := 0
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				msg := o.EName + ": " + o.EValue
				if strings.TrimSpace(o.EValue) == "" && len(o.Traceback) > 0 {
					msg = o.EName + ": " + strings.Join(o.Traceback, "\n")
				}
				res.Problems = append(res.Problems, Problem{i, "error output: " + clip(ansi.ReplaceAllString(msg, ""), 400)})
			case "stream":
				lines := strings.Split(ansi.ReplaceAllString(string(o.Text), ""), "\n")
				for j, l := range lines {
					l = strings.TrimRight(l, "\r")
					if failLine.MatchString(l) {
						// Show the line and the next few (the panic's message and first frames).
						ctx := strings.Join(lines[j:min(j+4, len(lines))], "\n")
						res.Problems = append(res.Problems, Problem{i, o.Name + ": " + clip(ctx, 400)})
						break
					}
				}
			}
			if isImage(o) {
				images++
			}
		}
		res.Images += images
		if images == 0 && strings.Contains(string(c.Source), expectImageMarker) {
			res.Problems = append(res.Problems, Problem{i, "marked \"" + expectImageMarker + "\" but shows no image; source: " +
				clip(strings.ReplaceAll(string(c.Source), "\n", " ⏎ "), 160)})
		}
	}
	if res.Images == 0 {
		res.Problems = append(res.Problems, Problem{-1, "no image output in the whole notebook"})
	}
	return res
}

// timing is a line of the -times file.
type timing struct {
	seconds string
	rc      int
}

func readTimes(path string) (map[string]timing, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]timing{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) != 3 {
			continue
		}
		rc, err := strconv.Atoi(strings.TrimSpace(fs[2]))
		if err != nil {
			return nil, fmt.Errorf("%s: bad exit code in %q", path, sc.Text())
		}
		m[fs[0]] = timing{strings.TrimSpace(fs[1]), rc}
	}
	return m, sc.Err()
}

func main() {
	timesPath := flag.String("times", "", "file of `NAME<TAB>SECONDS<TAB>EXIT_CODE` lines from run-notebooks.sh")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: nbcheck [-times FILE] executed.ipynb ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	times := map[string]timing{}
	if *timesPath != "" {
		var err error
		if times, err = readTimes(*timesPath); err != nil {
			fmt.Fprintln(os.Stderr, "nbcheck:", err)
			os.Exit(2)
		}
	}

	failed := 0
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NOTEBOOK\tSECONDS\tIMAGES\tSTATUS")
	var rows []string
	for _, path := range flag.Args() {
		name := filepath.Base(path)
		var res Result
		if f, err := os.Open(path); err != nil {
			res = Result{Name: name, Problems: []Problem{{-1, "not executed: " + err.Error()}}}
		} else {
			res = Check(name, f)
			f.Close()
		}
		t, ok := times[name]
		secs := "-"
		if ok {
			secs = t.seconds
			if t.rc != 0 {
				res.Problems = append([]Problem{{-1, fmt.Sprintf("nbconvert exited with status %d (timeout, dead kernel or bad notebook; see its log)", t.rc)}}, res.Problems...)
			}
		}
		status := "ok"
		if len(res.Problems) > 0 {
			failed++
			status = fmt.Sprintf("FAIL (%d)", len(res.Problems))
			for _, p := range res.Problems {
				fmt.Printf("FAIL %s: %s\n", name, p)
			}
		}
		rows = append(rows, fmt.Sprintf("%s\t%s\t%d\t%s", name, secs, res.Images, status))
	}
	if failed > 0 {
		fmt.Println()
	}
	for _, r := range rows {
		fmt.Fprintln(tw, r)
	}
	tw.Flush()
	if failed > 0 {
		fmt.Printf("\n%d of %d notebooks failed\n", failed, flag.NArg())
		os.Exit(1)
	}
	fmt.Printf("\nall %d notebooks ok\n", flag.NArg())
}
