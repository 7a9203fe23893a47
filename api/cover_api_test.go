package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestStateFinalAndValid(t *testing.T) {
	final := map[State]bool{Complete: true, ExecutorError: true, SystemError: true, Canceled: true}
	for _, s := range States {
		if !s.Valid() {
			t.Errorf("%s: not Valid", s)
		}
		if s.Final() != final[s] {
			t.Errorf("%s: Final() = %v", s, s.Final())
		}
	}
	for _, s := range []State{"", "queued", "DONE", "CANCELLED"} {
		if s.Valid() || s.Final() {
			t.Errorf("%q: Valid %v Final %v, want both false", s, s.Valid(), s.Final())
		}
	}
}

func TestRoleAllows(t *testing.T) {
	for i, r := range Roles {
		for j, need := range Roles {
			if got := r.Allows(need); got != (i >= j) {
				t.Errorf("%s.Allows(%s) = %v", r, need, got)
			}
		}
		// An unknown role needed is never granted; an unknown role grants nothing.
		if r.Allows("owner") || r.Allows("") {
			t.Errorf("%s allows an unknown role", r)
		}
		if Role("root").Allows(r) || Role("").Allows(r) {
			t.Errorf("an unknown role allows %s", r)
		}
	}
}

func TestProblem(t *testing.T) {
	p := &Problem{Type: ProblemType("bad-request"), Title: "Bad request", Status: 400}
	if p.Error() != "Bad request" {
		t.Errorf("no detail: %q", p.Error())
	}
	p.Detail = "field min-identity: want a number"
	if p.Error() != "Bad request: field min-identity: want a number" {
		t.Errorf("with detail: %q", p.Error())
	}
	if p.Type != "urn:wtalign:problem:bad-request" {
		t.Errorf("type %q", p.Type)
	}
	var err error = p // a *Problem is what the client returns as an error
	b, _ := json.Marshal(err)
	if string(b) != `{"type":"urn:wtalign:problem:bad-request","title":"Bad request","status":400,"detail":"field min-identity: want a number"}` {
		t.Errorf("JSON %s", b)
	}
}

// TestJobJSONRoundTrip: a job decodes to what was encoded, nil pointers
// stay absent (omitempty) and unknown totals are null.
func TestJobJSONRoundTrip(t *testing.T) {
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	total, pct := 10, 40.0
	j := Job{
		ID: "j1", Owner: "alice", SubmittedBy: "alice", State: Running, CreatedAt: at, StartedAt: &at,
		Params: map[string]any{"min-identity": 90.0}, Inputs: []File{{Name: "q.faa", Size: 3, SHA256: "ab"}},
		Reference: "ref.faa", Threads: 2, Progress: Progress{Done: 4, Total: &total, Percent: &pct, RecordsPerSecond: 1.5},
		Counts: Counts{Done: 4, Statuses: map[string]int{"mutant": 4}}, Errors: []string{}, Failures: []Failure{},
		Notify:   &Notify{URL: "http://127.0.0.1/h", Format: NotifyJSON, State: NotifyPending, Deliveries: []Delivery{}},
		Sessions: 1, Links: map[string]string{"self": "/v1/jobs/j1"},
	}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var back Job
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, j) {
		t.Errorf("round trip:\n%+v\nwant\n%+v", back, j)
	}
	for _, absent := range []string{`"ended_at"`, `"results"`, `"label"`, `"reference_set"`, `"eta"`} {
		if strings.Contains(string(b), absent) {
			t.Errorf("%s written for a zero value: %s", absent, b)
		}
	}
	b, _ = json.Marshal(Progress{})
	if string(b) != `{"done":0,"total":null,"percent":null,"records_per_second":0}` {
		t.Errorf("empty progress %s", b)
	}
}

type schema struct {
	Type       any                `yaml:"type"`
	Enum       []string           `yaml:"enum"`
	Required   []string           `yaml:"required"`
	Properties map[string]*schema `yaml:"properties"`
	AddProps   any                `yaml:"additionalProperties"`
}

func openAPISchemas(t *testing.T) map[string]*schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]*schema `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

// TestTypesMatchOpenAPI: each documented object has exactly the JSON
// fields of its Go type, and the fields it requires are exactly those
// written even when zero (no omitempty).
func TestTypesMatchOpenAPI(t *testing.T) {
	schemas := openAPISchemas(t)
	types := map[string]any{
		"SubmitRequest": SubmitRequest{}, "SubmitResponse": SubmitResponse{}, "File": File{}, "Progress": Progress{},
		"Counts": Counts{}, "Failure": Failure{}, "Results": Results{}, "Delivery": Delivery{}, "Notify": Notify{},
		"Job": Job{}, "JobList": JobList{}, "JobEvent": JobEvent{}, "SlackMessage": SlackMessage{},
		"EngineInfo": EngineInfo{}, "ReferenceSet": ReferenceSet{}, "CatalogSet": CatalogSet{}, "Limits": Limits{}, "ServiceInfo": ServiceInfo{},
		"Problem": Problem{},
	}
	for name, v := range types {
		sc := schemas[name]
		if sc == nil {
			t.Errorf("docs/openapi.yaml has no schema %s", name)
			continue
		}
		var fields, required []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			tag := rt.Field(i).Tag.Get("json")
			if tag == "" || tag == "-" {
				continue
			}
			n, opts, _ := strings.Cut(tag, ",")
			fields = append(fields, n)
			if !strings.Contains(opts, "omitempty") {
				required = append(required, n)
			}
		}
		var documented []string
		for p := range sc.Properties {
			documented = append(documented, p)
		}
		sort.Strings(fields)
		sort.Strings(documented)
		sort.Strings(required)
		req := slices.Clone(sc.Required)
		sort.Strings(req)
		if !slices.Equal(fields, documented) {
			t.Errorf("%s: Go fields %q, documented %q", name, fields, documented)
		}
		if name != "Problem" && !slices.Equal(required, req) { // RFC 9457 makes every member optional
			t.Errorf("%s: always written %q, documented required %q", name, required, req)
		}
	}
}

func TestEnumsMatchOpenAPI(t *testing.T) {
	schemas := openAPISchemas(t)
	var states []string
	for _, s := range States {
		states = append(states, string(s))
	}
	if got := schemas["State"].Enum; !slices.Equal(got, states) {
		t.Errorf("State enum %q, States %q", got, states)
	}
	n := schemas["Notify"].Properties
	if got := n["format"].Enum; !slices.Equal(got, []string{NotifyJSON, NotifySlack}) {
		t.Errorf("notify formats %q", got)
	}
	if got := n["state"].Enum; !slices.Equal(got, []string{NotifyPending, NotifyDelivered, NotifyFailed}) {
		t.Errorf("notify states %q", got)
	}
	if got := schemas["SubmitRequest"].Properties["notify_format"].Enum; !slices.Equal(got, []string{NotifyJSON, NotifySlack}) {
		t.Errorf("submit notify_format %q", got)
	}
}
