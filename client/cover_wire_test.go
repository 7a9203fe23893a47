package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
)

// fake serves handler on loopback for one test.
func fake(t *testing.T, handler http.HandlerFunc) *Client {
	t.Helper()
	hs := httptest.NewServer(handler)
	t.Cleanup(hs.Close)
	c, err := New(hs.URL, "tok")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewRefusesNonHTTPServers(t *testing.T) {
	for _, base := range []string{"", "ftp://h:21", "localhost:8080", "http://", "https:///v1", "http://h\x7f"} {
		if _, err := New(base, ""); err == nil || !strings.Contains(err.Error(), "want http://host:port or https://host") {
			t.Errorf("New(%q): %v", base, err)
		}
	}
	c, err := New("https://wt.example.org/api/", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.url("/v1/jobs", nil); got != "https://wt.example.org/api/v1/jobs" {
		t.Errorf("url under a path prefix: %s", got)
	}
}

// TestHeadersAndOptions: the bearer token (none when empty), the user
// agent and the given http.Client are used.
func TestHeadersAndOptions(t *testing.T) {
	var mu sync.Mutex
	var auth, agent []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auth, agent = append(auth, r.Header.Get("Authorization")), append(agent, r.UserAgent())
		mu.Unlock()
		w.Write([]byte(`{"name":"wtalign"}`))
	}))
	defer hs.Close()
	used := 0
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used++
		return http.DefaultTransport.RoundTrip(r)
	})}
	a, _ := New(hs.URL, "s3cret", WithUserAgent("lab-pipeline/2"), WithHTTPClient(hc))
	b, _ := New(hs.URL, "")
	for _, c := range []*Client{a, b} {
		if info, err := c.ServiceInfo(context.Background()); err != nil || info.Name != "wtalign" {
			t.Fatalf("service info %+v, %v", info, err)
		}
	}
	if auth[0] != "Bearer s3cret" || auth[1] != "" || agent[0] != "lab-pipeline/2" || agent[1] != "wtalign-client" || used != 1 {
		t.Errorf("authorization %q, user agents %q, custom client used %d times", auth, agent, used)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestProblemOfAnyErrorBody: a problem document is returned as sent; any
// other error body still gives a *api.Problem with the status, and a
// Retry-After is kept in the detail.
func TestProblemOfAnyErrorBody(t *testing.T) {
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/jobs/doc":
			w.Header().Set("Content-Type", api.MediaProblem)
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"urn:wtalign:problem:not-found","title":"No such job","status":404,"detail":"job doc"}`))
		case "/v1/jobs/proxy":
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("upstream down\n"))
		case "/v1/jobs/busy":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte(`{"title":"Too many requests","status":429,"detail":"slow down"}`))
		case "/v1/jobs/zero":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"title":"no status"}`))
		}
	})
	for id, want := range map[string]api.Problem{
		"doc":   {Type: "urn:wtalign:problem:not-found", Title: "No such job", Status: 404, Detail: "job doc"},
		"proxy": {Title: "Bad Gateway", Status: 502, Detail: "upstream down"},
		"busy":  {Title: "Too many requests", Status: 429, Detail: "slow down (Retry-After: 7s)"},
		"zero":  {Title: "Service Unavailable", Status: 503, Detail: `{"title":"no status"}`},
	} {
		_, err := c.Job(context.Background(), id)
		var p *api.Problem
		if !errors.As(err, &p) || *p != want {
			t.Errorf("%s: %#v, want %#v", id, err, want)
		}
	}
}

func TestUnreadableAnswers(t *testing.T) {
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
		}
		w.Write([]byte(`{"id":`))
	})
	ctx := context.Background()
	if _, err := c.ServiceInfo(ctx); err == nil || !strings.HasPrefix(err.Error(), "client: GET /v1/service-info: reading the answer: ") {
		t.Errorf("service info: %v", err)
	}
	if _, err := c.Submit(ctx, SubmitRequest{}); err == nil || !strings.HasPrefix(err.Error(), "client: POST /v1/jobs: reading the answer: ") {
		t.Errorf("submit: %v", err)
	}
}

func TestUnreachableServer(t *testing.T) {
	hs := httptest.NewServer(http.NotFoundHandler())
	url := hs.URL
	hs.Close()
	c, _ := New(url, "")
	_, err := c.Job(context.Background(), "j1")
	var p *api.Problem
	if err == nil || errors.As(err, &p) || !strings.HasPrefix(err.Error(), "client: GET /v1/jobs/j1: ") {
		t.Errorf("closed server: %v", err)
	}
}

// TestSubmitJSONAndMultipart: without uploads the request is the JSON
// SubmitRequest; with uploads a multipart form with a params part, the
// service fields and one file part per upload, names quoted safely.
func TestSubmitJSONAndMultipart(t *testing.T) {
	type got struct {
		ctype  string
		body   []byte
		fields map[string]string
		files  []string // field=filename:content
	}
	var last got
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		last = got{ctype: r.Header.Get("Content-Type"), fields: map[string]string{}}
		if strings.HasPrefix(last.ctype, "multipart/form-data") {
			mr, err := r.MultipartReader()
			if err != nil {
				t.Error(err)
				return
			}
			for {
				p, err := mr.NextPart()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Error(err)
					return
				}
				b, _ := io.ReadAll(p)
				if p.FileName() != "" {
					last.files = append(last.files, p.FormName()+"="+p.FileName()+":"+string(b))
				} else {
					last.fields[p.FormName()] = p.Header.Get("Content-Type") + " " + string(b)
				}
			}
		} else {
			last.body, _ = io.ReadAll(r.Body)
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"j9","state":"QUEUED","location":"/v1/jobs/j9"}`))
	})
	ctx := context.Background()
	base := api.SubmitRequest{Params: map[string]any{"inputs": []string{"/data/q.faa"}}, ReferenceSet: "k12", Label: "x"}
	sub, err := c.Submit(ctx, SubmitRequest{SubmitRequest: base})
	if err != nil || *sub != (api.SubmitResponse{ID: "j9", State: api.Queued, Location: "/v1/jobs/j9"}) {
		t.Fatalf("json submit %+v, %v", sub, err)
	}
	if last.ctype != api.MediaJSON || string(last.body) != `{"params":{"inputs":["/data/q.faa"]},"reference_set":"k12","label":"x"}` {
		t.Errorf("json submit sent %s %s", last.ctype, last.body)
	}

	text := func(name, s string) Upload {
		return Upload{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(s)), nil }}
	}
	ref, mp, sites := text("ref.faa", ">r\nM\n"), text("map.tsv", "q\tr\n"), text("sites.tsv", "gyrA\t83\n")
	base.NotifyURL, base.NotifyFormat = "http://127.0.0.1:9/hook", api.NotifySlack
	_, err = c.Submit(ctx, SubmitRequest{SubmitRequest: base, Queries: []Upload{text(`a"b\c.faa`, ">q1\nM\n"), text("two.faa", ">q2\nK\n")},
		Reference: &ref, Map: &mp, Sites: &sites})
	if err != nil {
		t.Fatal(err)
	}
	wantFields := map[string]string{
		"params":        `application/json {"inputs":["/data/q.faa"]}`,
		"reference_set": " k12", "label": " x", "notify_url": " http://127.0.0.1:9/hook", "notify_format": " slack",
	}
	if len(last.fields) != len(wantFields) {
		t.Errorf("fields %q", last.fields)
	}
	for k, v := range wantFields {
		if last.fields[k] != v {
			t.Errorf("field %s = %q, want %q", k, last.fields[k], v)
		}
	}
	// Queries first, in order; the three single files after them.
	if len(last.files) != 5 || last.files[0] != "query="+`a"b\c.faa`+":>q1\nM\n" || last.files[1] != "query=two.faa:>q2\nK\n" {
		t.Fatalf("files %q", last.files)
	}
	rest := strings.Join(last.files[2:], "|")
	for _, f := range []string{"reference=ref.faa:>r\nM\n", "map=map.tsv:q\tr\n", "sites=sites.tsv:gyrA\t83\n"} {
		if !strings.Contains(rest, f) {
			t.Errorf("file part %q missing from %q", f, rest)
		}
	}
}

// TestUploadFailuresNameTheFile: an upload that cannot be opened or read
// fails the submission with its name.
func TestUploadFailuresNameTheFile(t *testing.T) {
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{}`))
	})
	missing := FileUpload(t.TempDir() + "/gone.faa")
	if missing.Name != "gone.faa" {
		t.Errorf("upload name %q", missing.Name)
	}
	_, err := c.Submit(context.Background(), SubmitRequest{Queries: []Upload{missing}})
	if err == nil || !strings.Contains(err.Error(), "client: gone.faa: open ") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing upload: %v", err)
	}
	broken := Upload{Name: "half.faa", Open: func() (io.ReadCloser, error) {
		return io.NopCloser(io.MultiReader(strings.NewReader(">q\n"), errReader{})), nil
	}}
	_, err = c.Submit(context.Background(), SubmitRequest{Reference: &broken})
	if err == nil || !strings.Contains(err.Error(), "client: half.faa: read failed") {
		t.Errorf("unreadable upload: %v", err)
	}
	_, err = c.Submit(context.Background(), SubmitRequest{SubmitRequest: api.SubmitRequest{Params: map[string]any{"x": func() {}}}, Queries: []Upload{broken}})
	if err == nil || !strings.Contains(err.Error(), "json: unsupported type: func()") {
		t.Errorf("params that are no JSON: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("read failed") }

func TestResultsChecksum(t *testing.T) {
	body := "record 1\nrecord 2\n"
	var query string
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		switch r.URL.Path {
		case "/v1/jobs/good/results":
			w.Header().Set("ETag", `"8e5d5dc0c50a1e2a0ca9e2a4b1d6e48c4b0d5f8b1b7f34bc2f2c0fb1c8e3c3a8"`)
		case "/v1/jobs/bad/results":
			w.Header().Set("ETag", `"00"`)
		}
		w.Write([]byte(body))
	})
	ctx := context.Background()
	var out bytes.Buffer
	n, err := c.Results(ctx, "none", "tsv", &out) // no ETag: nothing to check
	if err != nil || n != int64(len(body)) || out.String() != body || query != "format=tsv" {
		t.Errorf("no ETag: %d %v %q (query %q)", n, err, out.String(), query)
	}
	n, err = c.Results(ctx, "bad", "", io.Discard)
	if !errors.Is(err, ErrChecksum) || err.Error() != ErrChecksum.Error()+" (job bad)" || n != int64(len(body)) || query != "" {
		t.Errorf("wrong ETag: %d, %v (query %q)", n, err, query)
	}
	if _, err := c.Results(ctx, "good", "", io.Discard); !errors.Is(err, ErrChecksum) {
		t.Errorf("an ETag that is not the body's sha256 is accepted: %v", err)
	}
}

// TestCancelAndQueryEncoding: cancel posts to :cancel and decodes the job;
// list options become the documented query parameters.
func TestCancelAndQueryEncoding(t *testing.T) {
	var method, path, query string
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		method, path, query = r.Method, r.URL.EscapedPath(), r.URL.RawQuery
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusAccepted)
			w.Write([]byte(`{"id":"j1","state":"CANCELING"}`))
			return
		}
		w.Write([]byte(`{"jobs":[]}`))
	})
	j, err := c.Cancel(context.Background(), "j1")
	if err != nil || j.State != api.Canceling || method != http.MethodPost || path != "/v1/jobs/j1:cancel" {
		t.Errorf("cancel: %+v %v (%s %s)", j, err, method, path)
	}
	if _, err := c.Jobs(context.Background(), ListOptions{States: []api.State{api.Running, api.Queued}, PageSize: 5, PageToken: "t0k"}); err != nil {
		t.Fatal(err)
	}
	if query != "page_size=5&page_token=t0k&state=RUNNING&state=QUEUED" {
		t.Errorf("list query %q", query)
	}
}

// TestWait: 429 and 5xx answers are retried, other problems end the wait;
// a cancelled context ends it with the last state seen.
func TestWait(t *testing.T) {
	var mu sync.Mutex
	answers := []int{http.StatusServiceUnavailable, http.StatusTooManyRequests, http.StatusOK, http.StatusOK}
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.URL.Path {
		case "/v1/jobs/gone":
			w.WriteHeader(http.StatusNotFound)
			return
		case "/v1/jobs/forever":
			json.NewEncoder(w).Encode(api.Job{ID: "forever", State: api.Running})
			return
		}
		code := answers[0]
		answers = answers[1:]
		if code != http.StatusOK {
			w.WriteHeader(code)
			return
		}
		st := api.Running
		if len(answers) == 0 {
			st = api.Complete
		}
		json.NewEncoder(w).Encode(api.Job{ID: "j", State: st})
	})
	var seen []api.State
	j, err := c.Wait(context.Background(), "j", time.Millisecond, func(j *api.Job) { seen = append(seen, j.State) })
	if err != nil || j.State != api.Complete || len(seen) != 2 || seen[0] != api.Running || seen[1] != api.Complete {
		t.Errorf("wait: %+v %v, seen %v", j, err, seen)
	}
	if _, err := c.Wait(context.Background(), "gone", time.Millisecond, nil); err == nil || err.(*api.Problem).Status != http.StatusNotFound {
		t.Errorf("wait on a missing job: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	j, err = c.Wait(ctx, "forever", time.Hour, func(*api.Job) { cancel() })
	if !errors.Is(err, context.Canceled) || j == nil || j.State != api.Running {
		t.Errorf("cancelled wait: %+v %v", j, err)
	}
}
