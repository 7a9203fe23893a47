package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// TestRecordEncoderRealRecords: every record the pipeline writes for the
// shipped data is encoded by output's compiled record encoder exactly as
// encoding/json encodes it: variants by name with catalog annotation and a
// sites list, the edge-case files with their errors, the homolog files and
// the disrupted genes by best score, and (not -short) the K-12 proteome.
func TestRecordEncoderRealRecords(t *testing.T) {
	sites := filepath.Join(t.TempDir(), "sites.tsv")
	if err := os.WriteFile(sites, []byte("gyrA\t83\ngyrA\t87\nparC\t80\nparC\t84\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	annotated := catalogSpec()
	annotated.Sites = sites
	specs := []Spec{
		annotated,
		scanSpec(AssignName, "../testdata/pairs/derived_edge_cases.faa"),
		scanSpec(AssignName, "../testdata/fasta/derived_edge_cases.faa"),
		scanSpec(AssignBest, "../testdata/pairs/homolog_grampos_prokka.faa"),
		scanSpec(AssignBest, "../testdata/pairs/homolog_salmonella_pointfinder.faa"),
		scanSpec(AssignName, "../testdata/pairs/variant_ecoli_pmrB_multicopy.faa"),
		scanSpec(AssignBest, disrupted),
	}
	if !testing.Short() {
		specs = append(specs, scanSpec(AssignBest, proteome))
	}
	n := 0
	for _, s := range specs {
		s.SkipUnassigned = true
		p, err := Prepare(context.Background(), s, Env{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Records(context.Background(), func(r Result) error {
			sameAsEncodingJSON(t, s.Inputs[0]+" "+r.Record.Query.ID, r.Record)
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if want := 91; n < want { // the shipped files without the proteome
		t.Fatalf("only %d records compared, want at least %d", n, want)
	}
	t.Logf("%d records identical", n)
}

func sameAsEncodingJSON(t *testing.T, what string, r *report.Record) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false) // as the writer always has: "5' --> 3'" stays readable
	if err := enc.Encode(r); err != nil {
		t.Fatalf("%s: encoding/json: %v", what, err)
	}
	got, err := output.Encode(output.JSONL, r, "test")
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		w := want.Bytes()
		i := 0
		for i < len(got) && i < len(w) && got[i] == w[i] {
			i++
		}
		t.Fatalf("%s: bytes differ at %d:\n got  %q\n want %q", what, i, got[max(0, i-40):min(len(got), i+40)], w[max(0, i-40):min(len(w), i+40)])
	}
}

// BenchmarkRecordEncoder: encoding/json (an Encoder without HTML
// escaping, as the writer had it, output copied out) against output's
// record encoder, on the demo variants plain and annotated with catalogs.
func BenchmarkRecordEncoder(b *testing.B) {
	for _, c := range []struct {
		name string
		spec Spec
	}{{"plain", scanSpec(AssignName, variants)}, {"catalogs", catalogSpec()}} {
		p, err := Prepare(context.Background(), c.spec, Env{})
		if err != nil {
			b.Fatal(err)
		}
		var recs []*report.Record
		if _, err := p.Records(context.Background(), func(r Result) error { recs = append(recs, r.Record); return nil }); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/encoding-json", func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				for _, r := range recs {
					buf.Reset()
					enc := json.NewEncoder(&buf)
					enc.SetEscapeHTML(false)
					if err := enc.Encode(r); err != nil {
						b.Fatal(err)
					}
					_ = bytes.Clone(buf.Bytes())
				}
			}
		})
		b.Run(c.name+"/output-Encode", func(b *testing.B) {
			for b.Loop() {
				for _, r := range recs {
					if _, err := output.Encode(output.JSONL, r, "bench"); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
