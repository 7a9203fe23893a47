package fasta

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/shenwei356/bio/seq"
	"github.com/shenwei356/bio/seqio/fastx"
)

func init() {
	// We validate sequences ourselves (see the package doc).
	seq.ValidateSeq = false
}

// Role says what a file is used for; it decides which problems are fatal.
type Role int

const (
	// Query files: record-level problems are returned with their record and
	// reading goes on; internal '*' is allowed and reported in InternalStops.
	Query Role = iota
	// Reference files: every problem is fatal, and so is an internal '*'.
	Reference
)

func (r Role) String() string {
	if r == Reference {
		return "reference"
	}
	return "query"
}

// Options control validation.
type Options struct {
	Role Role
	// AllowNucleotide accepts sequences that look like DNA or RNA as protein.
	AllowNucleotide bool
	// MaxLength, when > 0, is the longest sequence accepted (residues as
	// written); a longer one stops the file with ErrTooLong.
	MaxLength int
}

// Record is one validated FASTA record. It is never reused by the Reader.
type Record struct {
	File        string // path as given to Open ("-" for stdin)
	Index       int    // 1-based record number in the file
	Line        int    // 1-based line of the header; 0 if unknown
	ID          string // header up to the first space or tab
	Description string // rest of the header, leading blanks removed

	// Raw is the sequence as written, with line breaks (and a '\r' before
	// them) removed. Error positions (Error.Pos) index Raw, 1-based.
	Raw []byte
	// Seq is what water reads: letters and '*' in their original case, with
	// '-', '.', digits and blanks removed, then one trailing '*' stripped.
	// Query coordinates are positions in Seq. For a record returned with an
	// error, invalid characters are left out and Seq must not be aligned.
	Seq []byte

	Lowercase            bool  // Seq contains a lower-case letter
	Removed              int   // characters of Raw dropped from Seq ('-', '.', digits, blanks), not counting the stripped '*'
	TerminalStopStripped bool  // a final '*' was removed from Seq
	InternalStops        []int // 1-based positions of '*' in Seq
}

// Reader streams the records of one FASTA file.
type Reader struct {
	file    string
	opt     Options
	release func()       // releases the decompressor
	close   func() error // closes the underlying file, nil for stdin
	lines   *lineTracker
	fx      *fastx.Reader
	n       int            // records returned so far
	seen    map[string]int // ID -> record number
	err     error          // sticky fatal error
}

// Open opens path for reading; "-" is stdin. Compressed input (gzip, bzip2,
// xz, zstd) is detected by its magic bytes. Open reads the start of
// the input, so it can already return a file-level *Error (missing, empty,
// not FASTA, corrupt); treat errors from Open and Next alike.
//
// Unlike xopen.Ropen (used by fastx.NewReader), Open never runs a command for
// a path starting with '|' nor downloads a path starting with http://.
func Open(path string, opt Options) (*Reader, error) {
	if path == "-" {
		if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return nil, &Error{File: path, Kind: ErrUnreadable, Msg: "stdin is a terminal; pipe a FASTA file into it or give a file name", fatal: true}
		}
		return newReader(os.Stdin, nil, path, opt)
	}
	f, err := os.Open(path) // #nosec G304 -- the input FASTA the user named; reading it is the tool's job
	if err != nil {
		return nil, &Error{File: path, Kind: ErrUnreadable, Msg: err.Error(), Err: err, fatal: true}
	}
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		_ = f.Close()
		return nil, &Error{File: path, Kind: ErrUnreadable, Msg: "is a directory", fatal: true}
	}
	return newReader(f, f.Close, path, opt)
}

// NewReader reads FASTA from r, which may be compressed. name is used in
// records and errors. The caller closes r, after Close.
func NewReader(r io.Reader, name string, opt Options) (*Reader, error) {
	return newReader(r, nil, name, opt)
}

func newReader(r io.Reader, closeFn func() error, name string, opt Options) (*Reader, error) {
	fail := func(e *Error) (*Reader, error) {
		if closeFn != nil {
			_ = closeFn()
		}
		return nil, e
	}
	text, release, err := decompress(r)
	if err != nil {
		return fail(readError(name, err))
	}
	rd := &Reader{file: name, opt: opt, release: release, close: closeFn, seen: make(map[string]int)}
	rd.lines = newLineTracker(text, name)
	// fastx runs xopen.Buf on the text, which the tracker guarantees starts
	// with '>', so nothing is decompressed twice.
	rd.fx, err = fastx.NewReaderFromIO(seq.Protein, rd.lines, "")
	if rd.lines.err != nil {
		rd.Close()
		return nil, rd.lines.err
	}
	if err != nil {
		rd.Close()
		return nil, &Error{File: name, Kind: ErrUnreadable, Msg: err.Error(), Err: err, fatal: true}
	}
	return rd, nil
}

// Close releases the reader and closes the file it opened. It is safe to
// call more than once.
func (r *Reader) Close() {
	if r.fx != nil {
		r.fx.Close()
		r.fx = nil
	}
	if r.release != nil {
		r.release()
		r.release = nil
	}
	if r.close != nil {
		_ = r.close()
		r.close = nil
	}
}

// Next returns the next record. At the end it returns (nil, io.EOF). A
// fatal error is returned as (nil, *Error) and again by every later call. A
// record-level problem of a query file is returned as (record, *Error) with
// Fatal() false: report it and call Next again.
//
// Records are whole: a truncated compressed file yields the records before
// the cut, then ErrTruncated. Damage inside a gzip stream may only show at its
// end (CRC check), after records from the damaged region were returned; a
// caller that must not use such records should treat ErrTruncated as voiding
// the whole file.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.fx == nil {
		return nil, &Error{File: r.file, Kind: ErrUnreadable, Msg: "reader is closed", fatal: true}
	}
	fr, err := r.fx.Read()
	if r.lines.err != nil { // the tracker's diagnosis beats fastx's symptom
		return r.fail(r.lines.err)
	}
	if err != nil {
		if err == io.EOF {
			if r.n == 0 {
				return r.fail(&Error{File: r.file, Kind: ErrEmptyFile, Msg: "empty file (no FASTA record)", fatal: true})
			}
			return nil, io.EOF
		}
		return r.fail(&Error{File: r.file, Record: r.n + 1, Kind: ErrUnreadable, Msg: err.Error(), Err: err, fatal: true})
	}
	r.n++
	rec := &Record{File: r.file, Index: r.n, Raw: joinLines(fr.Seq.Seq)}
	rec.ID, rec.Description = splitHeader(fr.Name)
	li, ok := r.lines.pop()
	if !ok || li.total() != len(rec.Raw) {
		li = lineInfo{} // should not happen; better no line than a wrong one
	}
	rec.Line = li.header

	recErr := func(kind ErrKind, pos, line int, msg string) *Error {
		return &Error{File: r.file, Record: rec.Index, ID: rec.ID, Line: line, Pos: pos, Kind: kind, Msg: msg,
			fatal: kind.fileLevel() || r.opt.Role == Reference}
	}

	if r.opt.MaxLength > 0 && len(rec.Raw) > r.opt.MaxLength {
		return r.fail(recErr(ErrTooLong, 0, rec.Line, fmt.Sprintf("sequence of %d characters is longer than the limit of %d (--max-length); no protein is that long: is this a genome or a concatenation?", len(rec.Raw), r.opt.MaxLength)))
	}
	bad := clean(rec) // first: a record returned with any problem has its Seq and counts
	if rec.ID == "" {
		return r.record(rec, recErr(ErrEmptyID, 0, rec.Line, "empty ID: the header line has no name after '>'"))
	}
	if c, ok := controlChar(fr.Name); ok {
		return r.record(rec, recErr(ErrBadHeader, 0, rec.Line, fmt.Sprintf("header contains %s", quoteByte(c))))
	}
	if first, dup := r.seen[rec.ID]; dup {
		return r.fail(recErr(ErrDuplicateID, 0, rec.Line, fmt.Sprintf("duplicate ID %q: same as record %d", rec.ID, first)))
	}
	r.seen[rec.ID] = rec.Index
	switch {
	case bad.count > 0:
		msg := fmt.Sprintf("invalid letter %s at position %d", quoteByte(bad.char), bad.pos)
		if bad.count > 1 {
			msg += fmt.Sprintf(" (%d invalid characters in the sequence)", bad.count)
		}
		return r.record(rec, recErr(ErrInvalidLetter, bad.pos, li.lineOf(bad.pos), msg))
	case len(rec.Seq) == 0:
		msg := "empty sequence"
		if len(rec.Raw) > 0 {
			msg = fmt.Sprintf("empty sequence after removing %q", rec.Raw)
			if len(rec.Raw) > 20 {
				msg = fmt.Sprintf("empty sequence after removing %d non-residue characters", len(rec.Raw))
			}
		}
		return r.record(rec, recErr(ErrEmptyRecord, 0, rec.Line, msg))
	case !r.opt.AllowNucleotide && bad.looksNucleotide():
		return r.record(rec, recErr(ErrNucleotide, 0, rec.Line,
			fmt.Sprintf("looks like a nucleotide sequence (%d letters, %d of them A/C/G/T/U/N), not protein", bad.letters, bad.nucleotides)))
	case r.opt.Role == Reference && len(rec.InternalStops) > 0:
		p := rec.InternalStops[0]
		return r.record(rec, recErr(ErrInternalStop, bad.firstStopRaw, li.lineOf(bad.firstStopRaw),
			fmt.Sprintf("internal stop '*' at residue %d of a reference (internal stops: %d)", p, len(rec.InternalStops))))
	}
	return rec, nil
}

// record returns a record with its problem; a fatal problem ends the file.
func (r *Reader) record(rec *Record, e *Error) (*Record, error) {
	if e.fatal {
		return r.fail(e)
	}
	return rec, e
}

func (r *Reader) fail(e *Error) (*Record, error) {
	r.err = e
	return nil, e
}

// ReadAll reads every record of path and stops at the first problem of any
// kind, returning the records read before it. It holds the whole file in
// memory: use it for reference files, and Open/Next for queries.
func ReadAll(path string, opt Options) ([]*Record, error) {
	return readAll(path, opt, false)
}

// ReadRaw reads every record of a query file, those with record-level
// problems (invalid letters, nucleotide-like, empty) included, and stops
// only at a fatal error. It is for test and benchmark data that is read as
// written (Record.Raw), including the edge cases a run reports as errors.
func ReadRaw(path string) ([]*Record, error) {
	return readAll(path, Options{Role: Query, AllowNucleotide: true}, true)
}

func readAll(path string, opt Options, keepBad bool) ([]*Record, error) {
	r, err := Open(path, opt)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var recs []*Record
	for {
		rec, err := r.Next()
		switch {
		case err == io.EOF:
			return recs, nil
		case err != nil && (!keepBad || IsFatal(err)):
			return recs, err
		}
		recs = append(recs, rec)
	}
}

// splitHeader splits a header (without '>') at its first space or tab. We do
// not use fastx's ID and Desc: fastx skips blanks two at a time and so drops
// the first letter of a description that follows two blanks.
func splitHeader(h []byte) (id, desc string) {
	i := bytes.IndexAny(h, " \t")
	if i < 0 {
		return string(h), ""
	}
	return string(h[:i]), string(bytes.TrimLeft(h[i:], " \t"))
}

// joinLines copies s without '\n' and a '\r' before it. fastx has already
// joined the lines except in a record with an empty header.
func joinLines(s []byte) []byte {
	if bytes.IndexByte(s, '\n') < 0 {
		return bytes.Clone(s)
	}
	out := make([]byte, 0, len(s))
	for _, line := range bytes.Split(s, []byte{'\n'}) {
		out = append(out, bytes.TrimSuffix(line, []byte{'\r'})...)
	}
	return out
}

// controlChar finds the first control character other than tab in a
// header: it would be written raw into TSV and JSON consumers' tables.
func controlChar(h []byte) (byte, bool) {
	for _, c := range h {
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return c, true
		}
	}
	return 0, false
}
