package output

import (
	"bufio"
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

func encodeAll(t *testing.T, f Format, recs []*report.Record) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.Write(header(f, "test"))
	for i, r := range recs {
		u, err := Encode(f, r, "test")
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(frame(nil, f, i == 0, u))
	}
	buf.Write(footer(f, len(recs) > 0))
	return buf.Bytes()
}

func readAll(t *testing.T, data []byte) ([]*report.Record, Format, error) {
	t.Helper()
	var got []*report.Record
	f, err := ReadRecords(bufio.NewReader(bytes.NewReader(data)), func(r *report.Record) error { got = append(got, r); return nil })
	return got, f, err
}

// TestReadEveryFormat: what Encode writes in json, jsonl and tsv reads
// back; json and jsonl whole, tsv with every field the table holds.
func TestReadEveryFormat(t *testing.T) {
	var recs []*report.Record
	for _, g := range synth(40) {
		recs = append(recs, g.rec)
	}
	recs[8].Status, recs[8].StatusReason = report.StatusTruncated, "truncated at reference position 141 of 875: premature stop (K141*)"
	recs[8].Truncation = &report.Truncation{Position: 141, ReferenceLength: 875, Evidence: report.EvidenceStop}
	recs[9].Sites = []report.Site{{RefPos: 83, Ref: "S", Observed: "L", State: report.SiteMutant}, {RefPos: 87, Ref: "D", Observed: "D", State: report.SiteWildType}}
	for _, f := range RecordFormats {
		got, format, err := readAll(t, encodeAll(t, f, recs))
		if err != nil || format != f {
			t.Fatalf("%s: format %s, %v", f, format, err)
		}
		if len(got) != len(recs) {
			t.Fatalf("%s: %d records, want %d", f, len(got), len(recs))
		}
		for i, r := range got {
			w := recs[i]
			if r.Query.ID != w.Query.ID || r.Query.Ordinal != w.Query.Ordinal || r.Status != w.Status || r.StatusReason != w.StatusReason ||
				len(r.Mutations) != len(w.Mutations) || (w.Reference == nil) != (r.Reference == nil) || len(r.Sites) != len(w.Sites) {
				t.Fatalf("%s record %d: got %+v, want %+v", f, i, r, w)
			}
			for k, m := range w.Mutations {
				if r.Mutations[k].Short != m.Short || r.Mutations[k].RefStart != m.RefStart || r.Mutations[k].HGVS != m.HGVS {
					t.Errorf("%s record %d mutation %d: %+v, want %+v", f, i, k, r.Mutations[k], m)
				}
			}
			if w.Alignment != nil && r.Alignment.PercentIdentity != w.Alignment.PercentIdentity {
				t.Errorf("%s record %d: identity %v, want %v", f, i, r.Alignment.PercentIdentity, w.Alignment.PercentIdentity)
			}
			if (w.Truncation == nil) != (r.Truncation == nil) || w.Truncation != nil && *w.Truncation != *r.Truncation {
				t.Errorf("%s record %d: truncation %+v, want %+v", f, i, r.Truncation, w.Truncation)
			}
			for k, s := range w.Sites {
				if !reflect.DeepEqual(r.Sites[k], s) {
					t.Errorf("%s record %d site %d: %+v, want %+v", f, i, k, r.Sites[k], s)
				}
			}
		}
	}
}

func TestReadRejectsBadInput(t *testing.T) {
	var recs []*report.Record
	for _, g := range synth(3) {
		recs = append(recs, g.rec)
	}
	good := encodeAll(t, JSON, recs)
	tsv := encodeAll(t, TSV, recs)
	cases := map[string]struct{ data, want string }{
		"empty":          {"", "empty input"},
		"not json":       {">seq1\nMKV\n", "not JSON"},
		"number":         {"42", "not a wtalign alignment output"},
		"truncated":      {string(good[:len(good)-20]), ""},
		"trailing":       {string(good) + "{}", "unexpected data"},
		"no status":      {`{"query":{"id":"a"}}`, "no status"},
		"records field":  {`{"records": 3}`, "not an array"},
		"bad record":     {`{"records":[{"status":"mutant","query":{"id":7}}]}`, "record 1"},
		"other schema":   {`{"schema_version":"9","records":[]}`, `schema_version "9"`},
		"tsv truncated":  {string(tsv[:len(tsv)-30]), "cells, the header has"},
		"tsv bad number": {strings.Replace(string(tsv), "\t0\t1\tq0\t", "\tzero\t1\tq0\t", 1), `query_ordinal "zero"`},
	}
	for name, c := range cases {
		_, _, err := readAll(t, []byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", name, err, c.want)
		}
	}
}
