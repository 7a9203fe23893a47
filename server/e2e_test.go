package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/client"
)

// The end-to-end tests run the real wtalign binary as a daemon on
// 127.0.0.1, started and stopped by PID by each test.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// wtalignBin builds cmd/wtalign once per test binary.
func wtalignBin(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wtalign-e2e-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "wtalign")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/wtalign").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func abs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

var (
	refPath      = filepath.Join("..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	variantsPath = filepath.Join("..", "testdata", "demo", "variants.faa")
	proteomePath = filepath.Join("..", "testdata", "proteomes", "GCF_000005845.2_proteins.faa")
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type daemon struct {
	t      *testing.T
	rt     http.RoundTripper // for https: trusts the test's CA
	cmd    *exec.Cmd
	url    string
	data   string
	args   []string
	stderr *lockedBuf
	done   chan error
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDaemon runs `wtalign serve` on a free loopback port and waits for /healthz.
func startDaemon(t *testing.T, data string, args ...string) *daemon {
	t.Helper()
	return startDaemonRT(t, http.DefaultTransport, data, args...)
}

func startDaemonRT(t *testing.T, rt http.RoundTripper, data string, args ...string) *daemon {
	t.Helper()
	d := &daemon{t: t, data: data, args: args, rt: rt}
	d.start()
	return d
}

func (d *daemon) start() {
	t := d.t
	addr := freePort(t)
	scheme := "http"
	for _, a := range d.args {
		if a == "--tls-cert" {
			scheme = "https"
		}
	}
	d.url = scheme + "://" + addr
	d.stderr = &lockedBuf{}
	d.cmd = exec.Command(wtalignBin(t), append([]string{"serve", "--data-dir", d.data, "--listen", addr, "--log-format", "json"}, d.args...)...)
	d.cmd.Stderr = d.stderr
	d.cmd.Env = append(os.Environ(), "WTALIGN_THREADS=1")
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.done = make(chan error, 1)
	go func() { d.done <- d.cmd.Wait() }()
	cmd := d.cmd
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-d.done
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c := &http.Client{Timeout: time.Second, Transport: d.rt}
		resp, err := c.Get(d.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case err := <-d.done:
			t.Fatalf("serve exited: %v\n%s", err, d.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer: %v\n%s", err, d.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signal sends sig to the daemon by PID and waits for it to exit.
func (d *daemon) signal(sig syscall.Signal) error {
	if err := d.cmd.Process.Signal(sig); err != nil {
		d.t.Fatal(err)
	}
	select {
	case err := <-d.done:
		return err
	case <-time.After(60 * time.Second):
		d.t.Fatalf("serve did not exit on %v\n%s", sig, d.stderr)
		return nil
	}
}

// cli runs the wtalign binary and returns stdout; it fails the test on a
// non-zero exit unless want says otherwise.
func cli(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(wtalignBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "WTALIGN_THREADS=1"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// addToken creates a token with the CLI and returns it.
func addToken(t *testing.T, data, name, role string) string {
	t.Helper()
	out, errs, code := cli(t, "", nil, "serve", "token", "add", name, "--role", role, "--data-dir", data)
	if code != 0 {
		t.Fatalf("token add: %d %s", code, errs)
	}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "token: "); ok {
			return v
		}
	}
	t.Fatalf("no token in %q", out)
	return ""
}

// schemas validates documents against docs/openapi.yaml's components.
type schemas struct {
	c   *jsonschema.Compiler
	got map[string]*jsonschema.Schema
}

func openAPISchemas(t *testing.T) *schemas {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	// YAML to JSON values, as the schema compiler wants them
	j, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource("file:///openapi.json", v); err != nil {
		t.Fatal(err)
	}
	return &schemas{c: c, got: map[string]*jsonschema.Schema{}}
}

func (s *schemas) check(t *testing.T, name string, v any) {
	t.Helper()
	sch := s.got[name]
	if sch == nil {
		var err error
		if sch, err = s.c.Compile("file:///openapi.json#/components/schemas/" + name); err != nil {
			t.Fatal(err)
		}
		s.got[name] = sch
	}
	b, _ := json.Marshal(v)
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("%s does not match docs/openapi.yaml: %v\n%s", name, err, b)
	}
}

// alignBytes is what `wtalign align` writes for a job's inputs: run where
// the uploads are, under the names they were uploaded with (the names the
// job's records carry).
func alignBytes(t *testing.T, data string, j *api.Job, format string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cli."+format)
	args := []string{"align", "-q", "--format", format, "-o", out, "-r", "../reference/" + j.Reference}
	for k, v := range j.Params {
		switch k {
		case "checkpoint-every", "assign":
			args = append(args, fmt.Sprintf("--%s=%v", k, v))
		}
	}
	for _, f := range j.Inputs {
		args = append(args, f.Name)
	}
	if _, errs, code := cli(t, filepath.Join(data, "jobs", j.ID, "inputs"), nil, args...); code != 0 {
		t.Fatalf("align: %d %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fetch(t *testing.T, c *client.Client, id, format string) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := c.Results(context.Background(), id, format, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func waitJob(t *testing.T, c *client.Client, id string, until func(*api.Job) bool) *api.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for {
		j, err := c.Job(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if until(j) {
			return j
		}
		select {
		case <-ctx.Done():
			t.Fatalf("job %s: still %s %+v", id, j.State, j.Progress)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func final(j *api.Job) bool { return j.State.Final() }

// subset writes the first n records of the K-12 proteome: a job long
// enough to be caught running.
func subset(t *testing.T, dir string, n, skip int) string {
	t.Helper()
	b, err := os.ReadFile(proteomePath)
	if err != nil {
		t.Fatal(err)
	}
	recs := bytes.SplitAfter(b, []byte("\n>"))
	part := bytes.Join(recs[skip:skip+n], nil)
	part = append([]byte(">"), bytes.TrimSuffix(bytes.TrimPrefix(part, []byte(">")), []byte(">"))...)
	p := filepath.Join(dir, fmt.Sprintf("k12_%d_%d.faa", skip, n))
	if err := os.WriteFile(p, part, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestE2ESubmitFetchCancelDelete(t *testing.T) {
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	d := startDaemon(t, data)
	env := []string{"WTALIGN_SERVER=" + d.url, "WTALIGN_TOKEN=" + tok}
	sch := openAPISchemas(t)
	c, _ := client.New(d.url, tok)
	ctx := context.Background()

	info, err := c.ServiceInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sch.check(t, "ServiceInfo", info)

	// the CLI: submit --wait downloads the results; they are align's bytes
	work := t.TempDir()
	out, errs, code := cli(t, work, env, "submit", "--wait", "-r", abs(t, refPath), "-o", "srv.json", "--label", "demo", abs(t, variantsPath))
	if code != 0 || out != "" {
		t.Fatalf("submit --wait: %d %q %s", code, out, errs)
	}
	jobs, err := c.AllJobs(ctx)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs: %v %d", err, len(jobs))
	}
	j := &jobs[0]
	sch.check(t, "JobList", api.JobList{Jobs: jobs})
	srv, _ := os.ReadFile(filepath.Join(work, "srv.json"))
	if cliOut := alignBytes(t, data, j, "json"); !bytes.Equal(srv, cliOut) {
		t.Fatalf("submit --wait results differ from wtalign align's bytes (%d vs %d bytes)", len(srv), len(cliOut))
	}
	for _, f := range []string{"jsonl", "tsv"} {
		if got, want := fetch(t, c, j.ID, f), alignBytes(t, data, j, f); !bytes.Equal(got, want) {
			t.Errorf("results as %s differ from align --format %s", f, f)
		}
	}
	out, _, code = cli(t, work, env, "fetch", "-o", "again.json", j.ID)
	again, _ := os.ReadFile(filepath.Join(work, "again.json"))
	if code != 0 || !bytes.Equal(again, srv) || out != "" {
		t.Errorf("fetch: %d, same bytes %v", code, bytes.Equal(again, srv))
	}
	out, _, _ = cli(t, work, env, "jobs")
	if !strings.Contains(out, j.ID) || !strings.Contains(out, "COMPLETE") || !strings.Contains(out, "27/27") {
		t.Errorf("jobs:\n%s", out)
	}
	out, _, _ = cli(t, work, env, "jobs", "--json", j.ID)
	var shown []api.Job
	if err := json.Unmarshal([]byte(out), &shown); err != nil || len(shown) != 1 {
		t.Fatalf("jobs --json: %v %s", err, out)
	}
	sch.check(t, "Job", shown[0])

	// submit without --wait prints the id; cancel it while it runs; delete
	// it. Three inputs on one thread: work units remain beyond those in
	// flight, so the cancel always has work to stop.
	longDir := t.TempDir()
	out, errs, code = cli(t, work, env, "submit", "-r", abs(t, refPath), "--checkpoint-every", "20", "-j", "1",
		subset(t, longDir, 2000, 0), subset(t, longDir, 2000, 2000), subset(t, longDir, 2000, 1000))
	id := strings.TrimSpace(out)
	if code != 0 || len(id) != 16 {
		t.Fatalf("submit: %d %q %s", code, out, errs)
	}
	running := waitJob(t, c, id, func(j *api.Job) bool { return j.State == api.Running && j.Progress.Done > 0 })
	sch.check(t, "Job", running)
	if _, _, code := cli(t, work, env, "cancel", id); code != 0 {
		t.Errorf("cancel exit %d", code)
	}
	if j := waitJob(t, c, id, final); j.State != api.Canceled {
		t.Errorf("canceled job ended %s", j.State)
	}
	_, errs, code = cli(t, work, env, "cancel", id)
	if code != 1 || !strings.Contains(errs, "409") {
		t.Errorf("cancel a canceled job: %d %s", code, errs)
	}
	if err := c.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err = c.Job(ctx, id)
	var p *api.Problem
	if !errors.As(err, &p) || p.Status != 404 {
		t.Errorf("deleted job: %v", err)
	}
	sch.check(t, "Problem", p)

	// a bad parameter is a usage error (exit 2) naming it
	_, errs, code = cli(t, work, env, "submit", "-r", abs(t, refPath), "--min-identity", "300", abs(t, variantsPath))
	if code != 2 || !strings.Contains(errs, "min-identity") {
		t.Errorf("bad parameter: %d %s", code, errs)
	}
	_, errs, code = cli(t, work, []string{"WTALIGN_SERVER=" + d.url, "WTALIGN_TOKEN=wta_nope"}, "jobs")
	if code != 1 || !strings.Contains(errs, "401") {
		t.Errorf("unknown token: %d %s", code, errs)
	}
	if !strings.Contains(d.stderr.String(), `"message":"request"`) || strings.Contains(d.stderr.String(), tok) {
		t.Error("access log missing, or it holds the token")
	}
}

// TestE2EKillRestart: SIGKILL the server while jobs run; after a restart
// every job completes once, with align's bytes.
func TestE2EKillRestart(t *testing.T) {
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	cfg := filepath.Join(t.TempDir(), "server.yaml")
	os.WriteFile(cfg, []byte("cpus: 2\njob-threads: 1\n"), 0o644)
	d := startDaemon(t, data, "--config", cfg)
	c, _ := client.New(d.url, tok)
	ctx := context.Background()
	in := t.TempDir()
	var ids []string
	for i := range 4 {
		q := subset(t, in, 700, i*700)
		res, err := c.Submit(ctx, client.SubmitRequest{SubmitRequest: api.SubmitRequest{Params: map[string]any{"checkpoint-every": 25}},
			Queries: []client.Upload{client.FileUpload(q)}, Reference: ptr(client.FileUpload(refPath))})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	// kill once a job has checkpointed progress and another waits
	waitJob(t, c, ids[0], func(j *api.Job) bool { return j.State == api.Running && j.Counts.Done >= 50 })
	before := map[string]api.Job{}
	for _, id := range ids {
		j, _ := c.Job(ctx, id)
		before[id] = *j
	}
	if err := d.signal(syscall.SIGKILL); err == nil {
		t.Fatal("serve survived SIGKILL?")
	}
	// what the disk says at the kill: a job with an unfinished manifest
	// must resume from it (one more session), any other must run once
	wantSessions := map[string]int{}
	for _, id := range ids {
		wantSessions[id] = 1
		if m, err := os.ReadFile(filepath.Join(data, "jobs", id, "out.json.manifest.json")); err == nil && !bytes.Contains(m, []byte(`"status": "complete"`)) {
			wantSessions[id] = 2
		}
	}
	states := map[api.State]int{}
	for _, j := range before {
		states[j.State]++
	}
	t.Logf("at the kill: %v", states)
	if states[api.Running] == 0 || states[api.Queued] == 0 {
		t.Fatalf("want running and queued jobs at the kill, have %v", states)
	}
	d.start()
	c, _ = client.New(d.url, tok)
	jobs, err := c.AllJobs(ctx)
	if err != nil || len(jobs) != 4 {
		t.Fatalf("after restart: %v, %d jobs", err, len(jobs))
	}
	for _, id := range ids {
		j := waitJob(t, c, id, final)
		if j.State != api.Complete {
			t.Fatalf("job %s ended %s %q", id, j.State, j.Errors)
		}
		if got, want := fetch(t, c, id, ""), alignBytes(t, data, j, "json"); !bytes.Equal(got, want) {
			t.Errorf("job %s: results differ from wtalign align's", id)
		}
		if b := before[id]; j.Sessions != wantSessions[id] {
			t.Errorf("job %s (%s at the kill, %d done): %d sessions, want %d", id, b.State, b.Counts.Done, j.Sessions, wantSessions[id])
		}
	}
	if !strings.Contains(d.stderr.String(), `"resuming":`) {
		t.Error("no recovery log line")
	}
}

func ptr[T any](v T) *T { return &v }

// TestE2ESIGTERMDrain: SIGTERM checkpoints the running job and exits 0;
// the next start resumes it to align's bytes.
func TestE2ESIGTERMDrain(t *testing.T) {
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	d := startDaemon(t, data)
	c, _ := client.New(d.url, tok)
	// Three inputs on one thread: 12 work units of 512 proteins, of which
	// at most 4 are in flight, so the drain always finds work it must not
	// start (2,500 proteins on 2 threads could all be in flight at once and
	// finish before the signal took effect).
	var qs []client.Upload
	for _, skip := range []int{0, 2000, 1000} {
		qs = append(qs, client.FileUpload(subset(t, t.TempDir(), 2000, skip)))
	}
	res, err := c.Submit(context.Background(), client.SubmitRequest{SubmitRequest: api.SubmitRequest{Params: map[string]any{"checkpoint-every": 25, "threads": 1}},
		Queries: qs, Reference: ptr(client.FileUpload(refPath))})
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, c, res.ID, func(j *api.Job) bool { return j.State == api.Running && j.Counts.Done >= 25 })
	if err := d.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM exit: %v\n%s", err, d.stderr)
	}
	man, _ := os.ReadFile(filepath.Join(data, "jobs", res.ID, "out.json.manifest.json"))
	meta, _ := os.ReadFile(filepath.Join(data, "jobs", res.ID, "job.json"))
	if !bytes.Contains(man, []byte(`"status": "interrupted"`)) || !bytes.Contains(meta, []byte(`"state": "RUNNING"`)) {
		t.Fatalf("after drain: manifest %.300s\njob %s", man, meta)
	}
	d.start()
	c, _ = client.New(d.url, tok)
	j := waitJob(t, c, res.ID, final)
	if j.State != api.Complete || j.Sessions != 2 {
		t.Fatalf("resumed job: %s, %d sessions", j.State, j.Sessions)
	}
	if got, want := fetch(t, c, res.ID, ""), alignBytes(t, data, j, "json"); !bytes.Equal(got, want) {
		t.Error("drained and resumed job differs from wtalign align's bytes")
	}
}

// TestE2ESIGHUP: a new token works after SIGHUP, a removed one is
// refused, a broken tokens file is rejected and the old tokens stay.
func TestE2ESIGHUP(t *testing.T) {
	data := t.TempDir()
	alice := addToken(t, data, "alice", "submit")
	d := startDaemon(t, data)
	code := func(tok string) int {
		c, _ := client.New(d.url, tok)
		_, err := c.Jobs(context.Background(), client.ListOptions{})
		var p *api.Problem
		if errors.As(err, &p) {
			return p.Status
		}
		if err != nil {
			t.Fatal(err)
		}
		return 200
	}
	hup := func(wantLog string) {
		t.Helper()
		d.cmd.Process.Signal(syscall.SIGHUP)
		deadline := time.Now().Add(10 * time.Second)
		for strings.Count(d.stderr.String(), wantLog) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log:\n%s", wantLog, d.stderr)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	bob := addToken(t, data, "bob", "read")
	if code(bob) != 401 {
		t.Error("bob works before SIGHUP")
	}
	hup("configuration and tokens reloaded")
	if code(bob) != 200 || code(alice) != 200 {
		t.Errorf("after SIGHUP: bob %d alice %d", code(bob), code(alice))
	}
	if _, errs, c := cli(t, "", nil, "serve", "token", "remove", "bob", "--data-dir", data); c != 0 {
		t.Fatal(errs)
	}
	before := strings.Count(d.stderr.String(), "configuration and tokens reloaded")
	d.cmd.Process.Signal(syscall.SIGHUP)
	for strings.Count(d.stderr.String(), "configuration and tokens reloaded") == before {
		time.Sleep(20 * time.Millisecond)
	}
	if code(bob) != 401 {
		t.Error("removed bob still works")
	}
	tf := filepath.Join(data, "tokens.yaml")
	good, _ := os.ReadFile(tf)
	os.WriteFile(tf, []byte("tokens:\n  - name: alice\n    role: submit\n    sha256: 12\n"), 0o600)
	hup("reload rejected")
	if code(alice) != 200 {
		t.Error("alice refused after a rejected reload")
	}
	if !strings.Contains(d.stderr.String(), "sha256: want the 64 hex digits") {
		t.Errorf("the log does not say why:\n%s", d.stderr)
	}
	os.WriteFile(tf, good, 0o600)
}

// TestE2EDiskFull fills a real tmpfs: the upload answers 507 and leaves
// nothing; the server goes on.
func TestE2EDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	data := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", data).Run() })
	tok := addToken(t, data, "alice", "submit")
	d := startDaemon(t, data)
	t.Cleanup(func() { d.signal(syscall.SIGTERM) }) // before the umount
	c, _ := client.New(d.url, tok)
	ctx := context.Background()
	_, err := c.Submit(ctx, client.SubmitRequest{Queries: []client.Upload{client.FileUpload(proteomePath)}, Reference: ptr(client.FileUpload(refPath))})
	var p *api.Problem
	if !errors.As(err, &p) || p.Status != 507 || p.Type != api.ProblemType("disk-full") {
		t.Fatalf("upload onto a full disk: %v", err)
	}
	for _, sub := range []string{"jobs", "staging"} {
		if ents, _ := os.ReadDir(filepath.Join(data, sub)); len(ents) != 0 {
			t.Errorf("%s keeps %d entries", sub, len(ents))
		}
	}
	res, err := c.Submit(ctx, client.SubmitRequest{Queries: []client.Upload{client.FileUpload(variantsPath)}, Reference: ptr(client.FileUpload(refPath))})
	if err != nil {
		t.Fatal(err)
	}
	if j := waitJob(t, c, res.ID, final); j.State != api.Complete {
		t.Errorf("small job after the full disk: %s %q", j.State, j.Errors)
	}
}
