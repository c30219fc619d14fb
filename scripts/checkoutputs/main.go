// Command checkoutputs verifies the outputs of scripts/test.sh's CLI smoke
// run: every expected file exists, every PNG decodes to a non-empty image,
// every JSON number and every metrics.csv value is finite, and the resumed
// run has metrics up to its last step.
package main

import (
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: checkoutputs OUTDIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	var bad []string
	fail := func(f string, a ...any) { bad = append(bad, fmt.Sprintf(f, a...)) }

	pngs := []string{"samples.png", "snap.png"}
	for _, f := range []string{"fig2_mnist.png", "fig3a_mnist.png", "fig3b_mnist.png", "fig4_fields_mnist.png", "fig4_silenced_mnist.png", "fig5_mnist.png"} {
		pngs = append(pngs, filepath.Join("figures", f))
	}
	for _, p := range pngs {
		f, err := os.Open(filepath.Join(dir, p))
		if err != nil {
			fail("%s: %v", p, err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			fail("%s: does not decode: %v", p, err)
		} else if b := img.Bounds(); b.Dx() < 50 || b.Dy() < 50 {
			fail("%s: only %dx%d pixels", p, b.Dx(), b.Dy())
		}
	}
	for _, p := range []string{"samples.npy", "snap_t1.npy", "snap_t4.npy", "snap_t40.npy", "run/config.json"} {
		if st, err := os.Stat(filepath.Join(dir, p)); err != nil || st.Size() == 0 {
			fail("%s: missing or empty", p)
		}
	}
	for _, p := range []string{"eval_ckpt.json", "eval_samples.json", "bench.json"} {
		raw, err := os.ReadFile(filepath.Join(dir, p))
		var v map[string]any
		if err == nil {
			err = json.Unmarshal(raw, &v)
		}
		if err != nil {
			fail("%s: %v", p, err)
			continue
		}
		for k, x := range v {
			if f, ok := x.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
				fail("%s: %s = %v", p, k, f)
			}
		}
		if p == "eval_ckpt.json" {
			for _, k := range []string{"E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage", "n", "t"} {
				if _, ok := v[k]; !ok {
					fail("%s: no key %s", p, k)
				}
			}
		}
	}
	rows, err := runs.ReadMetrics(runs.MetricsPath(filepath.Join(dir, "run")))
	if err != nil {
		fail("metrics.csv: %v", err)
	} else if len(rows) == 0 || rows[len(rows)-1].Step != 40 {
		fail("metrics.csv: last step is not 40 after --resume")
	} else {
		for _, r := range rows {
			for _, v := range []float64{r.E2, r.Es, r.EAAI, r.AATruth, r.AASyn} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					fail("metrics.csv step %d: non-finite index", r.Step)
				}
			}
		}
	}
	if len(bad) > 0 {
		for _, b := range bad {
			fmt.Fprintln(os.Stderr, "FAIL:", b)
		}
		os.Exit(1)
	}
	fmt.Printf("checkoutputs: %d images, metrics and JSON outputs OK\n", len(pngs))
}
