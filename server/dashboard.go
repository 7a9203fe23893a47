package server

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/wtalign/wtalign/api"
)

//go:embed dashboard/index.html
var dashboardFS embed.FS

var dashboardTmpl = template.Must(template.New("index.html").Funcs(template.FuncMap{
	"pct": func(j api.Job) string {
		if j.Progress.Percent == nil {
			return "0"
		}
		return fmt.Sprintf("%.1f", *j.Progress.Percent)
	},
	"total": func(j api.Job) string {
		if j.Progress.Total == nil {
			return "?"
		}
		return fmt.Sprint(*j.Progress.Total)
	},
}).ParseFS(dashboardFS, "dashboard/index.html"))

type dashboardData struct {
	Version, Nonce, Token, Owner, Error, Now string
	Jobs                                     []api.Job
}

// handleDashboard renders the jobs page. Signed in with the cookie (the
// form posts to /login), the table is filled on the server, so it reads
// without JavaScript; the script then refreshes it every second, and can
// also take a token from the URL fragment (#token=..., never sent to the
// server nor logged), kept in the tab's sessionStorage.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var nb [16]byte
	_, _ = rand.Read(nb[:])
	d := dashboardData{Version: s.opt.Version, Nonce: base64.StdEncoding.EncodeToString(nb[:]), Now: time.Now().Format(time.DateTime)}
	if r.URL.Query().Get("error") == "token" {
		d.Error = "That token was not accepted."
	}
	if c, err := r.Cookie(cookieName); err == nil && c.Value != "" {
		if tok, reason := s.authenticate(r, &route{cookie: true}); tok != nil {
			rc.tok = tok
			d.Token, d.Owner = tok.Name, tok.Owner
			d.Jobs = s.ownJobs(tok, r)
		} else if reason == "unknown" {
			d.Error = "Your sign-in token is no longer valid; sign in again."
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", fmt.Sprintf("default-src 'none'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; script-src 'nonce-%s'; style-src 'nonce-%s'", d.Nonce, d.Nonce))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Referrer-Policy", "no-referrer")
	if err := dashboardTmpl.Execute(w, d); err != nil {
		s.log.Error().Err(err).Msg("rendering the dashboard")
	}
}

// ownJobs are the newest 100 jobs the token sees.
func (s *Server) ownJobs(tok *Token, r *http.Request) []api.Job {
	var out []api.Job
	base := s.baseURL(r)
	s.jmu.RLock()
	for _, j := range s.jobs {
		j.mu.Lock()
		if tok.Role == api.RoleAdmin || !j.broken && j.meta.Owner == tok.Owner {
			out = append(out, j.view(base))
		}
		j.mu.Unlock()
	}
	s.jmu.RUnlock()
	slices.SortFunc(out, func(a, b api.Job) int { return b.CreatedAt.Compare(a.CreatedAt) })
	if len(out) > 100 {
		out = out[:100]
	}
	return out
}

// handleLogin takes a token from the sign-in form and keeps it in an
// HttpOnly, SameSite=Strict cookie (Secure under TLS). The cookie only
// authenticates safe (GET) requests: changing jobs needs the header.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		s.problem(w, r, http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type", "the sign-in form is application/x-www-form-urlencoded")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.problem(w, r, http.StatusBadRequest, "malformed-request", "Malformed request", "the sign-in form cannot be read")
		return
	}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	probe := r.Clone(r.Context())
	probe.Header = http.Header{"Authorization": {"Bearer " + token}}
	tok, reason := s.authenticate(probe, &route{})
	if tok == nil {
		s.metrics.authFailures.WithLabelValues(reason).Inc()
		s.audit.write(auditEvent{Event: "auth.failure", Route: "POST /login", Status: http.StatusSeeOther, Reason: reason, Remote: r.RemoteAddr, RequestID: rc.id})
		http.Redirect(w, r, "/?error=token", http.StatusSeeOther)
		return
	}
	rc.tok = tok
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}) // #nosec G124 -- HttpOnly and SameSite=Strict; Secure whenever the request came over TLS (a plain-HTTP listener on localhost could not log in otherwise)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode}) // #nosec G124 -- clears the cookie; same attributes as the login cookie (Secure whenever the request came over TLS)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
