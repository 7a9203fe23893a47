package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/pipeline"
)

// A job directory (<data-dir>/jobs/<id>/) holds everything of one job:
//
//	job.json             jobMeta: owner, state, times, errors, notification state
//	params.json          the pipeline.Spec it runs (align's parameters by flag name)
//	inputs/<name>        uploaded query files
//	reference/<name>     an uploaded reference (or map/sites) file
//	out.<format>         the results, once complete (out.<format>.partial while running)
//	out.<format>.manifest.json   align's checkpoint manifest
//	results.<format>     results converted to another format, made on request
//	deliveries.jsonl     the notification delivery log
//
// A job is created in <data-dir>/staging/<id> and renamed into jobs/ only
// when every upload is written and job.json is durable, so a failed
// upload (or a full disk) never leaves half a job.
const (
	jobsDir    = "jobs"
	stagingDir = "staging"
	metaFile   = "job.json"
	paramsFile = "params.json"
	inputsDir  = "inputs"
	refDir     = "reference"
	deliveries = "deliveries.jsonl"
)

// jobMeta is job.json.
type jobMeta struct {
	Version      int          `json:"version"`
	ID           string       `json:"id"`
	Label        string       `json:"label,omitempty"`
	Owner        string       `json:"owner"`
	SubmittedBy  string       `json:"submitted_by"`
	State        api.State    `json:"state"`
	CreatedAt    time.Time    `json:"created_at"`
	StartedAt    *time.Time   `json:"started_at,omitempty"`
	EndedAt      *time.Time   `json:"ended_at,omitempty"`
	Errors       []string     `json:"errors"`
	Inputs       []api.File   `json:"inputs"`
	Reference    string       `json:"reference"`
	ReferenceSet string       `json:"reference_set,omitempty"`
	CatalogSet   string       `json:"catalog_set,omitempty"`
	CatalogFiles []string     `json:"catalog_files,omitempty"` // the catalog set's files in the Spec, shown by the set's name
	Format       string       `json:"format"`
	Threads      int          `json:"threads"`
	Notify       *notifyMeta  `json:"notify,omitempty"`
	Results      *api.Results `json:"results,omitempty"`
	DiskBytes    int64        `json:"disk_bytes"`
}

type notifyMeta struct {
	URL    string `json:"url"`
	Format string `json:"format"`
	State  string `json:"state"`
}

const metaVersion = 1

// job is one job in memory: its metadata as on disk plus what only a
// running job has.
type job struct {
	dir string

	mu   sync.Mutex
	meta jobMeta
	spec pipeline.Spec

	cancel      func()
	cancelAsked bool
	done        int // records written, from the progress callback
	total       int // -1 unknown
	sessionAt   time.Time
	sessionFrom int
	man         *manifest.Manifest
	manTime     time.Time
	// broken says the job directory could not be read at all (job.json
	// unreadable): only an admin sees it, and it can only be deleted.
	broken bool
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newID is a random job id: 16 lowercase letters and digits.
func newID() (string, error) {
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("server: random: %w", err)
	}
	return idEncoding.EncodeToString(b[:]), nil
}

func validID(id string) bool {
	if len(id) != 16 {
		return false
	}
	_, err := idEncoding.DecodeString(id)
	return err == nil
}

func (j *job) metaPath() string { return filepath.Join(j.dir, metaFile) }

// save writes job.json atomically; the caller holds j.mu.
func (j *job) save() error {
	b, err := json.MarshalIndent(&j.meta, "", "  ")
	if err != nil {
		return err
	}
	if err := manifest.WriteFileAtomic(j.metaPath(), append(b, '\n')); err != nil {
		return fmt.Errorf("server: job %s: %w", j.meta.ID, err)
	}
	return nil
}

// outPath is the results file the pipeline writes.
func (j *job) outPath() string { return j.spec.Out }

func (j *job) manifestPath() string { return j.spec.Out + ".manifest.json" }

// loadJob reads a job directory. A job.json that cannot be read gives a
// broken job (SYSTEM_ERROR, no owner); a params.json that cannot be read
// gives a job in SYSTEM_ERROR with the reason.
func loadJob(dir string) *job {
	id := filepath.Base(dir)
	j := &job{dir: dir, total: -1}
	b, err := os.ReadFile(j.metaPath())
	if err == nil {
		err = json.Unmarshal(b, &j.meta)
		if err == nil && (j.meta.ID != id || !j.meta.State.Valid() || j.meta.Version != metaVersion) {
			err = fmt.Errorf("id %q, state %q, version %d do not describe job %s", j.meta.ID, j.meta.State, j.meta.Version, id)
		}
	}
	if err != nil {
		j.broken = true
		j.meta = jobMeta{Version: metaVersion, ID: id, State: api.SystemError,
			Errors: []string{"job directory damaged: " + metaFile + ": " + trimPath(err.Error(), dir)}}
		if st, serr := os.Stat(dir); serr == nil {
			j.meta.CreatedAt = st.ModTime().UTC()
		}
		return j
	}
	if j.meta.Errors == nil {
		j.meta.Errors = []string{}
	}
	b, err = os.ReadFile(filepath.Join(dir, paramsFile)) // #nosec G304 -- params.json in a job directory under the server's data directory
	if err == nil {
		j.spec, err = pipeline.DecodeJSON(b, pipeline.Spec{})
		if err == nil && j.spec.Out == "" {
			err = errors.New("no output path")
		}
	}
	if err != nil && !j.meta.State.Final() {
		j.fail(api.SystemError, "job directory damaged: "+paramsFile+": "+trimPath(err.Error(), dir))
	}
	return j
}

// fail ends the job in state st with msg; the caller holds j.mu (or owns j).
func (j *job) fail(st api.State, msg string) {
	now := time.Now().UTC()
	j.meta.State = st
	j.meta.EndedAt = &now
	j.meta.Errors = append(j.meta.Errors, msg)
	_ = j.save() // best effort: a job whose directory cannot be written is reported from memory
}

// checkFiles verifies that the inputs job.json lists are still there
// with their sizes: a job directory that lost files is damaged.
func (j *job) checkFiles() error {
	for _, f := range j.meta.Inputs {
		if filepath.IsAbs(f.Name) {
			continue // a server-side file: the manifest's hashes guard it on resume
		}
		p := filepath.Join(j.dir, inputsDir, f.Name)
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("job directory damaged: %s/%s: %w", inputsDir, f.Name, errors.Unwrap(err))
		}
		if st.Size() != f.Size {
			return fmt.Errorf("job directory damaged: %s/%s is %d bytes, was %d when submitted", inputsDir, f.Name, st.Size(), f.Size)
		}
	}
	return nil
}

// manifest is the job's manifest, reread when the file changed.
func (j *job) manifest() *manifest.Manifest {
	st, err := os.Stat(j.manifestPath())
	if err != nil {
		return j.man
	}
	if j.man != nil && st.ModTime().Equal(j.manTime) {
		return j.man
	}
	if m, err := manifest.Load(j.manifestPath()); err == nil {
		j.man, j.manTime = m, st.ModTime()
	}
	return j.man
}

// view is the job as the API shows it; the caller holds j.mu.
func (j *job) view(base string) api.Job {
	m := j.meta
	v := api.Job{
		ID: m.ID, Label: m.Label, Owner: m.Owner, SubmittedBy: m.SubmittedBy, State: m.State,
		CreatedAt: m.CreatedAt, StartedAt: m.StartedAt, EndedAt: m.EndedAt,
		Inputs: m.Inputs, Reference: m.Reference, ReferenceSet: m.ReferenceSet, CatalogSet: m.CatalogSet, Threads: m.Threads,
		Errors: m.Errors, Failures: []api.Failure{}, Results: m.Results, DiskBytes: m.DiskBytes,
		Params: j.publicParams(),
		Counts: api.Counts{Statuses: map[string]int{}},
		Links:  map[string]string{"self": base + "/v1/jobs/" + m.ID},
	}
	if v.Inputs == nil {
		v.Inputs = []api.File{}
	}
	if v.Errors == nil {
		v.Errors = []string{}
	}
	if !j.broken {
		if man := j.manifest(); man != nil {
			c := man.Counts
			v.Counts = api.Counts{Done: c.Done, Failed: c.Failed, NoHit: c.NoHit, Skipped: c.Skipped, FallbackUsed: c.FallbackUsed, Statuses: c.Statuses}
			if v.Counts.Statuses == nil {
				v.Counts.Statuses = map[string]int{}
			}
			v.Progress.Done, v.Progress.Total = c.Done, c.Total
			v.Progress.RecordsPerSecond = man.Timings.RecordsPerSecond
			v.Sessions = man.Sessions
			for _, f := range man.Failures {
				v.Failures = append(v.Failures, api.Failure{InputFile: j.displayPath(f.InputFile), RecordIndex: f.RecordIndex, ID: f.ID, Reason: f.Reason})
			}
			v.Links["manifest"] = base + "/v1/jobs/" + m.ID + "/manifest"
		}
	}
	if m.State == api.Running || m.State == api.Canceling {
		// the progress callback is fresher than the last checkpoint
		if j.done > v.Progress.Done {
			v.Progress.Done = j.done
		}
		if j.total >= 0 {
			t := j.total
			v.Progress.Total = &t
		}
		if secs := time.Since(j.sessionAt).Seconds(); secs > 0.5 && j.done > j.sessionFrom {
			v.Progress.RecordsPerSecond = float64(j.done-j.sessionFrom) / secs
		}
		if t := v.Progress.Total; t != nil && v.Progress.RecordsPerSecond > 0 {
			eta := time.Now().Add(time.Duration(float64(*t-v.Progress.Done) / v.Progress.RecordsPerSecond * float64(time.Second))).UTC().Round(time.Second)
			v.Progress.ETA = &eta
		}
	}
	if t := v.Progress.Total; t != nil {
		p := 100.0
		if *t > 0 {
			p = float64(v.Progress.Done) * 100 / float64(*t)
		}
		if p > 100 {
			p = 100
		}
		v.Progress.Percent = &p
	}
	if m.Results != nil {
		v.Links["results"] = base + "/v1/jobs/" + m.ID + "/results"
		if j.spec.Format == "json" || j.spec.Format == "jsonl" {
			v.Links["report"] = base + "/v1/jobs/" + m.ID + "/report"
		}
	}
	if m.Notify != nil {
		v.Notify = &api.Notify{URL: m.Notify.URL, Format: m.Notify.Format, State: m.Notify.State, Deliveries: j.deliveries()}
	}
	return v
}

// publicParams are the job's align parameters by flag name, without the
// paths inside the data directory (shown as file names instead).
func (j *job) publicParams() map[string]any {
	if j.broken || j.spec.Out == "" {
		return map[string]any{}
	}
	b, _ := json.Marshal(j.spec)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for k := range m {
		if hiddenParam(k) {
			delete(m, k)
		}
	}
	ins := make([]any, len(j.spec.Inputs))
	for i, p := range j.spec.Inputs {
		ins[i] = j.displayPath(p)
	}
	m["inputs"] = ins
	for k, list := range map[string][]string{"catalog": j.spec.Catalogs, "gene-alias": j.spec.GeneAliases} {
		if len(list) == 0 {
			continue
		}
		out := make([]any, len(list))
		for i, p := range list {
			if k == "catalog" || !catalog.IsAliasPair(p) { // an alias pair is no path
				p = j.displayPath(p)
			}
			out[i] = p
		}
		m[k] = out
	}
	for _, k := range []string{"reference", "map", "sites"} {
		if s, ok := m[k].(string); ok && s != "" {
			m[k] = j.displayPath(s)
		}
	}
	return m
}

// displayPath shows a path inside the job directory as its file name, a
// reference set's or catalog set's file by the set's name, other paths
// (server-side files) as they are.
func (j *job) displayPath(p string) string {
	for _, sub := range []string{inputsDir, refDir} {
		prefix := filepath.Join(j.dir, sub) + string(filepath.Separator)
		if strings.HasPrefix(p, prefix) {
			return strings.TrimPrefix(p, prefix)
		}
	}
	if j.meta.ReferenceSet != "" && p == j.spec.Reference {
		return "reference set " + j.meta.ReferenceSet
	}
	if j.meta.CatalogSet != "" && slices.Contains(j.meta.CatalogFiles, p) {
		return "catalog set " + j.meta.CatalogSet + ": " + filepath.Base(p)
	}
	return p
}

// trimPath removes the job directory's input folders from an error
// message, so it names files as the user called them (as align run in
// the folder of the inputs would).
func trimPath(msg, dir string) string {
	for _, sub := range []string{inputsDir, refDir} {
		msg = strings.ReplaceAll(msg, filepath.Join(dir, sub)+string(filepath.Separator), "")
	}
	return strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
}

func (j *job) deliveries() []api.Delivery {
	out := []api.Delivery{}
	b, err := os.ReadFile(filepath.Join(j.dir, deliveries))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var d api.Delivery
		if json.Unmarshal([]byte(line), &d) == nil {
			out = append(out, d)
		}
	}
	return out
}

func (j *job) logDelivery(d api.Delivery) error {
	b, _ := json.Marshal(d)
	f, err := os.OpenFile(filepath.Join(j.dir, deliveries), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644) // #nosec G302 -- the job's delivery log inside its job directory, which the 0750 data directory already closes to others
	if err != nil {
		return err
	}
	_, err = f.Write(append(b, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// dirSize is the bytes of the files under dir.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

type hasher struct{ hash.Hash }

func newHasher() hasher { return hasher{sha256.New()} }

func (h hasher) hex() string { return hex.EncodeToString(h.Sum(nil)) }

// fileSHA256 is the hex sha256 and size of a file.
func fileSHA256(path string) (string, int64, error) {
	f, err := os.Open(path) // #nosec G304 G703 -- files of the server's own: a job's results in its directory or a reference set from the operator's config
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
