package catalog

import "fmt"

// ErrKind classifies an *Error; each kind is itself an error, so
// errors.Is(err, catalog.ErrMismatch) tells the kind of a wrapped *Error.
type ErrKind int

// Kinds of catalog problems.
const (
	_              ErrKind = iota
	ErrRead                // the file or folder cannot be read
	ErrFormat              // unknown or undetectable format, or not the format asked for
	ErrMissing             // a PointFinder folder without phenotypes.txt or resistens-overview.txt
	ErrEmpty               // no entry at all
	ErrColumns             // a row with the wrong number of columns, or a bad header
	ErrPosition            // a position that is not a number, or outside the reference
	ErrResidue             // a residue or alternative that is not an amino-acid letter
	ErrSymbol              // a mutation symbol that cannot be parsed
	ErrRequirement         // a requirement that cannot be parsed or names a gene or change the catalog lacks
	ErrMismatch            // the reference residue differs from the catalog's
	ErrAlias               // a bad alias, or one naming no reference gene
	ErrReference           // a reference problem (duplicate ID, empty sequence)
	ErrDuplicate           // the same catalog loaded twice
	ErrTaxgroup            // AMRFinderPlus taxgroup missing or ambiguous
)

var kindText = map[ErrKind]string{
	ErrRead:        "unreadable catalog",
	ErrFormat:      "catalog format",
	ErrMissing:     "catalog file missing",
	ErrEmpty:       "empty catalog",
	ErrColumns:     "wrong columns",
	ErrPosition:    "bad position",
	ErrResidue:     "bad residue",
	ErrSymbol:      "bad mutation symbol",
	ErrRequirement: "bad requirement",
	ErrMismatch:    "reference residue mismatch",
	ErrAlias:       "bad gene alias",
	ErrReference:   "bad reference",
	ErrDuplicate:   "catalog loaded twice",
	ErrTaxgroup:    "taxgroup",
}

func (k ErrKind) Error() string {
	if s, ok := kindText[k]; ok {
		return "catalog: " + s
	}
	return fmt.Sprintf("catalog: error kind %d", int(k))
}

// Error is one problem, named by file and 1-based line (Line 0 when the
// problem is the file as a whole: unreadable, undetectable, empty).
type Error struct {
	File string
	Line int
	Kind ErrKind
	Msg  string
	Err  error // underlying error, if any
}

func (e *Error) Error() string {
	where := e.File
	if e.Line > 0 {
		where = fmt.Sprintf("%s line %d", e.File, e.Line)
	}
	if where == "" {
		return "catalog: " + e.Msg
	}
	return "catalog: " + where + ": " + e.Msg
}

// Is makes errors.Is(err, ErrMismatch) work.
func (e *Error) Is(target error) bool {
	k, ok := target.(ErrKind)
	return ok && k == e.Kind
}

func (e *Error) Unwrap() error { return e.Err }

func errAt(file string, line int, kind ErrKind, format string, a ...any) *Error {
	return &Error{File: file, Line: line, Kind: kind, Msg: fmt.Sprintf(format, a...)}
}
