package cohort

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/pipeline"
)

func mustOverview(t *testing.T, c *Cohort) Overview {
	t.Helper()
	o, err := c.Overview()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// TestCatalogForAnotherReference: a catalog matched against other wild
// types than the runs used cannot be applied; the genotype outputs say so
// instead of showing an accession with no genotype.
func TestCatalogForAnotherReference(t *testing.T) {
	p := align(t, t.TempDir(), "GYR", []string{amrSample}, "variant_ecoli_gyrA.faa")
	s := pipeline.DefaultSpec()
	s.Reference = filepath.Join("..", "testdata", "pairs", "ref_ecoli_pointfinder.faa")
	s.Catalogs = []string{filepath.Join("..", "testdata", "catalogs", "lab_catalog.tsv")}
	s.CatalogLenient = true
	_, ix, err := pipeline.CheckCatalogs(s)
	if err != nil {
		t.Fatal(err)
	}
	c := buildCohort(t, []string{p})
	c.SetCatalog(ix)
	if _, err := c.Overview(); err == nil || !strings.Contains(err.Error(), "accession GYR") {
		t.Fatalf("overview: %v", err)
	}
	for _, w := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { return c.WriteGenotypeTSV(b) },
		func(b *bytes.Buffer) error { return c.WriteMatrixTSV(b) },
		func(b *bytes.Buffer) error { return c.WriteJSON(b) },
	} {
		var b bytes.Buffer
		if err := w(&b); err == nil {
			t.Fatalf("wrote %q with a catalog for other wild types", b.String())
		}
	}
}
