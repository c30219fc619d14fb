// Package nbui shows images, plots, tables and live progress in a GoNB (Go
// Jupyter kernel) notebook.
//
// It is the only package of this module that imports gonbui; chaoslib and the
// plots package never do, so the CLI builds without it. Importing nbui from the
// module also pins gonbui's version in go.mod, so a notebook cell never asks
// the module proxy for "latest".
//
// Outside a notebook (gonbui.IsNotebook is false) every display function
// (Image, Plot, Markdown, Table, HTML, the progress bars) is a no-op, so code
// that uses nbui also runs as a plain program or test; the others (Must,
// Notebook.Trained, Num, …) work as anywhere.
//
// Each display function waits until GoNB has received what it sent
// (gonbui.Sync): GoNB stops reading a cell's output pipe when the cell's
// program exits, so output sent just before the end of a cell would otherwise
// be lost now and then (seen with GoNB v0.11.3 on a busy machine).
//
// Notebooks should display through nbui only, never gonbui directly.
//
// # Notebook conventions
//
// The first cell points the notebook's module at this repository: at
// $CHAOSGEN_ROOT if set, else the module holding the notebook's directory.
//
//	!*R="${CHAOSGEN_ROOT:-$(cd "$GONB_DIR" && dirname "$(go env GOMOD)")}"; grep -qs '^module github.com/chaosgen/chaosgen$' "$R/go.mod" || { echo "chaosgen module not found from $GONB_DIR: set CHAOSGEN_ROOT" >&2; exit 1; }; go mod edit -require=github.com/chaosgen/chaosgen@v0.0.0-00010101000000-000000000000 -replace=github.com/chaosgen/chaosgen="$R"
//
// The next cell imports what the notebook uses and declares its settings,
// var nb = nbui.NewNotebook(); the helpers every notebook shares are
// Notebook's methods and the functions of notebook.go and source.go, so
// that no notebook repeats another's code.
//
// A cell that must show an image carries the comment "// expect: image";
// scripts/run-notebooks.sh fails the notebook when it shows none.
// scripts/testdata/smoke.ipynb is a small working example.
//
// The display functions return nothing: a notebook cell should stay short. When
// an image cannot be encoded they print "nbui: …" to stderr and show the error
// in the cell instead of the image; the notebook checker
// (scripts/run-notebooks.sh) then reports the missing image.
package nbui

import (
	"fmt"
	"html"
	"image"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/chaosgen/chaosgen/plots"
)

// IsNotebook reports whether the program runs inside a GoNB kernel.
func IsNotebook() bool { return gonbui.IsNotebook }

// showError reports a display failure on stderr and in the cell.
func showError(what string, err error) {
	fmt.Fprintf(os.Stderr, "nbui: %s: %v\n", what, err)
	HTML(fmt.Sprintf(`<pre style="color:#b00">nbui: %s: %s</pre>`,
		html.EscapeString(what), html.EscapeString(err.Error())))
}

// Image shows img as a PNG in the cell output.
func Image(img image.Image) {
	if !gonbui.IsNotebook {
		return
	}
	b, err := plots.EncodePNG(img)
	if err != nil {
		showError("encoding image", err)
		return
	}
	display(func() { gonbui.DisplayPNG(b) })
}

// display runs show, then waits until GoNB has received its output.
func display(show func()) {
	if !gonbui.IsNotebook {
		return
	}
	show()
	gonbui.Sync()
}

// PNG shows already-encoded PNG bytes in the cell output.
func PNG(b []byte) {
	display(func() { gonbui.DisplayPNG(b) })
}

// Plot renders p at w×h (for example 16*vg.Centimeter × 10*vg.Centimeter)
// and shows it as a PNG.
func Plot(p *plot.Plot, w, h vg.Length) {
	if !gonbui.IsNotebook {
		return
	}
	b, err := plots.PlotPNG(p, w, h) // legend in its own band, as in the CLI's figures
	if err != nil {
		showError("rendering plot", err)
		return
	}
	display(func() { gonbui.DisplayPNG(b) })
}

// HTML shows raw HTML.
func HTML(s string) { display(func() { gonbui.DisplayHTML(s) }) }

// Markdown shows Markdown text.
func Markdown(s string) { display(func() { gonbui.DisplayMarkdown(s) }) }

// Table shows a table with a header row. Cells are plain text (escaped);
// rows shorter than the header are padded with empty cells.
func Table(header []string, rows [][]string) {
	if !gonbui.IsNotebook {
		return
	}
	display(func() { gonbui.DisplayHTML(TableHTML(header, rows)) })
}

// TableHTML returns the HTML that Table shows.
func TableHTML(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table style="border-collapse:collapse;font-family:monospace;font-size:90%">`)
	b.WriteString(`<thead><tr>`)
	for _, h := range header {
		fmt.Fprintf(&b, `<th style="border-bottom:2px solid #444;padding:2px 10px;text-align:left">%s</th>`,
			html.EscapeString(h))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, r := range rows {
		bg := ""
		if i%2 == 1 {
			bg = ` style="background:#f3f3f3"`
		}
		fmt.Fprintf(&b, `<tr%s>`, bg)
		n := max(len(header), len(r))
		for j := range n {
			c := ""
			if j < len(r) {
				c = r[j]
			}
			fmt.Fprintf(&b, `<td style="padding:2px 10px;text-align:right">%s</td>`, html.EscapeString(c))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}
