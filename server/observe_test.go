package server

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	wm "github.com/wtalign/wtalign/metrics"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"gopkg.in/yaml.v3"

	"github.com/wtalign/wtalign/api"
)

// receiver is a webhook endpoint on loopback that fails the first
// `fail` deliveries with 503.
type receiver struct {
	mu     sync.Mutex
	fail   int
	bodies [][]byte
	sigs   []string
	srv    *httptest.Server
}

func newReceiver(t *testing.T, fail int) *receiver {
	r := &receiver{fail: fail}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.bodies = append(r.bodies, b)
		r.sigs = append(r.sigs, req.Header.Get(SignatureHeader))
		if len(r.bodies) <= r.fail {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) host() string { u, _ := url.Parse(r.srv.URL); return u.Host }

func TestWebhooks(t *testing.T) {
	flaky := newReceiver(t, 2)
	slack := newReceiver(t, 0)
	ts := newTestServer(t, func(c *Config) {
		c.Webhooks.AllowedHosts = []string{flaky.host(), slack.host()}
		c.PublicURL = "https://wtalign.example"
	})
	secret := ""
	for _, tk := range ts.s.tokens.list {
		if tk.Name == "alice" {
			secret = tk.WebhookSecret
		}
	}
	id := ts.mustSubmit("alice", append(demoParts(t), part{"notify_url", "", []byte(flaky.srv.URL + "/hook")}, part{"label", "", []byte("run 7")}))
	j := ts.wait("alice", id, func(j api.Job) bool { return j.Notify != nil && j.Notify.State == api.NotifyDelivered })
	if n := j.Notify; len(n.Deliveries) != 3 || n.Deliveries[0].StatusCode != 503 || n.Deliveries[2].StatusCode != 204 || n.Deliveries[2].Error != "" {
		t.Errorf("delivery log: %+v", n.Deliveries)
	}
	flaky.mu.Lock()
	body, sig := flaky.bodies[2], flaky.sigs[2]
	flaky.mu.Unlock()
	if !hmac.Equal([]byte(sig), []byte(Sign(secret, body))) {
		t.Errorf("signature %q does not sign the body with alice's secret", sig)
	}
	var ev api.JobEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event != "job.finished" || ev.ID != id || ev.State != api.Complete ||
		ev.Counts.Done != 27 || ev.Results != "https://wtalign.example/v1/jobs/"+id+"/results" || ev.Label != "run 7" {
		t.Errorf("event %s (%v)", body, err)
	}
	id = ts.mustSubmit("alice", []part{{"query", "notes.txt", []byte("not fasta\n")}, {"reference", "ref.faa", fileBody(t, demoRef)},
		{"notify_url", "", []byte(slack.srv.URL)}, {"notify_format", "", []byte("slack")}})
	ts.wait("alice", id, func(j api.Job) bool { return j.Notify != nil && j.Notify.State == api.NotifyDelivered })
	var msg map[string]string
	slack.mu.Lock()
	json.Unmarshal(slack.bodies[0], &msg)
	slack.mu.Unlock()
	if len(msg) != 1 || !strings.Contains(msg["text"], "failed (EXECUTOR_ERROR)") || !strings.Contains(msg["text"], "not a FASTA file") {
		t.Errorf("slack body %q", msg)
	}
	// a receiver that never accepts: the job's notification fails after the attempts
	dead := newReceiver(t, 100)
	ts.s.mu.Lock()
	ts.s.cfg.Webhooks.AllowedHosts = append(ts.s.cfg.Webhooks.AllowedHosts, dead.host())
	ts.s.cfg.Webhooks.Attempts = 3
	ts.s.mu.Unlock()
	id = ts.mustSubmit("alice", append(demoParts(t), part{"notify_url", "", []byte(dead.srv.URL)}))
	j = ts.wait("alice", id, func(j api.Job) bool { return j.Notify != nil && j.Notify.State == api.NotifyFailed })
	if len(j.Notify.Deliveries) != 3 {
		t.Errorf("failed notification after %d attempts, want 3", len(j.Notify.Deliveries))
	}
}

// TestMetrics scrapes /metrics after a known set of jobs and requests
// and parses it with the Prometheus text parser.
func TestMetrics(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.Limits.RequestsPerSecond = 1000; c.Limits.Burst = 1000 })
	var ids []string
	for range 2 {
		ids = append(ids, ts.mustSubmit("alice", demoParts(t)))
	}
	ids = append(ids, ts.mustSubmit("bob", []part{{"query", "x.txt", []byte("no fasta\n")}, {"reference", "ref.faa", fileBody(t, demoRef)}}))
	for _, id := range ids[:2] {
		ts.wait("alice", id, nil)
	}
	ts.wait("bob", ids[2], nil)
	ts.do("GET", "/v1/jobs", "", "", nil)            // 401 missing
	ts.do("POST", "/v1/jobs", "reader", "", nil)     // 403 role
	ts.do("GET", "/v1/jobs/"+ids[0], "bob", "", nil) // 404
	resp, b := ts.do("GET", "/metrics", "", "", nil)
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
	p := expfmt.NewTextParser(model.LegacyValidation) // Prometheus' classic names: [a-zA-Z_:][a-zA-Z0-9_:]*
	fams, err := p.TextToMetricFamilies(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f := fams[name]
		if f == nil {
			t.Fatalf("no metric %s", name)
		}
	next:
		for _, m := range f.Metric {
			for k, v := range labels {
				found := false
				for _, lp := range m.Label {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s%v", name, labels)
		return 0
	}
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{wm.ServiceJobs.Name, map[string]string{"state": "COMPLETE"}, 2},
		{wm.ServiceJobs.Name, map[string]string{"state": "EXECUTOR_ERROR"}, 1},
		{wm.ServiceJobs.Name, map[string]string{"state": "RUNNING"}, 0},
		{wm.ServiceQueueLength.Name, nil, 0},
		{wm.ServiceThreadsInUse.Name, nil, 0},
		{wm.ServiceThreadsBudget.Name, nil, 2},
		{wm.ServiceRecordsAligned.Name, nil, 54},
		{wm.ServiceJobsFinished.Name, map[string]string{"state": "COMPLETE"}, 2},
		{wm.ServiceJobDuration.Name, map[string]string{"state": "EXECUTOR_ERROR"}, 1},
		{wm.ServiceAuthFailures.Name, map[string]string{"reason": "missing"}, 1},
		{wm.ServiceAuthFailures.Name, map[string]string{"reason": "role"}, 1},
		{wm.ServiceRequestDuration.Name, map[string]string{"route": "/v1/jobs/{id}", "method": "GET", "code": "404"}, 1},
		{wm.ServiceRequestDuration.Name, map[string]string{"route": "/v1/jobs", "method": "POST", "code": "201"}, 3},
		{wm.ServiceBuildInfo.Name, map[string]string{"version": "test"}, 1},
	} {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %g, want %g", c.name, c.labels, got, c.want)
		}
	}
	for name := range fams {
		if !model.LegacyValidation.IsValidMetricName(name) {
			t.Errorf("metric name %q", name)
		}
	}
}

// openAPIDoc is docs/openapi.yaml.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// TestRoutesMatchOpenAPI: every registered route is in the document and
// every operation of the document is served.
func TestRoutesMatchOpenAPI(t *testing.T) {
	doc := openAPIDoc(t)
	var documented []string
	for path, item := range doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			if method != "parameters" {
				documented = append(documented, strings.ToUpper(method)+" "+path)
			}
		}
	}
	ts := newTestServer(t, nil)
	var served []string
	for _, r := range ts.s.routes {
		served = append(served, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Errorf("routes and docs/openapi.yaml differ:\n served     %q\n documented %q", served, documented)
	}
	// and each is really routed (not the not-found handler)
	for _, r := range ts.s.routes {
		path := strings.ReplaceAll(r.Path, "{id}", "aaaaaaaaaaaaaaaa")
		resp, b := ts.do(r.Method, path, "root", "", nil)
		var p api.Problem
		if json.Unmarshal(b, &p) == nil && p.Type == api.ProblemType("not-found") {
			t.Errorf("%s %s is documented but not routed", r.Method, path)
		}
		_ = resp
	}
}

// TestOpenAPILint runs a real OpenAPI linter (@redocly/cli, installed by
// scripts/install-openapi-lint.sh into a git-ignored node_modules).
func TestOpenAPILint(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		t.Skip("npm not installed; the OpenAPI lint needs it (apt-get install npm)")
	}
	out, err := exec.Command("bash", filepath.Join("..", "scripts", "install-openapi-lint.sh")).Output()
	if err != nil {
		t.Fatalf("installing the linter: %v", err)
	}
	bin := strings.TrimSpace(string(out))
	cmd := exec.Command(bin, "lint", "--config", filepath.Join("..", "docs", "redocly.yaml"), "--format", "stylish", filepath.Join("..", "docs", "openapi.yaml"))
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	b, err := cmd.CombinedOutput()
	// stylish lines: "  40:7  warning  rule-name  message"
	if err != nil || regexp.MustCompile(`\d+:\d+\s+(warning|error)\s`).Match(b) || !strings.Contains(string(b), "Your API description is valid") {
		t.Errorf("redocly lint: %v\n%s", err, b)
	}
}

// TestDashboardWithoutJavaScript: signed in through the form, the page
// lists the jobs in plain HTML; the cookie cannot change jobs.
func TestDashboardWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t, nil)
	id := ts.mustSubmit("alice", append(demoParts(t), part{"label", "", []byte("<b>sample 1</b>")}))
	ts.wait("alice", id, nil)
	_, page := ts.do("GET", "/", "", "", nil)
	if !strings.Contains(string(page), `action="/login"`) || strings.Contains(string(page), id) {
		t.Error("signed out: the page must offer the form and no jobs")
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(ts.hs.URL+"/login", url.Values{"token": {"wta_wrong"}})
	if err != nil || resp.StatusCode != 303 || resp.Header.Get("Location") != "/?error=token" || len(resp.Cookies()) != 0 {
		t.Fatalf("bad login: %v %d %q", err, resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ = c.PostForm(ts.hs.URL+"/login", url.Values{"token": {ts.tokens["alice"]}})
	cookies := resp.Cookies()
	if resp.StatusCode != 303 || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d %+v", resp.StatusCode, cookies)
	}
	req, _ := http.NewRequest("GET", ts.hs.URL+"/", nil)
	req.AddCookie(cookies[0])
	resp, _ = http.DefaultClient.Do(req)
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{id, "COMPLETE", "&lt;b&gt;sample 1&lt;/b&gt;", `<progress max="100" value="100.0">`, "27/27", "mutant 14", "/v1/jobs/" + id + "/results"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
	req, _ = http.NewRequest("DELETE", ts.hs.URL+"/v1/jobs/"+id, nil)
	req.AddCookie(cookies[0])
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("DELETE with only the cookie: %d, want 401", resp.StatusCode)
	}
}
