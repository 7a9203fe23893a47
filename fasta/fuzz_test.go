package fasta

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// oracleRecord is a record as a plain line-by-line reading of the file sees it.
type oracleRecord struct {
	header string
	raw    []byte
	line   int
}

// oracle parses uncompressed FASTA independently of fastx: skip leading
// blanks; a line starting with '>' opens a record; other lines, without
// their trailing '\r's, are appended to the current record. ok is false when the
// first non-blank byte is not '>' (or there is none).
func oracle(data []byte) (recs []oracleRecord, ok bool) {
	k := 0
	for k < len(data) && isBlank(data[k]) {
		k++
	}
	if k == len(data) || data[k] != '>' {
		return nil, false
	}
	first := bytes.Count(data[:k], []byte{'\n'}) + 1
	for i, l := range bytes.Split(data[k:], []byte{'\n'}) {
		l = bytes.TrimRight(l, "\r") // every '\r' before '\n' is part of the line end
		if len(l) > 0 && l[0] == '>' {
			recs = append(recs, oracleRecord{header: string(l[1:]), line: first + i})
			continue
		}
		recs[len(recs)-1].raw = append(recs[len(recs)-1].raw, l...)
	}
	return recs, true
}

func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 10000 {
			f.Add(data, false)
		}
	}
	f.Add([]byte(">a\nMK\n>\n>b c\r\nM*K*\n\n>c\tx\n@?\n"), true)
	f.Add([]byte(">\n\n>\r\n"), false)
	f.Add([]byte("  \r\n>a\nA\rC\n>a\n"), false)

	f.Fuzz(func(t *testing.T, data []byte, reference bool) {
		opt := Options{}
		if reference {
			opt.Role = Reference
		}
		r, err := NewReader(bytes.NewReader(data), "fuzz", opt)
		var got []*Record
		var fatal error
		if err != nil {
			fatal = err
		} else {
			defer r.Close()
			for {
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				var fe *Error
				if err != nil && !errors.As(err, &fe) {
					t.Fatalf("error %v is not a *fasta.Error", err)
				}
				if err != nil && fe.Fatal() {
					if rec != nil {
						t.Fatalf("record with fatal error %v", err)
					}
					fatal = err
					break
				}
				if rec == nil {
					t.Fatalf("nil record with %v", err)
				}
				if rec.Index != len(got)+1 {
					t.Fatalf("index %d after %d records", rec.Index, len(got))
				}
				checkInvariants(t, rec, err)
				got = append(got, rec)
			}
		}
		if fatal != nil && !IsFatal(fatal) {
			t.Fatalf("open error %v not fatal", fatal)
		}

		// Differential check against the line oracle on uncompressed input.
		if len(data) == 0 || !(data[0] == '>' || isBlank(data[0])) {
			return
		}
		want, ok := oracle(data)
		if !ok {
			if !errors.Is(fatal, ErrEmptyFile) && !errors.Is(fatal, ErrNotFASTA) {
				t.Fatalf("oracle sees no FASTA, reader gave %d records and %v", len(got), fatal)
			}
			return
		}
		if fatal == nil && len(got) != len(want) {
			t.Fatalf("%d records, oracle %d", len(got), len(want))
		}
		if len(got) > len(want) {
			t.Fatalf("%d records, oracle only %d", len(got), len(want))
		}
		for i, rec := range got {
			w := want[i]
			id, desc := splitHeader([]byte(w.header))
			if rec.ID != id || rec.Description != desc || !bytes.Equal(rec.Raw, w.raw) || rec.Line != w.line {
				t.Fatalf("record %d: got %q %q %q line %d; oracle %q %q %q line %d",
					i+1, rec.ID, rec.Description, rec.Raw, rec.Line, id, desc, w.raw, w.line)
			}
		}
	})
}

func checkInvariants(t *testing.T, rec *Record, err error) {
	t.Helper()
	nBad := 0
	for _, c := range rec.Raw {
		if class[c] == invalid {
			nBad++
		}
	}
	stripped := 0
	if rec.TerminalStopStripped {
		stripped = 1
	}
	if len(rec.Seq)+rec.Removed+nBad+stripped != len(rec.Raw) {
		t.Fatalf("lengths: seq %d + removed %d + invalid %d + stripped %d != raw %d", len(rec.Seq), rec.Removed, nBad, stripped, len(rec.Raw))
	}
	for _, p := range rec.InternalStops {
		if p < 1 || p > len(rec.Seq) || rec.Seq[p-1] != '*' {
			t.Fatalf("internal stop at %d in %q", p, rec.Seq)
		}
	}
	if n := len(rec.Seq); n > 0 && rec.Seq[n-1] == '*' && !rec.TerminalStopStripped {
		t.Fatalf("trailing '*' of %q neither stripped nor flagged", rec.Seq)
	}
	if errors.Is(err, ErrInvalidLetter) && nBad == 0 || nBad > 0 && err == nil {
		t.Fatalf("%d invalid characters, error %v", nBad, err)
	}
	var fe *Error
	if errors.As(err, &fe) && fe.Pos > 0 && (fe.Pos > len(rec.Raw) || class[rec.Raw[fe.Pos-1]] != invalid) && fe.Kind == ErrInvalidLetter {
		t.Fatalf("error position %d does not point at an invalid character of %q", fe.Pos, rec.Raw)
	}
	if rec.ID == "" && !errors.Is(err, ErrEmptyID) {
		t.Fatalf("empty ID without ErrEmptyID: %v", err)
	}
}
