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
// sequence lines (trailing '\r' excluded, as fastx drops it). It uses the
// same record boundary as fastx: a '>' at the start of a line.
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
	cur     int  // bytes of the current line seen so far
	lastCR  bool // the last byte of the current line seen so far is '\r'
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
	if t.err != nil {
		return 0, t.err
	}
	for {
		n, err := t.src.Read(p)
		if !t.started && n > 0 {
			k := 0
			for k < n && isBlank(p[k]) {
				k++
			}
			t.line += bytes.Count(p[:k], []byte{'\n'})
			if k < n {
				if p[k] != '>' {
					t.err = notFASTA(t.file, t.line+1, p[k:n])
					return 0, t.err
				}
				t.started = true
				n = copy(p, p[k:n])
			} else {
				n = 0
			}
		}
		t.scan(p[:n])
		switch {
		case err == io.EOF:
			t.finish()
			return n, io.EOF
		case err != nil:
			t.err = readError(t.file, err)
			return 0, t.err
		case n > 0:
			return n, nil
		}
		// n == 0 && err == nil: fastx treats that as an unexpected EOF, so read again.
	}
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
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		if len(seg) > 0 {
			t.cur += len(seg)
			t.lastCR = seg[len(seg)-1] == '\r'
		}
		if i < 0 {
			return
		}
		t.endLine()
		t.atStart = true
		b = b[i+1:]
	}
}

func (t *lineTracker) endLine() {
	n := t.cur
	if t.lastCR {
		n--
	}
	t.line++
	if !t.header && len(t.queue) > 0 {
		last := &t.queue[len(t.queue)-1]
		last.lens = append(last.lens, n)
	}
	t.cur, t.lastCR = 0, false
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
