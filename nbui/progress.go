package nbui

import (
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// Progress is a live progress bar in a notebook cell: one output block that
// each Update rewrites in place (gonbui.UpdateHTML). It shows step/total, the
// rate in steps per second, the estimated time left and a free text, for
// example the current loss.
//
// Updates are throttled to about five a second; Done always shows the final
// state. Outside a notebook a Progress does nothing. Its methods are safe for
// concurrent use.
type Progress struct {
	mu       sync.Mutex
	id       string
	label    string
	total    int
	start    time.Time
	last     time.Time
	step     int
	text     string
	done     bool
	minGap   time.Duration
	notebook bool
}

// NewProgress returns a progress bar for total steps, titled label, and shows
// it at step 0.
func NewProgress(total int, label string) *Progress {
	p := &Progress{
		label:    label,
		total:    total,
		start:    time.Now(),
		minGap:   200 * time.Millisecond,
		notebook: gonbui.IsNotebook,
	}
	if p.notebook {
		p.id = "chaosgen_progress_" + gonbui.UniqueId()
		gonbui.UpdateHTML(p.id, p.render(time.Now()))
	}
	return p
}

// Update records that step steps (of total) are done and shows text beside
// the bar. Calls closer than the throttle interval only record the state.
func (p *Progress) Update(step int, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.step, p.text = step, text
	if !p.notebook {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.minGap && step < p.total {
		return
	}
	p.last = now
	gonbui.UpdateHTML(p.id, p.render(now))
}

// Done shows the final state (with the total elapsed time) and waits until
// GoNB has received it; later Updates are ignored. Call it before the cell
// ends, or the last state shown may be lost.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	if p.notebook {
		gonbui.UpdateHTML(p.id, p.render(time.Now()))
		gonbui.Sync()
	}
}

// render returns the bar's HTML at time now; p.mu is held.
func (p *Progress) render(now time.Time) string {
	return progressHTML(p.label, p.step, p.total, now.Sub(p.start), p.text, p.done)
}

// progressHTML is the markup of a progress bar after elapsed time.
func progressHTML(label string, step, total int, elapsed time.Duration, text string, done bool) string {
	frac := 0.0
	if total > 0 {
		frac = min(max(float64(step)/float64(total), 0), 1)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(step) / s
	}
	var eta string
	switch {
	case done:
		eta = "done in " + fmtDuration(elapsed)
	case rate > 0 && total > step:
		eta = "ETA " + fmtDuration(time.Duration(float64(total-step)/rate*float64(time.Second)))
	default:
		eta = "ETA –"
	}
	return fmt.Sprintf(`<div style="font-family:monospace;font-size:90%%">`+
		`<b>%s</b> <progress value="%d" max="%d" style="width:40%%;vertical-align:middle"></progress> `+
		`%d/%d (%.0f%%) · %s step/s · %s`+
		`<span style="margin-left:1em;color:#555">%s</span></div>`,
		html.EscapeString(label), step, max(total, 1), step, total, 100*frac, fmtRate(rate), eta, html.EscapeString(text))
}

// fmtDuration rounds d for display: 1m23s, 4.2s, 350ms.
func fmtDuration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

// fmtRate formats steps per second: 1234, 12.3, 0.052.
func fmtRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 1:
		return fmt.Sprintf("%.1f", r)
	default:
		return fmt.Sprintf("%.2g", r)
	}
}
