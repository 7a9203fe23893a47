package fasta

import (
	"fmt"
	"strings"
)

// ErrKind classifies an *Error. Each kind is itself an error, so
// errors.Is(err, fasta.ErrDuplicateID) tells the kind of any wrapped *Error.
type ErrKind int

// Kinds of problems. File-level kinds are always fatal; record-level kinds
// are fatal only when reading a reference file.
const (
	_ ErrKind = iota
	// File level.
	ErrUnreadable  // missing file, directory, I/O error, stdin is a terminal
	ErrEmptyFile   // no record at all: 0 bytes, blank lines or whitespace only
	ErrNotFASTA    // the first non-blank character is not '>' (GenBank, FASTQ, raw sequence, binary)
	ErrTruncated   // truncated or corrupt compressed input
	ErrDuplicateID // two records of one file share an ID
	ErrTooLong     // a sequence longer than Options.MaxLength
	// Record level.
	ErrEmptyID       // header with no ID ('>' followed by nothing or blanks)
	ErrEmptyRecord   // no residue left after cleaning (incl. a lone '*')
	ErrInvalidLetter // a character that is neither a letter, '*', nor one of the removed characters
	ErrNucleotide    // >= 90% of >= 30 letters are A, C, G, T, U or N
	ErrInternalStop  // '*' inside a reference sequence
	ErrBadHeader     // a control character (NUL, ...) in the header line
)

var kindText = map[ErrKind]string{
	ErrUnreadable:    "unreadable input",
	ErrEmptyFile:     "empty FASTA file",
	ErrNotFASTA:      "not a FASTA file",
	ErrTruncated:     "truncated or corrupt compressed input",
	ErrDuplicateID:   "duplicate ID",
	ErrTooLong:       "sequence too long",
	ErrEmptyID:       "empty ID",
	ErrEmptyRecord:   "empty sequence",
	ErrInvalidLetter: "invalid letter",
	ErrNucleotide:    "nucleotide sequence",
	ErrInternalStop:  "internal stop",
	ErrBadHeader:     "control character in header",
}

func (k ErrKind) Error() string {
	if s, ok := kindText[k]; ok {
		return "fasta: " + s
	}
	return fmt.Sprintf("fasta: error kind %d", int(k))
}

// fileLevel reports whether k makes the whole file unusable whatever the role.
func (k ErrKind) fileLevel() bool { return k >= ErrUnreadable && k <= ErrTooLong }

// Error describes one problem in one input file.
type Error struct {
	File   string // path as given; "-" is stdin
	Record int    // 1-based record number in the file; 0 for file-level problems
	ID     string // record ID, "" if none or not applicable
	Line   int    // 1-based line in the decompressed text; 0 for file-level errors other than ErrNotFASTA and ErrDuplicateID
	Pos    int    // 1-based position in the record's Raw sequence; 0 if not applicable
	Kind   ErrKind
	Msg    string // detail, without file/record context
	Err    error  // underlying cause, if any

	fatal bool
}

// Fatal reports whether the caller must stop reading the file: always for
// file-level kinds, and for every kind when the file is a reference.
func (e *Error) Fatal() bool { return e.fatal }

// Error formats e as
//
//	fasta: query.faa: record 12 (ID "sp|X|Y"): invalid letter '@' at position 57 (line 40)
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("fasta: ")
	b.WriteString(displayName(e.File))
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d (ID %q)", e.Record, e.ID)
	}
	b.WriteString(": ")
	if e.Msg != "" {
		b.WriteString(e.Msg)
	} else {
		b.WriteString(strings.TrimPrefix(e.Kind.Error(), "fasta: "))
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d)", e.Line)
	}
	return b.String()
}

// Unwrap exposes both the kind and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// IsFatal reports whether err must stop the reading of its file: false only
// for a record-level *Error of a query file (and for nil).
func IsFatal(err error) bool {
	if err == nil {
		return false
	}
	if e, ok := err.(*Error); ok {
		return e.Fatal()
	}
	return true
}

func displayName(file string) string {
	if file == "-" {
		return "stdin"
	}
	return file
}

// quoteByte shows a byte so that control and non-ASCII bytes are visible.
func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("byte 0x%02X", c)
}
