package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/server"
)

var (
	demoRef      = filepath.Join("..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	demoVariants = filepath.Join("..", "testdata", "demo", "variants.faa")
)

// realServer is the job service on a loopback httptest listener with
// tokens alice and bob (submit); it is shut down when the test ends.
func realServer(t *testing.T) (url string, tokens map[string]string) {
	t.Helper()
	// No water on PATH: service-info must then say so, and nothing outside
	// the repository is run.
	t.Setenv("PATH", t.TempDir())
	dir := t.TempDir()
	cfg := server.DefaultConfig()
	cfg.DataDir = dir
	cfg.TokensFile = filepath.Join(dir, "tokens.yaml")
	cfg.Limits.RequestsPerSecond, cfg.Limits.Burst = 1000, 1000
	tokens = map[string]string{}
	for _, name := range []string{"alice", "bob"} {
		tok, _, err := server.AddToken(cfg.TokensFile, name, api.RoleSubmit, "")
		if err != nil {
			t.Fatal(err)
		}
		tokens[name] = tok
	}
	s, err := server.New(server.Options{Config: cfg, Logger: zerolog.Nop(), Version: "test", Commit: "c0ffee"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return hs.URL, tokens
}

func asProblem(t *testing.T, err error) *api.Problem {
	t.Helper()
	var p *api.Problem
	if !errors.As(err, &p) {
		t.Fatalf("error %v (%T) is no *api.Problem", err, err)
	}
	return p
}

// TestClientAgainstServer drives one job through the real service: submit
// with uploads, wait, download in two formats (checked against the ETag),
// manifest, listing with pages, refusals, delete.
func TestClientAgainstServer(t *testing.T) {
	url, tokens := realServer(t)
	ctx := context.Background()
	c, err := New(url+"/", tokens["alice"])
	if err != nil {
		t.Fatal(err)
	}

	info, err := c.ServiceInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "wtalign" || info.Commit != "c0ffee" || info.APIVersion != "1" || !slices.Equal(info.States, api.States) ||
		len(info.Engines) != 2 || info.Engines[0] != (api.EngineInfo{Name: "native", Available: true, Version: "test"}) || info.Engines[1].Available {
		t.Errorf("service info %+v", info)
	}

	ref := FileUpload(demoRef)
	sr := SubmitRequest{SubmitRequest: api.SubmitRequest{Label: `demo "quoted"`, Params: map[string]any{"format": "jsonl"}},
		Queries: []Upload{FileUpload(demoVariants)}, Reference: &ref}
	var ids []string
	for range 2 {
		sub, err := c.Submit(ctx, sr)
		if err != nil {
			t.Fatal(err)
		}
		if sub.State != api.Queued || sub.Location != "/v1/jobs/"+sub.ID {
			t.Errorf("submit answer %+v", sub)
		}
		ids = append(ids, sub.ID)
	}
	var seen []api.State
	j, err := c.Wait(ctx, ids[0], 5*time.Millisecond, func(j *api.Job) { seen = append(seen, j.State) })
	if err != nil {
		t.Fatal(err)
	}
	if j.State != api.Complete || seen[len(seen)-1] != api.Complete || j.Label != `demo "quoted"` || j.Results == nil || j.Results.Format != "jsonl" {
		t.Fatalf("job %+v (states seen %v)", j, seen)
	}
	if len(j.Inputs) != 1 || j.Inputs[0].Name != "variants.faa" || j.Inputs[0].SHA256 != fileSum(t, demoVariants) {
		t.Errorf("inputs %+v", j.Inputs)
	}
	if _, err := c.Wait(ctx, ids[1], 5*time.Millisecond, nil); err != nil {
		t.Fatal(err)
	}

	var jsonl bytes.Buffer
	n, err := c.Results(ctx, ids[0], "", &jsonl)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(jsonl.Bytes())
	if n != j.Results.Bytes || int64(jsonl.Len()) != n || hex.EncodeToString(sum[:]) != j.Results.SHA256 {
		t.Errorf("results: %d bytes, sha256 %x; job says %+v", n, sum, j.Results)
	}
	lines := strings.Split(strings.TrimSpace(jsonl.String()), "\n")
	if len(lines) != j.Counts.Done {
		t.Errorf("jsonl has %d records, job counted %d", len(lines), j.Counts.Done)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("jsonl line is not JSON: %s", l)
		}
	}
	// Converted on the server; the ETag still checks what arrived.
	var tsv bytes.Buffer
	if _, err := c.Results(ctx, ids[0], "tsv", &tsv); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tsv.String(), "\t") || !strings.Contains(tsv.String(), "gyrA") {
		t.Errorf("tsv results:\n%s", tsv.String())
	}
	_, err = c.Results(ctx, ids[0], "xml", io.Discard)
	if p := asProblem(t, err); p.Status != http.StatusBadRequest || p.Field != "format" {
		t.Errorf("format xml: %+v", p)
	}

	m, err := c.Manifest(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	var man struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(m, &man); err != nil || man.Status != "complete" {
		t.Errorf("manifest status %q, %v", man.Status, err)
	}

	// Pages of one job, newest first; AllJobs follows them.
	page, err := c.Jobs(ctx, ListOptions{PageSize: 1, States: []api.State{api.Complete}})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Jobs) != 1 || page.Jobs[0].ID != ids[1] || page.NextPageToken == "" {
		t.Fatalf("first page %+v", page)
	}
	page, err = c.Jobs(ctx, ListOptions{PageSize: 1, PageToken: page.NextPageToken})
	if err != nil || len(page.Jobs) != 1 || page.Jobs[0].ID != ids[0] {
		t.Fatalf("second page %+v, %v", page, err)
	}
	all, err := c.AllJobs(ctx, api.Complete)
	if err != nil || len(all) != 2 || all[0].ID != ids[1] || all[1].ID != ids[0] {
		t.Errorf("all jobs %v, %v", all, err)
	}
	if none, err := c.AllJobs(ctx, api.Running); err != nil || len(none) != 0 {
		t.Errorf("running jobs %v, %v", none, err)
	}
	_, err = c.Jobs(ctx, ListOptions{States: []api.State{"DONE"}})
	if p := asProblem(t, err); p.Status != http.StatusBadRequest || p.Field != "state" {
		t.Errorf("bad state filter: %+v", p)
	}

	// Another owner does not see the job; a finished job cannot be cancelled.
	bob, _ := New(url, tokens["bob"])
	if _, err := bob.Job(ctx, ids[0]); asProblem(t, err).Status != http.StatusNotFound {
		t.Errorf("bob sees alice's job: %v", err)
	}
	if _, err := c.Cancel(ctx, ids[0]); asProblem(t, err).Status != http.StatusConflict {
		t.Errorf("cancel of a finished job: %v", err)
	}
	nobody, _ := New(url, "")
	if _, err := nobody.Jobs(ctx, ListOptions{}); asProblem(t, err).Status != http.StatusUnauthorized {
		t.Errorf("no token: %v", err)
	}

	// A JSON submission (no uploads) names server-side paths; this server
	// allows none.
	_, err = c.Submit(ctx, SubmitRequest{SubmitRequest: api.SubmitRequest{Params: map[string]any{"inputs": []string{"/etc/passwd"}, "reference": "/etc/hosts"}}})
	if p := asProblem(t, err); p.Status != http.StatusForbidden || p.Type != api.ProblemType("path-not-allowed") || p.Field != "inputs" || !strings.Contains(p.Detail, "path-roots setting is empty") {
		t.Errorf("server-side paths without path roots: %+v", p)
	}

	if err := c.Delete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Job(ctx, ids[0]); asProblem(t, err).Status != http.StatusNotFound {
		t.Errorf("deleted job: %v", err)
	}
	if err := c.Delete(ctx, ids[0]); asProblem(t, err).Status != http.StatusNotFound {
		t.Errorf("second delete: %v", err)
	}
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
