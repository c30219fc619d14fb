package nbui

import (
	"fmt"
	"image"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Outside a kernel every function must be a harmless no-op.
func TestOutsideNotebook(t *testing.T) {
	if IsNotebook() {
		t.Skip("running inside GoNB")
	}
	Image(image.NewGray(image.Rect(0, 0, 2, 2)))
	PNG([]byte("not a png"))
	Plot(plot.New(), 4*vg.Centimeter, 3*vg.Centimeter)
	HTML("<b>x</b>")
	Markdown("*x*")
	Table([]string{"a"}, [][]string{{"1"}})
	p := NewProgress(3, "steps")
	for i := range 3 {
		p.Update(i+1, "loss 0.1")
	}
	p.Done()
	p.Update(4, "ignored after Done")
}

func TestTableHTML(t *testing.T) {
	h := TableHTML([]string{"model", "E2"}, [][]string{{"<deep>", "0.12"}, {"rbm"}})
	for _, want := range []string{"<th", ">model</th>", "&lt;deep&gt;", ">0.12</td>", "<td style=\"padding:2px 10px;text-align:right\"></td>"} {
		if !strings.Contains(h, want) {
			t.Errorf("table HTML lacks %q:\n%s", want, h)
		}
	}
	if strings.Count(h, "<tr") != 3 {
		t.Errorf("want 3 rows (header + 2):\n%s", h)
	}
}

func TestProgressHTML(t *testing.T) {
	h := progressHTML("train <MNIST>", 50, 200, 10*time.Second, "loss=0.3", false)
	for _, want := range []string{"train &lt;MNIST&gt;", `value="50" max="200"`, "50/200 (25%)", "5.0 step/s", "ETA 30s", "loss=0.3"} {
		if !strings.Contains(h, want) {
			t.Errorf("progress HTML lacks %q:\n%s", want, h)
		}
	}
	h = progressHTML("x", 200, 200, 90*time.Second, "", true)
	if !strings.Contains(h, "done in 1m30s") {
		t.Errorf("finished bar lacks the elapsed time:\n%s", h)
	}
	if h := progressHTML("x", 0, 0, 0, "", false); !strings.Contains(h, "ETA –") {
		t.Errorf("zero total: %s", h)
	}
}

// TestAboutModels: the markdown carries each case's numbers of both
// configurations in the code, and says which one is in use.
func TestAboutModels(t *testing.T) {
	nb := Notebook{Quick: true}
	md := nb.AboutModels()
	// two tables, each at the top level (nbconvert draws no table nested in a list)
	if n := strings.Count(md, "\n| case | hidden |"); n != 2 {
		t.Errorf("AboutModels has %d top-level tables, want 2:\n%s", n, md)
	}
	if !strings.Contains(md, "trains it with the quick configuration") {
		t.Errorf("AboutModels does not say the quick configuration is in use:\n%s", md)
	}
	for _, c := range runs.Cases() {
		for _, cfg := range []chaoslib.Config{runs.QuickConfig(c), runs.TunedConfig(c)} {
			row := fmt.Sprintf("| %s | %v | %g |", c.Name(), cfg.Hidden, cfg.G)
			if c.Arch == chaoslib.Unrestricted {
				row = fmt.Sprintf("| %s | – | %g |", c.Name(), cfg.G)
			}
			if tail := fmt.Sprintf("| %g | %g |", cfg.T, cfg.LR); !strings.Contains(md, row) || !strings.Contains(md, tail) {
				t.Errorf("AboutModels lacks %q or %q:\n%s", row, tail, md)
			}
		}
	}
	// The two tables differ where the configurations do: the tuned
	// unrestricted model's unclipped data (a hand-checked case).
	u := runs.TunedConfig(runs.Case{Arch: chaoslib.Unrestricted, Dataset: "mnist"})
	if want := fmt.Sprintf("| %d, %d | %d | – (±1) |", u.Batch, u.Chains, u.Steps); u.Steps != 10000 || u.DataClip != 0 || !strings.Contains(md, want) {
		t.Errorf("tuned unrestricted row: want 10000 steps, no clip and %q in:\n%s", want, md)
	}
	nb.Quick = false
	if md := nb.AboutModels(); !strings.Contains(md, "trains it with the tuned configuration") {
		t.Errorf("AboutModels does not say the tuned configuration is in use:\n%s", md)
	}
}

func TestIndexCells(t *testing.T) {
	er := 0.25
	got := IndexCells(indices.Report{E2: 1, Es: 123456, ER: &er, EAAI: math.NaN()})
	want := []string{"1", "1.235e+05", "0.25", "–"}
	if strings.Join(got, " ") != strings.Join(want, " ") || len(IndexColumns) != len(got) {
		t.Errorf("IndexCells = %q, want %q", got, want)
	}
	if c := IndexCells(indices.Report{}); c[2] != "–" {
		t.Errorf("no ER: %q, want –", c[2])
	}
}
