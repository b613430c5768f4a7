package cli

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// newBar is the progress bar every command draws on stderr, nil unless
// stderr is a terminal: a pipe or a test gets the report alone.
func newBar(stderr io.Writer) *progressbar.ProgressBar {
	file, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(file.Fd())) {
		return nil
	}
	return progressbar.NewOptions(1, progressbar.OptionSetWriter(file),
		progressbar.OptionSetPredictTime(true), progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(),
		progressbar.OptionThrottle(100*time.Millisecond))
}

// entryProgress shows how many entries of a long check are done. It waits
// a second before drawing, so that a quick check prints nothing extra.
type entryProgress struct {
	bar   *progressbar.ProgressBar
	start time.Time
}

func newEntryProgress(stderr io.Writer) *entryProgress {
	return &entryProgress{bar: newBar(stderr), start: time.Now()}
}

// update is backproof.Settings.Progress; nil when there is no bar.
func (e *entryProgress) update() func(done, total int) {
	if e.bar == nil {
		return nil
	}
	var mu = make(chan struct{}, 1)
	return func(done, total int) {
		if time.Since(e.start) < time.Second {
			return
		}
		select { // the bar is not safe for concurrent use: skip a tick rather than wait
		case mu <- struct{}{}:
		default:
			return
		}
		defer func() { <-mu }()
		if e.bar.GetMax() != total {
			e.bar.ChangeMax(total)
			e.bar.Describe("entries")
		}
		e.bar.Set(done)
	}
}

func (e *entryProgress) finish() {
	if e.bar != nil {
		e.bar.Clear()
	}
}
