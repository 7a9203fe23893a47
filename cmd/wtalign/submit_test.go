package main

import (
	"slices"
	"testing"
)

// TestSubmitCatalogSetFlag: --catalog-set names the server's catalog set
// in the request, beside the reference set, with no catalog parameter.
func TestSubmitCatalogSetFlag(t *testing.T) {
	cmd := newSubmitCommand(&app{io: &streams{}, glob: &globalOptions{}})
	o := &submitOptions{}
	cmd.ResetFlags()
	o.AddFlags(cmd.Flags())
	if err := cmd.Flags().Parse([]string{"--reference-set", "k12", "--catalog-set", "ecoli", "--server-paths", "/data/q.faa"}); err != nil {
		t.Fatal(err)
	}
	sr, err := o.request(cmd.Flags(), cmd.Flags().Args())
	if err != nil {
		t.Fatal(err)
	}
	if sr.CatalogSet != "ecoli" || sr.ReferenceSet != "k12" || !slices.Equal(sr.Params["inputs"].([]string), []string{"/data/q.faa"}) {
		t.Errorf("request %+v", sr.SubmitRequest)
	}
	if _, ok := sr.Params["catalog"]; ok {
		t.Errorf("params %v name catalogs", sr.Params)
	}
}
