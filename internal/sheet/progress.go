package sheet

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Progress hears how far a long import or export has come. total is -1 when
// unknown; done and total share a unit (bytes or rows) the listener need not know.
type Progress interface {
	Update(done, total int64)
}

// Bar is a progress bar for the command line: redrawn in place with \r on a terminal
// (at most ten times a second), plain lines every tenth of the way otherwise.
type Bar struct {
	w        io.Writer
	label    string
	terminal bool
	now      func() time.Time
	last     time.Time
	lastStep int64 // tenths printed so far, for plain output
	drawn    bool
}

// NewBar makes a bar that writes to w (usually os.Stderr).
func NewBar(w io.Writer, label string) *Bar {
	return &Bar{w: w, label: label, terminal: isTerminal(w), now: time.Now, lastStep: -1}
}

// isTerminal reports a character device, where \r redraws work.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update redraws the bar, skipping redraws that come too soon.
func (b *Bar) Update(done, total int64) {
	finished := total > 0 && done >= total
	if !b.terminal {
		b.plain(done, total, finished)
		return
	}
	t := b.now()
	if b.drawn && !finished && t.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = t, true
	fmt.Fprintf(b.w, "\r%s", b.render(done, total))
}

// plain prints a line each tenth of the way (or every 100,000 when the total is unknown).
func (b *Bar) plain(done, total int64, finished bool) {
	step := done / 100000
	if total > 0 {
		step = done * 10 / total
	}
	if step == b.lastStep && !finished {
		return
	}
	b.lastStep = step
	fmt.Fprintln(b.w, b.render(done, total))
}

// render draws "导入 [#####-----]  50%  500/1000".
func (b *Bar) render(done, total int64) string {
	if total <= 0 {
		return fmt.Sprintf("%s %d …", b.label, done)
	}
	if done > total {
		done = total
	}
	const width = 30
	fill := int(done * width / total)
	return fmt.Sprintf("%s [%s%s] %3d%%  %d/%d", b.label, strings.Repeat("#", fill),
		strings.Repeat("-", width-fill), done*100/total, done, total)
}

// Done ends the bar's line on a terminal, so later output starts on a fresh line.
func (b *Bar) Done() {
	if b.terminal && b.drawn {
		fmt.Fprintln(b.w)
	}
}
