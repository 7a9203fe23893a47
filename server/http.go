package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/wtalign/wtalign/api"
)

// route is one operation of the API. Path is as docs/openapi.yaml writes
// it; a test checks that the document and this table agree.
type route struct {
	Method, Path string
	pattern      string   // net/http pattern, when it differs from Path
	role         api.Role // "" for public routes
	audit        string   // audit event of the route, "" for none
	cookie       bool     // the dashboard's cookie may authenticate it (safe methods only)
	h            func(http.ResponseWriter, *http.Request, *reqCtx)
}

// reqCtx is what the middleware learned about a request.
type reqCtx struct {
	tok   *Token
	id    string
	job   string // the job the request is about, for the audit log
	route *route
}

const cookieName = "wtalign_token"

func (s *Server) buildRoutes() []route {
	return []route{
		{Method: "GET", Path: "/", pattern: "GET /{$}", h: s.handleDashboard},
		{Method: "POST", Path: "/login", h: s.handleLogin},
		{Method: "POST", Path: "/logout", h: s.handleLogout},
		{Method: "GET", Path: "/healthz", h: s.handleHealthz},
		{Method: "GET", Path: "/readyz", h: s.handleReadyz},
		{Method: "GET", Path: "/metrics", h: s.handleMetrics},
		{Method: "GET", Path: "/v1/service-info", h: s.handleServiceInfo},
		{Method: "POST", Path: "/v1/jobs", role: api.RoleSubmit, audit: "job.create", h: s.handleSubmit},
		{Method: "GET", Path: "/v1/jobs", role: api.RoleRead, cookie: true, h: s.handleList},
		{Method: "GET", Path: "/v1/jobs/{id}", role: api.RoleRead, cookie: true, h: s.handleGet},
		{Method: "DELETE", Path: "/v1/jobs/{id}", role: api.RoleSubmit, audit: "job.delete", h: s.handleDelete},
		{Method: "POST", Path: "/v1/jobs/{id}:cancel", pattern: "POST /v1/jobs/{idaction}", role: api.RoleSubmit, audit: "job.cancel", h: s.handleCancel},
		{Method: "GET", Path: "/v1/jobs/{id}/results", role: api.RoleRead, audit: "job.results", cookie: true, h: s.handleResults},
		{Method: "GET", Path: "/v1/jobs/{id}/manifest", role: api.RoleRead, audit: "job.manifest", cookie: true, h: s.handleManifest},
		{Method: "GET", Path: "/v1/jobs/{id}/report", role: api.RoleRead, audit: "job.report", cookie: true, h: s.handleReport},
	}
}

func (s *Server) buildHandler() http.Handler {
	s.routes = s.buildRoutes()
	mux := http.NewServeMux()
	for i := range s.routes {
		rt := &s.routes[i]
		p := rt.pattern
		if p == "" {
			p = rt.Method + " " + rt.Path
		}
		mux.Handle(p, s.wrap(rt))
	}
	mux.Handle("/", s.wrap(&route{Path: "unmatched", h: func(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
		s.problem(w, r, http.StatusNotFound, "not-found", "No such resource", r.Method+" "+r.URL.Path+" is not a route of this server")
	}}))
	return mux
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	code  int
	bytes int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type ctxKey struct{}

// wrap adds to a route: request id, access log, request metrics,
// authentication, role check, rate limit and audit.
func (s *Server) wrap(rt *route) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		rc := &reqCtx{id: requestID(), route: rt}
		w.Header().Set("X-Request-Id", rc.id)
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, rc))
		defer func() {
			code := w.code
			if code == 0 {
				code = http.StatusOK
			}
			el := time.Since(start)
			s.metrics.requestDuration.WithLabelValues(rt.Path, r.Method, strconv.Itoa(code)).Observe(el.Seconds())
			ev := s.log.Info()
			if code >= 500 {
				ev = s.log.Error()
			}
			ev = ev.Str("method", r.Method).Str("path", r.URL.Path).Str("route", rt.Path).Int("status", code).
				Int64("bytes", w.bytes).Float64("duration_ms", float64(el.Microseconds())/1000).
				Str("remote", r.RemoteAddr).Str("request_id", rc.id)
			if rc.tok != nil {
				ev = ev.Str("token", rc.tok.Name)
			}
			if rc.job != "" {
				ev = ev.Str("job", rc.job)
			}
			ev.Msg("request")
			if rt.audit != "" && rc.tok != nil {
				s.audit.write(auditEvent{Event: rt.audit, Token: rc.tok.Name, Owner: rc.tok.Owner, Route: r.Method + " " + rt.Path,
					Job: rc.job, Status: code, Remote: r.RemoteAddr, RequestID: rc.id})
			}
		}()
		if rt.role != "" {
			tok, reason := s.authenticate(r, rt)
			if tok == nil {
				s.authFailure(w, r, rc, http.StatusUnauthorized, reason, "")
				return
			}
			if !tok.Role.Allows(rt.role) {
				s.authFailure(w, r, rc, http.StatusForbidden, "role", tok.Name)
				return
			}
			rc.tok = tok
			if d, ok := s.allow(tok.Name); !ok {
				s.metrics.rateLimited.WithLabelValues(tok.Name, "rate").Inc()
				secs := int(math.Ceil(d.Seconds()))
				w.Header().Set("Retry-After", strconv.Itoa(secs))
				lim := s.config().Limits
				s.problem(w, r, http.StatusTooManyRequests, "rate-limited", "Too many requests",
					fmt.Sprintf("token %q may make %g requests per second (burst %d); retry after %d s", tok.Name, lim.RequestsPerSecond, lim.Burst, secs))
				return
			}
		}
		rt.h(w, r, rc)
	})
}

func requestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// authenticate finds the request's token: the Authorization header, or
// for the dashboard's safe requests its cookie. reason says why not.
func (s *Server) authenticate(r *http.Request, rt *route) (*Token, string) {
	h := r.Header.Get("Authorization")
	var bearer string
	switch {
	case h != "":
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || strings.ContainsAny(tok, " \t") {
			return nil, "malformed"
		}
		bearer = tok
	case rt.cookie && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		c, err := r.Cookie(cookieName)
		if err != nil || c.Value == "" {
			return nil, "missing"
		}
		bearer = c.Value
	default:
		return nil, "missing"
	}
	if !strings.HasPrefix(bearer, TokenPrefix) {
		return nil, "malformed"
	}
	s.mu.RLock()
	tok, ok := s.tokens.Lookup(bearer)
	s.mu.RUnlock()
	if !ok {
		return nil, "unknown"
	}
	return tok, ""
}

var authText = map[string]string{
	"missing":   "no bearer token: send 'Authorization: Bearer <token>'",
	"malformed": "the Authorization header is not 'Bearer wta_...'",
	"unknown":   "unknown token (revoked, or never issued by this server)",
	"role":      "this token's role does not allow this operation",
}

func (s *Server) authFailure(w http.ResponseWriter, r *http.Request, rc *reqCtx, code int, reason, name string) {
	s.metrics.authFailures.WithLabelValues(reason).Inc()
	s.audit.write(auditEvent{Event: "auth.failure", Token: name, Route: r.Method + " " + rc.route.Path, Status: code,
		Reason: reason, Remote: r.RemoteAddr, RequestID: rc.id})
	if code == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wtalign"`)
		s.problem(w, r, code, "unauthorized", "Authentication required", authText[reason])
		return
	}
	s.problem(w, r, code, "forbidden", "Forbidden", fmt.Sprintf("token %q has role %q; %s needs %q", name, s.roleOf(name), rc.route.Method+" "+rc.route.Path, rc.route.role))
}

func (s *Server) roleOf(name string) api.Role {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, t := range s.tokens.list {
		if t.Name == name {
			return t.Role
		}
	}
	return ""
}

// allow takes one request from the token's rate limiter; when none is
// left it says how long until one is.
func (s *Server) allow(name string) (time.Duration, bool) {
	s.mu.Lock()
	lim := s.limiters[name]
	if lim == nil {
		lim = rate.NewLimiter(rate.Limit(s.cfg.Limits.RequestsPerSecond), s.cfg.Limits.Burst)
		s.limiters[name] = lim
	}
	s.mu.Unlock()
	res := lim.Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d, false
	}
	return 0, true
}

// problem writes an RFC 9457 problem document.
func (s *Server) problem(w http.ResponseWriter, r *http.Request, code int, typ, title, detail string) {
	s.writeProblem(w, r, &api.Problem{Type: api.ProblemType(typ), Title: title, Status: code, Detail: detail})
}

func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, p *api.Problem) {
	p.Instance = r.URL.Path
	w.Header().Set("Content-Type", api.MediaProblem)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(p)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", api.MediaJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// baseURL is the server's own address for links: public-url, else the
// request's scheme and host.
func (s *Server) baseURL(r *http.Request) string {
	if u := s.config().PublicURL; u != "" {
		return strings.TrimSuffix(u, "/")
	}
	if r == nil {
		return ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// newStdLogger routes net/http's own error log (TLS handshake errors and
// the like) to the zerolog logger.
func newStdLogger(l zerolog.Logger) *log.Logger {
	return log.New(zerologWriter{l}, "", 0)
}

type zerologWriter struct{ l zerolog.Logger }

func (z zerologWriter) Write(p []byte) (int, error) {
	z.l.Warn().Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}
