package fasta

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

const dir = "../testdata/fasta"

// event is what one call of Open or Next produced, reduced to what tests compare.
type event struct {
	Index int
	ID    string
	Kind  ErrKind // 0: no error
	Pos   int
	Line  int
	Fatal bool
}

func (e event) String() string {
	k := "ok"
	if e.Kind != 0 {
		k = strings.TrimPrefix(e.Kind.Error(), "fasta: ")
	}
	return fmt.Sprintf("{#%d %q %s pos=%d line=%d fatal=%v}", e.Index, e.ID, k, e.Pos, e.Line, e.Fatal)
}

// readEvents reads a whole reader and returns its records (nil entries for
// fatal errors), events and error messages.
func readEvents(t *testing.T, r *Reader, openErr error) ([]*Record, []event, []string) {
	t.Helper()
	var recs []*Record
	var evs []event
	var msgs []string
	add := func(rec *Record, err error) {
		ev := event{}
		if rec != nil {
			ev.Index, ev.ID, ev.Line = rec.Index, rec.ID, rec.Line
		}
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *fasta.Error", err, err)
			}
			if rec != nil && (fe.Record != rec.Index || fe.ID != rec.ID) {
				t.Errorf("error %v does not match its record #%d %q", err, rec.Index, rec.ID)
			}
			ev = event{Index: fe.Record, ID: fe.ID, Kind: fe.Kind, Pos: fe.Pos, Line: fe.Line, Fatal: fe.Fatal()}
			if !errors.Is(err, fe.Kind) {
				t.Errorf("errors.Is(%v, its own kind) is false", err)
			}
			if IsFatal(err) != fe.Fatal() {
				t.Errorf("IsFatal disagrees with Fatal() for %v", err)
			}
			msgs = append(msgs, err.Error())
		}
		recs = append(recs, rec)
		evs = append(evs, ev)
	}
	if openErr != nil {
		add(nil, openErr)
		return recs, evs, msgs
	}
	defer r.Close()
	for i := 0; ; i++ {
		if i > 100000 {
			t.Fatal("reader does not end")
		}
		rec, err := r.Next()
		if err == io.EOF {
			if rec != nil {
				t.Error("record returned with io.EOF")
			}
			return recs, evs, msgs
		}
		add(rec, err)
		if IsFatal(err) {
			if rec != nil {
				t.Errorf("fatal error %v returned with a record", err)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Errorf("fatal error is not sticky: then got %v", err2)
			}
			return recs, evs, msgs
		}
	}
}

func readFile(t *testing.T, name string, opt Options) ([]*Record, []event, []string) {
	t.Helper()
	r, err := Open(filepath.Join(dir, name), opt)
	return readEvents(t, r, err)
}

func ok(i int, id string, line int) event { return event{Index: i, ID: id, Line: line} }

func TestReaderEvents(t *testing.T) {
	query, ref := Options{Role: Query}, Options{Role: Reference}
	fatal := func(k ErrKind, line int) event { return event{Kind: k, Line: line, Fatal: true} }
	tests := []struct {
		file string
		opt  Options
		want []event
		msg  []string // substrings expected in the error messages, in order
	}{
		{"not_fasta.txt", query, []event{fatal(ErrNotFASTA, 1)}, []string{"not_fasta.txt: not a FASTA file: first non-blank character is 'h'"}},
		{"genbank.gb", query, []event{fatal(ErrNotFASTA, 1)}, []string{"GenBank"}},
		{"fastq.fq", query, []event{fatal(ErrNotFASTA, 1)}, []string{"FASTQ"}},
		{"headerless.txt", query, []event{fatal(ErrNotFASTA, 1)}, []string{"a sequence without a '>' header line"}},
		{"binary.bin", query, []event{fatal(ErrNotFASTA, 1)}, []string{"byte 0x00, expected '>' (looks binary)"}},
		{"empty.faa", query, []event{fatal(ErrEmptyFile, 0)}, []string{"empty.faa: empty file"}},
		{"empty.faa.gz", query, []event{fatal(ErrEmptyFile, 0)}, nil},
		{"whitespace_only.faa", ref, []event{fatal(ErrEmptyFile, 0)}, nil},
		{"leading_blank.faa", query, []event{ok(1, "first", 3)}, nil},
		{"duplicate_ids.faa", query, []event{ok(1, "a", 1), ok(2, "b", 3),
			{Index: 3, ID: "a", Kind: ErrDuplicateID, Line: 5, Fatal: true}},
			[]string{`duplicate_ids.faa: record 3 (ID "a"): duplicate ID "a": same as record 1 (line 5)`}},
		{"empty_records.faa", query, []event{ok(1, "ok1", 1), {2, "empty_middle", ErrEmptyRecord, 0, 3, false},
			ok(3, "ok2", 4), {4, "empty_end", ErrEmptyRecord, 0, 7, false}}, []string{"empty sequence", "empty sequence"}},
		{"empty_records.faa", ref, []event{ok(1, "ok1", 1), {2, "empty_middle", ErrEmptyRecord, 0, 3, true}}, nil},
		{"empty_after_cleaning.faa", query, []event{{1, "only_stop", ErrEmptyRecord, 0, 1, false},
			{2, "only_gaps", ErrEmptyRecord, 0, 3, false}, ok(3, "ok", 5)},
			[]string{`empty sequence after removing "*"`, `empty sequence after removing "--.."`}},
		{"empty_id.faa", query, []event{{1, "", ErrEmptyID, 0, 1, false}, {2, "", ErrEmptyID, 0, 3, false}, ok(3, "ok", 5)}, nil},
		{"invalid_letters.faa", query, []event{ok(1, "ok", 1),
			{2, "at_sign", ErrInvalidLetter, 14, 5, false},
			{3, "ctrl", ErrInvalidLetter, 3, 7, false},
			{4, "utf8", ErrInvalidLetter, 3, 9, false},
			{5, "gt_inline", ErrInvalidLetter, 3, 11, false}},
			[]string{`invalid_letters.faa: record 2 (ID "at_sign"): invalid letter '@' at position 14 (2 invalid characters in the sequence) (line 5)`,
				"invalid letter byte 0x01 at position 3", "byte 0xC3", "'>' at position 3"}},
		{"invalid_letters.faa", ref, []event{ok(1, "ok", 1), {2, "at_sign", ErrInvalidLetter, 14, 5, true}}, nil},
		{"nucleotide.faa", query, []event{{1, "dna_60", ErrNucleotide, 0, 1, false}, {2, "rna_lower_30", ErrNucleotide, 0, 3, false},
			ok(3, "nt_29", 5), ok(4, "pep_GDSAV", 7), ok(5, "protein_89pct", 9)}, []string{"60 letters", "30 letters"}},
		{"nucleotide.faa", Options{AllowNucleotide: true}, []event{ok(1, "dna_60", 1), ok(2, "rna_lower_30", 3),
			ok(3, "nt_29", 5), ok(4, "pep_GDSAV", 7), ok(5, "protein_89pct", 9)}, nil},
		{"nucleotide.faa", ref, []event{{1, "dna_60", ErrNucleotide, 0, 1, true}}, nil},
		{"crlf.faa", query, []event{ok(1, "crlf1", 1), {2, "crlf2", ErrInvalidLetter, 3, 5, false}}, nil},
		{"no_final_newline.faa", ref, []event{ok(1, "a", 1), ok(2, "b", 3)}, nil},
		{"stops.faa", query, []event{ok(1, "terminal", 1), ok(2, "internal", 3), ok(3, "two_terminal", 5), ok(4, "lone_stop_between", 7)}, nil},
		{"stops.faa", ref, []event{ok(1, "terminal", 1), {2, "internal", ErrInternalStop, 3, 4, true}},
			[]string{`record 2 (ID "internal"): internal stop '*' at residue 3 of a reference (internal stops: 2) (line 4)`}},
		{"truncated.faa.gz", query, []event{fatal(ErrTruncated, 0)}, []string{"truncated.faa.gz: truncated or corrupt compressed input"}},
		{"corrupt.faa.gz", query, []event{fatal(ErrTruncated, 0)}, nil},
		{"does_not_exist.faa", query, []event{fatal(ErrUnreadable, 0)}, []string{"no such file"}},
		{".", query, []event{fatal(ErrUnreadable, 0)}, []string{"is a directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.opt.Role.String(), func(t *testing.T) {
			_, got, msgs := readFile(t, tc.file, tc.opt)
			// Compressed inputs may yield complete records before the damage.
			if strings.HasSuffix(tc.file, ".gz") && len(got) > 1 {
				for _, e := range got[:len(got)-1] {
					if e.Kind != 0 {
						t.Errorf("before the fatal error: %v", e)
					}
				}
				got = got[len(got)-1:]
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %v\nwant %v", got, tc.want)
			}
			if len(msgs) < len(tc.msg) {
				t.Fatalf("messages %q, want %d", msgs, len(tc.msg))
			}
			for i, m := range tc.msg {
				if !strings.Contains(msgs[i], m) {
					t.Errorf("message %q does not contain %q", msgs[i], m)
				}
			}
		})
	}
}

func TestRecordFields(t *testing.T) {
	recs := func(file string) []*Record {
		rs, _, _ := readFile(t, file, Options{})
		return rs
	}
	type fields struct {
		ID, Desc, Raw, Seq string
		Lower              bool
		Removed            int
		Stripped           bool
		Stops              []int
	}
	get := func(r *Record) fields {
		return fields{r.ID, r.Description, string(r.Raw), string(r.Seq), r.Lowercase, r.Removed, r.TerminalStopStripped, r.InternalStops}
	}
	check := func(r *Record, want fields) {
		t.Helper()
		if got := get(r); !reflect.DeepEqual(got, want) {
			t.Errorf("%s #%d:\n got %+v\nwant %+v", r.File, r.Index, got, want)
		}
	}
	s := recs("stops.faa")
	check(s[0], fields{"terminal", "", "MKVL*", "MKVL", false, 0, true, nil})
	check(s[1], fields{"internal", "", "MK*VL*W", "MK*VL*W", false, 0, false, []int{3, 6}})
	check(s[2], fields{"two_terminal", "", "MKV**", "MKV*", false, 0, true, []int{4}})
	check(s[3], fields{"lone_stop_between", "", "M*", "M", false, 0, true, nil})

	check(recs("removed_chars.faa")[0], fields{"gapped", "", "MK-V.LA1 2W\tR", "MKVLAWR", false, 6, false, nil})
	check(recs("lowercase.faa")[0], fields{"mixed", "", "MKVLawrT", "MKVLawrT", true, 0, false, nil})
	c := recs("crlf.faa")
	check(c[0], fields{"crlf1", "desc", "MKVLAAW", "MKVLAAW", false, 0, false, nil})
	if c[1].ID != "crlf2" || string(c[1].Raw) != "MK@V" {
		t.Errorf("CRLF record with an error: %q %q", c[1].ID, c[1].Raw)
	}
	n := recs("no_final_newline.faa")
	check(n[1], fields{"b", "", "MKLW", "MKLW", false, 0, false, nil})

	l := recs("long_ids.faa")
	wantIDs := []string{"sp|P0AES4|GYRA_ECOLI", "gi|16130176|ref|NP_416734.1|", "lcl|NC_000913.3_prot_NP_416734.1_2156",
		"sample:contig_1/2:gyrA:pos=123", strings.Repeat("x", 300)}
	for i, r := range l {
		if r.ID != wantIDs[i] || string(r.Seq) != "MSDL" {
			t.Errorf("long_ids #%d: ID %q seq %q, want %q", i+1, r.ID, r.Seq, wantIDs[i])
		}
	}
	if l[3].Description != "tab\there" {
		t.Errorf("description %q", l[3].Description)
	}
}

// A description after two blanks must be kept whole (fastx's own Desc drops a letter).
func TestDescriptionAfterBlanks(t *testing.T) {
	in := ">id  gyrA desc\nMK\n>id2 \t  x\nMK\n>id3\t\nMK\n"
	r, err := NewReader(strings.NewReader(in), "mem", Options{})
	recs, evs, _ := readEvents(t, r, err)
	want := [][2]string{{"id", "gyrA desc"}, {"id2", "x"}, {"id3", ""}}
	if len(recs) != 3 {
		t.Fatalf("events %v", evs)
	}
	for i, w := range want {
		if recs[i].ID != w[0] || recs[i].Description != w[1] {
			t.Errorf("#%d: %q %q, want %q %q", i+1, recs[i].ID, recs[i].Description, w[0], w[1])
		}
	}
}

// headerLines returns the 1-based lines that start a record, computed
// independently of the reader.
func headerLines(data []byte) []int {
	var lines []int
	for i, l := range bytes.Split(data, []byte{'\n'}) {
		if len(l) > 0 && l[0] == '>' {
			lines = append(lines, i+1)
		}
	}
	return lines
}

func TestDerivedEdgeCases(t *testing.T) {
	for _, role := range []Role{Query, Reference} {
		recs, evs, msgs := readFile(t, "derived_edge_cases.faa", Options{Role: role})
		if len(msgs) > 0 || len(recs) != 16 {
			t.Fatalf("%v: %d records, errors %q", role, len(recs), msgs)
		}
		data, err := os.ReadFile(filepath.Join(dir, "derived_edge_cases.faa"))
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range headerLines(data) {
			if evs[i].Line != want {
				t.Errorf("record %d header line %d, want %d", i+1, evs[i].Line, want)
			}
		}
	}
	recs, err := ReadAll(filepath.Join(dir, "derived_edge_cases.faa"), Options{Role: Reference})
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*Record{}
	for _, r := range recs {
		by[strings.SplitN(r.ID, "|", 2)[0]] = r
	}
	type flags struct {
		Len      int
		Lower    bool
		Removed  int
		Stripped bool
	}
	want := map[string]flags{
		"derived_gyrA_S83L_D87N":           {875, false, 0, false},
		"derived_gyrA_allX_QRDR_N":         {120, false, 0, false},
		"derived_gyrA_pep5":                {5, false, 0, false},
		"derived_salGyrA_S83I_lowercase":   {878, true, 0, false},
		"derived_salGyrA_S83I_mixedcase":   {878, true, 0, false},
		"derived_marR_nonstop_readthrough": {157, false, 0, false},
		"derived_gyrA_terminal_stop":       {875, false, 0, true},
		"derived_mgrB_Nterm_Met_missing":   {46, false, 0, false},
		"derived_gyrA_gapchars":            {120, false, 3, false},
		"derived_gyrA_nonstandard_UBZJO":   {120, false, 0, false},
		"derived_acrR_ins5_after100":       {220, false, 0, false},
		"derived_marR_del61-65":            {139, false, 0, false},
	}
	for id, w := range want {
		r := by[id]
		if r == nil {
			t.Errorf("%s missing", id)
			continue
		}
		if got := (flags{len(r.Seq), r.Lowercase, r.Removed, r.TerminalStopStripped}); got != w {
			t.Errorf("%s: got %+v, want %+v", id, got, w)
		}
		if len(r.InternalStops) != 0 {
			t.Errorf("%s: internal stops %v", id, r.InternalStops)
		}
		if g := GeneKey(r.ID, r.Description, nil); g != strings.Split(r.ID, "|")[1] {
			t.Errorf("%s: gene key %q", id, g)
		}
	}
	if s := by["derived_gyrA_S83L_D87N"].Seq; s[82] != 'L' || s[86] != 'N' {
		t.Errorf("S83L/D87N not at 83/87: %c %c", s[82], s[86])
	}
}

func TestCompressedEqualsPlain(t *testing.T) {
	plain, _, msgs := readFile(t, "valid.faa", Options{Role: Reference})
	if len(plain) != 2 || len(msgs) > 0 {
		t.Fatalf("valid.faa: %d records, %q", len(plain), msgs)
	}
	for _, ext := range []string{".gz", ".xz", ".zst", ".bz2"} {
		recs, _, msgs := readFile(t, "valid.faa"+ext, Options{Role: Reference})
		if len(msgs) > 0 || len(recs) != len(plain) {
			t.Errorf("%s: %d records, %q", ext, len(recs), msgs)
			continue
		}
		for i := range recs {
			recs[i].File = plain[i].File
			if !reflect.DeepEqual(recs[i], plain[i]) {
				t.Errorf("%s #%d differs: %+v", ext, i+1, recs[i])
			}
		}
	}
}

// The truncated gzip holds the first half of derived_edge_cases.faa: the
// records before the cut may come out, then ErrTruncated, never a short
// record passed off as complete.
func TestTruncatedGzipKeepsOnlyWholeRecords(t *testing.T) {
	full, err := ReadAll(filepath.Join(dir, "derived_edge_cases.faa"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs, evs, _ := readFile(t, "truncated.faa.gz", Options{})
	last := evs[len(evs)-1]
	if last.Kind != ErrTruncated || !last.Fatal {
		t.Fatalf("last event %v", last)
	}
	for i, r := range recs[:len(recs)-1] {
		if !bytes.Equal(r.Seq, full[i].Seq) {
			t.Errorf("record %d differs from the original", i+1)
		}
	}
}

func TestStdinPipe(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dir, "valid.faa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = pr
	t.Cleanup(func() { os.Stdin = old; pr.Close() })
	go func() {
		_, _ = pw.Write(data)
		pw.Close()
	}()
	r, err := Open("-", Options{})
	recs, evs, msgs := readEvents(t, r, err)
	if len(msgs) > 0 || len(recs) != 2 || recs[0].ID != "ecoli|gyrA|NP_416734.1" || recs[1].Line != 4 || recs[0].File != "-" {
		t.Fatalf("stdin: %v %q", evs, msgs)
	}
	if len(recs[0].Seq) != 120 {
		t.Errorf("GyrA 1-120 read as %d residues", len(recs[0].Seq))
	}
	// Open must not have closed the real stdin.
	if _, err := pr.Stat(); err != nil {
		t.Errorf("stdin closed: %v", err)
	}
}

func TestErrorFormat(t *testing.T) {
	e := &Error{File: "query.faa", Record: 12, ID: "sp|X|Y", Pos: 57, Kind: ErrInvalidLetter, Msg: "invalid letter '@' at position 57"}
	if got, want := e.Error(), `fasta: query.faa: record 12 (ID "sp|X|Y"): invalid letter '@' at position 57`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	e = &Error{File: "-", Kind: ErrEmptyFile, fatal: true}
	if got, want := e.Error(), "fasta: stdin: empty FASTA file"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	wrapped := fmt.Errorf("loading references: %w", e)
	if !errors.Is(wrapped, ErrEmptyFile) || errors.Is(wrapped, ErrNotFASTA) || !IsFatal(e) {
		t.Error("kind not visible through wrapping")
	}
	if IsFatal(nil) || !IsFatal(errors.New("other")) {
		t.Error("IsFatal on nil or foreign errors")
	}
}

// bigFASTA builds many records with ragged line widths, CRLF on odd records,
// blank lines, and an invalid letter in record bad at raw position badPos.
func bigFASTA(n, bad, badPos int) (data []byte, badLine int) {
	var b bytes.Buffer
	line := 0
	for i := 1; i <= n; i++ {
		eol := "\n"
		if i%2 == 1 {
			eol = "\r\n"
		}
		fmt.Fprintf(&b, ">r%d some description%s", i, eol)
		line++
		seqLen := 50 + (i*37)%400
		width := 10 + i%70
		pos := 0
		for pos < seqLen {
			w := min(width, seqLen-pos)
			for k := 0; k < w; k++ {
				pos++
				c := byte('A' + (pos+i)%20)
				if c == 'B' || c == 'J' || c == 'O' || c == 'U' || c == 'Z' || c == 'X' {
					c = 'L'
				}
				if i == bad && pos == badPos {
					c = '#'
					badLine = line + 1
				}
				b.WriteByte(c)
			}
			b.WriteString(eol)
			line++
			if i%5 == 0 {
				b.WriteString(eol) // blank line inside the record
				line++
			}
		}
	}
	return b.Bytes(), badLine
}

// Line numbers must survive fastx's 64 KiB chunks and any read size.
func TestLinesAcrossChunks(t *testing.T) {
	data, badLine := bigFASTA(2000, 1500, 123)
	if len(data) < 3*65536 {
		t.Fatalf("test input too small: %d bytes", len(data))
	}
	wantLines := headerLines(data)
	for _, mode := range []string{"whole", "onebyte", "halfreader"} {
		var src io.Reader = bytes.NewReader(data)
		switch mode {
		case "onebyte":
			src = iotest.OneByteReader(src)
		case "halfreader":
			src = iotest.HalfReader(src)
		}
		r, err := NewReader(src, "big", Options{})
		recs, evs, msgs := readEvents(t, r, err)
		if len(recs) != 2000 || len(msgs) != 1 {
			t.Fatalf("%s: %d records, %q", mode, len(recs), msgs)
		}
		for i, e := range evs {
			if i+1 == 1500 {
				if e.Kind != ErrInvalidLetter || e.Pos != 123 || e.Line != badLine {
					t.Errorf("%s: bad record: %v, want pos 123 line %d", mode, e, badLine)
				}
				continue
			}
			if e.Kind != 0 || e.Line != wantLines[i] {
				t.Errorf("%s: record %d: %v, want line %d", mode, i+1, e, wantLines[i])
			}
		}
	}
}

func TestProteome(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1.9 MB")
	}
	r, err := Open("../testdata/proteomes/GCF_000005845.2_proteins.faa", Options{})
	recs, _, msgs := readEvents(t, r, err)
	if len(msgs) > 0 {
		t.Fatalf("errors: %q", msgs[:min(5, len(msgs))])
	}
	if len(recs) != 4298 {
		t.Fatalf("%d records, want 4298", len(recs))
	}
	if recs[0].ID != "NP_414542.1" || string(recs[0].Seq) != "MKRISTTITTTITITTGNGAG" || recs[4297].Index != 4298 {
		t.Errorf("first record %q %q", recs[0].ID, recs[0].Seq)
	}
	re := mustRe(`^\S+\s+(\S+)`)
	if g := GeneKey(recs[0].ID, recs[0].Description, re); g != "thrL" {
		t.Errorf("gene of first proteome record: %q", g)
	}
}

// Damaged and partly read gzip inputs must not leave state behind that
// makes a later input hang (xopen's pooled parallel gzip readers did).
func TestDamagedGzipDoesNotPoisonLaterReads(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(dir, "derived_edge_cases.faa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 300; i++ {
			d := bytes.Clone(data)
			d[(i*7)%len(d)] ^= byte(i | 1)
			if i%3 == 0 {
				d = d[:len(d)*(i%10+1)/11]
			}
			r, err := NewReader(bytes.NewReader(d), "damaged", Options{})
			if err != nil {
				continue
			}
			for k := 0; k < i%5; k++ { // stop early on purpose
				if _, err := r.Next(); err == io.EOF || IsFatal(err) {
					break
				}
			}
			r.Close()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("reading damaged gzip inputs hangs")
	}
	recs, err := ReadAll(filepath.Join(dir, "derived_edge_cases.faa.gz"), Options{})
	if err != nil || len(recs) != 16 {
		t.Fatalf("intact gzip after damaged ones: %d records, %v", len(recs), err)
	}
}

// Concatenated gzip members (as written by bgzip or `cat a.gz b.gz`) are one stream.
func TestMultiMemberGzip(t *testing.T) {
	gz, err := os.ReadFile(filepath.Join(dir, "valid.faa.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	in.Write(gz)
	in.Write(gz) // the same member again: record 3 duplicates record 1
	r, err := NewReader(&in, "two.gz", Options{})
	_, evs, _ := readEvents(t, r, err)
	want := []event{ok(1, "ecoli|gyrA|NP_416734.1", 1), ok(2, "ecoli|mgrB|NP_416574.1", 4),
		{Index: 3, ID: "ecoli|gyrA|NP_416734.1", Kind: ErrDuplicateID, Line: 6, Fatal: true}}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("got  %v\nwant %v", evs, want)
	}
}

func BenchmarkReadProteome(b *testing.B) {
	path := "../testdata/proteomes/GCF_000005845.2_proteins.faa"
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(fi.Size())
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != 4298 {
			b.Fatalf("%d records", n)
		}
	}
}
