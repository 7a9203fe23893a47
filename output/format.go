package output

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	// HAMRonization is the PHA4GE hAMRonization TSV (HAMRonizationColumns):
	// one row per call on a catalogued gene, so the calls merge with other
	// AMR tools' results. It needs --catalog. It cannot be merged or read
	// back (it has no record ordinals): keep a json output beside it.
	HAMRonization Format = "hamronization"
)

// Formats lists the valid formats, for flag help and completion.
var Formats = []Format{JSON, JSONL, TSV, HAMRonization}

// RecordFormats hold every record and can be merged and read back.
var RecordFormats = []Format{JSON, JSONL, TSV}

func (f Format) valid() bool { return f == JSON || f == JSONL || f == TSV || f == HAMRonization }

// FormatOfName is the format a file name's extension claims (.json,
// .jsonl, .tsv, also before a compression suffix), if any.
func FormatOfName(name string) (Format, bool) {
	base := strings.ToLower(filepath.Base(name))
	for _, z := range []string{".gz", ".zst", ".xz", ".bz2"} {
		base = strings.TrimSuffix(base, z)
	}
	switch filepath.Ext(base) {
	case ".json":
		return JSON, true
	case ".jsonl", ".ndjson":
		return JSONL, true
	case ".tsv":
		return TSV, true
	}
	return "", false
}

// TSVColumns are the TSV header, in order. Empty cells mean "not
// applicable"; flags are comma-separated; not_covered is "start-end"
// ranges separated by ';'; tabs and newlines in text become spaces.
var TSVColumns = []string{
	"input_file", "query_ordinal", "query_index", "query_id", "query_description", "query_length",
	"reference_id", "gene", "reference_length", "copy_index", "status", "flags",
	"score", "alignment_length", "identities", "percent_identity", "percent_identity_over_reference",
	"reference_coverage", "query_coverage", "reference_start", "reference_end", "query_start", "query_end",
	"not_covered", "engine", "fallback_used", "error", "status_reason", "truncated_at", "truncation_evidence", "sites",
	"mutation", "mutation_type", "hgvs_p", "mutation_name", "mutation_ref_start", "mutation_ref_end",
	"mutation_query_start", "mutation_query_end", "mutation_ref", "mutation_alt", "after_premature_stop",
	"codon_change", "verdict", "drug_classes", "drugs", "pmids", "catalog_entries",
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
	case HAMRonization:
		return []byte(strings.Join(HAMRonizationColumns, "\t") + "\n")
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
// toolVersion is the wtalign version (hAMRonization rows name it).
func Encode(f Format, r *report.Record, toolVersion string) ([]byte, error) {
	return encodeUnit(f, r, toolVersion)
}

// AppendEncoded appends Encode's bytes for r to dst, so that a caller can
// encode many records into one buffer. On an error dst is returned as it
// was.
func AppendEncoded(dst []byte, f Format, r *report.Record, toolVersion string) ([]byte, error) {
	switch f {
	case TSV:
		return append(dst, tsvRows(r)...), nil
	case HAMRonization:
		return append(dst, hamronizationRows(r, toolVersion)...), nil
	}
	b, err := appendRecord(dst, r)
	if err != nil {
		return dst, fmt.Errorf("output: encoding record %q: %w", r.Query.ID, err)
	}
	if f == JSONL {
		b = append(b, '\n')
	}
	return b, nil
}

// encodeUnit encodes one record without framing: for json one compact
// line without its newline, for jsonl the line with it, for tsv its rows.
func encodeUnit(f Format, r *report.Record, toolVersion string) ([]byte, error) {
	switch f {
	case TSV:
		return tsvRows(r), nil
	case HAMRonization:
		return hamronizationRows(r, toolVersion), nil
	}
	// Encode into a pooled buffer and copy the bytes out once: one
	// allocation of the record's exact size, as encoding/json does.
	bp := encBufs.Get().(*[]byte)
	b, err := appendRecord((*bp)[:0], r)
	if err != nil {
		encBufs.Put(bp)
		return nil, fmt.Errorf("output: encoding record %q: %w", r.Query.ID, err)
	}
	n := len(b)
	if f == JSONL {
		n++
	}
	unit := make([]byte, n)
	copy(unit, b)
	if cap(b) <= maxPooledBuf {
		*bp = b
		encBufs.Put(bp)
	}
	if f == JSONL {
		unit[n-1] = '\n'
	}
	return unit, nil
}

// encBufs holds encoding buffers; one grown past maxPooledBuf (a record of
// a very long protein) is left to the collector.
var encBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledBuf = 1 << 20

func tsvRows(r *report.Record) []byte {
	cells := make([]string, 0, len(TSVColumns))
	add := func(s string) { cells = append(cells, CleanCell(s)) }
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
	add(r.StatusReason)
	if t := r.Truncation; t != nil {
		add(strconv.Itoa(t.Position) + "/" + strconv.Itoa(t.ReferenceLength))
		add(t.Evidence)
	} else {
		add("")
		add("")
	}
	add(SitesCell(r.Sites))
	prefix := strings.Join(cells, "\t")
	var b strings.Builder
	if len(r.Mutations) == 0 {
		b.WriteString(prefix)
		b.WriteString(strings.Repeat("\t", len(TSVColumns)-len(cells)))
		b.WriteByte('\n')
	}
	for _, m := range r.Mutations {
		b.WriteString(prefix)
		classes, drugs, entries := MatchSummary(m.Catalog)
		pmids := matchPMIDs(m.Catalog)
		for _, s := range []string{m.Short, m.Type, m.HGVS, m.Name, strconv.Itoa(m.RefStart), strconv.Itoa(m.RefEnd),
			strconv.Itoa(m.QueryStart), strconv.Itoa(m.QueryEnd), m.Ref, m.Alt, strconv.FormatBool(m.AfterPrematureStop),
			m.CodonChange, m.Verdict, classes, drugs, pmids, entries} {
			b.WriteByte('\t')
			b.WriteString(CleanCell(s))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

var tsvCleaner = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ", "\x00", " ")

// CleanCell keeps a value on one TSV cell: tabs, line breaks and NUL bytes
// (a header may carry one; the record is then an error) become spaces.
func CleanCell(s string) string { return tsvCleaner.Replace(s) }

// MatchSummary is what a call's catalog matches say, as three cells: the
// drug classes and the drugs (distinct, in order, ';'-separated) of the
// matches that count toward resistance, and every match as
// catalog:name(requirement).
func MatchSummary(ms []report.CatalogMatch) (classes, drugs, entries string) {
	cl, dr := MatchClasses(ms)
	var en []string
	for _, m := range ms {
		e := m.Catalog + ":" + m.Name
		if m.Requirement != "" {
			e += "(" + m.Requirement + ")"
		}
		en = append(en, e)
	}
	return strings.Join(cl, ";"), strings.Join(dr, ";"), strings.Join(en, ";")
}

// MatchClasses are the distinct drug classes and drugs, in order, of the
// matches that count toward resistance (a match whose required co-mutation
// is missing names none).
func MatchClasses(ms []report.CatalogMatch) (classes, drugs []string) {
	for _, m := range ms {
		if m.Counts {
			// Catalogs spell classes differently (PointFinder Quinolone,
			// AMRFinderPlus QUINOLONE): one class, the first spelling.
			classes = appendNewFold(classes, m.Classes...)
			drugs = appendNewFold(drugs, m.Drugs...)
		}
	}
	return classes, drugs
}

// matchPMIDs are the distinct PubMed IDs of a call's matches, ';'-separated.
func matchPMIDs(ms []report.CatalogMatch) string {
	var out []string
	for _, m := range ms {
		out = appendNew(out, m.PMIDs...)
	}
	return strings.Join(out, ";")
}

// appendNewFold appends the values not yet in list, ignoring case.
func appendNewFold(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) }) {
			list = append(list, v)
		}
	}
	return list
}

func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

// SitesCell writes site states as one TSV cell: "83:S>L:mutant;87:D:wild_type"
// (position, reference residue, what the query has when it differs, state).
func SitesCell(sites []report.Site) string {
	parts := make([]string, len(sites))
	for i, st := range sites {
		obs := st.Ref
		if st.Observed != "" && st.Observed != st.Ref {
			obs += ">" + st.Observed
		}
		parts[i] = strconv.Itoa(st.RefPos) + ":" + obs + ":" + st.State
	}
	return strings.Join(parts, ";")
}
