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

// TestAboutModels: the markdown carries the numbers of the configurations in
// the code, and says which one is in use.
func TestAboutModels(t *testing.T) {
	quick := runs.QuickConfig(runs.Case{Arch: chaoslib.Restricted, Dataset: "mnist"})
	deep := runs.TunedConfig(runs.Case{Arch: chaoslib.Deep, Dataset: "mnist"})
	nb := Notebook{Quick: true}
	md := nb.AboutModels()
	for _, want := range []string{fmt.Sprintf("%d steps", quick.Steps), fmt.Sprintf("B = %d", quick.Batch),
		fmt.Sprintf("η = %g", quick.LR), "runs with the quick configuration", fmt.Sprintf("%v (deep)", deep.Hidden)} {
		if !strings.Contains(md, want) {
			t.Errorf("AboutModels lacks %q:\n%s", want, md)
		}
	}
	nb.Quick = false
	u := runs.TunedConfig(runs.Case{Arch: chaoslib.Unrestricted, Dataset: "mnist"})
	for _, want := range []string{"runs with the tuned configuration", fmt.Sprintf("the unrestricted model: %d steps, data clip %g", u.Steps, u.DataClip)} {
		if md := nb.AboutModels(); !strings.Contains(md, want) {
			t.Errorf("tuned AboutModels lacks %q:\n%s", want, md)
		}
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
