package cohort

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/pipeline"
)

var (
	k12Ref     = filepath.Join("..", "testdata", "variant", "ref_ecoli_k12_mg1655.faa")
	variantDir = filepath.Join("..", "testdata", "variant")
	amrSample  = filepath.Join("..", "testdata", "catalogs", "amrfinder_format", "AMRProt-mutation.sample.tsv")
)

// align runs wtalign (native engine) on files of testdata/variant against
// the K-12 wild types with the catalogs, writing dir/<acc>_alignments.json.
func align(t *testing.T, dir, acc string, catalogs []string, inputs ...string) string {
	t.Helper()
	s := pipeline.DefaultSpec()
	s.Reference = k12Ref
	for _, in := range inputs {
		s.Inputs = append(s.Inputs, filepath.Join(variantDir, in))
	}
	s.Catalogs = catalogs
	s.Out = filepath.Join(dir, acc+"_alignments.json")
	s.Threads = 1
	if _, err := pipeline.Execute(context.Background(), s, pipeline.Env{}); err != nil {
		t.Fatal(err)
	}
	return s.Out
}

// index resolves the catalogs against the K-12 wild types, as summarize
// --catalog does.
func index(t *testing.T, catalogs ...string) *catalog.Index {
	t.Helper()
	s := pipeline.DefaultSpec()
	s.Reference = k12Ref
	s.Catalogs = catalogs
	_, ix, err := pipeline.CheckCatalogs(s)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func writeString(t *testing.T, w func(*bytes.Buffer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := w(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGenotypeFromRunAnnotations: without SetCatalog the genotype and the
// known calls come from the run's own annotations (the AMRFinderPlus-layout
// sample on the real GyrA, NfsA and PmrB test proteins).
func TestGenotypeFromRunAnnotations(t *testing.T) {
	dir := t.TempDir()
	p := align(t, dir, "GYR", []string{amrSample}, "variant_ecoli_gyrA.faa", "variant_ecoli_nfsA_stop.faa", "variant_ecoli_pmrB_multicopy.faa")
	w := align(t, dir, "WT", []string{amrSample}, "ref_ecoli_k12_mg1655.faa")
	c := buildCohort(t, []string{p, w})

	// G81D is in three GyrA copies, K141* only in the read-through NfsA
	// (the gene-caller protein ends before 141), C84R in three of four PmrB.
	gt := writeString(t, func(b *bytes.Buffer) error { return c.WriteGenotypeTSV(b) })
	want := "accession\tdrug_class\tdrugs\tcalls\tgenotype\n" +
		"GYR\tCOLISTIN\tCOLISTIN\tpmrB C84R\tCOLISTIN: pmrB C84R\n" +
		"GYR\tNITROFURAN\tNITROFURANTOIN\tnfsA K141*\tNITROFURAN: nfsA K141*\n" +
		"GYR\tQUINOLONE\tQUINOLONE\tgyrA G81D + gyrA S83A + gyrA D87N\tQUINOLONE: gyrA G81D + gyrA S83A + gyrA D87N\n" +
		"WT\t\t\t\t\n"
	if gt != want {
		t.Errorf("genotype table:\n%s\nwant:\n%s", gt, want)
	}
	mx := writeString(t, func(b *bytes.Buffer) error { return c.WriteMatrixTSV(b) })
	wantMx := "accession\tgyrA G81D\tgyrA S83A\tgyrA D87N\tnfsA K141*\tpmrB C84R\n" +
		"GYR\t1\t1\t1\t1\t1\n" +
		"WT\t0\t0\t0\t0\t0\n"
	if mx != wantMx {
		t.Errorf("matrix:\n%s\nwant:\n%s", mx, wantMx)
	}
	o := mustOverview(t, c)
	if got := o.Accessions[0].Known; !reflect.DeepEqual(got, []string{"gyrA G81D", "gyrA S83A", "gyrA D87N", "nfsA K141*", "pmrB C84R"}) {
		t.Errorf("GYR known %q", got)
	}
	if a := o.Accessions[1]; len(a.Known) != 0 || len(a.Genotype) != 0 || a.Records != 38 {
		t.Errorf("WT: known %q genotype %v records %d", a.Known, a.Genotype, a.Records)
	}
}

// crossGeneCatalog lists PmrB C84R as counting only with GyrA D87N in the
// same genome: a requirement one record cannot decide.
func crossGeneCatalog(t *testing.T, dir string) string {
	t.Helper()
	return writeFile(t, dir, "cross.tsv", []byte("#wtalign-catalog 1\n# name: cross\n"+
		"gene\tposition\tref\talt\tkind\tdrug_class\tdrugs\tpmids\trequires\n"+
		"pmrB\t84\tC\tR\tsubstitution\tColistin\tColistin\t\tgyrA_D87N\n"+
		"gyrA\t87\tD\tN\t\tQuinolone\tCiprofloxacin\t\t\n"))
}

// TestSetCatalogDecidesRequirementsPerAccession: the run annotates each
// record alone, so a requirement on another gene stays unknown and does not
// count; with SetCatalog the cohort decides it over the accession's copies.
func TestSetCatalogDecidesRequirementsPerAccession(t *testing.T) {
	dir := t.TempDir()
	cat := crossGeneCatalog(t, dir)
	both := align(t, dir, "BOTH", []string{cat}, "variant_ecoli_gyrA.faa", "variant_ecoli_pmrB_multicopy.faa")
	pmr := align(t, dir, "PMR", []string{cat}, "variant_ecoli_pmrB_multicopy.faa")
	data, err := os.ReadFile(both)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"requirement":"unknown","missing":"requires gyrA D87N (not checked)","counts":false`) {
		t.Fatal("the run itself should leave the cross-gene requirement unknown; the test premise is gone")
	}

	runOnly := buildCohort(t, []string{both, pmr})
	wantRun := "accession\tdrug_class\tdrugs\tcalls\tgenotype\n" +
		"BOTH\tQuinolone\tCiprofloxacin\tgyrA D87N\tQuinolone: gyrA D87N\n" +
		"PMR\t\t\t\t\n"
	if got := writeString(t, func(b *bytes.Buffer) error { return runOnly.WriteGenotypeTSV(b) }); got != wantRun {
		t.Errorf("run annotations:\n%s\nwant:\n%s", got, wantRun)
	}

	c := buildCohort(t, nil)
	c.SetCatalog(index(t, cat))
	for _, f := range []string{both, pmr} {
		if err := c.AddFile(f); err != nil {
			t.Fatal(err)
		}
	}
	want := "accession\tdrug_class\tdrugs\tcalls\tgenotype\n" +
		"BOTH\tColistin\tColistin\tpmrB C84R\tColistin: pmrB C84R\n" +
		"BOTH\tQuinolone\tCiprofloxacin\tgyrA D87N\tQuinolone: gyrA D87N\n" +
		"PMR\t\t\t\t\n"
	if got := writeString(t, func(b *bytes.Buffer) error { return c.WriteGenotypeTSV(b) }); got != want {
		t.Errorf("with the catalog:\n%s\nwant:\n%s", got, want)
	}
	// Known calls are the listed changes, counting or not: PMR carries
	// C84R although it confers nothing there.
	wantMx := "accession\tgyrA D87N\tpmrB C84R\nBOTH\t1\t1\nPMR\t0\t1\n"
	if got := writeString(t, func(b *bytes.Buffer) error { return c.WriteMatrixTSV(b) }); got != wantMx {
		t.Errorf("matrix:\n%s\nwant:\n%s", got, wantMx)
	}
}
