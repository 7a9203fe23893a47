package output

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/report"
)

// Format is an output format.
type Format string

// Output formats. Every encoder is deterministic: the same records give
// the same bytes, which resume and merge rely on.
const (
	// JSON is one document, valid only once complete:
	//   {"schema_version":"1","wtalign_version":"V","records":[
	//   {record},
	//   {record}
	//   ]}
	// with one compact record per line.
	JSON Format = "json"
	// JSONL is one compact record per line.
	JSONL Format = "jsonl"
	// TSV has a header row, then one row per mutation; a record without
	// mutations (wild type, no hit, error) still gets one row with empty
	// mutation columns. Columns: TSVColumns.
	TSV Format = "tsv"
)

// Formats lists the valid formats, for flag help and completion.
var Formats = []Format{JSON, JSONL, TSV}

func (f Format) valid() bool { return f == JSON || f == JSONL || f == TSV }

// TSVColumns are the TSV header, in order. Empty cells mean "not
// applicable"; flags are comma-separated; not_covered is "start-end"
// ranges separated by ';'; tabs and newlines in text become spaces.
var TSVColumns = []string{
	"input_file", "query_ordinal", "query_index", "query_id", "query_description", "query_length",
	"reference_id", "gene", "reference_length", "copy_index", "status", "flags",
	"score", "alignment_length", "identities", "percent_identity", "percent_identity_over_reference",
	"reference_coverage", "query_coverage", "reference_start", "reference_end", "query_start", "query_end",
	"not_covered", "engine", "fallback_used", "error",
	"mutation", "mutation_type", "hgvs_p", "mutation_name", "mutation_ref_start", "mutation_ref_end",
	"mutation_query_start", "mutation_query_end", "mutation_ref", "mutation_alt", "after_premature_stop",
}

// tsvOrdinalColumn is the index of query_ordinal, which merge reads.
const tsvOrdinalColumn = 1

// header is written once at the start of the output.
func header(f Format, toolVersion string) []byte {
	switch f {
	case JSON:
		v, _ := json.Marshal(toolVersion)
		return []byte(`{"schema_version":"` + report.SchemaVersion + `","wtalign_version":` + string(v) + `,"records":[` + "\n")
	case TSV:
		return []byte(strings.Join(TSVColumns, "\t") + "\n")
	}
	return nil
}

// footer closes the output.
func footer(f Format, wroteAny bool) []byte {
	switch {
	case f != JSON:
		return nil
	case wroteAny:
		return []byte("\n]}\n")
	}
	return []byte("]}\n")
}

// frame places one record's encoding in the stream: in json every record
// but the first is preceded by ",\n", so the comma ends the previous line.
func frame(dst []byte, f Format, first bool, unit []byte) []byte {
	if f == JSON && !first {
		dst = append(dst, ",\n"...)
	}
	return append(dst, unit...)
}

// Encode encodes one record in format f as Writer.WriteEncoded expects it.
// It is safe for concurrent use.
func Encode(f Format, r *report.Record) ([]byte, error) { return encodeUnit(f, r) }

// encodeUnit encodes one record without framing: for json one compact
// line without its newline, for jsonl the line with it, for tsv its rows.
func encodeUnit(f Format, r *report.Record) ([]byte, error) {
	if f == TSV {
		return tsvRows(r), nil
	}
	// Size the buffer for the record (the aligned strings dominate) so the
	// encoder does not regrow it several times per record.
	size := 2048 + 64*len(r.Mutations)
	if r.Alignment != nil {
		size += 3 * len(r.Alignment.AlignedReference)
	}
	// appendRecord writes encoding/json's bytes (encode_record.go).
	b, err := appendRecord(make([]byte, 0, size), r)
	if err != nil {
		return nil, fmt.Errorf("output: encoding record %q: %w", r.Query.ID, err)
	}
	if f == JSONL {
		b = append(b, '\n')
	}
	return b, nil
}

func tsvRows(r *report.Record) []byte {
	cells := make([]string, 0, len(TSVColumns))
	add := func(s string) { cells = append(cells, clean(s)) }
	num := func(n int) { add(strconv.Itoa(n)) }
	flt := func(x float64) { add(strconv.FormatFloat(x, 'f', -1, 64)) }
	add(r.InputFile)
	num(r.Query.Ordinal)
	num(r.Query.Index)
	add(r.Query.ID)
	add(r.Query.Description)
	num(r.Query.Length)
	if ref := r.Reference; ref != nil {
		add(ref.ID)
		add(ref.Gene)
		num(ref.Length)
	} else {
		add("")
		add("")
		add("")
	}
	if r.CopyIndex != 0 {
		num(r.CopyIndex)
	} else {
		add("")
	}
	add(r.Status)
	add(strings.Join(r.Flags, ","))
	if a := r.Alignment; a != nil {
		flt(a.Score)
		num(a.Length)
		num(a.Identities)
		flt(a.PercentIdentity)
		flt(a.PercentIdentityOverReference)
		flt(a.ReferenceCoverage)
		flt(a.QueryCoverage)
		num(a.ReferenceStart)
		num(a.ReferenceEnd)
		num(a.QueryStart)
		num(a.QueryEnd)
	} else {
		for range 11 {
			add("")
		}
	}
	nc := make([]string, len(r.NotCovered))
	for i, g := range r.NotCovered {
		nc[i] = strconv.Itoa(g.Start) + "-" + strconv.Itoa(g.End)
	}
	add(strings.Join(nc, ";"))
	add(r.Engine.Name)
	add(strconv.FormatBool(r.Engine.FallbackUsed))
	add(r.Error)
	prefix := strings.Join(cells, "\t")
	var b strings.Builder
	if len(r.Mutations) == 0 {
		b.WriteString(prefix)
		b.WriteString(strings.Repeat("\t", len(TSVColumns)-len(cells)))
		b.WriteByte('\n')
	}
	for _, m := range r.Mutations {
		b.WriteString(prefix)
		for _, s := range []string{m.Short, m.Type, m.HGVS, m.Name, strconv.Itoa(m.RefStart), strconv.Itoa(m.RefEnd),
			strconv.Itoa(m.QueryStart), strconv.Itoa(m.QueryEnd), m.Ref, m.Alt, strconv.FormatBool(m.AfterPrematureStop)} {
			b.WriteByte('\t')
			b.WriteString(clean(s))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

var tsvCleaner = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")

func clean(s string) string { return tsvCleaner.Replace(s) }
