package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtalign/wtalign/api"
)

var (
	demoRef      = filepath.Join("..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	demoVariants = filepath.Join("..", "testdata", "demo", "variants.faa")
	proteome     = filepath.Join("..", "testdata", "proteomes", "GCF_000005845.2_proteins.faa")
)

// SyncBuffer is a log sink tests can read while the server writes (exported
// for the external tests of package server_test).
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is a Server behind httptest with tokens alice (submit),
// bob (submit), reader (read, owner alice) and root (admin).
type testServer struct {
	t      *testing.T
	s      *Server
	hs     *httptest.Server
	cfg    Config
	tokens map[string]string
	log    *SyncBuffer
}

func newTestServer(t *testing.T, edit func(*Config), opts ...func(*Options)) *testServer {
	t.Helper()
	dir := t.TempDir()
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.Limits.RequestsPerSecond, cfg.Limits.Burst = 1000, 1000 // polling tests; TestRateLimit sets its own
	cfg.Webhooks.Backoff = Duration(20 * time.Millisecond)
	cfg.Webhooks.MaxBackoff = Duration(100 * time.Millisecond)
	cfg.Webhooks.Timeout = Duration(2 * time.Second)
	if edit != nil {
		edit(&cfg)
	}
	ts := &testServer{t: t, cfg: cfg, tokens: map[string]string{}, log: &SyncBuffer{}}
	tf := cfg.TokensFile
	if tf == "" {
		tf = filepath.Join(dir, "tokens.yaml")
	}
	for _, tk := range []struct {
		name  string
		role  api.Role
		owner string
	}{{"alice", api.RoleSubmit, ""}, {"bob", api.RoleSubmit, ""}, {"reader", api.RoleRead, "alice"}, {"root", api.RoleAdmin, ""}} {
		tok, _, err := AddToken(tf, tk.name, tk.role, tk.owner)
		if err != nil {
			t.Fatal(err)
		}
		ts.tokens[tk.name] = tok
	}
	ts.start(opts...)
	return ts
}

func (ts *testServer) start(opts ...func(*Options)) {
	t := ts.t
	o := Options{Config: ts.cfg, Logger: zerolog.New(ts.log), Version: "test", Commit: "test"}
	for _, f := range opts {
		f(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ts.s = s
	ts.cfg = s.config()
	ts.hs = httptest.NewServer(s.Handler())
	t.Cleanup(ts.stop)
}

func (ts *testServer) stop() {
	if ts.hs == nil {
		return
	}
	ts.hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := ts.s.Shutdown(ctx); err != nil {
		ts.t.Errorf("shutdown: %v", err)
	}
	ts.hs = nil
}

type part struct {
	field, file string // file "" for a text field
	body        []byte
}

func fileBody(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func demoParts(t *testing.T) []part {
	return []part{{"query", "variants.faa", fileBody(t, demoVariants)}, {"reference", "ref.faa", fileBody(t, demoRef)}}
}

// multipartBody encodes parts; file names are written raw, so tests can
// send what a hostile client would.
func multipartBody(parts []part) (string, []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		if p.file != "" || strings.HasPrefix(p.field, "query") || p.field == "reference" {
			h.Set("Content-Disposition", `form-data; name="`+p.field+`"; filename="`+p.file+`"`)
			h.Set("Content-Type", "application/octet-stream")
		} else {
			h.Set("Content-Disposition", `form-data; name="`+p.field+`"`)
		}
		w, _ := mw.CreatePart(h)
		w.Write(p.body)
	}
	mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// do sends a request with token name's bearer token ("" for none).
func (ts *testServer) do(method, path, token, ctype string, body []byte) (*http.Response, []byte) {
	ts.t.Helper()
	req, err := http.NewRequest(method, ts.hs.URL+path, bytes.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+ts.tokens[token])
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (ts *testServer) submit(token string, parts []part) (int, api.SubmitResponse, api.Problem) {
	ts.t.Helper()
	ct, body := multipartBody(parts)
	resp, b := ts.do("POST", "/v1/jobs", token, ct, body)
	var ok api.SubmitResponse
	var p api.Problem
	if resp.StatusCode == http.StatusCreated {
		if err := json.Unmarshal(b, &ok); err != nil {
			ts.t.Fatal(err)
		}
	} else if err := json.Unmarshal(b, &p); err != nil {
		ts.t.Fatalf("%d answer is no problem document: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, ok, p
}

func (ts *testServer) mustSubmit(token string, parts []part) string {
	ts.t.Helper()
	code, ok, p := ts.submit(token, parts)
	if code != http.StatusCreated {
		ts.t.Fatalf("submit: %d %+v", code, p)
	}
	return ok.ID
}

func (ts *testServer) job(token, id string) api.Job {
	ts.t.Helper()
	resp, b := ts.do("GET", "/v1/jobs/"+id, token, "", nil)
	if resp.StatusCode != 200 {
		ts.t.Fatalf("GET job %s: %d %s", id, resp.StatusCode, b)
	}
	var j api.Job
	if err := json.Unmarshal(b, &j); err != nil {
		ts.t.Fatal(err)
	}
	return j
}

// wait polls until job id is in a final state (or until is true).
func (ts *testServer) wait(token, id string, until func(api.Job) bool) api.Job {
	ts.t.Helper()
	if until == nil {
		until = func(j api.Job) bool { return j.State.Final() }
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j := ts.job(token, id)
		if until(j) {
			return j
		}
		if time.Now().After(deadline) {
			ts.t.Fatalf("job %s still %s (%+v)", id, j.State, j.Progress)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
