// Package api holds the types of wtalign's HTTP job service that the
// server and the client share: requests, responses, job states and the
// problem document. docs/openapi.yaml describes the same shapes; a test in
// package server keeps the two in step.
//
// The package has no behaviour beyond small helpers on these types: it
// never logs, never does I/O.
package api

import "time"

// State is a job's state, named as GA4GH WES names run states.
type State string

// Job states. A job moves QUEUED -> INITIALIZING (inputs read, references
// prepared) -> RUNNING -> COMPLETE, EXECUTOR_ERROR (bad input, or finished
// with failed records) or SYSTEM_ERROR (the server's own files are
// damaged); a cancel moves it through CANCELING to CANCELED.
const (
	Queued        State = "QUEUED"
	Initializing  State = "INITIALIZING"
	Running       State = "RUNNING"
	Complete      State = "COMPLETE"
	ExecutorError State = "EXECUTOR_ERROR"
	SystemError   State = "SYSTEM_ERROR"
	Canceling     State = "CANCELING"
	Canceled      State = "CANCELED"
)

// States lists every state, in the order a job can pass through them.
var States = []State{Queued, Initializing, Running, Complete, ExecutorError, SystemError, Canceling, Canceled}

// Final reports whether a job in state s will not change any more.
func (s State) Final() bool {
	switch s {
	case Complete, ExecutorError, SystemError, Canceled:
		return true
	}
	return false
}

// Valid reports whether s is one of States.
func (s State) Valid() bool {
	for _, v := range States {
		if v == s {
			return true
		}
	}
	return false
}

// Role is what a token may do. Each role includes the ones before it.
type Role string

// Roles: read lists jobs and fetches results; submit also creates,
// cancels and deletes jobs; admin sees and manages every owner's jobs.
const (
	RoleRead   Role = "read"
	RoleSubmit Role = "submit"
	RoleAdmin  Role = "admin"
)

// Roles lists the roles from least to most.
var Roles = []Role{RoleRead, RoleSubmit, RoleAdmin}

// Allows reports whether role r includes role need.
func (r Role) Allows(need Role) bool { return r.rank() >= need.rank() && need.rank() > 0 }

func (r Role) rank() int {
	for i, v := range Roles {
		if v == r {
			return i + 1
		}
	}
	return 0
}

// Notification payload formats.
const (
	NotifyJSON  = "json"  // the JobEvent document
	NotifySlack = "slack" // {"text": "..."} for a Slack-compatible incoming webhook
)

// SubmitRequest is the JSON body of POST /v1/jobs for jobs whose files
// are on the server's filesystem (no upload), and the "job" fields of a
// multipart submission.
type SubmitRequest struct {
	// Params are align's parameters by flag name (min-identity, gapopen,
	// ...). inputs, reference, map, sites, catalog, a gene-alias file and
	// a matrix file are server-side paths here, allowed only under the
	// server's path roots.
	Params       map[string]any `json:"params,omitempty"`
	ReferenceSet string         `json:"reference_set,omitempty"`
	CatalogSet   string         `json:"catalog_set,omitempty"` // catalogs configured on the server (ServiceInfo.CatalogSets), instead of catalog paths in Params
	NotifyURL    string         `json:"notify_url,omitempty"`
	NotifyFormat string         `json:"notify_format,omitempty"`
	Label        string         `json:"label,omitempty"`
}

// SubmitResponse answers a successful POST /v1/jobs (201, with Location).
type SubmitResponse struct {
	ID       string `json:"id"`
	State    State  `json:"state"`
	Location string `json:"location"`
}

// Job is the state of one job (GET /v1/jobs/{id}).
type Job struct {
	ID          string     `json:"id"`
	Label       string     `json:"label,omitempty"`
	Owner       string     `json:"owner"`
	SubmittedBy string     `json:"submitted_by"`
	State       State      `json:"state"`
	CreatedAt   time.Time  `json:"created_at"`
	StartedAt   *time.Time `json:"started_at,omitempty"`
	EndedAt     *time.Time `json:"ended_at,omitempty"`
	// Params are the effective align parameters (flag names), with paths
	// shown as the job's file names.
	Params       map[string]any    `json:"params"`
	Inputs       []File            `json:"inputs"`
	Reference    string            `json:"reference"`
	ReferenceSet string            `json:"reference_set,omitempty"`
	CatalogSet   string            `json:"catalog_set,omitempty"`
	Threads      int               `json:"threads"`
	Progress     Progress          `json:"progress"`
	Counts       Counts            `json:"counts"`
	Errors       []string          `json:"errors"`
	Failures     []Failure         `json:"failures"`
	Results      *Results          `json:"results,omitempty"`
	Notify       *Notify           `json:"notify,omitempty"`
	Sessions     int               `json:"sessions"` // runs of the pipeline: 1, +1 per resume after a restart
	DiskBytes    int64             `json:"disk_bytes"`
	Links        map[string]string `json:"links"`
}

// File is an input file of a job.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Progress of a job's records.
type Progress struct {
	Done    int      `json:"done"`
	Total   *int     `json:"total"` // nil until known
	Percent *float64 `json:"percent"`
	// RecordsPerSecond is the rate of the current session; ETA is only
	// set while the job runs.
	RecordsPerSecond float64    `json:"records_per_second"`
	ETA              *time.Time `json:"eta,omitempty"`
}

// Counts of written records by outcome.
type Counts struct {
	Done         int            `json:"done"`
	Failed       int            `json:"failed"`
	NoHit        int            `json:"no_hit"`
	Skipped      int            `json:"skipped"`
	FallbackUsed int            `json:"fallback_used"`
	Statuses     map[string]int `json:"statuses"`
}

// Failure is one failed record (it is in the results too, with its reason).
type Failure struct {
	InputFile   string `json:"input_file"`
	RecordIndex int    `json:"record_index"`
	ID          string `json:"id"`
	Reason      string `json:"reason"`
}

// Results describes a job's finished output.
type Results struct {
	Format string `json:"format"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Notify is a job's webhook and what happened to its deliveries.
type Notify struct {
	URL        string     `json:"url"`
	Format     string     `json:"format"`
	State      string     `json:"state"` // pending, delivered, failed
	Deliveries []Delivery `json:"deliveries"`
}

// Notification delivery states.
const (
	NotifyPending   = "pending"
	NotifyDelivered = "delivered"
	NotifyFailed    = "failed"
)

// Delivery is one attempt to deliver a job's notification.
type Delivery struct {
	Attempt    int       `json:"attempt"`
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code,omitempty"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

// JobList is a page of jobs (GET /v1/jobs), newest first.
type JobList struct {
	Jobs          []Job  `json:"jobs"`
	NextPageToken string `json:"next_page_token,omitempty"`
}

// JobEvent is the body of a job's JSON notification.
type JobEvent struct {
	Event   string    `json:"event"` // job.finished
	ID      string    `json:"id"`
	Label   string    `json:"label,omitempty"`
	State   State     `json:"state"`
	Counts  Counts    `json:"counts"`
	Errors  []string  `json:"errors"`
	EndedAt time.Time `json:"ended_at"`
	Results string    `json:"results,omitempty"` // URL of the results, when the server knows its public URL
	Job     string    `json:"job,omitempty"`     // URL of the job
}

// SlackMessage is the Slack-compatible notification body.
type SlackMessage struct {
	Text string `json:"text"`
}

// ServiceInfo describes the server (GET /v1/service-info).
type ServiceInfo struct {
	Name          string         `json:"name"`
	Version       string         `json:"version"`
	Commit        string         `json:"commit"`
	APIVersion    string         `json:"api_version"`
	Engines       []EngineInfo   `json:"engines"`
	Matrices      []string       `json:"matrices"`
	Formats       []string       `json:"formats"`
	States        []State        `json:"states"`
	ReferenceSets []ReferenceSet `json:"reference_sets"`
	CatalogSets   []CatalogSet   `json:"catalog_sets"`
	Limits        Limits         `json:"limits"`
}

// EngineInfo is an alignment engine and whether this server has it.
type EngineInfo struct {
	Name      string `json:"name"`
	Available bool   `json:"available"`
	Version   string `json:"version,omitempty"`
}

// ReferenceSet is a reference FASTA configured on the server.
type ReferenceSet struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	SHA256      string `json:"sha256"`
}

// CatalogSet is a set of resistance catalogs configured on the server.
// Format and Taxgroup, when set, are the catalog-format and
// catalog-taxgroup its jobs use (a submission cannot override them).
type CatalogSet struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Format      string `json:"format,omitempty"`
	Taxgroup    string `json:"taxgroup,omitempty"`
}

// Limits are the server's request and job limits.
type Limits struct {
	MaxRequestBytes   int64   `json:"max_request_bytes"`
	MaxUploadBytes    int64   `json:"max_upload_bytes"`
	MaxQueuedPerOwner int     `json:"max_queued_per_owner"`
	DiskQuotaBytes    int64   `json:"disk_quota_bytes"` // per owner; 0: none
	RequestsPerSecond float64 `json:"requests_per_second"`
	Burst             int     `json:"burst"`
	CPUs              int     `json:"cpus"`
	RetentionDays     float64 `json:"retention_days"` // 0: keep forever
}

// Problem is an error response (RFC 9457, application/problem+json).
// Field names the parameter or form field at fault, File the uploaded or
// server-side file.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	Field    string `json:"field,omitempty"`
	File     string `json:"file,omitempty"`
}

func (p *Problem) Error() string {
	s := p.Title
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s
}

// ProblemType makes the type URI of a problem from its short name.
func ProblemType(name string) string { return "urn:wtalign:problem:" + name }

// Media types.
const (
	MediaProblem = "application/problem+json"
	MediaJSON    = "application/json"
	MediaNDJSON  = "application/x-ndjson"
	MediaTSV     = "text/tab-separated-values"
)
