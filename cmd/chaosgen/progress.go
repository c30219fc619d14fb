package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/chaosgen/chaosgen/chaoslib/runs"
)

// isTerminal reports whether f is a character device (a terminal).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressPrinter shows training progress on w: a redrawn bar when w is a
// terminal, plain lines every `every` otherwise.
type progressPrinter struct {
	w     io.Writer
	tty   bool
	every time.Duration
	last  time.Time
}

func newProgress(f *os.File) *progressPrinter {
	return &progressPrinter{w: f, tty: isTerminal(f), every: 10 * time.Second}
}

func (p *progressPrinter) update(pr runs.Progress) {
	final := pr.Step == pr.Total
	if !final && time.Since(p.last) < p.every && !(p.tty && time.Since(p.last) > 200*time.Millisecond) {
		return
	}
	p.last = time.Now()
	eta := "?"
	if pr.StepsPerSec > 0 {
		eta = (time.Duration(float64(pr.Total-pr.Step)/pr.StepsPerSec) * time.Second).Round(time.Second).String()
	}
	idx := ""
	if l := pr.Last; l != nil {
		idx = fmt.Sprintf(" | @%d: E2 %.2e Es %.2e EAAI %.3f cov %d", l.Step, l.E2, l.Es, l.EAAI, l.Coverage)
	}
	if p.tty {
		const width = 24
		done := width * pr.Step / max(1, pr.Total)
		bar := strings.Repeat("█", done) + strings.Repeat("·", width-done)
		fmt.Fprintf(p.w, "\r\033[K%s %d/%d %.1f step/s ETA %s%s", bar, pr.Step, pr.Total, pr.StepsPerSec, eta, idx)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	fmt.Fprintf(p.w, "step %d/%d  %.1f step/s  ETA %s%s\n", pr.Step, pr.Total, pr.StepsPerSec, eta, idx)
}
