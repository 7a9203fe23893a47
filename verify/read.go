package verify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
)

// Kinds of unreadable input, for errors.Is on an *InputError.
var (
	// ErrUnfinished: the output of a run that has not finished (a .partial
	// file, a manifest that is not complete, or only a partial on disk).
	ErrUnfinished = errors.New("unfinished run")
	// ErrNotOutput: the file is not a wtalign output (empty, another
	// format, JSON that is not a wtalign record).
	ErrNotOutput = errors.New("not a wtalign output")
	// ErrTruncated: the file ends in the middle of a record or before the
	// end of its json document.
	ErrTruncated = errors.New("truncated output")
)

// InputError is an output that cannot be read as a finished wtalign
// output, with the position of the problem.
type InputError struct {
	File   string
	Line   int   // 1-based line; 0 when the problem is the whole file
	Offset int64 // byte offset of that line's start
	Record int   // 1-based record number in the file; 0 if not applicable
	Kind   error // ErrUnfinished, ErrNotOutput, ErrTruncated or nil
	Msg    string
	Err    error // underlying cause, if any
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d (byte %d)", e.Line, e.Offset)
	}
	if e.Record > 0 {
		fmt.Fprintf(&b, ": record %d", e.Record)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap exposes the kind and the cause.
func (e *InputError) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// Output is one finished wtalign output opened for reading.
type Output struct {
	Path          string
	Format        output.Format
	SchemaVersion string // from the json header; "" for jsonl and tsv
	ToolVersion   string // from the json header; "" for jsonl and tsv
	// Manifest is <Path>.manifest.json when it exists and can be read;
	// ManifestErr says why an existing manifest could not be read.
	Manifest     *manifest.Manifest
	ManifestPath string
	ManifestErr  error
}

// ManifestSuffix is appended to an output's path to find its manifest.
const ManifestSuffix = ".manifest.json"

// Open opens a finished output. path may also name the output's manifest
// (<out>.manifest.json). An unfinished run (a .partial file, a manifest
// that is not complete, an output that exists only as its partial) is an
// *InputError wrapping ErrUnfinished that points to `wtalign status`.
func Open(path string) (*Output, error) {
	if out, ok := strings.CutSuffix(path, ManifestSuffix); ok {
		path = out
	}
	if out, ok := strings.CutSuffix(path, ".partial"); ok {
		return nil, unfinished(path, out)
	}
	o := &Output{Path: path, ManifestPath: path + ManifestSuffix}
	m, err := manifest.Load(o.ManifestPath)
	switch {
	case err == nil:
		o.Manifest = m
		if !m.Status.Finished() {
			return nil, unfinished(path, path)
		}
	case errors.Is(err, fs.ErrNotExist):
		o.ManifestPath = ""
	default:
		o.ManifestErr = err
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		if _, perr := os.Stat(path + ".partial"); perr == nil {
			return nil, unfinished(path, path)
		}
	}
	if err != nil {
		return nil, &InputError{File: path, Msg: "cannot read: " + pathErr(err), Err: err}
	}
	if st.IsDir() {
		return nil, &InputError{File: path, Kind: ErrNotOutput, Msg: "is a directory, not an output file"}
	}
	f, err := os.Open(path) // #nosec G304 -- an output the user asked to verify
	if err != nil {
		return nil, &InputError{File: path, Msg: "cannot read: " + pathErr(err), Err: err}
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(f, 1<<16).ReadBytes('\n')
	if err != nil && err != io.EOF {
		return nil, &InputError{File: path, Msg: "cannot read: " + err.Error(), Err: err}
	}
	if err := o.sniff(line); err != nil {
		return nil, err
	}
	return o, nil
}

func pathErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// unfinished explains an output whose run has not finished.
func unfinished(path, out string) error {
	mp := out + ManifestSuffix
	msg := "the run that writes " + out + " has not finished"
	if m, err := manifest.Load(mp); err == nil {
		total := "?"
		if m.Counts.Total != nil {
			total = strconv.Itoa(*m.Counts.Total)
		}
		msg = fmt.Sprintf("the run that writes %s has not finished (status %s, %d of %s records at the last checkpoint)", out, m.Status, m.Counts.Done, total)
	}
	return &InputError{File: path, Kind: ErrUnfinished,
		Msg: msg + "; see `wtalign status " + mp + "`, and rerun the same align command to resume it"}
}

var jsonHeaderPrefix = []byte(`{"schema_version":`)

// sniff decides the format from the first line.
func (o *Output) sniff(line []byte) error {
	bad := func(msg string) error {
		return &InputError{File: o.Path, Line: 1, Kind: ErrNotOutput, Msg: msg}
	}
	trimmed := bytes.TrimRight(line, "\r\n")
	switch {
	case len(bytes.TrimSpace(line)) == 0:
		if len(line) == 0 {
			return &InputError{File: o.Path, Kind: ErrNotOutput, Msg: "empty file: a finished wtalign output is never empty (interrupted write?)"}
		}
		return bad("blank first line: not a wtalign output")
	case bytes.HasPrefix(trimmed, jsonHeaderPrefix) && bytes.HasSuffix(trimmed, []byte(`"records":[`)):
		var h struct {
			SchemaVersion string `json:"schema_version"`
			ToolVersion   string `json:"wtalign_version"`
		}
		if err := json.Unmarshal(append(append([]byte{}, trimmed...), "]}"...), &h); err != nil {
			return bad("json header is damaged: " + err.Error())
		}
		o.Format, o.SchemaVersion, o.ToolVersion = output.JSON, h.SchemaVersion, h.ToolVersion
	case len(trimmed) > 0 && trimmed[0] == '{':
		o.Format = output.JSONL
	case string(trimmed) == strings.Join(output.TSVColumns, "\t"):
		o.Format = output.TSV
	case bytes.HasPrefix(trimmed, []byte("input_file\t")):
		return bad("a tsv header with other columns than this wtalign writes (another version?)")
	default:
		start := trimmed
		if len(start) > 40 {
			start = start[:40]
		}
		return bad(fmt.Sprintf("starts with %q: not a wtalign output (json, jsonl or tsv)", start))
	}
	return nil
}

// Rec is one input record of an output, with its position.
type Rec struct {
	N      int   // 1-based record number in the file
	Line   int   // 1-based line where it starts
	Offset int64 // byte offset of that line
	// Data is the record's JSON (json and jsonl formats).
	Data []byte
	// Rows are the record's tsv rows (one per mutation, at least one),
	// split into cells (tsv format).
	Rows [][]string
	// Ordinal is query.ordinal for tsv records (read from the rows); json
	// consumers decode it from Data.
	Ordinal int
	file    string
}

// Errorf builds an *InputError at the record's position.
func (r *Rec) Errorf(kind error, format string, args ...any) *InputError {
	return &InputError{File: r.file, Line: r.Line, Offset: r.Offset, Record: r.N, Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// Records streams the output's records to fn in file order. It checks the
// layout (json header and end, complete lines, tsv cells) and returns an
// *InputError at the first problem; an error from fn stops the stream and
// is returned as is.
func (o *Output) Records(fn func(*Rec) error) error {
	f, err := os.Open(o.Path)
	if err != nil {
		return &InputError{File: o.Path, Msg: "cannot read: " + pathErr(err), Err: err}
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var offset int64
	lineNo := 0
	next := func() ([]byte, int64, error) {
		line, err := r.ReadBytes('\n')
		start := offset
		offset += int64(len(line))
		if len(line) > 0 {
			lineNo++
		}
		if err == io.EOF && len(line) > 0 {
			return line, start, &InputError{File: o.Path, Line: lineNo, Offset: start, Kind: ErrTruncated,
				Msg: "truncated: the last line has no newline, the file was cut in the middle of a record"}
		}
		if err != nil && err != io.EOF {
			return nil, start, &InputError{File: o.Path, Line: lineNo, Offset: start, Msg: "cannot read: " + err.Error(), Err: err}
		}
		return line, start, err
	}
	if o.Format != output.JSONL {
		if _, _, err := next(); err != nil && err != io.EOF { // the header, checked by Open
			return err
		}
	}
	n := 0
	var pending *Rec // tsv: rows of one ordinal
	flush := func() error {
		if pending == nil {
			return nil
		}
		p := pending
		pending = nil
		return fn(p)
	}
	ended := false
	for {
		line, start, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		body := bytes.TrimRight(line, "\r\n")
		at := &Rec{Line: lineNo, Offset: start, file: o.Path}
		if ended {
			at.N = 0
			return at.Errorf(ErrNotOutput, "data after the end of the json document")
		}
		switch o.Format {
		case output.JSON:
			if string(body) == "]}" {
				ended = true
				continue
			}
			body = bytes.TrimSuffix(body, []byte(","))
			fallthrough
		case output.JSONL:
			n++
			at.N = n
			if len(body) == 0 || body[0] != '{' || !json.Valid(body) {
				kind := ErrNotOutput
				if len(body) > 0 && body[0] == '{' {
					kind = ErrTruncated
				}
				return at.Errorf(kind, "not a complete JSON record (truncated or damaged line)")
			}
			at.Data = body
			if err := fn(at); err != nil {
				return err
			}
		case output.TSV:
			cells := strings.Split(string(body), "\t")
			if len(cells) != len(output.TSVColumns) {
				at.N = n + 1
				return at.Errorf(ErrTruncated, "%d tsv cells, want %d (truncated or damaged row)", len(cells), len(output.TSVColumns))
			}
			ord, err := strconv.Atoi(cells[1])
			if err != nil {
				at.N = n + 1
				return at.Errorf(ErrNotOutput, "query_ordinal %q is not a number", cells[1])
			}
			if pending != nil && pending.Ordinal == ord {
				pending.Rows = append(pending.Rows, cells)
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			n++
			at.N, at.Ordinal, at.Rows = n, ord, [][]string{cells}
			pending = at
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if o.Format == output.JSON && !ended {
		return &InputError{File: o.Path, Line: lineNo, Offset: offset, Kind: ErrTruncated,
			Msg: fmt.Sprintf("the json document ends after record %d without its closing \"]}\": truncated", n)}
	}
	return nil
}
