package runs

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/internal/safefile"
)

// MetricsColumns is the header of metrics.csv.
var MetricsColumns = []string{"step", "seconds", "t", "n", "E2", "Es", "ER", "EAAI", "AA_truth", "AA_syn", "coverage"}

// MetricsRow is one line of metrics.csv: the indices at t = T after Step
// training steps, Seconds of training time into the run. ER is NaN (written
// empty) when it does not apply.
type MetricsRow struct {
	Step    int
	Seconds float64
	indices.Report
}

func (r MetricsRow) record() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	er := ""
	if r.ER != nil {
		er = f(*r.ER)
	}
	return []string{strconv.Itoa(r.Step), f(r.Seconds), f(r.T), strconv.Itoa(r.N), f(r.E2), f(r.Es), er,
		f(r.EAAI), f(r.AATruth), f(r.AASyn), strconv.Itoa(r.Coverage)}
}

// ReadMetrics reads a metrics.csv written by a training run.
func ReadMetrics(path string) ([]MetricsRow, error) {
	f, _, err := safefile.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseMetrics(f, path)
}

func parseMetrics(r io.Reader, path string) ([]MetricsRow, error) {
	recs, err := csv.NewReader(r).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty; a chaosgen metrics.csv starts with the header %s", path, strings.Join(MetricsColumns, ","))
	}
	if len(recs[0]) != len(MetricsColumns) || recs[0][0] != "step" {
		return nil, fmt.Errorf("%s: not a chaosgen metrics.csv (header %q, want %s)", path, strings.Join(recs[0], ","), strings.Join(MetricsColumns, ","))
	}
	var out []MetricsRow
	for i, rec := range recs[1:] {
		v := make([]float64, len(rec))
		for j, s := range rec {
			if s == "" {
				v[j] = math.NaN()
				continue
			}
			if v[j], err = strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%s line %d column %s: %q is not a number", path, i+2, MetricsColumns[j], s)
			}
		}
		for _, j := range []int{0, 3, 10} { // step, n and coverage are whole counts
			if w := v[j]; !(w >= 0 && w <= 1<<53 && w == math.Trunc(w)) {
				return nil, fmt.Errorf("%s line %d column %s: %q is not a whole number ≥ 0", path, i+2, MetricsColumns[j], rec[j])
			}
		}
		row := MetricsRow{Step: int(v[0]), Seconds: v[1], Report: indices.Report{T: v[2], N: int(v[3]),
			E2: v[4], Es: v[5], EAAI: v[7], AATruth: v[8], AASyn: v[9], Coverage: int(v[10])}}
		if !math.IsNaN(v[6]) {
			er := v[6]
			row.ER = &er
		}
		out = append(out, row)
	}
	return out, nil
}

// WriteMetrics writes rows to path as metrics.csv (atomically).
func WriteMetrics(path string, rows []MetricsRow) error {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(MetricsColumns)
	for _, r := range rows {
		w.Write(r.record())
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return chaoslib.WriteFileAtomic(path, []byte(b.String()))
}
