package fasta

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
)

// lineTracker sits between the decompressed input and fastx. fastx does not
// report line numbers, so the tracker sees the same bytes and records, for
// every record, the line of its header and the length of each of its
// sequence lines. It uses the same record boundary as fastx: a '>' at the
// start of a line.
//
// A line ends at '\n', and every '\r' just before it belongs to the line
// end (CRLF, and the CRCRLF of files converted twice). The tracker removes
// those '\r' before fastx sees the bytes: fastx drops one '\r' per line, and
// a second one from the last line of a record when the next header is in
// the same read buffer, so what it kept would depend on buffer boundaries.
// A '\r' inside a line is passed on as it is.
//
// It also does the checks that must happen before fastx sees the data: it
// skips leading blank space (fastx rejects a leading space or "\r\n"), stops
// with ErrNotFASTA when the first non-blank byte is not '>' (fastx would
// parse '@' as FASTQ), and classifies read errors.
type lineTracker struct {
	src     io.Reader
	file    string
	started bool // the first '>' has been passed on
	line    int  // completed lines so far
	atStart bool // the next byte starts a line
	header  bool // the current line is a header
	cur     int  // bytes of the current line passed on so far
	heldCR  int  // '\r' read but not passed on: a line end if '\n' follows
	buf     []byte
	out     []byte // filter's buffer
	ready   []byte // filtered bytes not yet returned
	eof     bool
	queue   []lineInfo
	err     *Error // sticky
}

// lineInfo locates one record in the file.
type lineInfo struct {
	header int   // 1-based line of the header
	lens   []int // lengths of the following sequence lines, blank ones included
}

// lineOf returns the line holding the pos-th (1-based) byte of the record's
// joined sequence, or 0 if pos is out of range.
func (li *lineInfo) lineOf(pos int) int {
	for i, n := range li.lens {
		if pos <= n {
			return li.header + 1 + i
		}
		pos -= n
	}
	return 0
}

func (li *lineInfo) total() int {
	t := 0
	for _, n := range li.lens {
		t += n
	}
	return t
}

func newLineTracker(src io.Reader, file string) *lineTracker {
	return &lineTracker{src: src, file: file, atStart: true}
}

func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func (t *lineTracker) Read(p []byte) (int, error) {
	for len(t.ready) == 0 {
		if t.err != nil {
			return 0, t.err
		}
		if t.eof {
			return 0, io.EOF
		}
		if t.buf == nil {
			t.buf = make([]byte, 64*1024)
		}
		n, err := t.src.Read(t.buf)
		b := t.buf[:n]
		if !t.started && n > 0 {
			k := 0
			for k < n && isBlank(b[k]) {
				k++
			}
			t.line += bytes.Count(b[:k], []byte{'\n'})
			if k < n && b[k] != '>' {
				t.err = notFASTA(t.file, t.line+1, b[k:])
				return 0, t.err
			}
			t.started = k < n
			b = b[k:]
		}
		t.ready = t.filter(b, err == io.EOF)
		t.scan(t.ready)
		switch {
		case err == io.EOF:
			t.finish()
			t.eof = true
		case err != nil:
			t.err = readError(t.file, err)
			return 0, t.err
		}
		// n == 0 && err == nil: fastx treats that as an unexpected EOF, so read again.
	}
	n := copy(p, t.ready)
	t.ready = t.ready[n:]
	return n, nil
}

// filter returns b without the '\r' that end lines, holding back a run of
// '\r' at the end of b until the next byte shows what it is (at the end of
// the input, it ends the last line).
func (t *lineTracker) filter(b []byte, eof bool) []byte {
	if t.heldCR == 0 && bytes.IndexByte(b, '\r') < 0 {
		return b // the common case: no '\r' at all
	}
	out := t.out[:0]
	for _, c := range b {
		switch c {
		case '\r':
			t.heldCR++
			continue
		case '\n':
		default:
			for ; t.heldCR > 0; t.heldCR-- {
				out = append(out, '\r')
			}
		}
		t.heldCR = 0
		out = append(out, c)
	}
	if eof {
		t.heldCR = 0
	}
	t.out = out // reused: ready is always consumed before the next filter
	return out
}

func (t *lineTracker) scan(b []byte) {
	for len(b) > 0 {
		if t.atStart {
			t.atStart = false
			t.header = b[0] == '>'
			if t.header {
				t.queue = append(t.queue, lineInfo{header: t.line + 1})
			}
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			t.cur += len(b)
			return
		}
		t.cur += i
		t.endLine()
		t.atStart = true
		b = b[i+1:]
	}
}

func (t *lineTracker) endLine() {
	t.line++
	if !t.header && len(t.queue) > 0 {
		last := &t.queue[len(t.queue)-1]
		last.lens = append(last.lens, t.cur)
	}
	t.cur = 0
}

// finish ends a last line that has no final newline.
func (t *lineTracker) finish() {
	if !t.atStart {
		t.endLine()
		t.atStart = true
	}
}

// pop returns the location of the next record fastx hands out.
func (t *lineTracker) pop() (lineInfo, bool) {
	if len(t.queue) == 0 {
		return lineInfo{}, false
	}
	li := t.queue[0]
	t.queue[0] = lineInfo{}
	t.queue = t.queue[1:]
	return li, true
}

// notFASTA builds the error for input whose first non-blank byte is not '>',
// with a hint about what the input looks like.
func notFASTA(file string, line int, rest []byte) *Error {
	first := rest
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimRight(first, "\r")
	hint := "text without a '>' header line"
	switch {
	case bytes.HasPrefix(first, []byte("LOCUS")):
		hint = "looks like GenBank"
	case bytes.HasPrefix(first, []byte("ID ")):
		hint = "looks like EMBL or UniProt text"
	case first[0] == '@':
		hint = "looks like FASTQ"
	case first[0] == '#' || bytes.HasPrefix(first, []byte("CLUSTAL")):
		hint = "looks like a comment or an alignment file"
	case bytes.IndexFunc(first, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0xfffd }) >= 0:
		hint = "looks binary"
	case bytes.IndexFunc(first, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '*' || r == '-')
	}) < 0:
		hint = "a sequence without a '>' header line"
	}
	return &Error{
		File:  file,
		Line:  line,
		Kind:  ErrNotFASTA,
		Msg:   "not a FASTA file: first non-blank character is " + quoteByte(first[0]) + ", expected '>' (" + hint + ")",
		fatal: true,
	}
}

// readError classifies an error from the (possibly decompressing) reader.
// Plain files and pipes only fail with *fs.PathError; anything else comes
// from a decompressor.
func readError(file string, err error) *Error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &Error{File: file, Kind: ErrUnreadable, Msg: "read error: " + err.Error(), Err: err, fatal: true}
	}
	return &Error{File: file, Kind: ErrTruncated, Msg: "truncated or corrupt compressed input: " + err.Error(), Err: err, fatal: true}
}
