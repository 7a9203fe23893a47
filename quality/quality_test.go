package quality_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wtalign/wtalign/quality"
	"github.com/wtalign/wtalign/verify"
	"github.com/wtalign/wtalign/verify/verifytest"
)

var (
	cohortOnce sync.Once
	cohortDir  string
	clean      []string // outputs of testdata/quality/clean
	planted    []string // outputs of testdata/quality/planted
)

func TestMain(m *testing.M) {
	verifytest.Main(m, func() {
		for _, d := range []string{cohortDir, demoDir} {
			if d != "" {
				os.RemoveAll(d)
			}
		}
	})
}

// cohort aligns the constructed cohorts once (see testdata/quality/PROVENANCE.md).
func cohort(t *testing.T) {
	t.Helper()
	cohortOnce.Do(func() {
		var err error
		if cohortDir, err = os.MkdirTemp("", "quality-test-"); err != nil {
			t.Fatal(err)
		}
		clean = verifytest.Cohort(t, cohortDir, nil, list(t, "clean")...)
		planted = verifytest.Cohort(t, cohortDir, nil, list(t, "planted")...)
	})
	if len(clean) != 8 || len(planted) != 6 {
		t.Fatalf("cohort: %d clean and %d planted outputs", len(clean), len(planted))
	}
}

// list names the FASTA files of testdata/quality/DIR, relative to the
// repository root, sorted.
func list(t *testing.T, dir string) []string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(verifytest.Path(t, "testdata/quality"), dir, "*.faa"))
	var rel []string
	for _, p := range m {
		rel = append(rel, filepath.Join("testdata/quality", dir, filepath.Base(p)))
	}
	sort.Strings(rel)
	return rel
}

func analyze(t *testing.T, paths ...string) *quality.Report {
	t.Helper()
	rep, err := quality.Analyze(context.Background(), paths, quality.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestCleanCohortHasNoOutliers(t *testing.T) {
	cohort(t)
	var progress []quality.Progress
	rep, err := quality.Analyze(context.Background(), clean, quality.Options{Progress: func(p quality.Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) != 8 || progress[7].Done != 8 || progress[7].Total != 8 || progress[7].Records != 32 {
		t.Errorf("progress: %+v", progress)
	}
	for _, o := range rep.Outliers {
		t.Errorf("outlier in the clean cohort: %s %s: %+v", o.Accession, o.QueryID, o.Reasons)
	}
	if rep.Overview.Accessions != 8 || rep.Overview.Analysed != 32 {
		t.Errorf("overview: %+v", rep.Overview)
	}
	var gyrA *quality.Gene
	for i := range rep.Genes {
		if rep.Genes[i].Gene == "gyrA" {
			gyrA = &rep.Genes[i]
		}
	}
	if gyrA == nil || gyrA.Records != 8 || gyrA.Identity.Median < 99.8 {
		t.Fatalf("gyrA: %+v", gyrA)
	}
	freq := map[string]int{}
	for _, m := range gyrA.Mutations {
		freq[m.Short] = m.Accessions
	}
	// D87N is in acc01 and acc08; G81D in acc03, acc04 and acc05.
	if freq["D87N"] != 2 || freq["G81D"] != 3 || freq["S83A"] != 1 {
		t.Errorf("gyrA mutation frequencies: %v", freq)
	}
}

func TestPlantedOutliers(t *testing.T) {
	cohort(t)
	rep := analyze(t, append(append([]string{}, clean...), planted...)...)
	got := map[string][]string{} // accession/query -> rules
	for _, o := range rep.Outliers {
		var rules []string
		for _, r := range o.Reasons {
			rules = append(rules, r.Rule)
			if r.Text == "" {
				t.Errorf("%s: rule %s without words", o.QueryID, r.Rule)
			}
		}
		got[o.Accession+" "+strings.SplitN(o.QueryID, "|", 2)[0]] = rules
	}
	want := map[string][]string{
		"acc09_fragment edit_gyrA_fragment": {"low_coverage", "length_ratio"},
		// Both are status homolog (below --same-gene-identity): no calls, so
		// the identity rules, not novel_calls, say what is wrong.
		"acc10_paralog edit_parC_named_gyrA":   {"low_identity", "length_ratio"},
		"acc11_homolog70 edit_gyrA_identity70": {"low_identity"},
		"acc12_copies ecoli_gyrA_D87N":         {"copies"},
		"acc12_copies ecoli_gyrA_S83A":         {"copies"},
		"acc13_ambiguous derived_gyrA_X83-87":  {"ambiguous_residues"},
		"acc14_tail edit_gyrA_divergent_tail":  {"divergent_tail"},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s: rules %v, want %v", k, got[k], w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected outlier %s: %v", k, got[k])
		}
	}
	// The numbers behind the words.
	for _, o := range rep.Outliers {
		if o.Accession == "acc11_homolog70" {
			r := o.Reasons[0]
			if r.Value < 69 || r.Value > 71 || r.Threshold != 80 || !strings.Contains(r.Text, "70.") {
				t.Errorf("homolog reason: %+v", r)
			}
		}
		if o.Accession == "acc12_copies" && (o.Reasons[0].Cohort != 14 || o.Reasons[0].Value != 2) {
			t.Errorf("copies reason: %+v", o.Reasons[0])
		}
	}
	// Outliers' calls are not mutation frequencies: the 70% homolog's
	// hundreds of differences do not appear.
	for _, g := range rep.Genes {
		if g.Gene == "gyrA" && len(g.Mutations) > 10 {
			t.Errorf("gyrA lists %d mutations: outlier calls leaked into the frequencies", len(g.Mutations))
		}
	}
	var accs []string
	for _, a := range rep.Accessions {
		if a.Outliers > 0 {
			accs = append(accs, a.Accession)
		}
	}
	if len(accs) != 6 {
		t.Errorf("accessions with outliers: %v", accs)
	}
}

func TestReportMatchesSchemaAndIsDeterministic(t *testing.T) {
	cohort(t)
	paths := append(append([]string{}, clean...), planted...)
	rep := analyze(t, paths...)
	var a bytes.Buffer
	if err := rep.WriteJSON(&a); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(verifytest.Path(t, "docs/quality.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the report does not match docs/quality.schema.json: %v", err)
	}
	slices.Reverse(paths)
	var b bytes.Buffer
	if err := analyze(t, paths...).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the report depends on the order of the paths")
	}
	// A directory gives the same report as its files.
	var d bytes.Buffer
	if err := analyze(t, cohortDir).WriteJSON(&d); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), d.Bytes()) {
		t.Error("the directory's report differs from its files'")
	}
}

// copyOutput copies an output and its manifest under a new name, editing
// the output's text and the manifest's JSON.
func copyOutput(t *testing.T, src, dir, name string, edit func(string) string, editManifest func(map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, name)
	out := string(data)
	if edit != nil {
		out = edit(out)
	}
	if err := os.WriteFile(dst, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	mdata, err := os.ReadFile(src + verify.ManifestSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if editManifest != nil {
		var m map[string]any
		if err := json.Unmarshal(mdata, &m); err != nil {
			t.Fatal(err)
		}
		editManifest(m)
		mdata, _ = json.Marshal(m)
	}
	if err := os.WriteFile(dst+verify.ManifestSuffix, mdata, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestAnnotationsAndResources: the calls' catalog annotations as align
// --catalog writes them (report.Mutation: a verdict and a list of
// matches), the QRDR as a record-level region (no wtalign stage writes
// regions: added here), and the manifests' resources.
func TestAnnotationsAndResources(t *testing.T) {
	cohort(t)
	dir := t.TempDir()
	aligned := verifytest.Cohort(t, t.TempDir(), verifytest.DemoCatalogs(t), list(t, "clean")...)
	var paths []string
	for i, p := range aligned {
		name := filepath.Base(p)
		edit := func(s string) string {
			return strings.Replace(s, `"reference":{"id":"ecoli_k12|gyrA|`, `"catalog":{"regions":[{"name":"QRDR","start":67,"end":106}]},"reference":{"id":"ecoli_k12|gyrA|`, -1)
		}
		rss := float64(100 << 20)
		if i == 3 {
			rss *= 10
		}
		elapsed := 20.0 // 4 records: 0.2 records/s; acc02 ten times slower
		if i == 1 {
			elapsed = 200
		}
		paths = append(paths, copyOutput(t, p, dir, name, edit, func(m map[string]any) {
			m["timings"].(map[string]any)["elapsed_seconds"] = elapsed
			m["session_log"] = []any{map[string]any{"peak_rss_bytes": rss, "cpu_seconds": 1.5}, map[string]any{"peak_rss_bytes": rss / 2, "cpu_seconds": 0.5}}
		}))
	}
	rep := analyze(t, paths...)
	// PointFinder knows G81D, D82G, S83A and D87N of GyrA, AMRFinderPlus
	// C84R of PmrB (basS); E7Q of acc04 is novel.
	if c := rep.Catalog; !c.Present || c.Known != 11 || c.Novel != 1 || c.NovelAtKnownSite != 0 || c.Ambiguous != 0 || c.Unannotated != 0 {
		t.Errorf("catalog: %+v", rep.Catalog)
	}
	known := map[string]quality.KnownMutation{}
	for _, k := range rep.Catalog.KnownMutations {
		known[k.Name] = k
	}
	for name, want := range map[string]struct {
		accs  []string
		drugs []string
	}{
		"basS_C84R": {[]string{"acc01", "acc03", "acc06"}, []string{"COLISTIN"}},
		"gyrA_G81D": {[]string{"acc03", "acc04", "acc05"}, []string{"Quinolone"}},
		"gyrA_D82G": {[]string{"acc04", "acc05"}, []string{"Quinolone"}},
		"gyrA_S83A": {[]string{"acc02"}, []string{"Quinolone"}},
		"gyrA_D87N": {[]string{"acc01", "acc08"}, []string{"Quinolone"}},
	} {
		if k := known[name]; !slices.Equal(k.Accessions, want.accs) || !slices.Equal(k.Drugs, want.drugs) {
			t.Errorf("known mutation %s: %+v, want accessions %v and drug classes %v", name, k, want.accs, want.drugs)
		}
	}
	if len(known) != 5 {
		t.Errorf("known mutations: %+v", rep.Catalog.KnownMutations)
	}
	if g := rep.Accessions[0]; g.Accession != "acc01" || !slices.Equal(g.Genotype, []string{"basS_C84R", "gyrA_D87N"}) || g.Known != 2 {
		t.Errorf("acc01 genotype: %+v", g)
	}
	for _, g := range rep.Genes {
		if g.Gene == "gyrA" && !slices.Equal(g.Regions, []quality.Region{{Name: "QRDR", Start: 67, End: 106}}) {
			t.Errorf("gyrA regions: %+v", g.Regions)
		}
		for _, m := range g.Mutations {
			if m.Name == "gyrA_E7Q" && (m.Verdict != "novel" || len(m.Drugs) != 0) {
				t.Errorf("E7Q: %+v", m)
			}
		}
	}
	r := rep.Runs[0]
	if r.PeakRSSBytes == nil || *r.PeakRSSBytes != 100<<20 || r.CPUSeconds == nil || *r.CPUSeconds != 2 || r.Sessions != 2 || len(r.SessionResources) != 2 {
		t.Errorf("run resources: %+v", r)
	}
	ro := rep.ResourceOutliers
	if len(ro) != 2 || ro[0].Accession != "acc02" || ro[0].Rule != "slow" || ro[0].Value != 0.02 || ro[0].Median != 0.2 ||
		ro[1].Accession != "acc04" || ro[1].Rule != "memory" || !strings.Contains(ro[1].Text, "peak RSS 1000 MiB, over 3 times the median 100 MiB of 8 runs") {
		t.Errorf("resource outliers: %+v", rep.ResourceOutliers)
	}
}

// TestRatesUseTheManifestsTime: records/s and cells/s divide by the
// manifest's wall time, not by the two-decimal time the report shows
// (27 demo records in 0.0138 s are 1959 records/s, not 2700).
func TestRatesUseTheManifestsTime(t *testing.T) {
	cohort(t)
	dir := t.TempDir()
	const elapsed = 0.013782455
	var paths []string
	for _, p := range clean[:2] {
		paths = append(paths, copyOutput(t, p, dir, filepath.Base(p), nil, func(m map[string]any) {
			m["timings"].(map[string]any)["elapsed_seconds"] = elapsed
		}))
	}
	rep := analyze(t, paths...)
	for _, r := range rep.Runs {
		if r.ElapsedSeconds != 0.01 || r.RecordsPerSecond != 290.22 || r.CellsPerSecond != math.Round(float64(r.Cells)/elapsed) {
			t.Errorf("%s: %g s, %g records/s, %g cells/s (%d cells); want 0.01 s shown, 290.22 records/s (4 / %g s)",
				r.Accession, r.ElapsedSeconds, r.RecordsPerSecond, r.CellsPerSecond, r.Cells, elapsed)
		}
	}
	if ov := rep.Overview; ov.ElapsedSeconds != 0.03 || ov.RecordsPerSecond != 290.22 {
		t.Errorf("overview: %g s, %g records/s; want 0.03 s, 290.22 records/s (8 / %g s)", ov.ElapsedSeconds, ov.RecordsPerSecond, 2*elapsed)
	}
}

// TestFailureKinds: records that could not be aligned are listed with
// their reasons, classified from the errors align really writes.
func TestFailureKinds(t *testing.T) {
	dir := t.TempDir()
	ref := verifytest.Path(t, "testdata/demo/ref_ecoli_k12_mg1655.faa")
	var paths []string
	for _, name := range []string{"invalid_letters", "nucleotide", "empty_records", "empty_id"} {
		out := filepath.Join(dir, name+"_alignments.json")
		if code := verifytest.Align(t, "-r", ref, "-o", out, verifytest.Path(t, "testdata/fasta/"+name+".faa")); code != 3 {
			t.Fatalf("%s: exit %d, want 3 (finished with failed records)", name, code)
		}
		paths = append(paths, out)
	}
	rep := analyze(t, paths...)
	got := map[string][]string{} // accession -> "query kind status"
	for _, f := range rep.Failures {
		got[f.Accession] = append(got[f.Accession], fmt.Sprintf("%s %s %s", f.QueryID, f.Kind, f.Status))
		if f.Reason == "" || f.InputFile == "" || f.Index < 1 || f.Record < 1 {
			t.Errorf("failure without its reason or place: %+v", f)
		}
	}
	want := map[string][]string{
		"empty_id":        {" empty_id error", " empty_id error"},
		"empty_records":   {"empty_middle empty empty", "empty_end empty empty"},
		"invalid_letters": {"at_sign invalid_letters error", "ctrl invalid_letters error", "utf8 invalid_letters error", "gt_inline invalid_letters error"},
		"nucleotide":      {"dna_60 nucleotide error", "rna_lower_30 nucleotide error"},
	}
	for acc, w := range want {
		if !slices.Equal(got[acc], w) {
			t.Errorf("%s failures: %q, want %q", acc, got[acc], w)
		}
	}
	ov := rep.Overview
	if !maps.Equal(ov.FailureReasons, map[string]int{"empty_id": 2, "empty": 2, "invalid_letters": 4, "nucleotide": 2}) || ov.Failed != 10 || ov.Analysed != 0 {
		t.Errorf("overview: failed %d, reasons %v, analysed %d", ov.Failed, ov.FailureReasons, ov.Analysed)
	}
	for _, a := range rep.Accessions {
		if n := len(want[a.Accession]); a.Failed != n {
			t.Errorf("%s: %d failed, want %d", a.Accession, a.Failed, n)
		}
	}
}

func TestBadInputs(t *testing.T) {
	cohort(t)
	dir := t.TempDir()
	src := clean[0]
	data, _ := os.ReadFile(src)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	emptyDir := filepath.Join(dir, "empty")
	os.Mkdir(emptyDir, 0o755)
	unfinishedDir := filepath.Join(dir, "unfinished")
	os.Mkdir(unfinishedDir, 0o755)
	partial := filepath.Join(unfinishedDir, "accX_alignments.json.partial")
	os.WriteFile(partial, data[:200], 0o644)
	lines := strings.SplitAfter(string(data), "\n")

	cases := []struct {
		name  string
		paths []string
		kind  error
		want  []string
	}{
		{"truncated", []string{write("acc90_alignments.json", data[:len(data)*2/3])}, verify.ErrTruncated,
			[]string{"acc90_alignments.json: line ", "truncated"}},
		{"not wtalign", []string{write("acc91_alignments.json", []byte("{\"hello\": 1}\n"))}, verify.ErrNotOutput,
			[]string{"acc91_alignments.json: line 1 (byte 0): record 1: not a wtalign record"}},
		{"empty directory", []string{emptyDir}, quality.ErrNoOutputs, []string{emptyDir, "no wtalign outputs"}},
		{"unfinished", []string{unfinishedDir}, verify.ErrUnfinished, []string{"has not finished", "wtalign status"}},
		{"mixed schema versions", []string{src, copyOutput(t, src, dir, "acc92_alignments.json", func(s string) string {
			return strings.ReplaceAll(s, `"schema_version":"1"`, `"schema_version":"2"`)
		}, nil)}, quality.ErrMixedCohort, []string{"record schema_version: 1 in " + src + ", 2 in"}},
		{"schema version inside a file", []string{copyOutput(t, src, dir, "acc93_alignments.json", func(s string) string {
			ls := append([]string{}, lines...)
			ls[2] = strings.Replace(ls[2], `{"schema_version":"1"`, `{"schema_version":"2"`, 1)
			return strings.Join(ls, "")
		}, nil)}, quality.ErrMixedCohort, []string{"acc93_alignments.json: line 3", "mixed schema versions"}},
		{"different parameters", []string{src, copyOutput(t, src, dir, "acc94_alignments.json", func(s string) string {
			return strings.ReplaceAll(s, `"gap_open":10,`, `"gap_open":12,`)
		}, nil)}, quality.ErrMixedCohort, []string{"gap_open: 10 in", "12 in", "report each group of outputs separately"}},
		{"different reference", []string{src, copyOutput(t, src, dir, "acc95_alignments.json", nil, func(m map[string]any) {
			m["reference"].(map[string]any)["sha256"] = strings.Repeat("a", 64)
		})}, quality.ErrMixedCohort, []string{"reference (sha256)"}},
		{"tsv", []string{write("acc96_alignments.tsv", nil)}, nil, []string{"acc96_alignments.tsv"}},
		{"same accession twice", []string{src, copyOutput(t, src, dir, "acc01.json", nil, nil)}, nil, []string{`accession "acc01" comes from both`}},
	}
	// A real tsv output for the tsv case.
	verifytest.Align(t, "-r", verifytest.Path(t, "testdata/demo/ref_ecoli_k12_mg1655.faa"), "--format", "tsv", "-o", cases[8].paths[0], verifytest.Path(t, "testdata/quality/clean/acc01.faa"))
	cases[8].want = append(cases[8].want, "a tsv output holds one row per mutation")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := quality.Analyze(context.Background(), c.paths, quality.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if c.kind != nil && !errors.Is(err, c.kind) {
				t.Errorf("error %v is not %v", err, c.kind)
			}
		})
	}
}

// TestLooseManifests: manifests kept away from their outputs under other
// names (as Snakemake and Nextflow publish them) are matched to the outputs
// by the sha256 they record, so the runs keep their wall time and rates; a
// manifest of no output given, and an unfinished one, are errors.
func TestLooseManifests(t *testing.T) {
	cohort(t)
	dir, mdir := t.TempDir(), t.TempDir()
	var outs, mans []string
	for i, p := range clean[:2] {
		out := filepath.Join(dir, filepath.Base(p))
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
		mb, err := os.ReadFile(p + ".manifest.json")
		if err != nil {
			t.Fatal(err)
		}
		m := filepath.Join(mdir, fmt.Sprintf("acc%d_manifest.json", i))
		if err := os.WriteFile(m, mb, 0o644); err != nil {
			t.Fatal(err)
		}
		outs, mans = append(outs, out), append(mans, m)
	}
	slices.Reverse(mans) // the order of the manifests does not matter
	rep, err := quality.Analyze(context.Background(), outs, quality.Options{Manifests: mans})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Runs {
		if r.Manifest == "" || !strings.HasPrefix(r.Manifest, mdir) || r.RecordsPerSecond == 0 {
			t.Errorf("%s: manifest %q, %g records/s", r.Accession, r.Manifest, r.RecordsPerSecond)
		}
	}
	if _, err := quality.Analyze(context.Background(), outs[:1], quality.Options{Manifests: mans}); err == nil || !strings.Contains(err.Error(), "is not among the outputs given") {
		t.Errorf("a manifest of no output given: %v", err)
	}
	if _, err := quality.Analyze(context.Background(), outs[:1], quality.Options{Manifests: []string{outs[0]}}); err == nil {
		t.Error("an output given as a manifest was accepted")
	}
}
