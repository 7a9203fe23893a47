package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/pipeline"
)

// fileFields are the multipart file parts and the folder each goes to.
var fileFields = map[string]string{"query": inputsDir, "reference": refDir, "map": refDir, "sites": refDir}

// submission is a POST /v1/jobs being read.
type submission struct {
	req     api.SubmitRequest
	params  json.RawMessage
	uploads map[string][]api.File // form field -> files, in order
	written int64
}

// problemError is a refusal to answer with.
type problemError struct{ p *api.Problem }

func (e *problemError) Error() string { return e.p.Error() }

func refuse(code int, typ, title, detail string) *problemError {
	return &problemError{&api.Problem{Type: api.ProblemType(typ), Title: title, Status: code, Detail: detail}}
}

func badField(field, detail string) *problemError {
	e := refuse(http.StatusBadRequest, "invalid-parameter", "Invalid parameter", detail)
	e.p.Field = field
	return e
}

func badFile(code int, typ, title, field, file, detail string) *problemError {
	e := refuse(code, typ, title, detail)
	e.p.Field, e.p.File = field, file
	return e
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id, err := s.submit(w, r, rc)
	if err != nil {
		var pe *problemError
		if errors.As(err, &pe) {
			if pe.p.Status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "30")
			}
			s.writeProblem(w, r, pe.p)
			return
		}
		s.log.Error().Err(err).Str("request_id", rc.id).Msg("creating a job")
		s.problem(w, r, http.StatusInternalServerError, "internal", "Internal error", "the job could not be created; see the server log (request "+rc.id+")")
		return
	}
	rc.job = id
	loc := "/v1/jobs/" + id
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusCreated, api.SubmitResponse{ID: id, State: api.Queued, Location: loc})
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request, rc *reqCtx) (string, error) {
	if s.draining.Load() {
		return "", refuse(http.StatusServiceUnavailable, "shutting-down", "Shutting down", "the server is shutting down; submit again once it is back")
	}
	cfg := s.config()
	ct, ctParams, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" && ct != api.MediaJSON {
		return "", refuse(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			fmt.Sprintf("Content-Type %q: send multipart/form-data (uploads) or application/json (server-side paths)", r.Header.Get("Content-Type")))
	}
	owner := rc.tok.Owner
	used, queued := s.ownerUsage(owner)
	if queued >= cfg.Limits.MaxQueuedPerOwner {
		s.metrics.rateLimited.WithLabelValues(rc.tok.Name, "queue").Inc()
		return "", refuse(http.StatusTooManyRequests, "queue-full", "Too many queued jobs",
			fmt.Sprintf("owner %q has %d queued jobs, the most allowed; wait for some to start", owner, queued))
	}
	quota := int64(cfg.Limits.DiskQuotaBytes)
	if quota > 0 && used >= quota {
		return "", refuse(http.StatusInsufficientStorage, "quota-exceeded", "Disk quota exceeded",
			fmt.Sprintf("owner %q uses %d bytes of a %d byte quota; delete finished jobs", owner, used, quota))
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(cfg.Limits.MaxRequestBytes))
	id, err := newID()
	if err != nil {
		return "", err
	}
	stage := filepath.Join(cfg.DataDir, stagingDir, id)
	final := filepath.Join(cfg.DataDir, jobsDir, id)
	for _, d := range []string{inputsDir, refDir} {
		if err := os.MkdirAll(filepath.Join(stage, d), 0o750); err != nil {
			return "", diskError(err)
		}
	}
	committed := false
	defer func() {
		if !committed {
			_ = os.RemoveAll(stage)
		}
	}()
	sub := &submission{uploads: map[string][]api.File{}}
	if ct == api.MediaJSON {
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&sub.req); err != nil {
			return "", bodyError(err, "job")
		}
		if sub.req.Params != nil {
			sub.params, _ = json.Marshal(sub.req.Params)
		}
	} else {
		quotaLeft := int64(math.MaxInt64)
		if quota > 0 {
			quotaLeft = quota - used
		}
		if err := s.readMultipart(r, ctParams["boundary"], stage, sub, int64(cfg.Limits.MaxUploadBytes), quotaLeft); err != nil {
			return "", err
		}
	}
	spec, meta, err := s.buildSpec(&cfg, rc.tok, sub, id, final)
	if err != nil {
		return "", err
	}
	pb, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	if err := manifest.WriteFileAtomic(filepath.Join(stage, paramsFile), append(pb, '\n')); err != nil {
		return "", diskError(err)
	}
	j := &job{dir: final, meta: meta, spec: spec, total: -1}
	j.meta.DiskBytes = dirSize(stage)
	stagedJob := &job{dir: stage, meta: j.meta}
	if err := stagedJob.save(); err != nil {
		return "", diskError(err)
	}
	if err := os.Rename(stage, final); err != nil {
		return "", diskError(err)
	}
	committed = true
	if err := manifest.SyncDir(filepath.Dir(final)); err != nil {
		s.log.Warn().Err(err).Msg("syncing the jobs directory")
	}
	s.jmu.Lock()
	s.jobs[id] = j
	s.jmu.Unlock()
	s.metrics.jobs.WithLabelValues(string(api.Queued)).Inc()
	s.smu.Lock()
	s.queue = append(s.queue, j)
	s.metrics.queue.Set(float64(len(s.queue)))
	s.smu.Unlock()
	s.wakeScheduler()
	s.log.Info().Str("job", id).Str("owner", owner).Str("token", rc.tok.Name).Int("inputs", len(spec.Inputs)).Msg("job submitted")
	return id, nil
}

// diskError is a 507 for a full disk, the error itself otherwise.
func diskError(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return refuse(http.StatusInsufficientStorage, "disk-full", "Insufficient storage",
			"the server's disk is full; the job was not created (nothing of it was kept)")
	}
	return err
}

// bodyError maps a request body read error to a problem.
func bodyError(err error, field string) error {
	return readError(err, field, "malformed-request", "Malformed request")
}

// readError maps an error reading the request to a problem: 413 over the
// body limit, 507 for a full disk, else a 400 of type typ.
func readError(err error, field, typ, title string) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return refuse(http.StatusRequestEntityTooLarge, "too-large", "Request too large",
			fmt.Sprintf("the request body is over the limit of %d bytes", mbe.Limit))
	}
	var pe *problemError
	if errors.As(err, &pe) {
		return err
	}
	if de := diskError(err); de != err {
		return de
	}
	e := refuse(http.StatusBadRequest, typ, title, err.Error())
	e.p.Field = field
	return e
}

// readMultipart streams the parts of a multipart submission: file parts
// to the staging directory, text parts into sub.
func (s *Server) readMultipart(r *http.Request, boundary, stage string, sub *submission, limit, quotaLeft int64) error {
	if boundary == "" {
		return refuse(http.StatusBadRequest, "malformed-multipart", "Malformed multipart body", "Content-Type multipart/form-data has no boundary")
	}
	mr := multipart.NewReader(r.Body, boundary)
	seen := map[string]bool{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return readError(err, "", "malformed-multipart", "Malformed multipart body")
		}
		field, file, err := partNames(part)
		if err != nil {
			return err
		}
		if dir, isFile := fileFields[field]; isFile {
			if file == "" {
				return badFile(http.StatusBadRequest, "missing-part", "Missing file name", field, "",
					fmt.Sprintf("part %q is a file and needs a filename in its Content-Disposition", field))
			}
			if field != "query" && len(sub.uploads[field]) > 0 {
				return badFile(http.StatusBadRequest, "invalid-parameter", "Invalid parameter", field, file, fmt.Sprintf("only one %s file per job", field))
			}
			for fld, fs := range sub.uploads {
				for _, f := range fs {
					if f.Name == file && fileFields[fld] == dir {
						return badFile(http.StatusBadRequest, "invalid-file-name", "Invalid file name", field, file, "two uploads have this name")
					}
				}
			}
			f, err := s.savePart(part, filepath.Join(stage, dir, file), field, file, min(limit, quotaLeft-sub.written), quotaLeft-sub.written < limit)
			if err != nil {
				return err
			}
			sub.written += f.Size
			sub.uploads[field] = append(sub.uploads[field], f)
			continue
		}
		if seen[field] {
			return badField(field, fmt.Sprintf("form field %q given twice", field))
		}
		seen[field] = true
		b, err := io.ReadAll(io.LimitReader(part, 1<<20+1))
		if err != nil {
			return bodyError(err, field)
		}
		if len(b) > 1<<20 {
			return badFile(http.StatusRequestEntityTooLarge, "too-large", "Request too large", field, "", "a form field is limited to 1 MiB")
		}
		v := string(b)
		switch field {
		case "params":
			sub.params = b
		case "reference_set":
			sub.req.ReferenceSet = v
		case "catalog_set":
			sub.req.CatalogSet = v
		case "notify_url":
			sub.req.NotifyURL = v
		case "notify_format":
			sub.req.NotifyFormat = v
		case "label":
			sub.req.Label = v
		default:
			return badField(field, fmt.Sprintf("unknown form field %q (want query, reference, map, sites, params, reference_set, catalog_set, notify_url, notify_format, label)", field))
		}
	}
	return nil
}

// partNames reads a part's form name and file name from its raw
// Content-Disposition: mime/multipart's FileName drops any directory,
// which would hide a "../" instead of refusing it.
func partNames(p *multipart.Part) (field, file string, err error) {
	cd := p.Header.Get("Content-Disposition")
	disp, params, perr := mime.ParseMediaType(cd)
	if perr != nil || disp != "form-data" || params["name"] == "" {
		return "", "", refuse(http.StatusBadRequest, "malformed-multipart", "Malformed multipart body",
			fmt.Sprintf("a part's Content-Disposition %q is not form-data with a name", cd))
	}
	field, file = params["name"], params["filename"]
	if _, isFile := params["filename"]; isFile {
		if why := badFileName(file); why != "" {
			return field, file, badFile(http.StatusBadRequest, "invalid-file-name", "Invalid file name", field, file, why)
		}
	}
	return field, file, nil
}

// badFileName says why name cannot be a job file's name ("" if it can).
func badFileName(name string) string {
	switch {
	case name == "":
		return "empty file name"
	case strings.ContainsRune(name, 0):
		return "the file name contains a NUL byte"
	case !utf8.ValidString(name):
		return "the file name is not UTF-8"
	case strings.ContainsAny(name, `/\`):
		return "the file name contains a directory separator ('../' and folders are refused): send the bare file name"
	case name == "." || name == ".." || strings.HasPrefix(name, "."):
		return "the file name starts with '.'"
	case len(name) > 200:
		return "the file name is longer than 200 bytes"
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "the file name contains a control character"
		}
	}
	return ""
}

// savePart writes one uploaded file, at most limit bytes.
func (s *Server) savePart(part *multipart.Part, path, field, name string, limit int64, quotaBound bool) (api.File, error) {
	out, err := s.opt.createUpload(path)
	if err != nil {
		return api.File{}, diskError(err)
	}
	h := newHasher()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(part, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return api.File{}, readError(err, field, "malformed-multipart", "Malformed multipart body")
	}
	if n > limit {
		if quotaBound {
			return api.File{}, badFile(http.StatusInsufficientStorage, "quota-exceeded", "Disk quota exceeded", field, name,
				"this upload would take the owner over its disk quota; delete finished jobs")
		}
		return api.File{}, badFile(http.StatusRequestEntityTooLarge, "too-large", "Upload too large", field, name,
			fmt.Sprintf("an uploaded file is limited to %d bytes", limit))
	}
	if n == 0 {
		return api.File{}, badFile(http.StatusBadRequest, "empty-file", "Empty file", field, name, "the uploaded file is empty")
	}
	return api.File{Name: name, Size: n, SHA256: h.hex()}, nil
}

// buildSpec makes the job's Spec from the submission, with the same
// names and validation as align's flags.
func (s *Server) buildSpec(cfg *Config, tok *Token, sub *submission, id, dir string) (pipeline.Spec, jobMeta, error) {
	base := pipeline.DefaultSpec()
	base.Threads = cfg.JobThreads
	if base.Threads == 0 {
		base.Threads = cfg.CPUs
	}
	meta := jobMeta{Version: metaVersion, ID: id, Owner: tok.Owner, SubmittedBy: tok.Name, State: api.Queued,
		CreatedAt: time.Now().UTC(), Errors: []string{}, Label: sub.req.Label}
	raw := map[string]json.RawMessage{}
	if len(sub.params) > 0 {
		if err := json.Unmarshal(sub.params, &raw); err != nil {
			return pipeline.Spec{}, meta, badField("params", "want a JSON object of align parameters by flag name: "+err.Error())
		}
	}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		rule, ok := specParams[k]
		switch {
		case !ok && slices.Contains(pipeline.SpecKeys(), k):
			return pipeline.Spec{}, meta, badField(k, fmt.Sprintf("%q is not accepted by this server", k))
		case rule.kind == paramServer || rule.kind == paramRefused:
			return pipeline.Spec{}, meta, badField(k, fmt.Sprintf("%q is %s", k, rule.why))
		}
	}
	spec, err := pipeline.DecodeJSON(orEmpty(sub.params), base)
	if err != nil {
		return spec, meta, specProblem(err)
	}
	if spec.Threads > cfg.CPUs {
		spec.Threads = cfg.CPUs
	}
	if len(meta.Label) > 200 {
		return spec, meta, badField("label", "at most 200 bytes")
	}
	// queries: uploads, or server-side paths
	ups := sub.uploads["query"]
	switch {
	case len(ups) > 0 && len(spec.Inputs) > 0:
		return spec, meta, badField("inputs", "give query files as uploads (part query) or as server-side paths (params inputs), not both")
	case len(ups) > 0:
		spec.Inputs = nil
		for _, f := range ups {
			spec.Inputs = append(spec.Inputs, filepath.Join(dir, inputsDir, f.Name))
		}
		meta.Inputs = ups
	case len(spec.Inputs) > 0:
		for i, p := range spec.Inputs {
			real, err := s.allowPath(cfg, "inputs", p)
			if err != nil {
				return spec, meta, err
			}
			spec.Inputs[i] = real
			st, _ := os.Stat(real)
			meta.Inputs = append(meta.Inputs, api.File{Name: real, Size: st.Size()})
		}
	default:
		return spec, meta, badFile(http.StatusBadRequest, "missing-part", "Missing part", "query", "", "no query FASTA: upload one or more files in parts named query")
	}
	// reference: upload, reference set, or server-side path
	given := 0
	if len(sub.uploads["reference"]) > 0 {
		given++
		f := sub.uploads["reference"][0]
		spec.Reference = filepath.Join(dir, refDir, f.Name)
		meta.Reference = f.Name
	}
	if name := sub.req.ReferenceSet; name != "" {
		given++
		rs, ok := cfg.ReferenceSets[name]
		if !ok {
			names := make([]string, 0, len(cfg.ReferenceSets))
			for n := range cfg.ReferenceSets {
				names = append(names, n)
			}
			slices.Sort(names)
			return spec, meta, badField("reference_set", fmt.Sprintf("no reference set %q on this server (have: %s)", name, strings.Join(names, ", ")))
		}
		spec.Reference = rs.Path
		meta.Reference, meta.ReferenceSet = "reference set "+name, name
	}
	if _, ok := raw["reference"]; ok {
		given++
		real, err := s.allowPath(cfg, "reference", spec.Reference)
		if err != nil {
			return spec, meta, err
		}
		spec.Reference, meta.Reference = real, real
	}
	switch {
	case given == 0:
		return spec, meta, badFile(http.StatusBadRequest, "missing-part", "Missing part", "reference", "",
			"no reference: upload a FASTA in a part named reference, or name a reference_set (see /v1/service-info)")
	case given > 1:
		return spec, meta, badField("reference", "give exactly one of: an uploaded reference, a reference_set, a server-side reference path")
	}
	for _, k := range []string{"map", "sites"} {
		up := sub.uploads[k]
		_, inParams := raw[k]
		field := &spec.Map
		if k == "sites" {
			field = &spec.Sites
		}
		switch {
		case len(up) > 0 && inParams:
			return spec, meta, badField(k, "give the "+k+" file as an upload or as a server-side path, not both")
		case len(up) > 0:
			*field = filepath.Join(dir, refDir, up[0].Name)
		case inParams && *field != "":
			real, err := s.allowPath(cfg, k, *field)
			if err != nil {
				return spec, meta, err
			}
			*field = real
		}
	}
	if !slices.Contains(aligner.BuiltinMatrices(), spec.Matrix) {
		real, err := s.allowPath(cfg, "matrix", spec.Matrix)
		if err != nil {
			return spec, meta, err
		}
		spec.Matrix = real
	}
	if err := s.catalogParams(cfg, sub, &spec, &meta); err != nil {
		return spec, meta, err
	}
	spec.Out = filepath.Join(dir, "out."+spec.Format)
	if err := spec.Validate(); err != nil {
		return spec, meta, specProblem(err)
	}
	meta.Format, meta.Threads = spec.Format, spec.Threads
	if sub.req.NotifyURL != "" || sub.req.NotifyFormat != "" {
		n, err := s.checkNotify(cfg, sub.req.NotifyURL, sub.req.NotifyFormat)
		if err != nil {
			return spec, meta, err
		}
		meta.Notify = n
	}
	return spec, meta, nil
}

// catalogParams checks the submission's server-side catalogs and gene
// alias files against the path roots, then adds the catalog set it names:
// its catalogs instead of any in params, its format and taxgroup (which
// params may not override), its gene aliases after those of params.
func (s *Server) catalogParams(cfg *Config, sub *submission, spec *pipeline.Spec, meta *jobMeta) error {
	name := sub.req.CatalogSet
	var set CatalogSet
	if name != "" {
		var ok bool
		if set, ok = cfg.CatalogSets[name]; !ok {
			return badField("catalog_set", fmt.Sprintf("no catalog set %q on this server (have: %s)", name, strings.Join(slices.Sorted(maps.Keys(cfg.CatalogSets)), ", ")))
		}
		switch {
		case len(spec.Catalogs) > 0:
			return badField("catalog_set", "give a catalog_set or catalog paths in params, not both")
		case set.Format != "" && spec.CatalogFormat != "":
			return badField("catalog-format", fmt.Sprintf("catalog set %q gives the catalog format (%s); leave catalog-format out", name, set.Format))
		case set.Taxgroup != "" && spec.CatalogTaxgroup != "":
			return badField("catalog-taxgroup", fmt.Sprintf("catalog set %q gives the taxgroup (%s); leave catalog-taxgroup out", name, set.Taxgroup))
		}
	}
	for i, c := range spec.Catalogs {
		if c == "" {
			continue // Validate names it
		}
		real, err := s.allowCatalog(cfg, "catalog", c, spec.CatalogFormat)
		if err != nil {
			return err
		}
		spec.Catalogs[i] = real
	}
	for i, a := range spec.GeneAliases {
		if catalog.IsAliasPair(a) {
			continue // catalog_gene=reference_gene, not a file
		}
		real, err := s.allowPath(cfg, "gene-alias", a)
		if err != nil {
			return err
		}
		spec.GeneAliases[i] = real
	}
	if name == "" {
		return nil
	}
	spec.Catalogs = slices.Clone(set.Paths)
	if set.Format != "" {
		spec.CatalogFormat = set.Format
	}
	if set.Taxgroup != "" {
		spec.CatalogTaxgroup = set.Taxgroup
	}
	spec.GeneAliases = append(spec.GeneAliases, set.GeneAliases...)
	meta.CatalogSet = name
	meta.CatalogFiles = slices.Clone(set.Paths)
	for _, a := range set.GeneAliases {
		if !catalog.IsAliasPair(a) {
			meta.CatalogFiles = append(meta.CatalogFiles, a)
		}
	}
	return nil
}

func orEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("{}")
	}
	return b
}

// specProblem is the 400 for a *pipeline.FieldError, naming its key.
func specProblem(err error) error {
	var fe *pipeline.FieldError
	if errors.As(err, &fe) {
		return badField(fe.Key, fe.Error())
	}
	return badField("params", err.Error())
}

// checkNotify accepts a webhook URL only on an allowed host.
func (s *Server) checkNotify(cfg *Config, raw, format string) (*notifyMeta, error) {
	if format == "" {
		format = api.NotifyJSON
	}
	if format != api.NotifyJSON && format != api.NotifySlack {
		return nil, badField("notify_format", fmt.Sprintf("%q: want json or slack", format))
	}
	if raw == "" {
		return nil, badField("notify_url", "notify_format needs a notify_url")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, badField("notify_url", "want an http or https URL without user information")
	}
	host := strings.ToLower(u.Host)
	ok := false
	for _, h := range cfg.Webhooks.AllowedHosts {
		h = strings.ToLower(h)
		if h == host || h == strings.ToLower(u.Hostname()) && !strings.Contains(h, ":") {
			ok = true
			break
		}
	}
	if !ok {
		e := refuse(http.StatusForbidden, "notify-host-not-allowed", "Webhook host not allowed",
			fmt.Sprintf("%s is not among this server's webhooks.allowed-hosts", u.Host))
		e.p.Field = "notify_url"
		return nil, e
	}
	return &notifyMeta{URL: raw, Format: format}, nil
}
