package emboss

import (
	"errors"
	"fmt"
	"strings"
)

// Detection errors; Detect wraps them with the path and what was seen.
var (
	// ErrNotFound: no water executable in the places Detect looks.
	ErrNotFound = errors.New("emboss: water not found")
	// ErrNotWater: the executable runs but is not EMBOSS water 6.x.
	ErrNotWater = errors.New("emboss: not EMBOSS water")
)

// Kind classifies a failed water run.
type Kind int

// Failure kinds. Every kind except KindInput is a failure of water itself,
// after which a caller may fall back to another engine.
const (
	KindStart     Kind = iota + 1 // the process could not be started
	KindCrash                     // killed by a signal (e.g. SIGSEGV)
	KindExit                      // exited with a non-zero status
	KindTimeout                   // the per-batch timeout expired
	KindParse                     // output present but unparseable or inconsistent with the input
	KindTruncated                 // fewer alignment blocks than queries, or the output ends inside a block
)

var kindNames = map[Kind]string{
	KindStart: "could not start", KindCrash: "crashed", KindExit: "failed", KindTimeout: "timed out",
	KindParse: "unparseable output", KindTruncated: "truncated output",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Sentinels for errors.Is; a *BatchError matches the one for its Kind.
var (
	ErrStart     = errors.New("emboss: water could not start")
	ErrCrash     = errors.New("emboss: water crashed")
	ErrExit      = errors.New("emboss: water exited with an error")
	ErrTimeout   = errors.New("emboss: water timed out")
	ErrParse     = errors.New("emboss: water output unparseable")
	ErrTruncated = errors.New("emboss: water output truncated")
)

var kindSentinel = map[Kind]error{
	KindStart: ErrStart, KindCrash: ErrCrash, KindExit: ErrExit, KindTimeout: ErrTimeout,
	KindParse: ErrParse, KindTruncated: ErrTruncated,
}

// BatchError is a failed water run over one batch of queries.
type BatchError struct {
	Kind     Kind
	First    int    // index (in the task) of the batch's first query
	Count    int    // queries in the batch
	ExitCode int    // for KindExit
	Signal   string // for KindCrash
	Stderr   string // the tail of water's stderr and stdout
	Err      error  // underlying cause, if any
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "emboss: water batch of %d queries (from #%d): %s", e.Count, e.First+1, e.Kind)
	switch e.Kind {
	case KindExit:
		fmt.Fprintf(&b, " (exit status %d)", e.ExitCode)
	case KindCrash:
		fmt.Fprintf(&b, " (signal %s)", e.Signal)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		fmt.Fprintf(&b, "; water said: %s", oneLine(s, 300))
	}
	return b.String()
}

func (e *BatchError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCrash) and friends work.
func (e *BatchError) Is(target error) bool { return kindSentinel[e.Kind] == target }

// parseError is an inconsistency found while reading water's output.
type parseError struct {
	kind Kind // KindParse or KindTruncated
	msg  string
}

func (e *parseError) Error() string { return e.msg }

func parseErrf(format string, args ...any) error {
	return &parseError{kind: KindParse, msg: fmt.Sprintf(format, args...)}
}

func truncErrf(format string, args ...any) error {
	return &parseError{kind: KindTruncated, msg: fmt.Sprintf(format, args...)}
}

// oneLine squeezes whitespace and keeps at most n bytes (the end, where
// EMBOSS prints its "Died:" line).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
