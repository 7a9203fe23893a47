package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/client"
)

// TestE2ESubmitCatalogSet: `wtalign submit --catalog-set` names the
// server's catalogs (server.yaml paths relative to the file); the results
// carry the catalogs' verdicts and are the bytes `wtalign align --catalog`
// writes with the same catalogs.
func TestE2ESubmitCatalogSet(t *testing.T) {
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	cfgDir := t.TempDir()
	if err := os.Symlink(abs(t, filepath.Join("..", "testdata", "catalogs")), filepath.Join(cfgDir, "cat")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(cfgDir, "server.yaml")
	os.WriteFile(cfg, []byte(`catalog-sets:
  ecoli:
    paths: [cat/pointfinder_db/escherichia_coli, cat/amrfinder_format/AMRProt-mutation.sample.tsv]
    gene-aliases: [pmrB=basS]
    description: PointFinder and AMRFinderPlus, E. coli
`), 0o644)
	d := startDaemon(t, data, "--config", cfg)
	env := []string{"WTALIGN_SERVER=" + d.url, "WTALIGN_TOKEN=" + tok}
	c, _ := client.New(d.url, tok)
	ctx := context.Background()
	sch := openAPISchemas(t)

	info, err := c.ServiceInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sch.check(t, "ServiceInfo", info)
	if len(info.CatalogSets) != 1 || info.CatalogSets[0] != (api.CatalogSet{Name: "ecoli", Description: "PointFinder and AMRFinderPlus, E. coli"}) {
		t.Errorf("service-info catalog sets %+v", info.CatalogSets)
	}

	work := t.TempDir()
	out, errs, code := cli(t, work, env, "submit", "--wait", "-r", abs(t, refPath), "--catalog-set", "ecoli", "-o", "srv.json", abs(t, variantsPath))
	if code != 0 || out != "" {
		t.Fatalf("submit --catalog-set --wait: %d %q %s", code, out, errs)
	}
	srv, _ := os.ReadFile(filepath.Join(work, "srv.json"))
	var res struct {
		Records []struct {
			Reference struct {
				Gene string `json:"gene"`
			} `json:"reference"`
			Mutations []struct {
				Short   string `json:"short"`
				Verdict string `json:"verdict"`
			} `json:"mutations"`
		} `json:"records"`
	}
	if err := json.Unmarshal(srv, &res); err != nil {
		t.Fatal(err)
	}
	verdicts := map[string]string{}
	for _, r := range res.Records {
		for _, m := range r.Mutations {
			verdicts[r.Reference.Gene+" "+m.Short] = m.Verdict
		}
	}
	if verdicts["gyrA D87N"] != "known" || verdicts["gyrA S83L"] != "known" {
		t.Errorf("verdicts of a catalog-set job: %v", verdicts)
	}

	out, _, _ = cli(t, work, env, "jobs", "--json")
	var jobs []api.Job
	if err := json.Unmarshal([]byte(out), &jobs); err != nil || len(jobs) != 1 {
		t.Fatalf("jobs --json: %v %s", err, out)
	}
	j := jobs[0]
	sch.check(t, "Job", j)
	if j.CatalogSet != "ecoli" || fmt.Sprint(j.Params["catalog"]) != "[catalog set ecoli: escherichia_coli catalog set ecoli: AMRProt-mutation.sample.tsv]" {
		t.Errorf("job catalog_set %q, params catalog %v", j.CatalogSet, j.Params["catalog"])
	}
	// records name the upload as uploaded; only the manifest has the job's path
	man, _ := os.ReadFile(filepath.Join(data, "jobs", j.ID, "out.json.manifest.json"))
	if !bytes.Contains(srv, []byte(`"input_file":"variants.faa"`)) || bytes.Contains(srv, []byte("jobs/"+j.ID)) ||
		!bytes.Contains(man, []byte(`"jobs/`+j.ID+`/inputs/variants.faa"`)) {
		t.Errorf("input names: results name the upload %v, manifest has the job path %v",
			bytes.Contains(srv, []byte(`"input_file":"variants.faa"`)), bytes.Contains(man, []byte(`"jobs/`+j.ID+`/inputs/variants.faa"`)))
	}
	// align with the set's catalogs, where the uploads are, under their names
	cat := filepath.Join(cfgDir, "cat")
	alignOut := filepath.Join(t.TempDir(), "cli.json")
	args := []string{"align", "-q", "-o", alignOut, "-r", "../reference/" + j.Reference,
		"--catalog", filepath.Join(cat, "pointfinder_db", "escherichia_coli"),
		"--catalog", filepath.Join(cat, "amrfinder_format", "AMRProt-mutation.sample.tsv"), "--gene-alias", "pmrB=basS"}
	for _, f := range j.Inputs {
		args = append(args, f.Name)
	}
	if _, errs, code := cli(t, filepath.Join(data, "jobs", j.ID, "inputs"), nil, args...); code != 0 {
		t.Fatalf("align: %d %s", code, errs)
	}
	if want, _ := os.ReadFile(alignOut); !bytes.Equal(srv, want) {
		t.Errorf("catalog-set results differ from align --catalog's bytes (%d vs %d bytes)", len(srv), len(want))
	}

	_, errs, code = cli(t, work, env, "submit", "-r", abs(t, refPath), "--catalog-set", "nope", abs(t, variantsPath))
	if code != 2 || !strings.Contains(errs, `no catalog set \"nope\"`) && !strings.Contains(errs, `no catalog set "nope"`) {
		t.Errorf("submit --catalog-set nope: %d %s", code, errs)
	}
}
