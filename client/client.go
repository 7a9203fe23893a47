// Package client is a typed Go client of wtalign's HTTP job service
// (docs/openapi.yaml): submit jobs with uploads or server-side paths,
// follow them, fetch their results (checked against the ETag's sha256),
// cancel and delete them. Errors the server sends are *api.Problem.
//
// The package never logs and never exits.
package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/api"
)

// Client talks to one server with one token.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
	agent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the http.Client (TLS settings, timeouts).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.agent = ua } }

// New makes a client of the server at base (http://host:port or https://...).
func New(base, token string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: server %q: want http://host:port or https://host", base)
	}
	c := &Client{base: u, token: token, http: &http.Client{}, agent: "wtalign-client"}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// Upload is a file to send: Name is the file name the job knows it by;
// Open gives its bytes (called once per request).
type Upload struct {
	Name string
	Open func() (io.ReadCloser, error)
}

// FileUpload uploads a local file under its base name.
func FileUpload(path string) Upload {
	return Upload{Name: filepath.Base(path), Open: func() (io.ReadCloser, error) { return os.Open(path) }} // #nosec G304 -- the local file the user asked to upload
}

// SubmitRequest is a job: align parameters and service fields, with the
// files to upload. Without uploads it is sent as JSON and the params
// name server-side paths.
type SubmitRequest struct {
	api.SubmitRequest
	Queries   []Upload
	Reference *Upload
	Map       *Upload
	Sites     *Upload
}

func (c *Client) url(path string, q url.Values) string {
	u := *c.base
	// path's segments are escaped already (url.PathEscape of a job id):
	// keep them as written, so String does not escape the % again.
	u.RawPath = c.base.EscapedPath() + path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path, u.RawPath = c.base.Path+path, ""
	}
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func (c *Client) do(req *http.Request, okCodes ...int) (*http.Response, error) {
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", c.agent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("client: %s %s: %w", req.Method, req.URL.Path, err)
	}
	for _, ok := range okCodes {
		if resp.StatusCode == ok {
			return resp, nil
		}
	}
	defer resp.Body.Close()
	return nil, problemOf(resp)
}

// problemOf reads an error response; a body that is no problem document
// still gives a *api.Problem with the status.
func problemOf(resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	p := &api.Problem{}
	if err := json.Unmarshal(b, p); err != nil || p.Status == 0 {
		p = &api.Problem{Status: resp.StatusCode, Title: http.StatusText(resp.StatusCode), Detail: strings.TrimSpace(string(b))}
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		p.Detail = strings.TrimSpace(p.Detail + " (Retry-After: " + ra + "s)")
	}
	return p
}

func (c *Client) getJSON(ctx context.Context, path string, q url.Values, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(path, q), nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("client: GET %s: reading the answer: %w", path, err)
	}
	return nil
}

// ServiceInfo describes the server.
func (c *Client) ServiceInfo(ctx context.Context) (*api.ServiceInfo, error) {
	var v api.ServiceInfo
	return &v, c.getJSON(ctx, "/v1/service-info", nil, &v)
}

// Submit creates a job. Uploads are streamed as multipart/form-data.
func (c *Client) Submit(ctx context.Context, sr SubmitRequest) (*api.SubmitResponse, error) {
	var req *http.Request
	var err error
	if len(sr.Queries) == 0 && sr.Reference == nil && sr.Map == nil && sr.Sites == nil {
		b, _ := json.Marshal(sr.SubmitRequest)
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1/jobs", nil), strings.NewReader(string(b)))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", api.MediaJSON)
	} else {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() { pw.CloseWithError(writeParts(mw, sr)) }()
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1/jobs", nil), pr)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	resp, err := c.do(req, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v api.SubmitResponse
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, fmt.Errorf("client: POST /v1/jobs: reading the answer: %w", err)
	}
	return &v, nil
}

func writeParts(mw *multipart.Writer, sr SubmitRequest) error {
	if len(sr.Params) > 0 {
		b, err := json.Marshal(sr.Params)
		if err != nil {
			return err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="params"`)
		h.Set("Content-Type", api.MediaJSON)
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := pw.Write(b); err != nil {
			return err
		}
	}
	for k, v := range map[string]string{"reference_set": sr.ReferenceSet, "catalog_set": sr.CatalogSet, "notify_url": sr.NotifyURL, "notify_format": sr.NotifyFormat, "label": sr.Label} {
		if v != "" {
			if err := mw.WriteField(k, v); err != nil {
				return err
			}
		}
	}
	files := []struct {
		field string
		u     Upload
	}{}
	for _, q := range sr.Queries {
		files = append(files, struct {
			field string
			u     Upload
		}{"query", q})
	}
	for field, u := range map[string]*Upload{"reference": sr.Reference, "map": sr.Map, "sites": sr.Sites} {
		if u != nil {
			files = append(files, struct {
				field string
				u     Upload
			}{field, *u})
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, f.field, escapeQuotes(f.u.Name)))
		h.Set("Content-Type", "application/octet-stream")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		r, err := f.u.Open()
		if err != nil {
			return fmt.Errorf("client: %s: %w", f.u.Name, err)
		}
		_, err = io.Copy(pw, r)
		r.Close() // #nosec G104 -- read-only upload file: io.Copy's error is the one that matters and is reported below
		if err != nil {
			return fmt.Errorf("client: %s: %w", f.u.Name, err)
		}
	}
	return mw.Close()
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"")

func escapeQuotes(s string) string { return quoteEscaper.Replace(s) }

// Job is the state of job id.
func (c *Client) Job(ctx context.Context, id string) (*api.Job, error) {
	var v api.Job
	return &v, c.getJSON(ctx, "/v1/jobs/"+url.PathEscape(id), nil, &v)
}

// ListOptions filter and page GET /v1/jobs.
type ListOptions struct {
	States    []api.State
	PageSize  int
	PageToken string
}

// Jobs is one page of the token's jobs, newest first.
func (c *Client) Jobs(ctx context.Context, o ListOptions) (*api.JobList, error) {
	q := url.Values{}
	for _, s := range o.States {
		q.Add("state", string(s))
	}
	if o.PageSize > 0 {
		q.Set("page_size", strconv.Itoa(o.PageSize))
	}
	if o.PageToken != "" {
		q.Set("page_token", o.PageToken)
	}
	var v api.JobList
	return &v, c.getJSON(ctx, "/v1/jobs", q, &v)
}

// AllJobs follows the pages to the end.
func (c *Client) AllJobs(ctx context.Context, states ...api.State) ([]api.Job, error) {
	var out []api.Job
	o := ListOptions{States: states, PageSize: 200}
	for {
		page, err := c.Jobs(ctx, o)
		if err != nil {
			return out, err
		}
		out = append(out, page.Jobs...)
		if page.NextPageToken == "" {
			return out, nil
		}
		o.PageToken = page.NextPageToken
	}
}

// Cancel asks the server to stop job id.
func (c *Client) Cancel(ctx context.Context, id string) (*api.Job, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1/jobs/"+url.PathEscape(id)+":cancel", nil), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v api.Job
	return &v, json.NewDecoder(resp.Body).Decode(&v)
}

// Delete removes a finished job and its files.
func (c *Client) Delete(ctx context.Context, id string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.url("/v1/jobs/"+url.PathEscape(id), nil), nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req, http.StatusNoContent)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

// ErrChecksum says downloaded results do not hash to the server's ETag.
var ErrChecksum = errors.New("client: results do not match their sha256 ETag")

// Results writes job id's results in format ("" for the job's own) to w
// and checks them against the ETag (their sha256).
func (c *Client) Results(ctx context.Context, id, format string, w io.Writer) (int64, error) {
	q := url.Values{}
	if format != "" {
		q.Set("format", format)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url("/v1/jobs/"+url.PathEscape(id)+"/results", q), nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), resp.Body)
	if err != nil {
		return n, fmt.Errorf("client: downloading results of %s: %w", id, err)
	}
	if etag := strings.Trim(resp.Header.Get("ETag"), `"`); etag != "" && etag != hex.EncodeToString(h.Sum(nil)) {
		return n, fmt.Errorf("%w (job %s)", ErrChecksum, id)
	}
	return n, nil
}

// Manifest is job id's checkpoint manifest (docs/manifest.md).
func (c *Client) Manifest(ctx context.Context, id string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url("/v1/jobs/"+url.PathEscape(id)+"/manifest", nil), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(req, http.StatusOK)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// Wait polls job id every interval until it is final, calling progress
// (if not nil) with each state; it returns the final state.
func (c *Client) Wait(ctx context.Context, id string, interval time.Duration, progress func(*api.Job)) (*api.Job, error) {
	for {
		j, err := c.Job(ctx, id)
		if err != nil {
			var p *api.Problem
			if !errors.As(err, &p) || p.Status != http.StatusTooManyRequests && p.Status < 500 {
				return nil, err
			}
		} else {
			if progress != nil {
				progress(j)
			}
			if j.State.Final() {
				return j, nil
			}
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(interval):
		}
	}
}
