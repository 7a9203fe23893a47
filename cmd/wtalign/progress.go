package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is a bar on stderr when it is a terminal, and nothing otherwise,
// so batch logs never fill with redraws.
type progress struct {
	bar *progressbar.ProgressBar
	w   io.Writer
}

// newProgress draws a bar for max records (-1 when unknown).
func newProgress(a *app, what string, max int) *progress {
	if !a.progressVisible() {
		return &progress{}
	}
	return &progress{w: a.io.Err, bar: progressbar.NewOptions(max,
		progressbar.OptionSetWriter(a.io.Err),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("records"),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)}
}

func (p *progress) set(n int) {
	if p.bar != nil {
		_ = p.bar.Set(n)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}
