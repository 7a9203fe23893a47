package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/pipeline"
)

func TestConfigStrict(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"listen: 127.0.0.1:1\nlisten-addr: x\n", `line 2: unknown key "listen-addr"`},
		{"limits:\n  burst: 3\n  bursts: 4\n", `line 3: unknown key "bursts" in limits`},
		{"cpus: 2\ncpus: 3\n", `line 2: key "cpus" given twice (first on line 1)`},
		{"cpus: many\n", "line 1: cpus: cannot unmarshal"},
		{"limits:\n  max-upload-bytes: lots\n", "line 2: limits.max-upload-bytes: want a size"},
		{"reference-sets:\n  k12:\n    paht: x\n", `line 3: unknown key "paht" in reference-sets.k12`},
		{"- a\n- b\n", "line 1: want a mapping"},
	}
	for _, c := range cases {
		p := filepath.Join(t.TempDir(), "server.yaml")
		os.WriteFile(p, []byte(c.yaml), 0o644)
		_, err := LoadConfig(p, DefaultConfig())
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.yaml, err, c.want)
		}
	}
	p := filepath.Join(t.TempDir(), "server.yaml")
	os.WriteFile(p, []byte("cpus: 3\nlimits:\n  max-upload-bytes: 2MiB\n  burst: 7\nwebhooks:\n  backoff: 2s\n"), 0o644)
	cfg, err := LoadConfig(p, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CPUs != 3 || cfg.Limits.MaxUploadBytes != 2<<20 || cfg.Limits.Burst != 7 || cfg.Webhooks.Backoff != Duration(2*time.Second) ||
		cfg.Limits.RequestsPerSecond != DefaultConfig().Limits.RequestsPerSecond {
		t.Errorf("decoded %+v", cfg)
	}
}

func TestTokensFileHoldsOnlyHashes(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tokens.yaml")
	tok, secret, err := AddToken(p, "lims", api.RoleSubmit, "")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if bytes.Contains(b, []byte(tok)) || !bytes.Contains(b, []byte(HashToken(tok))) || !bytes.Contains(b, []byte(secret)) {
		t.Errorf("tokens file must hold the token's hash (and the webhook secret), never the token:\n%s", b)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	if _, _, err := AddToken(p, "lims", api.RoleRead, ""); err == nil {
		t.Error("a second token with the same name was accepted")
	}
	tk, err := LoadTokens(p)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := tk.Lookup(tok); !ok || got.Name != "lims" || got.Owner != "lims" || got.Role != api.RoleSubmit {
		t.Errorf("lookup: %+v %v", got, ok)
	}
	os.WriteFile(p, []byte("tokens:\n  - name: x\n    role: boss\n    sha256: "+strings.Repeat("a", 64)+"\n    webhook-secret: 0123456789abcdef\n"), 0o600)
	if _, err := LoadTokens(p); err == nil || !strings.Contains(err.Error(), `role "boss"`) {
		t.Errorf("bad role: %v", err)
	}
	os.WriteFile(p, []byte("tokens:\n  - name: x\n    role: read\n    token: wta_x\n"), 0o600)
	if _, err := LoadTokens(p); err == nil || !strings.Contains(err.Error(), `line 4: unknown key "token"`) {
		t.Errorf("unknown key: %v", err)
	}
}

func TestSubmitRunFetch(t *testing.T) {
	ts := newTestServer(t, nil)
	id := ts.mustSubmit("alice", append(demoParts(t), part{"params", "", []byte(`{"min-identity": 30, "format": "jsonl"}`)}, part{"label", "", []byte("demo")}))
	j := ts.wait("alice", id, nil)
	if j.State != api.Complete || j.Counts.Done != 27 || j.Results == nil || j.Label != "demo" || j.Params["min-identity"] != 30.0 {
		t.Fatalf("job: %+v", j)
	}
	if j.Inputs[0].Name != "variants.faa" || j.Reference != "ref.faa" || j.Params["inputs"].([]any)[0] != "variants.faa" {
		t.Errorf("names: inputs %+v reference %q params %v", j.Inputs, j.Reference, j.Params["inputs"])
	}
	resp, body := ts.do("GET", "/v1/jobs/"+id+"/results", "alice", "", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != api.MediaNDJSON || int64(len(body)) != j.Results.Bytes {
		t.Fatalf("results: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if etag := resp.Header.Get("ETag"); etag != `"`+j.Results.SHA256+`"` {
		t.Errorf("ETag %s, want the sha256 %s", etag, j.Results.SHA256)
	}
	// the bytes of a pipeline run of the same Spec (what align writes)
	spec := ts.s.jobs[id].spec
	spec.Out = filepath.Join(t.TempDir(), "cli.jsonl")
	names := map[string]string{}
	for _, in := range spec.Inputs {
		names[in] = ts.s.jobs[id].displayPath(in) // as the job names its uploads
	}
	if _, err := pipeline.Execute(t.Context(), spec, pipeline.Env{ToolVersion: "test", ToolCommit: "test", InputNames: names}); err != nil {
		t.Fatal(err)
	}
	if want := fileBody(t, spec.Out); !bytes.Equal(body, want) {
		t.Error("served results differ from pipeline.Execute's output for the same Spec")
	}
	req, _ := http.NewRequest("GET", ts.hs.URL+"/v1/jobs/"+id+"/results", nil)
	req.Header.Set("Authorization", "Bearer "+ts.tokens["alice"])
	req.Header.Set("Range", "bytes=10-19")
	r2, _ := http.DefaultClient.Do(req)
	part, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if r2.StatusCode != http.StatusPartialContent || !bytes.Equal(part, body[10:20]) {
		t.Errorf("Range: %d %q", r2.StatusCode, part)
	}
	req.Header.Del("Range")
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	r3, _ := http.DefaultClient.Do(req)
	r3.Body.Close()
	if r3.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", r3.StatusCode)
	}
	for _, f := range []string{"json", "tsv"} {
		resp, conv := ts.do("GET", "/v1/jobs/"+id+"/results?format="+f, "alice", "", nil)
		spec.Format, spec.Out = f, filepath.Join(t.TempDir(), "cli."+f)
		if _, err := pipeline.Execute(t.Context(), spec, pipeline.Env{ToolVersion: "test", InputNames: names}); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || !bytes.Equal(conv, fileBody(t, spec.Out)) {
			t.Errorf("format %s: %d, converted bytes differ from a %s run", f, resp.StatusCode, f)
		}
	}
	if resp, page := ts.do("GET", "/v1/jobs/"+id+"/report", "alice", "", nil); resp.StatusCode != 200 ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(page, []byte("D87N")) || !bytes.Contains(page, []byte("<svg")) {
		t.Errorf("report: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(page))
	}
	if j := ts.wait("alice", id, nil); j.Links["report"] == "" {
		t.Errorf("no report link: %v", j.Links)
	}
	resp, man := ts.do("GET", "/v1/jobs/"+id+"/manifest", "alice", "", nil)
	if resp.StatusCode != 200 || !bytes.Contains(man, []byte(`"status": "complete"`)) {
		t.Errorf("manifest: %d %.200s", resp.StatusCode, man)
	}
	if r, _ := ts.do("DELETE", "/v1/jobs/"+id, "alice", "", nil); r.StatusCode != http.StatusNoContent {
		t.Errorf("delete: %d", r.StatusCode)
	}
	if r, _ := ts.do("GET", "/v1/jobs/"+id, "alice", "", nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("after delete: %d", r.StatusCode)
	}
	if _, err := os.Stat(filepath.Join(ts.cfg.DataDir, jobsDir, id)); !os.IsNotExist(err) {
		t.Errorf("job directory still there: %v", err)
	}
}

// TestBadSubmissions: each refusal has its status, a problem document
// naming the field or file, and leaves no job and no staging files.
func TestBadSubmissions(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.MaxUploadBytes = 64 << 10; c.Limits.MaxRequestBytes = 256 << 10 })
	ref := part{"reference", "ref.faa", fileBody(t, demoRef)}
	q := part{"query", "q.faa", fileBody(t, demoVariants)}
	big := part{"query", "big.faa", bytes.Repeat([]byte(">x\nMKV\n"), 20000)}
	cases := []struct {
		name        string
		parts       []part
		code        int
		field, file string
		detail      string
	}{
		{"no query", []part{ref}, 400, "query", "", "no query FASTA"},
		{"no reference", []part{q}, 400, "reference", "", "no reference"},
		{"dot-dot name", []part{{"query", "../../etc/passwd", []byte(">a\nMK\n")}, ref}, 400, "query", "../../etc/passwd", "directory separator"},
		{"NUL in name", []part{{"query", "a\x00b.faa", []byte(">a\nMK\n")}, ref}, 400, "", "", ""},
		{"hidden name", []part{{"query", ".bashrc", []byte(">a\nMK\n")}, ref}, 400, "query", ".bashrc", "starts with '.'"},
		{"same name twice", []part{q, q, ref}, 400, "query", "q.faa", "two uploads"},
		{"empty upload", []part{{"query", "e.faa", nil}, ref}, 400, "query", "e.faa", "empty"},
		{"upload over limit", []part{big, ref}, 413, "query", "big.faa", "limited to 65536 bytes"},
		{"request over limit", []part{q, {"query", "2.faa", big.body[:60000]}, {"query", "3.faa", big.body[:60000]}, {"query", "4.faa", big.body[:60000]}, {"query", "5.faa", big.body[:60000]}, ref}, 413, "", "", "over the limit of 262144 bytes"},
		{"unknown parameter", []part{q, ref, {"params", "", []byte(`{"min-identiti": 3}`)}}, 400, "min-identiti", "", "unknown parameter"},
		{"invalid value", []part{q, ref, {"params", "", []byte(`{"min-identity": 300}`)}}, 400, "min-identity", "", "want a percentage"},
		{"wrong type", []part{q, ref, {"params", "", []byte(`{"gapopen": "ten"}`)}}, 400, "gapopen", "", "wrong type"},
		{"server's key", []part{q, ref, {"params", "", []byte(`{"out": "/etc/x"}`)}}, 400, "out", "", "set by the server"},
		{"params not an object", []part{q, ref, {"params", "", []byte(`[1]`)}}, 400, "params", "", "JSON object"},
		{"unknown field", []part{q, ref, {"colour", "", []byte(`red`)}}, 400, "colour", "", "unknown form field"},
		{"unknown reference set", []part{q, {"reference_set", "", []byte("nope")}}, 400, "reference_set", "", `no reference set "nope"`},
		{"two references", []part{q, ref, {"reference_set", "", []byte("nope")}}, 400, "reference_set", "", ""},
		{"server path without roots", []part{ref, {"params", "", []byte(`{"inputs": ["/etc/passwd"]}`)}}, 403, "inputs", "/etc/passwd", "path-roots"},
		{"notify host not allowed", []part{q, ref, {"notify_url", "", []byte("http://evil.example/x")}}, 403, "notify_url", "", "allowed-hosts"},
	}
	for _, c := range cases {
		code, _, p := ts.submit("alice", c.parts)
		if code != c.code || p.Status != c.code || (c.field != "" && p.Field != c.field) || p.File != c.file && c.file != "" ||
			!strings.Contains(p.Detail, c.detail) || !strings.HasPrefix(p.Type, "urn:wtalign:problem:") {
			t.Errorf("%s: %d %+v; want %d field %q file %q detail ~%q", c.name, code, p, c.code, c.field, c.file, c.detail)
		}
	}
	raw := func(ct, body string) (int, api.Problem) {
		resp, b := ts.do("POST", "/v1/jobs", "alice", ct, []byte(body))
		var p api.Problem
		json.Unmarshal(b, &p)
		if resp.Header.Get("Content-Type") != api.MediaProblem {
			t.Errorf("%s: content type %s", ct, resp.Header.Get("Content-Type"))
		}
		return resp.StatusCode, p
	}
	if code, p := raw("text/plain", "hello"); code != 415 || !strings.Contains(p.Detail, "multipart/form-data") {
		t.Errorf("text/plain: %d %+v", code, p)
	}
	if code, p := raw("multipart/form-data", "x"); code != 400 || p.Type != api.ProblemType("malformed-multipart") {
		t.Errorf("no boundary: %d %+v", code, p)
	}
	if code, p := raw("multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"query\"; filename=\"a.faa\"\r\n\r\n>a\nMK"); code != 400 || p.Type != api.ProblemType("malformed-multipart") {
		t.Errorf("truncated multipart: %d %+v", code, p)
	}
	if code, p := raw("multipart/form-data; boundary=XX", "--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX--\r\n"); code != 400 || p.Type != api.ProblemType("malformed-multipart") {
		t.Errorf("part without Content-Disposition: %d %+v", code, p)
	}
	if code, p := raw(api.MediaJSON, `{"params": {}, "colour": 1}`); code != 400 || !strings.Contains(p.Detail, "colour") {
		t.Errorf("unknown JSON field: %d %+v", code, p)
	}
	if n := len(ts.s.jobs); n != 0 {
		t.Errorf("%d jobs exist after refused submissions", n)
	}
	if ents, _ := os.ReadDir(filepath.Join(ts.cfg.DataDir, stagingDir)); len(ents) != 0 {
		t.Errorf("staging keeps %d entries", len(ents))
	}
}

// TestInputErrors: a non-FASTA upload ends EXECUTOR_ERROR with align's
// message (naming the file as uploaded); a nucleotide one finishes with
// failed records (align's exit 3) and its results can be fetched.
func TestInputErrors(t *testing.T) {
	ts := newTestServer(t, nil)
	ref := part{"reference", "ref.faa", fileBody(t, demoRef)}
	id := ts.mustSubmit("alice", []part{{"query", "notes.txt", fileBody(t, "../testdata/fasta/not_fasta.txt")}, ref, {"params", "", []byte(`{"assign": "best"}`)}})
	j := ts.wait("alice", id, nil)
	if j.State != api.ExecutorError || len(j.Errors) != 1 || !strings.Contains(j.Errors[0], " notes.txt: not a FASTA file") || strings.Contains(j.Errors[0], "jobs/") || j.Results != nil {
		t.Errorf("not FASTA: %s %q", j.State, j.Errors)
	}
	id = ts.mustSubmit("alice", []part{{"query", "dna.faa", fileBody(t, "../testdata/fasta/nucleotide.faa")}, ref, {"params", "", []byte(`{"assign": "best"}`)}})
	j = ts.wait("alice", id, nil)
	if j.State != api.ExecutorError || j.Counts.Failed == 0 || j.Results == nil || len(j.Failures) == 0 || j.Failures[0].InputFile != "dna.faa" {
		t.Errorf("nucleotide: %s failed %d results %v failures %+v errors %q", j.State, j.Counts.Failed, j.Results, j.Failures, j.Errors)
	}
	if r, _ := ts.do("GET", "/v1/jobs/"+id+"/results", "alice", "", nil); r.StatusCode != 200 {
		t.Errorf("results of a job with failed records: %d", r.StatusCode)
	}
}

func TestAuthRolesVisibility(t *testing.T) {
	ts := newTestServer(t, nil)
	id := ts.mustSubmit("alice", demoParts(t))
	ts.wait("alice", id, nil)
	get := func(h string) int {
		req, _ := http.NewRequest("GET", ts.hs.URL+"/v1/jobs/"+id, nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		return resp.StatusCode
	}
	for h, want := range map[string]int{
		"": 401, "Bearer": 401, "Basic dXNlcjpwdw==": 401, "Bearer wta_unknown": 401, "Bearer not-a-wtalign-token": 401,
		"Bearer " + ts.tokens["alice"]: 200, "Bearer " + ts.tokens["reader"]: 200, "Bearer " + ts.tokens["root"]: 200,
		"Bearer " + ts.tokens["bob"]: 404,
	} {
		if got := get(h); got != want {
			t.Errorf("Authorization %.20q: %d, want %d", h, got, want)
		}
	}
	if code, _, p := ts.submit("reader", demoParts(t)); code != 403 || !strings.Contains(p.Detail, `role "read"`) {
		t.Errorf("read role submitting: %d %+v", code, p)
	}
	if r, _ := ts.do("POST", "/v1/jobs/"+id+":cancel", "bob", "", nil); r.StatusCode != 404 {
		t.Errorf("bob cancels alice's job: %d", r.StatusCode)
	}
	if r, _ := ts.do("DELETE", "/v1/jobs/"+id, "bob", "", nil); r.StatusCode != 404 {
		t.Errorf("bob deletes alice's job: %d", r.StatusCode)
	}
	if r, _ := ts.do("GET", "/v1/jobs/"+id+"/results", "bob", "", nil); r.StatusCode != 404 {
		t.Errorf("bob reads alice's results: %d", r.StatusCode)
	}
	var list api.JobList
	_, b := ts.do("GET", "/v1/jobs", "bob", "", nil)
	json.Unmarshal(b, &list)
	if len(list.Jobs) != 0 {
		t.Errorf("bob lists %d jobs", len(list.Jobs))
	}
	_, b = ts.do("GET", "/v1/jobs", "reader", "", nil)
	json.Unmarshal(b, &list)
	if len(list.Jobs) != 1 {
		t.Errorf("reader (owner alice) lists %d jobs", len(list.Jobs))
	}
	// no secret in the audit log or the access log
	audit, _ := os.ReadFile(ts.cfg.AuditLog)
	for name, tok := range ts.tokens {
		if strings.Contains(string(audit), tok) || strings.Contains(ts.log.String(), tok) {
			t.Errorf("token of %s appears in a log", name)
		}
	}
	var failures, results int
	for _, line := range strings.Split(strings.TrimSpace(string(audit)), "\n") {
		var e auditEvent
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		switch {
		case e.Event == "auth.failure":
			failures++
		case e.Event == "job.results" && e.Token == "alice" && e.Job == id:
			results++
		}
	}
	if failures != 6 {
		t.Errorf("audit: %d auth failures, want 6 (5 x 401, 1 x 403)", failures)
	}
	ts.do("GET", "/v1/jobs/"+id+"/results", "alice", "", nil)
	audit, _ = os.ReadFile(ts.cfg.AuditLog)
	if !strings.Contains(string(audit), `"event":"job.results","token":"alice","owner":"alice","route":"GET /v1/jobs/{id}/results","job":"`+id+`","status":200,"outcome":"ok"`) {
		t.Errorf("audit lacks the results read:\n%s", audit)
	}
}

func TestRateLimit(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.RequestsPerSecond = 0.5; c.Limits.Burst = 2 })
	codes := []int{}
	var last *http.Response
	for range 3 {
		r, _ := ts.do("GET", "/v1/jobs", "alice", "", nil)
		codes = append(codes, r.StatusCode)
		last = r
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("codes %v, want 200 200 429", codes)
	}
	if ra, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 2 {
		t.Errorf("Retry-After %q", last.Header.Get("Retry-After"))
	}
	if r, _ := ts.do("GET", "/v1/jobs", "bob", "", nil); r.StatusCode != 200 {
		t.Errorf("bob is limited by alice's requests: %d", r.StatusCode)
	}
}

// TestQueueCapQuotaCancel: a long job holds the only CPU; the owner's
// queue cap answers 429, the disk quota 507; cancel and delete work on
// queued and running jobs.
func TestQueueCapQuotaCancel(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.CPUs = 1; c.Limits.MaxQueuedPerOwner = 1; c.Limits.DiskQuotaBytes = 3 << 20 })
	long := ts.mustSubmit("alice", []part{{"query", "k12.faa", fileBody(t, proteome)}, {"reference", "ref.faa", fileBody(t, demoRef)},
		{"params", "", []byte(`{"checkpoint-every": 20}`)}})
	ts.wait("alice", long, func(j api.Job) bool { return j.State == api.Running && j.Progress.Done > 0 })
	queued := ts.mustSubmit("alice", demoParts(t))
	if j := ts.job("alice", queued); j.State != api.Queued {
		t.Fatalf("second job %s, want QUEUED behind the long one", j.State)
	}
	code, _, p := ts.submit("alice", demoParts(t))
	if code != 429 || p.Type != api.ProblemType("queue-full") {
		t.Errorf("over the queue cap: %d %+v", code, p)
	}
	if code, _, _ := ts.submit("bob", demoParts(t)); code != 201 {
		t.Errorf("bob is capped by alice's queue: %d", code)
	}
	// quota: alice's jobs hold ~1.6 MB of inputs; a 2 MB upload goes over 3 MiB
	if r, _ := ts.do("DELETE", "/v1/jobs/"+queued, "alice", "", nil); r.StatusCode != 204 {
		t.Fatalf("delete queued: %d", r.StatusCode)
	}
	code, _, p = ts.submit("alice", []part{{"query", "k12.faa", append(fileBody(t, proteome), fileBody(t, proteome)[:600000]...)}, {"reference", "ref.faa", fileBody(t, demoRef)}})
	if code != 507 || p.Type != api.ProblemType("quota-exceeded") {
		t.Errorf("over quota: %d %+v", code, p)
	}
	if r, _ := ts.do("DELETE", "/v1/jobs/"+long, "alice", "", nil); r.StatusCode != 409 {
		t.Errorf("delete running: %d, want 409", r.StatusCode)
	}
	r, b := ts.do("POST", "/v1/jobs/"+long+":cancel", "alice", "", nil)
	var j api.Job
	json.Unmarshal(b, &j)
	if r.StatusCode != 202 || (j.State != api.Canceling && j.State != api.Canceled) {
		t.Errorf("cancel running: %d %s", r.StatusCode, j.State)
	}
	if j = ts.wait("alice", long, nil); j.State != api.Canceled {
		t.Errorf("canceled job ended %s", j.State)
	}
	if r, _ := ts.do("POST", "/v1/jobs/"+long+":cancel", "alice", "", nil); r.StatusCode != 409 {
		t.Errorf("cancel a canceled job: %d", r.StatusCode)
	}
	if r, _ := ts.do("POST", "/v1/jobs/"+long+":pause", "alice", "", nil); r.StatusCode != 404 {
		t.Errorf(":pause: %d", r.StatusCode)
	}
	if r, _ := ts.do("GET", "/v1/jobs/"+long+"/results", "alice", "", nil); r.StatusCode != 409 {
		t.Errorf("results of a canceled job: %d", r.StatusCode)
	}
}

// failingWriter fails with ENOSPC after n bytes, as a full disk does.
type failingWriter struct {
	f *os.File
	n int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k, _ := w.f.Write(p[:w.n])
		w.n = 0
		return k, &os.PathError{Op: "write", Path: w.f.Name(), Err: syscall.ENOSPC}
	}
	w.n -= len(p)
	return w.f.Write(p)
}

func (w *failingWriter) Close() error { return w.f.Close() }

// TestDiskFullDuringUpload (an injected writer; the end-to-end test does
// the same on a real full tmpfs): 507, and no half-created job.
func TestDiskFullDuringUpload(t *testing.T) {
	ts := newTestServer(t, nil, func(o *Options) {
		o.createUpload = func(p string) (io.WriteCloser, error) {
			f, err := os.Create(p)
			return &failingWriter{f: f, n: 1000}, err
		}
	})
	code, _, p := ts.submit("alice", demoParts(t))
	if code != 507 || p.Type != api.ProblemType("disk-full") {
		t.Fatalf("%d %+v", code, p)
	}
	if len(ts.s.jobs) != 0 {
		t.Error("a job was created")
	}
	for _, d := range []string{stagingDir, jobsDir} {
		if ents, _ := os.ReadDir(filepath.Join(ts.cfg.DataDir, d)); len(ents) != 0 {
			t.Errorf("%s keeps %d entries", d, len(ents))
		}
	}
}

// TestCorruptJobDirectories: damaged job directories become SYSTEM_ERROR
// jobs at start (or when they run); the others and the server go on.
func TestCorruptJobDirectories(t *testing.T) {
	ts := newTestServer(t, nil)
	good := ts.mustSubmit("alice", demoParts(t))
	ts.wait("alice", good, nil)
	var ids []string
	for range 4 {
		ids = append(ids, ts.mustSubmit("alice", demoParts(t)))
	}
	for _, id := range ids {
		ts.wait("alice", id, nil)
	}
	ts.stop()
	dir := func(id string) string { return filepath.Join(ts.cfg.DataDir, jobsDir, id) }
	// 0: job.json garbage; 1: params.json garbage (job RUNNING); 2: input
	// removed (QUEUED); 3: manifest garbage and output gone (RUNNING)
	os.WriteFile(filepath.Join(dir(ids[0]), metaFile), []byte("{not json"), 0o644)
	setState := func(id string, st api.State) {
		var m jobMeta
		json.Unmarshal(fileBody(t, filepath.Join(dir(id), metaFile)), &m)
		m.State, m.Results, m.EndedAt = st, nil, nil
		b, _ := json.Marshal(m)
		os.WriteFile(filepath.Join(dir(id), metaFile), b, 0o644)
	}
	setState(ids[1], api.Running)
	os.WriteFile(filepath.Join(dir(ids[1]), paramsFile), []byte(`{"inputs": 3}`), 0o644)
	setState(ids[2], api.Queued)
	os.Remove(filepath.Join(dir(ids[2]), inputsDir, "variants.faa"))
	setState(ids[3], api.Running)
	os.WriteFile(filepath.Join(dir(ids[3]), "out.json.manifest.json"), []byte(`{"schema_version": 1, "status": "runn`), 0o644)
	os.Rename(filepath.Join(dir(ids[3]), "out.json"), filepath.Join(dir(ids[3]), "out.json.partial"))
	ts.start()
	if j := ts.job("alice", good); j.State != api.Complete {
		t.Errorf("intact job: %s", j.State)
	}
	if r, _ := ts.do("GET", "/v1/jobs/"+ids[0], "alice", "", nil); r.StatusCode != 404 {
		t.Errorf("a job without readable job.json has no owner: alice got %d", r.StatusCode)
	}
	if j := ts.job("root", ids[0]); j.State != api.SystemError || !strings.Contains(j.Errors[0], "job.json") {
		t.Errorf("job.json garbage: %s %q", j.State, j.Errors)
	}
	for i, want := range map[int]string{1: "params.json", 2: "inputs/variants.faa", 3: "manifest"} {
		j := ts.wait("alice", ids[i], nil)
		if j.State != api.SystemError || !strings.Contains(strings.Join(j.Errors, " "), want) {
			t.Errorf("job %d: %s %q, want SYSTEM_ERROR naming %s", i, j.State, j.Errors, want)
		}
	}
	if r, _ := ts.do("GET", "/readyz", "", "", nil); r.StatusCode != 200 {
		t.Errorf("readyz %d", r.StatusCode)
	}
	id := ts.mustSubmit("alice", demoParts(t))
	if j := ts.wait("alice", id, nil); j.State != api.Complete {
		t.Errorf("new job after damage: %s", j.State)
	}
	if r, _ := ts.do("DELETE", "/v1/jobs/"+ids[0], "root", "", nil); r.StatusCode != 204 {
		t.Errorf("admin deletes the broken job: %d", r.StatusCode)
	}
}

func TestServerPaths(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(root, "q.faa"), fileBody(t, demoVariants), 0o644)
	os.WriteFile(filepath.Join(root, "ref.faa"), fileBody(t, demoRef), 0o644)
	os.WriteFile(filepath.Join(outside, "secret.faa"), []byte(">s\nMK\n"), 0o644)
	os.Symlink(filepath.Join(outside, "secret.faa"), filepath.Join(root, "link.faa"))
	ts := newTestServer(t, func(c *Config) { c.PathRoots = []string{root} })
	sub := func(params string) (int, api.Problem, string) {
		resp, b := ts.do("POST", "/v1/jobs", "alice", api.MediaJSON, []byte(`{"params": `+params+`}`))
		var p api.Problem
		var ok api.SubmitResponse
		json.Unmarshal(b, &p)
		json.Unmarshal(b, &ok)
		return resp.StatusCode, p, ok.ID
	}
	ref := `"reference": "` + filepath.Join(root, "ref.faa") + `"`
	for _, c := range []struct {
		inputs string
		code   int
		why    string
	}{
		{root + "/../" + filepath.Base(outside) + "/secret.faa", 403, "'..'"},
		{filepath.Join(root, "link.faa"), 403, "outside the server's path roots"},
		{filepath.Join(outside, "secret.faa"), 403, "outside"},
		{"q.faa", 403, "absolute"},
		{filepath.Join(root, "missing.faa"), 400, "no such file"},
		{root + "/q\u0000.faa", 403, "NUL"},
	} {
		b, _ := json.Marshal([]string{c.inputs})
		code, p, _ := sub(`{"inputs": ` + string(b) + `, ` + ref + `}`)
		if code != c.code || p.Field != "inputs" || !strings.Contains(p.Detail, c.why) {
			t.Errorf("%q: %d %+v", c.inputs, code, p)
		}
	}
	code, p, id := sub(`{"inputs": ["` + filepath.Join(root, "q.faa") + `"], ` + ref + `}`)
	if code != 201 {
		t.Fatalf("path under the root: %d %+v", code, p)
	}
	if j := ts.wait("alice", id, nil); j.State != api.Complete || j.Counts.Done != 27 {
		t.Errorf("server-path job: %s %d", j.State, j.Counts.Done)
	}
}

// TestReload: a new token works, a removed one is refused, a broken
// tokens or config file is rejected and what was in force stays.
func TestReload(t *testing.T) {
	cfgPath := filepath.Join(t.TempDir(), "server.yaml")
	os.WriteFile(cfgPath, []byte("cpus: 2\n"), 0o644)
	var ts *testServer
	ts = newTestServer(t, nil, func(o *Options) {
		o.ConfigPath = cfgPath
		o.Override = func(c *Config) { c.DataDir = ts.cfg.DataDir }
	})
	tf := filepath.Join(ts.cfg.DataDir, "tokens.yaml")
	carol, _, err := AddToken(tf, "carol", api.RoleRead, "")
	if err != nil {
		t.Fatal(err)
	}
	ts.tokens["carol"] = carol
	if r, _ := ts.do("GET", "/v1/jobs", "carol", "", nil); r.StatusCode != 401 {
		t.Errorf("carol before reload: %d", r.StatusCode)
	}
	if err := ts.s.Reload(); err != nil {
		t.Fatal(err)
	}
	if r, _ := ts.do("GET", "/v1/jobs", "carol", "", nil); r.StatusCode != 200 {
		t.Errorf("carol after reload: %d", r.StatusCode)
	}
	RemoveToken(tf, "bob")
	os.WriteFile(cfgPath, []byte("cpus: 2\nlimits:\n  burst: 99\n"), 0o644)
	if err := ts.s.Reload(); err != nil {
		t.Fatal(err)
	}
	if r, _ := ts.do("GET", "/v1/jobs", "bob", "", nil); r.StatusCode != 401 {
		t.Errorf("removed bob: %d", r.StatusCode)
	}
	if ts.s.config().Limits.Burst != 99 {
		t.Error("reloaded limit not in force")
	}
	good := fileBody(t, tf)
	os.WriteFile(tf, []byte("tokens:\n  - name: eve\n    sha256: nothex\n"), 0o600)
	if err := ts.s.Reload(); err == nil {
		t.Error("broken tokens file accepted")
	}
	os.WriteFile(tf, good, 0o600)
	os.WriteFile(cfgPath, []byte("cpus: 2\nlimts: {}\n"), 0o644)
	if err := ts.s.Reload(); err == nil || !strings.Contains(err.Error(), `line 2: unknown key "limts"`) {
		t.Errorf("broken config: %v", err)
	}
	for _, name := range []string{"alice", "carol"} {
		if r, _ := ts.do("GET", "/v1/jobs", name, "", nil); r.StatusCode != 200 {
			t.Errorf("%s after rejected reloads: %d", name, r.StatusCode)
		}
	}
	if !strings.Contains(ts.log.String(), "reload rejected; keeping the configuration and tokens in force") {
		t.Error("no log line for the rejected reload")
	}
}

func TestRetentionAndPaging(t *testing.T) {
	ts := newTestServer(t, nil)
	var ids []string
	for range 5 {
		ids = append(ids, ts.mustSubmit("alice", demoParts(t)))
	}
	for _, id := range ids {
		ts.wait("alice", id, nil)
	}
	seen := map[string]bool{}
	token := ""
	for pages := 0; ; pages++ {
		var l api.JobList
		_, b := ts.do("GET", "/v1/jobs?page_size=2&state=COMPLETE&page_token="+token, "alice", "", nil)
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		for i, j := range l.Jobs {
			if seen[j.ID] {
				t.Errorf("job %s on two pages", j.ID)
			}
			seen[j.ID] = true
			if i > 0 && j.CreatedAt.After(l.Jobs[i-1].CreatedAt) {
				t.Error("not newest first")
			}
		}
		if l.NextPageToken == "" {
			if pages != 2 || len(seen) != 5 {
				t.Errorf("%d pages, %d jobs", pages+1, len(seen))
			}
			break
		}
		token = l.NextPageToken
	}
	if r, _ := ts.do("GET", "/v1/jobs?state=DONE", "alice", "", nil); r.StatusCode != 400 {
		t.Errorf("bad state filter: %d", r.StatusCode)
	}
	ts.s.expire(time.Now().Add(time.Hour))
	if r, _ := ts.do("GET", "/v1/jobs/"+ids[0], "alice", "", nil); r.StatusCode != 404 {
		t.Errorf("expired job: %d", r.StatusCode)
	}
	if ents, _ := os.ReadDir(filepath.Join(ts.cfg.DataDir, jobsDir)); len(ents) != 0 {
		t.Errorf("%d job directories after retention", len(ents))
	}
}
