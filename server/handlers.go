package server

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/cohort"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/htmlreport"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/pipeline"
	"github.com/wtalign/wtalign/quality"
)

// visible finds job id for the token: its owner's jobs, or any job for
// an admin. Another owner's job answers 404 like a missing one, so ids
// cannot be probed.
func (s *Server) visible(w http.ResponseWriter, r *http.Request, rc *reqCtx, id string) *job {
	rc.job = id
	s.jmu.RLock()
	j := s.jobs[id]
	s.jmu.RUnlock()
	if j != nil {
		j.mu.Lock()
		ok := rc.tok.Role == api.RoleAdmin || !j.broken && j.meta.Owner == rc.tok.Owner
		j.mu.Unlock()
		if ok {
			return j
		}
	}
	s.problem(w, r, http.StatusNotFound, "job-not-found", "Job not found", fmt.Sprintf("no job %q visible to token %q", id, rc.tok.Name))
	return nil
}

func (s *Server) handleGet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	j := s.visible(w, r, rc, r.PathValue("id"))
	if j == nil {
		return
	}
	j.mu.Lock()
	v := j.view(s.baseURL(r))
	j.mu.Unlock()
	writeJSON(w, http.StatusOK, v)
}

// handleList pages through the token's jobs, newest first. page_token is
// the position after the last job of the previous page.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := r.URL.Query()
	size := 50
	maxSize := s.config().Limits.MaxPageSize
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxSize {
			s.writeProblem(w, r, badField("page_size", fmt.Sprintf("want 1 to %d", maxSize)).p)
			return
		}
		size = n
	}
	var states []api.State
	for _, v := range q["state"] {
		for _, st := range strings.Split(v, ",") {
			if !api.State(st).Valid() {
				s.writeProblem(w, r, badField("state", fmt.Sprintf("%q: want one of %v", st, api.States)).p)
				return
			}
			states = append(states, api.State(st))
		}
	}
	var after *cursor
	if v := q.Get("page_token"); v != "" {
		c, err := parseCursor(v)
		if err != nil {
			s.writeProblem(w, r, badField("page_token", "not a page token of this server").p)
			return
		}
		after = &c
	}
	type entry struct {
		c cursor
		j *job
	}
	var all []entry
	s.jmu.RLock()
	for _, j := range s.jobs {
		j.mu.Lock()
		ok := (rc.tok.Role == api.RoleAdmin || !j.broken && j.meta.Owner == rc.tok.Owner) &&
			(len(states) == 0 || slices.Contains(states, j.meta.State))
		c := cursor{j.meta.CreatedAt.UnixNano(), j.meta.ID}
		j.mu.Unlock()
		if ok && (after == nil || c.before(*after)) {
			all = append(all, entry{c, j})
		}
	}
	s.jmu.RUnlock()
	slices.SortFunc(all, func(a, b entry) int {
		if a.c.before(b.c) {
			return 1
		}
		if b.c.before(a.c) {
			return -1
		}
		return 0
	})
	out := api.JobList{Jobs: []api.Job{}}
	base := s.baseURL(r)
	for i, e := range all {
		if i == size {
			out.NextPageToken = all[i-1].c.String()
			break
		}
		e.j.mu.Lock()
		out.Jobs = append(out.Jobs, e.j.view(base))
		e.j.mu.Unlock()
	}
	writeJSON(w, http.StatusOK, out)
}

// cursor orders jobs by creation time, then id.
type cursor struct {
	nanos int64
	id    string
}

func (c cursor) before(d cursor) bool { return c.nanos < d.nanos || c.nanos == d.nanos && c.id < d.id }

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.nanos, 10) + "." + c.id))
}

func parseCursor(s string) (cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, err
	}
	n, id, ok := strings.Cut(string(b), ".")
	v, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || !validID(id) {
		return cursor{}, errors.New("bad page token")
	}
	return cursor{v, id}, nil
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id, ok := strings.CutSuffix(r.PathValue("idaction"), ":cancel")
	if !ok {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such resource", "POST "+r.URL.Path+" is not a route of this server (cancel is POST /v1/jobs/{id}:cancel)")
		return
	}
	j := s.visible(w, r, rc, id)
	if j == nil {
		return
	}
	st, err := s.cancelJob(j)
	if err != nil {
		s.problem(w, r, http.StatusConflict, "job-finished", "Job already finished", fmt.Sprintf("job %s is %s; only QUEUED, INITIALIZING and RUNNING jobs can be canceled", id, st))
		return
	}
	j.mu.Lock()
	v := j.view(s.baseURL(r))
	j.mu.Unlock()
	writeJSON(w, http.StatusAccepted, v)
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	j := s.visible(w, r, rc, r.PathValue("id"))
	if j == nil {
		return
	}
	if s.dequeue(j) {
		j.mu.Lock()
		s.setState(j, api.Canceled)
		j.mu.Unlock()
	}
	j.mu.Lock()
	st := j.meta.State
	pending := j.meta.Notify != nil && j.meta.Notify.State == api.NotifyPending
	j.mu.Unlock()
	if !st.Final() && !j.broken {
		s.problem(w, r, http.StatusConflict, "job-running", "Job is running", fmt.Sprintf("job %s is %s: cancel it first (POST /v1/jobs/%s:cancel)", j.meta.ID, st, j.meta.ID))
		return
	}
	if pending {
		s.problem(w, r, http.StatusConflict, "notification-pending", "Notification pending", "the job's webhook is still being delivered; retry shortly")
		return
	}
	if err := s.remove(j); err != nil {
		s.log.Error().Err(err).Msg("deleting a job")
		s.problem(w, r, http.StatusInternalServerError, "internal", "Internal error", "the job could not be deleted; see the server log (request "+rc.id+")")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

var mediaOf = map[string]string{"json": api.MediaJSON, "jsonl": api.MediaNDJSON, "tsv": api.MediaTSV}

// handleResults streams the job's results with an ETag (sha256 of the
// bytes) and Range support. Another format than the job's is converted
// once from json or jsonl and kept in the job directory.
func (s *Server) handleResults(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	j := s.visible(w, r, rc, r.PathValue("id"))
	if j == nil {
		return
	}
	j.mu.Lock()
	res, st, own := j.meta.Results, j.meta.State, j.spec.Format
	j.mu.Unlock()
	if res == nil {
		s.problem(w, r, http.StatusConflict, "no-results", "No results", fmt.Sprintf("job %s is %s and has no results", j.meta.ID, st))
		return
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = own
	}
	if !slices.Contains(pipeline.FormatNames(), format) {
		s.writeProblem(w, r, badField("format", fmt.Sprintf("%q: want json, jsonl or tsv", format)).p)
		return
	}
	path, sum := j.outPath(), res.SHA256
	if format != own {
		var err error
		path, sum, err = j.converted(format)
		var pe *problemError
		if errors.As(err, &pe) {
			s.writeProblem(w, r, pe.p)
			return
		}
		if err != nil {
			s.log.Error().Err(err).Str("job", j.meta.ID).Msg("converting results")
			s.problem(w, r, http.StatusInternalServerError, "internal", "Internal error", "the results could not be converted; see the server log (request "+rc.id+")")
			return
		}
	}
	f, err := os.Open(path) // #nosec G304 G703 -- the job's results file: spec.Out set by the server inside the job directory, or results.<format> there with format one of pipeline.FormatNames
	if err != nil {
		s.problem(w, r, http.StatusInternalServerError, "results-missing", "Results missing", "the job's results file cannot be read: "+trimPath(err.Error(), j.dir))
		return
	}
	defer f.Close()
	st2, _ := f.Stat()
	w.Header().Set("ETag", `"`+sum+`"`)
	w.Header().Set("Content-Type", mediaOf[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, j.meta.ID, format))
	http.ServeContent(w, r, "", st2.ModTime(), f)
}

func (s *Server) handleManifest(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	j := s.visible(w, r, rc, r.PathValue("id"))
	if j == nil {
		return
	}
	b, err := os.ReadFile(j.manifestPath())
	if err != nil {
		s.problem(w, r, http.StatusNotFound, "no-manifest", "No manifest yet", fmt.Sprintf("job %s has no manifest yet (it is written at the first checkpoint)", j.meta.ID))
		return
	}
	w.Header().Set("Content-Type", api.MediaJSON)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// handleReport renders the quality report of a finished job's results
// (wtalign report on its output): one self-contained HTML page.
func (s *Server) handleReport(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	j := s.visible(w, r, rc, r.PathValue("id"))
	if j == nil {
		return
	}
	j.mu.Lock()
	res, st, format := j.meta.Results, j.meta.State, j.spec.Format
	j.mu.Unlock()
	if res == nil {
		s.problem(w, r, http.StatusConflict, "no-results", "No results", fmt.Sprintf("job %s is %s and has no results", j.meta.ID, st))
		return
	}
	if format != string(output.JSON) && format != string(output.JSONL) {
		s.problem(w, r, http.StatusConflict, "no-report", "No report for this format", fmt.Sprintf("job %s wrote %s; the quality report reads json or jsonl results", j.meta.ID, format))
		return
	}
	rep, err := quality.Analyze(r.Context(), []string{j.outPath()}, quality.Options{AccessionMode: cohort.FromStem})
	if err != nil {
		s.log.Error().Err(err).Str("job", j.meta.ID).Msg("quality report")
		s.problem(w, r, http.StatusInternalServerError, "report-failed", "The report could not be made", err.Error())
		return
	}
	var b bytes.Buffer
	if err := htmlreport.Render(&b, rep, htmlreport.Options{Title: "wtalign job " + j.meta.ID, ToolVersion: s.opt.Version}); err != nil {
		s.problem(w, r, http.StatusInternalServerError, "report-failed", "The report could not be made", err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (s *Server) handleServiceInfo(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	cfg := s.config()
	info := api.ServiceInfo{
		Name: "wtalign", Version: s.opt.Version, Commit: s.opt.Commit, APIVersion: "1",
		Matrices: aligner.BuiltinMatrices(), Formats: pipeline.FormatNames(), States: api.States,
		ReferenceSets: []api.ReferenceSet{}, CatalogSets: []api.CatalogSet{}, Limits: cfg.limits(),
		Engines: []api.EngineInfo{{Name: pipeline.EngineNative, Available: true, Version: s.opt.Version}},
	}
	water := api.EngineInfo{Name: pipeline.EngineWater}
	if wt, err := emboss.DetectContext(r.Context(), ""); err == nil {
		water.Available, water.Version = true, wt.Version
	}
	info.Engines = append(info.Engines, water)
	names := make([]string, 0, len(cfg.ReferenceSets))
	for n := range cfg.ReferenceSets {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		rs := cfg.ReferenceSets[n]
		sum, _, _ := fileSHA256(rs.Path)
		info.ReferenceSets = append(info.ReferenceSets, api.ReferenceSet{Name: n, Description: rs.Description, SHA256: sum})
	}
	for _, n := range slices.Sorted(maps.Keys(cfg.CatalogSets)) {
		cs := cfg.CatalogSets[n]
		info.CatalogSets = append(info.CatalogSets, api.CatalogSet{Name: n, Description: cs.Description, Format: cs.Format, Taxgroup: cs.Taxgroup})
	}
	writeJSON(w, http.StatusOK, info)
}

func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request, _ *reqCtx) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// handleReadyz is 200 while the data directory is writable and the
// scheduler loop runs and answers, 503 otherwise (and while draining).
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	switch {
	case s.draining.Load(): // Shutdown sets it before it stops the scheduler
		s.problem(w, r, http.StatusServiceUnavailable, "not-ready", "Not ready", "the server is shutting down")
	case checkWritable(s.config().DataDir) != nil:
		s.problem(w, r, http.StatusServiceUnavailable, "not-ready", "Not ready", "the data directory is not writable")
	case !s.schedulerAnswers(r.Context(), schedulerProbeTimeout):
		s.problem(w, r, http.StatusServiceUnavailable, "not-ready", "Not ready", "the scheduler is not running (or does not answer): queued jobs would not start")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ready\n"))
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// converted is the job's results in another format, made from its json
// or jsonl output on first request (atomically) and kept beside it.
func (j *job) converted(format string) (path, sum string, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	own := j.spec.Format
	if own == string(output.TSV) {
		return "", "", badField("format", "the job's results are TSV (one row per mutation), which cannot be turned back into records; submit with format json or jsonl to get every format")
	}
	path = filepath.Join(j.dir, "results."+format)
	if sum, _, err = fileSHA256(path); err == nil {
		return path, sum, nil
	}
	if err := convertResults(j.outPath(), own, path, format, j.manifest()); err != nil {
		return "", "", err
	}
	sum, _, err = fileSHA256(path)
	return path, sum, err
}
