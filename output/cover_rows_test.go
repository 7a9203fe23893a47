package output

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// hamRecord is a GyrA record on catalogued genes with one call of each
// verdict, the catalog matches as package catalog gives them.
func hamRecord() *report.Record {
	pf := report.CatalogMatch{Catalog: "pointfinder", Version: "2024-01", Gene: "gyrA", Name: "gyrA p.S83L", Kind: "substitution",
		Classes: []string{"quinolone"}, Drugs: []string{"ciprofloxacin", "nalidixic acid"}, Mechanism: "target alteration", Counts: true}
	amr := report.CatalogMatch{Catalog: "amrfinder", Version: "3.12", Gene: "gyrA", Name: "gyrA_S83L", Kind: "substitution",
		Classes: []string{"quinolone"}, Drugs: []string{"ciprofloxacin"}, Mechanism: "target alteration", Counts: true}
	req := report.CatalogMatch{Catalog: "pointfinder", Version: "2024-01", Gene: "gyrA", Name: "gyrA p.D87N", Requires: "gyrA S83L",
		Requirement: report.RequirementMissing, Missing: "requires gyrA S83L/W/A/V", Classes: []string{"quinolone"}, Drugs: []string{"levofloxacin"}}
	unk := report.CatalogMatch{Catalog: "pointfinder", Version: "2024-01", Gene: "gyrA", Name: "gyrA p.D87G", Requires: "parC S80I",
		Requirement: report.RequirementUnknown, Mechanism: "target\tprotection"}
	return &report.Record{
		SchemaVersion: report.SchemaVersion, InputFile: "/data/genomes/EC042.faa.gz",
		Query:        report.Query{ID: "EC042_01234", Length: 878},
		Reference:    &report.Reference{ID: "ecoli_k12|gyrA|NP_416734.1", Gene: "gyrA", Length: 875},
		Alignment:    &report.Alignment{PercentIdentity: 99.5, ReferenceCoverage: 100, ReferenceStart: 1, ReferenceEnd: 875, QueryStart: 2, QueryEnd: 876},
		Status:       report.StatusMutant,
		CataloguedBy: []string{"pointfinder 2024-01 (escherichia_coli)", "amrfinder 3.12"},
		Mutations: []report.Mutation{
			{Short: "S83L", HGVS: "p.Ser83Leu", Verdict: report.VerdictKnown, Catalog: []report.CatalogMatch{pf, amr}},
			{Short: "D87N", HGVS: "p.Asp87Asn", Verdict: report.VerdictKnown, Catalog: []report.CatalogMatch{req}},
			{Short: "D87G", HGVS: "p.Asp87Gly", Verdict: report.VerdictKnown, Catalog: []report.CatalogMatch{unk}},
			{Short: "A84P", HGVS: "p.Ala84Pro", Verdict: report.VerdictNovelAtKnownSite},
			{Short: "S83X", HGVS: "p.Ser83Xaa", Verdict: report.VerdictAmbiguous},
			{Short: "K100E", HGVS: "p.Lys100Glu", Verdict: report.VerdictNovel},
			{Short: "Q200*", HGVS: "p.Gln200Ter", AfterPrematureStop: true},
		},
	}
}

func hamRows(t *testing.T, r *report.Record) []map[string]string {
	t.Helper()
	b, err := Encode(HAMRonization, r, "1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if line == "" {
			continue
		}
		cells := strings.Split(line, "\t")
		if len(cells) != len(HAMRonizationColumns) {
			t.Fatalf("%d cells, want %d: %q", len(cells), len(HAMRonizationColumns), line)
		}
		row := map[string]string{}
		for i, c := range HAMRonizationColumns {
			row[c] = cells[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// TestHAMRonizationRows: one row per call on a catalogued gene (none for
// the read-through after a stop), with the catalog's databases, drugs,
// mechanisms and an interpretation per verdict; a requirement that is
// missing or undecidable is spelled out.
func TestHAMRonizationRows(t *testing.T) {
	rows := hamRows(t, hamRecord())
	if len(rows) != 6 {
		t.Fatalf("%d rows, want 6 (the call after the stop left out)", len(rows))
	}
	first := rows[0]
	for k, want := range map[string]string{
		"input_file_name": "EC042", "gene_symbol": "gyrA", "gene_name": "ecoli_k12|gyrA|NP_416734.1",
		"reference_database_name": "pointfinder;amrfinder", "reference_database_version": "2024-01;3.12",
		"reference_accession": "NP_416734.1", "analysis_software_name": "wtalign", "analysis_software_version": "1.2.3",
		"genetic_variation_type": "protein_variant_detected", "antimicrobial_agent": "ciprofloxacin;nalidixic acid",
		"drug_class": "quinolone", "coverage_percentage": "100", "input_protein_length": "878", "input_protein_start": "2",
		"input_protein_stop": "876", "input_sequence_id": "EC042_01234", "amino_acid_mutation": "p.Ser83Leu",
		"amino_acid_mutation_interpretation": "known: pointfinder gyrA p.S83L; known: amrfinder gyrA_S83L",
		"reference_protein_length":           "875", "reference_protein_start": "1", "reference_protein_stop": "875",
		"resistance_mechanism": "target alteration", "sequence_identity": "99.5", "coverage_depth": "", "strand_orientation": "",
	} {
		if first[k] != want {
			t.Errorf("row 1 %s = %q, want %q", k, first[k], want)
		}
	}
	for i, want := range []struct{ interp, db, drugs, mech string }{
		{"known: pointfinder gyrA p.D87N (requires gyrA S83L/W/A/V)", "pointfinder", "", ""},
		{"known: pointfinder gyrA p.D87G () (requires parC S80I, unknown)", "pointfinder", "", "target protection"},
		{"novel change at a catalogued site", "pointfinder;amrfinder", "", ""},
		{"ambiguous residue at this position", "pointfinder;amrfinder", "", ""},
		{"novel", "pointfinder;amrfinder", "", ""},
	} {
		r := rows[i+1]
		if r["amino_acid_mutation_interpretation"] != want.interp || r["reference_database_name"] != want.db ||
			r["antimicrobial_agent"] != want.drugs || r["resistance_mechanism"] != want.mech {
			t.Errorf("row %d: interpretation %q, databases %q, drugs %q, mechanism %q; want %+v", i+2,
				r["amino_acid_mutation_interpretation"], r["reference_database_name"], r["antimicrobial_agent"], r["resistance_mechanism"], want)
		}
	}
	// Novel calls name every catalog covering the gene, with its version.
	if rows[5]["reference_database_version"] != "2024-01;3.12" {
		t.Errorf("novel call versions %q", rows[5]["reference_database_version"])
	}
}

// TestHAMRonizationNoRows: records on genes no catalog covers, records
// without an alignment and records without calls give no row.
func TestHAMRonizationNoRows(t *testing.T) {
	for name, edit := range map[string]func(*report.Record){
		"uncatalogued": func(r *report.Record) { r.CataloguedBy = nil },
		"no alignment": func(r *report.Record) { r.Alignment = nil },
		"no reference": func(r *report.Record) { r.Reference = nil },
		"no calls":     func(r *report.Record) { r.Mutations = nil },
	} {
		r := hamRecord()
		edit(r)
		if b, err := Encode(HAMRonization, r, "v"); err != nil || len(b) != 0 {
			t.Errorf("%s: %q %v", name, b, err)
		}
	}
	// A reference ID without '|' fields is its own accession; the gene
	// symbol is the catalog's name of the gene (pmrB for K-12 basS).
	r := hamRecord()
	r.Reference.ID, r.Reference.Gene = "basS", "basS"
	r.Mutations = []report.Mutation{{HGVS: "p.Cys84Arg", Verdict: report.VerdictKnown,
		Catalog: []report.CatalogMatch{{Catalog: "amrfinder", Gene: "pmrB", Name: "pmrB_C84R", Counts: true, Drugs: []string{"colistin"}, Classes: []string{"colistin"}}}}}
	rows := hamRows(t, r)
	if len(rows) != 1 || rows[0]["reference_accession"] != "basS" || rows[0]["gene_symbol"] != "pmrB" || rows[0]["antimicrobial_agent"] != "colistin" {
		t.Errorf("rows %v", rows)
	}
}

func TestHAMRonizationInputName(t *testing.T) {
	for in, want := range map[string]string{
		"/d/EC042.faa.gz": "EC042", "a/b/x.fasta": "x", "x.fna": "x", "x.ffn": "x", "x.fa": "x", "x.faa": "x",
		"x.txt": "x.txt", "-": "-", "sample.v2.faa": "sample.v2",
	} {
		if got := inputName(in); got != want {
			t.Errorf("inputName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMatchSummaryCounts: only matches that count give drugs and classes
// (distinct, first-seen order); every match is listed with its requirement.
func TestMatchSummaryCounts(t *testing.T) {
	classes, drugs, entries := MatchSummary([]report.CatalogMatch{
		{Catalog: "pf", Name: "a", Counts: true, Classes: []string{"quinolone"}, Drugs: []string{"cip", "nal"}},
		{Catalog: "amr", Name: "b", Counts: true, Classes: []string{"quinolone", "other"}, Drugs: []string{"nal", "lev"}},
		{Catalog: "pf", Name: "c", Requirement: report.RequirementMissing, Classes: []string{"never"}, Drugs: []string{"never"}},
	})
	if classes != "quinolone;other" || drugs != "cip;nal;lev" || entries != "pf:a;amr:b;pf:c(missing)" {
		t.Errorf("%q %q %q", classes, drugs, entries)
	}
	if c, d, e := MatchSummary(nil); c != "" || d != "" || e != "" {
		t.Errorf("no matches: %q %q %q", c, d, e)
	}
}

// TestCheckClobberExisting: with files that exist, a written path that is
// a read file (also through another spelling or a symlink), a directory,
// or another written path is refused, naming both roles.
func TestCheckClobberExisting(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.faa")
	out := filepath.Join(dir, "out.json")
	for _, p := range []string{in, out} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reads := []Path{{Path: "-", Role: "input"}, {Path: "", Role: "map file"}, {Path: filepath.Join(dir, "none"), Role: "input"}, {Path: in, Role: "input"}}
	cases := []struct {
		writes []Path
		want   string
	}{
		{[]Path{{Path: in, Role: "output"}}, "output: refusing to overwrite: the output path is the input " + in + "; choose another output path"},
		{[]Path{{Path: dir + string(filepath.Separator) + "." + string(filepath.Separator) + "in.faa", Role: "manifest"}}, "output: refusing to overwrite: the manifest path is the input " + in + " (as " + dir + string(filepath.Separator) + "." + string(filepath.Separator) + "in.faa); choose another manifest path"},
		{[]Path{{Path: dir, Role: "output"}}, "output: refusing to overwrite: output " + dir + " is a directory; give a file name"},
		{[]Path{{Path: out, Role: "output"}, {Path: "-", Role: "x"}, {Path: out, Role: "manifest"}}, "output: refusing to overwrite: the manifest path " + out + " and the output path " + out + " are the same file"},
		{[]Path{{Path: filepath.Join(dir, "new"), Role: "output"}, {Path: filepath.Join(dir, "sub", "..", "new"), Role: "lock"}}, "output: refusing to overwrite: the lock path and the output path are both " + filepath.Join(dir, "sub", "..", "new")},
	}
	if runtime.GOOS != "windows" {
		link := filepath.Join(dir, "link.json")
		if err := os.Symlink(in, link); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			writes []Path
			want   string
		}{[]Path{{Path: link, Role: "output"}}, "output: refusing to overwrite: the output path is the input " + in + " (as " + link + "); choose another output path"})
		// A path under a file: nothing can be there, so nothing is clobbered.
		cases = append(cases, struct {
			writes []Path
			want   string
		}{[]Path{{Path: filepath.Join(in, "x"), Role: "output"}}, ""})
	}
	for _, c := range cases {
		err := CheckClobber(reads, c.writes)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("writes %v:\n got %q\nwant %q", c.writes, got, c.want)
		}
	}
	if err := CheckClobber(reads, []Path{{Path: out, Role: "output"}, {Path: filepath.Join(dir, "m.json"), Role: "manifest"}}); err != nil {
		t.Errorf("distinct paths refused: %v", err)
	}
}

// TestReadFileNames: ReadFile reads a finished output back and names the
// file in its errors.
func TestReadFileNames(t *testing.T) {
	dir := t.TempDir()
	recs := []*report.Record{synth(3)[0].rec, synth(3)[1].rec}
	for _, f := range RecordFormats {
		p := filepath.Join(dir, "out."+string(f))
		if err := os.WriteFile(p, encodeAll(t, f, recs), 0o644); err != nil {
			t.Fatal(err)
		}
		var ids []string
		got, err := ReadFile(p, func(r *report.Record) error { ids = append(ids, r.Query.ID); return nil })
		if err != nil || got != f || strings.Join(ids, ",") != "q0,q1" {
			t.Errorf("%s: format %q, ids %v, %v", f, got, ids, err)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "none.json"), func(*report.Record) error { return nil }); err == nil || !strings.HasPrefix(err.Error(), "output: open "+filepath.Join(dir, "none.json")) {
		t.Errorf("missing file: %v", err)
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(bad, func(*report.Record) error { return nil }); err == nil || !strings.HasPrefix(err.Error(), "output: "+bad+": not JSON and not a wtalign TSV table") {
		t.Errorf("not an output: %v", err)
	}
	ham := filepath.Join(dir, "calls.tsv")
	if err := os.WriteFile(ham, []byte(strings.Join(HAMRonizationColumns, "\t")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if f, err := ReadFile(ham, func(*report.Record) error { return nil }); f != HAMRonization || err == nil || !strings.Contains(err.Error(), "cannot be read back as records") {
		t.Errorf("hAMRonization table: %q %v", f, err)
	}
}
