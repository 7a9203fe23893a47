package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/report"
)

// ReadFile streams the records of one finished output (any format wtalign
// writes) to fn, in file order, and returns the format it found. Errors
// name the file and the record or line.
func ReadFile(path string, fn func(*report.Record) error) (Format, error) {
	f, err := os.Open(path) // #nosec G304 -- a finished output the user named; reading it is the point
	if err != nil {
		return "", fmt.Errorf("output: %w", err)
	}
	defer f.Close()
	format, err := ReadRecords(bufio.NewReaderSize(f, 1<<16), fn)
	if err != nil {
		return format, fmt.Errorf("output: %s: %w", path, err)
	}
	return format, nil
}

// ReadRecords streams records from r to fn. It accepts what wtalign
// writes: the json document {"schema_version": ..., "records": [...]}, a
// JSON array of records, json lines, and the tsv table (one row per
// mutation; a record's rows are joined again, with the fields the table
// holds). An empty input is an error: a finished output is never empty.
func ReadRecords(r *bufio.Reader, fn func(*report.Record) error) (Format, error) {
	head, err := r.Peek(len(TSVColumns[0]) + 1)
	if err != nil && len(head) == 0 {
		return "", errors.New("empty input: not a wtalign alignment output")
	}
	if bytes.Equal(head, []byte(TSVColumns[0]+"\t")) {
		return TSV, readTSV(r, fn)
	}
	if h, _ := r.Peek(len(HAMRonizationColumns[0]) + 1); bytes.Equal(h, []byte(HAMRonizationColumns[0]+"\t")) {
		return HAMRonization, errors.New("an hAMRonization table holds only the calls on catalogued genes and cannot be read back as records; use the run's json, jsonl or tsv output")
	}
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err == io.EOF {
		return "", errors.New("empty input: not a wtalign alignment output")
	}
	if err != nil {
		return "", fmt.Errorf("not JSON and not a wtalign TSV table: %w", err)
	}
	format := JSONL
	switch tok {
	case json.Delim('['):
		format = JSON
		if err := decodeArray(dec, fn); err != nil {
			return format, err
		}
	case json.Delim('{'):
		isDoc, err := decodeObject(dec, fn)
		if err != nil {
			return format, err
		}
		if isDoc {
			format = JSON
		} else if err := decodeStream(dec, fn); err != nil {
			return format, err
		}
	default:
		return "", fmt.Errorf("not a wtalign alignment output: starts with %v", tok)
	}
	if _, err := dec.Token(); err != io.EOF {
		return format, errors.New("unexpected data after the end of the document (truncated or concatenated output?)")
	}
	return format, nil
}

// decodeObject reads the object whose '{' was consumed. When it has a
// "records" key it is a document and its records go to fn as they are
// read; otherwise it is itself a record (the first of json lines).
func decodeObject(dec *json.Decoder, fn func(*report.Record) error) (isDoc bool, err error) {
	fields := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false, fmt.Errorf("reading object key: %w", err)
		}
		key, _ := t.(string)
		if key == "records" && !isDoc {
			t, err := dec.Token()
			if err != nil {
				return false, fmt.Errorf("reading records: %w", err)
			}
			if t != json.Delim('[') {
				return false, errors.New(`"records" is not an array`)
			}
			if err := decodeArray(dec, fn); err != nil {
				return false, err
			}
			isDoc = true
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false, fmt.Errorf("reading %q: %w", key, err)
		}
		fields[key] = v
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return false, fmt.Errorf("unterminated object: %w", err)
	}
	if isDoc {
		if v, ok := fields["schema_version"]; ok && string(v) != strconv.Quote(report.SchemaVersion) {
			return true, fmt.Errorf("schema_version %s: this wtalign reads version %q", v, report.SchemaVersion)
		}
		return true, nil
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return false, err
	}
	return false, emit(raw, 1, fn)
}

// decodeArray decodes records until the closing ']' (already inside '[').
func decodeArray(dec *json.Decoder, fn func(*report.Record) error) error {
	n := 0
	for dec.More() {
		n++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		if err := emit(raw, n, fn); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("unterminated records array after record %d (truncated output?): %w", n, err)
	}
	return nil
}

// decodeStream decodes the json-lines records after the first one.
func decodeStream(dec *json.Decoder, fn func(*report.Record) error) error {
	for n := 2; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		if err := emit(raw, n, fn); err != nil {
			return err
		}
	}
	return nil
}

func emit(raw json.RawMessage, n int, fn func(*report.Record) error) error {
	rec := &report.Record{}
	if err := json.Unmarshal(raw, rec); err != nil {
		return fmt.Errorf("record %d: %w", n, err)
	}
	if rec.Status == "" {
		return fmt.Errorf("record %d: no status: not a wtalign record", n)
	}
	if rec.SchemaVersion != "" && rec.SchemaVersion != report.SchemaVersion {
		return fmt.Errorf("record %d: schema_version %q: this wtalign reads version %q", n, rec.SchemaVersion, report.SchemaVersion)
	}
	return fn(rec)
}

// readTSV joins the rows of each record (consecutive rows with one
// query_ordinal) back into a record with the table's fields. Columns are
// found by header name, so tables of earlier versions with fewer columns
// read too.
func readTSV(r *bufio.Reader, fn func(*report.Record) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 64<<20)
	if !sc.Scan() {
		return errors.New("empty TSV")
	}
	col := map[string]int{}
	for i, h := range strings.Split(sc.Text(), "\t") {
		col[h] = i
	}
	for _, need := range []string{"query_ordinal", "query_id", "status"} {
		if _, ok := col[need]; !ok {
			return fmt.Errorf("line 1: TSV header has no %s column: not a wtalign table", need)
		}
	}
	var cur *report.Record
	line := 1
	flush := func() error {
		if cur == nil {
			return nil
		}
		rec := cur
		cur = nil
		if t := rec.Truncation; t != nil {
			for _, m := range rec.Mutations {
				if m.AfterPrematureStop {
					t.CallsAfterStop++
				}
			}
		}
		return fn(rec)
	}
	for sc.Scan() {
		line++
		cells := strings.Split(sc.Text(), "\t")
		if len(cells) != len(col) {
			return fmt.Errorf("line %d: %d cells, the header has %d (truncated output?)", line, len(cells), len(col))
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return cells[i]
			}
			return ""
		}
		var bad error
		num := func(name string) int {
			s := get(name)
			if s == "" {
				return 0
			}
			n, err := strconv.Atoi(s)
			if err != nil && bad == nil {
				bad = fmt.Errorf("line %d: %s %q is not a number", line, name, s)
			}
			return n
		}
		flt := func(name string) float64 {
			s := get(name)
			if s == "" {
				return 0
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil && bad == nil {
				bad = fmt.Errorf("line %d: %s %q is not a number", line, name, s)
			}
			return v
		}
		ord := num("query_ordinal")
		if cur == nil || cur.Query.Ordinal != ord {
			if err := flush(); err != nil {
				return err
			}
			cur = tsvRecord(get, num, flt)
		}
		if m := get("mutation"); m != "" {
			cur.Mutations = append(cur.Mutations, report.Mutation{
				Short: m, Type: get("mutation_type"), HGVS: get("hgvs_p"), Name: get("mutation_name"),
				RefStart: num("mutation_ref_start"), RefEnd: num("mutation_ref_end"),
				QueryStart: num("mutation_query_start"), QueryEnd: num("mutation_query_end"),
				Ref: get("mutation_ref"), Alt: get("mutation_alt"), AfterPrematureStop: get("after_premature_stop") == "true",
				CodonChange: get("codon_change"), Verdict: get("verdict"),
			})
		}
		if bad != nil {
			return bad
		}
		if cur.Status == "" {
			return fmt.Errorf("line %d: empty status: not a wtalign table", line)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return flush()
}

// tsvRecord is the record of a table row's record columns.
func tsvRecord(get func(string) string, num func(string) int, flt func(string) float64) *report.Record {
	rec := &report.Record{
		SchemaVersion: report.SchemaVersion, InputFile: get("input_file"),
		Query: report.Query{ID: get("query_id"), Description: get("query_description"), Length: num("query_length"),
			Index: num("query_index"), Ordinal: num("query_ordinal")},
		Engine: report.Engine{Name: get("engine"), FallbackUsed: get("fallback_used") == "true"},
		Status: get("status"), StatusReason: get("status_reason"), Error: get("error"),
		CopyIndex: num("copy_index"), Flags: []string{}, Mutations: []report.Mutation{}, NotCovered: []report.Region{},
	}
	if f := get("flags"); f != "" {
		rec.Flags = strings.Split(f, ",")
	}
	if id := get("reference_id"); id != "" {
		rec.Reference = &report.Reference{ID: id, Gene: get("gene"), Length: num("reference_length")}
	}
	if get("score") != "" {
		rec.Alignment = &report.Alignment{
			Score: flt("score"), Length: num("alignment_length"), Identities: num("identities"),
			PercentIdentity: flt("percent_identity"), PercentIdentityOverReference: flt("percent_identity_over_reference"),
			ReferenceCoverage: flt("reference_coverage"), QueryCoverage: flt("query_coverage"),
			ReferenceStart: num("reference_start"), ReferenceEnd: num("reference_end"),
			QueryStart: num("query_start"), QueryEnd: num("query_end"),
		}
	}
	for _, g := range strings.Split(get("not_covered"), ";") {
		a, b, ok := strings.Cut(g, "-")
		s, err1 := strconv.Atoi(a)
		e, err2 := strconv.Atoi(b)
		if ok && err1 == nil && err2 == nil {
			rec.NotCovered = append(rec.NotCovered, report.Region{Start: s, End: e})
		}
	}
	if at := get("truncated_at"); at != "" {
		p, l, _ := strings.Cut(at, "/")
		pos, _ := strconv.Atoi(p)
		n, _ := strconv.Atoi(l)
		rec.Truncation = &report.Truncation{Position: pos, ReferenceLength: n, Evidence: get("truncation_evidence")}
	}
	rec.Sites = parseSitesCell(get("sites"))
	return rec
}

// parseSitesCell reads SitesCell's form back.
func parseSitesCell(s string) []report.Site {
	if s == "" {
		return nil
	}
	var out []report.Site
	for _, part := range strings.Split(s, ";") {
		f := strings.Split(part, ":")
		if len(f) != 3 {
			continue
		}
		pos, err := strconv.Atoi(f[0])
		if err != nil {
			continue
		}
		ref, obs, changed := strings.Cut(f[1], ">")
		if !changed && f[2] != report.SiteDeleted && f[2] != report.SiteNotCovered {
			obs = ref
		}
		out = append(out, report.Site{RefPos: pos, Ref: ref, Observed: obs, State: f[2]})
	}
	return out
}
