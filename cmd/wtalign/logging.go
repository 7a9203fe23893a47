package main

import (
	"time"

	"github.com/rs/zerolog"
)

// setupLogging builds the stderr logger from the global flags: console
// lines on a terminal, JSON lines otherwise (batch logs, workflow engines).
func (a *app) setupLogging() error {
	g := a.glob
	lvl, err := zerolog.ParseLevel(g.LogLevel)
	if err != nil || g.LogLevel == "" {
		return usagef("--log-level %q: want debug, info, warn or error", g.LogLevel)
	}
	if g.Quiet {
		lvl = zerolog.ErrorLevel
	}
	var console bool
	switch g.LogFormat {
	case "auto":
		console = a.io.ErrIsTTY
	case "console":
		console = true
	case "json":
	default:
		return usagef("--log-format %q: want auto, console or json", g.LogFormat)
	}
	w := a.io.Err
	if console {
		w = zerolog.ConsoleWriter{Out: a.io.Err, NoColor: !a.io.ErrIsTTY, TimeFormat: time.TimeOnly}
	}
	g.log = zerolog.New(w).Level(lvl).With().Timestamp().Logger()
	return nil
}

// progressVisible reports whether a progress bar may be drawn.
func (a *app) progressVisible() bool { return a.io.ErrIsTTY && !a.glob.Quiet }
