package server

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
	wm "github.com/wtalign/wtalign/metrics"
	"github.com/wtalign/wtalign/pipeline"
)

var (
	pfEcoli   = filepath.Join("..", "testdata", "catalogs", "pointfinder_db", "escherichia_coli")
	amrSample = filepath.Join("..", "testdata", "catalogs", "amrfinder_format", "AMRProt-mutation.sample.tsv")
)

// TestSpecParamsCoverEverySpecKey: the server has decided how a
// submission may set every parameter of align; a new Spec key fails here
// until it is put in specParams (and is refused by the server until then).
func TestSpecParamsCoverEverySpecKey(t *testing.T) {
	keys := pipeline.SpecKeys()
	for _, k := range keys {
		if _, ok := specParams[k]; !ok {
			t.Errorf("Spec key %q is not in specParams: say whether it is a value, set by the server, refused or a path the server checks", k)
		}
	}
	for k := range specParams {
		if !slices.Contains(keys, k) {
			t.Errorf("specParams has %q, which is no Spec key", k)
		}
	}
}

// pathRoot is a test server with one path root holding the demo query
// and reference, and a folder outside the roots with a file in it.
type pathRoot struct {
	*testServer
	root, outside, secret string
}

func newPathRoot(t *testing.T, edit func(*Config)) *pathRoot {
	root, outside := realTempDir(t), realTempDir(t)
	copyFile(t, demoVariants, filepath.Join(root, "q.faa"))
	copyFile(t, demoRef, filepath.Join(root, "ref.faa"))
	secret := filepath.Join(outside, "secret.tsv")
	os.WriteFile(secret, []byte("the first line of a file outside the roots\n"), 0o644)
	ts := newTestServer(t, func(c *Config) {
		c.PathRoots = []string{root}
		if edit != nil {
			edit(c)
		}
	})
	return &pathRoot{ts, root, outside, secret}
}

func realTempDir(t *testing.T) string {
	t.Helper()
	d, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, fileBody(t, from), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
	}
}

// submitJSON posts a JSON submission whose params are the root's query
// and reference with extra over them.
func (pr *pathRoot) submitJSON(extra map[string]any, catalogSet string) (int, api.Problem, string) {
	pr.t.Helper()
	params := map[string]any{"inputs": []string{filepath.Join(pr.root, "q.faa")}, "reference": filepath.Join(pr.root, "ref.faa")}
	for k, v := range extra {
		params[k] = v
	}
	b, _ := json.Marshal(api.SubmitRequest{Params: params, CatalogSet: catalogSet})
	resp, body := pr.do("POST", "/v1/jobs", "alice", api.MediaJSON, b)
	var p api.Problem
	var ok api.SubmitResponse
	json.Unmarshal(body, &p)
	json.Unmarshal(body, &ok)
	return resp.StatusCode, p, ok.ID
}

// TestEverySpecKeyIsEnforced submits each Spec key as its table entry
// says it is treated: each path-valued key with a file outside the roots
// (403 naming it), each server-set or refused key (400 naming it). An
// unclassified Spec key is refused.
func TestEverySpecKeyIsEnforced(t *testing.T) {
	pr := newPathRoot(t, nil)
	types := map[string]reflect.Type{}
	st := reflect.TypeFor[pipeline.Spec]()
	for i := range st.NumField() {
		key, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		types[key] = st.Field(i).Type
	}
	for _, k := range pipeline.SpecKeys() {
		rule := specParams[k]
		switch rule.kind {
		case paramPath:
			var v any = pr.secret
			if types[k].Kind() == reflect.Slice {
				v = []string{pr.secret}
			}
			code, p, _ := pr.submitJSON(map[string]any{k: v}, "")
			if code != http.StatusForbidden || p.Field != k || p.File != pr.secret || !strings.Contains(p.Detail, "outside the server's path roots") {
				t.Errorf("path key %s outside the roots: %d %+v", k, code, p)
			}
			if strings.Contains(p.Detail, "first line") {
				t.Errorf("path key %s: the answer shows the file's content: %q", k, p.Detail)
			}
		case paramServer, paramRefused:
			code, p, _ := pr.submitJSON(map[string]any{k: "x"}, "")
			if code != http.StatusBadRequest || p.Field != k || !strings.Contains(p.Detail, rule.why) {
				t.Errorf("key %s (%s): %d %+v", k, rule.why, code, p)
			}
		}
	}
	saved := specParams["min-identity"]
	delete(specParams, "min-identity")
	code, p, _ := pr.submitJSON(map[string]any{"min-identity": 30}, "")
	specParams["min-identity"] = saved
	if code != http.StatusBadRequest || p.Field != "min-identity" || !strings.Contains(p.Detail, "not accepted by this server") {
		t.Errorf("a Spec key missing from specParams: %d %+v", code, p)
	}
	if n := len(pr.s.jobs); n != 0 {
		t.Errorf("%d jobs were created", n)
	}
}

// TestCatalogAndAliasPathsNeedRoots: catalog and gene-alias files are
// server-side paths, held to the path roots like inputs; metrics-file is
// refused whether or not its folder exists.
func TestCatalogAndAliasPathsNeedRoots(t *testing.T) {
	// no path roots: nothing of the server's filesystem is read
	ts := newTestServer(t, nil)
	code, _, p := ts.submit("alice", append(demoParts(t), part{"params", "", []byte(`{"catalog": ["/etc/hostname"]}`)}))
	if code != http.StatusForbidden || p.Field != "catalog" || p.File != "/etc/hostname" || !strings.Contains(p.Detail, "path-roots") {
		t.Errorf("catalog /etc/hostname without roots: %d %+v", code, p)
	}
	code, _, p = ts.submit("alice", append(demoParts(t), part{"params", "", []byte(`{"catalog": ["/etc"]}`)}))
	if code != http.StatusForbidden || p.Field != "catalog" {
		t.Errorf("catalog folder /etc without roots: %d %+v", code, p)
	}
	code, _, p = ts.submit("alice", append(demoParts(t), part{"params", "", []byte(`{"gene-alias": ["/etc/hostname"]}`)}))
	if code != http.StatusForbidden || p.Field != "gene-alias" || !strings.Contains(p.Detail, "path-roots") {
		t.Errorf("gene-alias /etc/hostname without roots: %d %+v", code, p)
	}
	for _, mf := range []string{"/tmp/job.prom", "/no/such/folder/job.prom"} {
		code, _, p = ts.submit("alice", append(demoParts(t), part{"params", "", []byte(`{"metrics-file": "` + mf + `"}`)}))
		if code != http.StatusBadRequest || p.Field != "metrics-file" || p.Detail != `"metrics-file" is `+specParams["metrics-file"].why {
			t.Errorf("metrics-file %s: %d %+v", mf, code, p)
		}
	}
	if n := len(ts.s.jobs); n != 0 {
		t.Errorf("%d jobs were created", n)
	}

	pr := newPathRoot(t, nil)
	// a PointFinder folder under the root: accepted, the job annotates its calls
	pf := filepath.Join(pr.root, "pointfinder_db", "escherichia_coli")
	copyDir(t, pfEcoli, pf)
	copyFile(t, filepath.Join(pfEcoli, "..", "VERSION"), filepath.Join(pr.root, "pointfinder_db", "VERSION"))
	aliases := filepath.Join(pr.root, "aliases.tsv")
	os.WriteFile(aliases, []byte("pmrB\tbasS\n"), 0o644)
	code, p, id := pr.submitJSON(map[string]any{"catalog": []string{pf}, "gene-alias": []string{aliases, "pmrA=basR"}, "format": "jsonl"}, "")
	if code != http.StatusCreated {
		t.Fatalf("catalog folder under the root: %d %+v", code, p)
	}
	if j := pr.wait("alice", id, nil); j.State != api.Complete {
		t.Fatalf("catalog job: %s %q", j.State, j.Errors)
	}
	if v := verdicts(t, pr.testServer, id); v["gyrA D87N"] != "known" {
		t.Errorf("verdicts with a server-side catalog folder: %v", v)
	}

	missingOutside := filepath.Join(pr.outside, "no-such.tsv")
	evil := filepath.Join(pr.root, "evil")
	copyDir(t, pfEcoli, evil)
	os.Symlink(pr.secret, filepath.Join(evil, "notes.txt"))
	nested := filepath.Join(pr.root, "nested")
	copyDir(t, pfEcoli, nested)
	os.Mkdir(filepath.Join(nested, "more"), 0o755)
	os.Symlink(pr.outside, filepath.Join(nested, "more", "elsewhere"))
	loop := filepath.Join(pr.root, "loop")
	copyDir(t, pfEcoli, loop)
	os.Symlink(loop, filepath.Join(loop, "self"))
	table := filepath.Join(pr.root, "table")
	copyDir(t, pfEcoli, table)
	os.Remove(filepath.Join(table, "genes.txt"))
	os.Symlink(pr.secret, filepath.Join(table, "genes.txt"))
	amr := filepath.Join(pr.root, "amr", "AMRProt-mutation.tsv")
	copyFile(t, amrSample, amr)
	os.Symlink(pr.secret, filepath.Join(pr.root, "amr", "version.txt"))
	os.Symlink(pr.secret, filepath.Join(pr.root, "link.tsv"))
	for _, c := range []struct {
		name, key string
		value     []string
		code      int
		why       string
	}{
		{"catalog file outside the roots", "catalog", []string{pr.secret}, 403, "outside the server's path roots"},
		{"missing catalog outside the roots (no existence oracle)", "catalog", []string{missingOutside}, 403, "outside the server's path roots"},
		{"catalog folder outside the roots", "catalog", []string{pr.outside}, 403, "outside the server's path roots"},
		{"catalog symlink leading out", "catalog", []string{filepath.Join(pr.root, "link.tsv")}, 403, "outside the server's path roots"},
		{"catalog with '..'", "catalog", []string{pr.root + "/../" + filepath.Base(pr.outside) + "/secret.tsv"}, 403, "'..'"},
		{"catalog folder with a symlink inside leading out", "catalog", []string{evil}, 403, "entry notes.txt of the catalog folder leads outside"},
		{"catalog folder with a symlinked folder deeper inside leading out", "catalog", []string{nested}, 403, "entry more/elsewhere of the catalog folder leads outside"},
		{"PointFinder table whose genes.txt leads out", "catalog", []string{filepath.Join(table, "phenotypes.txt")}, 403, "genes.txt, which is outside"},
		{"AMRFinderPlus table whose version.txt leads out", "catalog", []string{amr}, 403, "version.txt, which is outside"},
		{"gene-alias file outside the roots", "gene-alias", []string{pr.secret}, 403, "outside the server's path roots"},
		{"gene-alias symlink leading out", "gene-alias", []string{filepath.Join(pr.root, "link.tsv")}, 403, "outside the server's path roots"},
		{"missing catalog under the root", "catalog", []string{filepath.Join(pr.root, "nope.tsv")}, 400, "no such file or folder"},
	} {
		code, p, _ := pr.submitJSON(map[string]any{c.key: c.value}, "")
		if code != c.code || p.Field != c.key || p.File != c.value[0] || !strings.Contains(p.Detail, c.why) || strings.Contains(p.Detail, "first line") {
			t.Errorf("%s: %d %+v; want %d ~%q", c.name, code, p, c.code, c.why)
		}
	}
	// a symlink loop inside the root is walked once, and is no escape
	if code, p, _ := pr.submitJSON(map[string]any{"catalog": []string{loop}}, ""); code != http.StatusCreated {
		t.Errorf("catalog folder with a symlink to itself: %d %+v", code, p)
	}
}

// verdicts reads a finished job's jsonl results: the verdict of each
// call on a catalogued gene, by "gene CHANGE".
func verdicts(t *testing.T, ts *testServer, id string) map[string]string {
	t.Helper()
	resp, body := ts.do("GET", "/v1/jobs/"+id+"/results?format=jsonl", "alice", "", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("results: %d %s", resp.StatusCode, body)
	}
	out := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(body)))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var rec struct {
			Reference struct {
				Gene string `json:"gene"`
			} `json:"reference"`
			Mutations []struct {
				Short   string `json:"short"`
				Verdict string `json:"verdict"`
			} `json:"mutations"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		for _, m := range rec.Mutations {
			if m.Verdict != "" {
				out[rec.Reference.Gene+" "+m.Short] = m.Verdict
			}
		}
	}
	return out
}

// TestCatalogSet: a job names the server's catalog set and its calls get
// verdicts; the set is listed in service-info and shown on the job; what
// contradicts the set is refused.
func TestCatalogSet(t *testing.T) {
	pf, amr := abs(t, pfEcoli), abs(t, amrSample)
	pr := newPathRoot(t, func(c *Config) {
		c.CatalogSets = map[string]CatalogSet{
			"ecoli":   {Paths: []string{pf, amr}, GeneAliases: []string{"pmrB=basS"}, Description: "PointFinder and AMRFinderPlus, E. coli"},
			"amr-esc": {Paths: []string{amr}, Format: "amrfinder", Taxgroup: "Escherichia"},
		}
	})
	_, b := pr.do("GET", "/v1/service-info", "", "", nil)
	var info api.ServiceInfo
	json.Unmarshal(b, &info)
	want := []api.CatalogSet{{Name: "amr-esc", Format: "amrfinder", Taxgroup: "Escherichia"}, {Name: "ecoli", Description: "PointFinder and AMRFinderPlus, E. coli"}}
	if !slices.Equal(info.CatalogSets, want) {
		t.Errorf("service-info catalog sets %+v", info.CatalogSets)
	}

	id := pr.mustSubmit("alice", append(demoParts(t), part{"catalog_set", "", []byte("ecoli")},
		part{"params", "", []byte(`{"format": "jsonl", "gene-alias": ["pmrA=basR"]}`)}))
	j := pr.wait("alice", id, nil)
	if j.State != api.Complete || j.CatalogSet != "ecoli" {
		t.Fatalf("catalog set job: %s %q catalog_set %q", j.State, j.Errors, j.CatalogSet)
	}
	if got := j.Params["catalog"]; !reflect.DeepEqual(got, []any{"catalog set ecoli: escherichia_coli", "catalog set ecoli: AMRProt-mutation.sample.tsv"}) {
		t.Errorf("params catalog %v", got)
	}
	if got := j.Params["gene-alias"]; !reflect.DeepEqual(got, []any{"pmrA=basR", "pmrB=basS"}) {
		t.Errorf("params gene-alias %v (the submission's, then the set's)", got)
	}
	if _, ok := j.Params["metrics-file"]; ok {
		t.Error("a refused parameter is shown in the job's params")
	}
	v := verdicts(t, pr.testServer, id)
	if v["gyrA D87N"] != "known" || v["gyrA S83L"] != "known" {
		t.Errorf("verdicts of the catalog set's job: %v", v)
	}

	// the set's format and taxgroup apply; a JSON submission names it too
	code, p, id := pr.submitJSON(map[string]any{"format": "jsonl"}, "amr-esc")
	if code != http.StatusCreated {
		t.Fatalf("JSON submission with a catalog set: %d %+v", code, p)
	}
	pr.wait("alice", id, nil)
	if sp := pr.s.jobs[id].spec; sp.CatalogFormat != "amrfinder" || sp.CatalogTaxgroup != "Escherichia" || !slices.Equal(sp.Catalogs, []string{amr}) {
		t.Errorf("spec of a catalog set job: %q %q %q", sp.CatalogFormat, sp.CatalogTaxgroup, sp.Catalogs)
	}

	catalogUnderRoot := filepath.Join(pr.root, "lab.tsv")
	copyFile(t, filepath.Join("..", "testdata", "catalogs", "lab_catalog.tsv"), catalogUnderRoot)
	for _, c := range []struct {
		name   string
		set    string
		params map[string]any
		field  string
		why    string
	}{
		{"unknown set", "nope", nil, "catalog_set", `no catalog set "nope" on this server (have: amr-esc, ecoli)`},
		{"a set and catalog paths", "ecoli", map[string]any{"catalog": []string{catalogUnderRoot}}, "catalog_set", "not both"},
		{"the set's format overridden", "amr-esc", map[string]any{"catalog-format": "wtalign"}, "catalog-format", `catalog set "amr-esc" gives the catalog format (amrfinder)`},
		{"the set's taxgroup overridden", "amr-esc", map[string]any{"catalog-taxgroup": "Salmonella"}, "catalog-taxgroup", `catalog set "amr-esc" gives the taxgroup (Escherichia)`},
		{"a gene-alias file outside the roots beside a set", "ecoli", map[string]any{"gene-alias": []string{pr.secret}}, "gene-alias", "outside the server's path roots"},
	} {
		code, p, _ := pr.submitJSON(c.params, c.set)
		if code/100 != 4 || p.Field != c.field || !strings.Contains(p.Detail, c.why) {
			t.Errorf("%s: %d %+v", c.name, code, p)
		}
	}
	code, _, p = pr.submit("alice", append(demoParts(t), part{"catalog_set", "", []byte("nope")}))
	if code != http.StatusBadRequest || p.Field != "catalog_set" {
		t.Errorf("multipart unknown catalog set: %d %+v", code, p)
	}
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestCatalogSetsConfig: catalog-sets are read from server.yaml and
// validated as reference sets are.
func TestCatalogSetsConfig(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "server.yaml")
	os.WriteFile(p, []byte("catalog-sets:\n  ecoli:\n    paths: ["+abs(t, pfEcoli)+"]\n    format: pointfinder\n    gene-aliases: [pmrB=basS]\n    description: E. coli\n"), 0o644)
	cfg, err := LoadConfig(p, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if cs := cfg.CatalogSets["ecoli"]; !slices.Equal(cs.Paths, []string{abs(t, pfEcoli)}) || cs.Format != "pointfinder" || !slices.Equal(cs.GeneAliases, []string{"pmrB=basS"}) || cs.Description != "E. coli" {
		t.Errorf("catalog set %+v", cs)
	}
	os.WriteFile(p, []byte("catalog-sets:\n  ecoli:\n    path: x\n"), 0o644)
	if _, err := LoadConfig(p, DefaultConfig()); err == nil || !strings.Contains(err.Error(), `line 3: unknown key "path" in catalog-sets.ecoli`) {
		t.Errorf("unknown key: %v", err)
	}
	missing := filepath.Join(dir, "missing.tsv")
	for _, c := range []struct {
		set  CatalogSet
		name string
		want string
	}{
		{CatalogSet{Paths: []string{amrSample}}, ".x", `catalog-sets: ".x": names are letters`},
		{CatalogSet{}, "ecoli", "catalog-sets.ecoli.paths: required"},
		{CatalogSet{Paths: []string{missing}}, "ecoli", `catalog-sets.ecoli.paths: "` + missing + `" is not a readable file or folder`},
		{CatalogSet{Paths: []string{amrSample}, Format: "card"}, "ecoli", `catalog-sets.ecoli.format: "card": want pointfinder`},
		{CatalogSet{Paths: []string{amrSample}, GeneAliases: []string{"pmrB="}}, "ecoli", `catalog-sets.ecoli.gene-aliases: "pmrB=": want catalog_gene=reference_gene`},
		{CatalogSet{Paths: []string{amrSample}, GeneAliases: []string{missing}}, "ecoli", `catalog-sets.ecoli.gene-aliases: "` + missing + `" is not a readable file`},
	} {
		cfg := DefaultConfig()
		cfg.DataDir = dir
		cfg.CatalogSets = map[string]CatalogSet{c.name: c.set}
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v; want %q", c.set, err, c.want)
		}
	}
}

// TestReadyzNeedsTheScheduler: /readyz is 503 when the scheduler loop has
// stopped or is stuck, and 200 again once it answers.
func TestReadyzNeedsTheScheduler(t *testing.T) {
	ready := func(ts *testServer) (int, string) {
		t.Helper()
		c := &http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get(ts.hs.URL + "/readyz")
		if err != nil {
			t.Fatalf("readyz did not answer: %v", err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	ts := newTestServer(t, nil)
	if code, body := ready(ts); code != 200 {
		t.Fatalf("readyz %d %s", code, body)
	}
	// stuck: the loop waits for the scheduling lock a test holds
	ts.s.smu.Lock()
	ts.s.wakeScheduler()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, body := ready(ts)
		if code == http.StatusServiceUnavailable && strings.Contains(body, "scheduler") {
			break
		}
		if time.Now().After(deadline) {
			ts.s.smu.Unlock()
			t.Fatalf("readyz with a stuck scheduler: %d %s", code, body)
		}
	}
	ts.s.smu.Unlock()
	if code, body := ready(ts); code != 200 {
		t.Errorf("readyz once the scheduler answers again: %d %s", code, body)
	}
	// stopped: the loop has ended while the server still serves
	ts = newTestServer(t, nil)
	ts.s.stopBg()
	deadline = time.Now().Add(10 * time.Second)
	for ts.s.schedRunning.Load() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if code, body := ready(ts); code != http.StatusServiceUnavailable || !strings.Contains(body, "the scheduler is not running") {
		t.Errorf("readyz with the scheduler stopped: %d %s", code, body)
	}
}

// TestServiceDocListsEveryMetric: docs/service.md's metric table names
// exactly the service's metrics (metrics/service.go).
func TestServiceDocListsEveryMetric(t *testing.T) {
	b := fileBody(t, filepath.Join("..", "docs", "service.md"))
	var documented []string
	row := regexp.MustCompile("^\\| (`wtalign_[a-z_]+`(?:, `wtalign_[a-z_]+`)*) \\|")
	for _, line := range strings.Split(string(b), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			for _, n := range strings.Split(m[1], ", ") {
				documented = append(documented, strings.Trim(n, "`"))
			}
		}
	}
	var defined []string
	for _, d := range wm.ServiceDescs() {
		defined = append(defined, d.Name)
	}
	slices.Sort(documented)
	slices.Sort(defined)
	if !slices.Equal(documented, defined) {
		t.Errorf("docs/service.md lists %q, metrics/service.go defines %q", documented, defined)
	}
	if !strings.Contains(string(b), "`metrics/service.go`") {
		t.Error("docs/service.md does not say where the metric names are defined")
	}
}
