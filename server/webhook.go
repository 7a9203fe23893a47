package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/wtalign/wtalign/api"
)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the
// notification body keyed with the submitting token's webhook secret.
const SignatureHeader = "X-Wtalign-Signature"

// Sign is the SignatureHeader value for body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// notify delivers j's notification in the background.
func (s *Server) notify(j *job) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		s.deliver(j)
	}()
}

// deliver posts the job's end to its webhook, retrying with exponential
// backoff; every attempt is logged in the job's delivery log. A shutdown
// leaves the notification pending: the next start delivers it.
func (s *Server) deliver(j *job) {
	cfg := s.config()
	j.mu.Lock()
	n := j.meta.Notify
	if n == nil || n.State != api.NotifyPending {
		j.mu.Unlock()
		return
	}
	url, format, submitter := n.URL, n.Format, j.meta.SubmittedBy
	body, err := notificationBody(j, format, s.baseURL(nil))
	j.mu.Unlock()
	log := s.log.With().Str("job", j.meta.ID).Str("notify_host", hostOf(url)).Logger()
	secret := ""
	s.mu.RLock()
	for _, t := range s.tokens.list {
		if t.Name == submitter {
			secret = t.WebhookSecret
		}
	}
	s.mu.RUnlock()
	if err == nil && secret == "" {
		err = fmt.Errorf("token %q that submitted the job no longer exists: no secret to sign with", submitter)
	}
	if err != nil {
		log.Error().Err(err).Msg("notification not sent")
		_ = j.logDelivery(api.Delivery{Attempt: 0, At: time.Now().UTC(), Error: err.Error()})
		s.setNotify(j, api.NotifyFailed)
		return
	}
	client := s.opt.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: time.Duration(cfg.Webhooks.Timeout),
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	delay := time.Duration(cfg.Webhooks.Backoff)
	for attempt := 1; attempt <= cfg.Webhooks.Attempts; attempt++ {
		start := time.Now()
		d := api.Delivery{Attempt: attempt, At: start.UTC()}
		code, err := post(s.bgCtx, client, url, body, secret, j.meta.ID, s.opt.Version)
		d.DurationMS, d.StatusCode = time.Since(start).Milliseconds(), code
		if err != nil {
			d.Error = err.Error()
		} else if code < 200 || code > 299 {
			d.Error = fmt.Sprintf("receiver answered %d", code)
		}
		if s.bgCtx.Err() != nil {
			return // shutting down: stays pending, delivered after the restart
		}
		_ = j.logDelivery(d)
		if d.Error == "" {
			s.metrics.webhooks.WithLabelValues("delivered").Inc()
			log.Info().Int("attempt", attempt).Int("status", code).Msg("notification delivered")
			s.setNotify(j, api.NotifyDelivered)
			return
		}
		if attempt == cfg.Webhooks.Attempts {
			break
		}
		s.metrics.webhooks.WithLabelValues("retry").Inc()
		log.Warn().Int("attempt", attempt).Str("error", d.Error).Dur("retry_in", delay).Msg("notification failed; retrying")
		select {
		case <-s.bgCtx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, time.Duration(cfg.Webhooks.MaxBackoff))
	}
	s.metrics.webhooks.WithLabelValues("failed").Inc()
	log.Error().Int("attempts", cfg.Webhooks.Attempts).Msg("notification failed; giving up")
	s.setNotify(j, api.NotifyFailed)
}

func (s *Server) setNotify(j *job, state string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.meta.Notify != nil {
		j.meta.Notify.State = state
		if err := j.save(); err != nil {
			s.log.Error().Err(err).Str("job", j.meta.ID).Msg("saving the notification state")
		}
	}
}

func post(ctx context.Context, c *http.Client, url string, body []byte, secret, id, version string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", api.MediaJSON)
	req.Header.Set("User-Agent", "wtalign/"+version)
	req.Header.Set("X-Wtalign-Event", "job.finished")
	req.Header.Set("X-Wtalign-Delivery", id)
	req.Header.Set(SignatureHeader, Sign(secret, body))
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close() // #nosec G104 -- only the status code is used; a failed Close of the response body changes nothing
	return resp.StatusCode, nil
}

// notificationBody is the job's end as JSON or as a Slack message; the
// caller holds j.mu.
func notificationBody(j *job, format, base string) ([]byte, error) {
	v := j.view(base)
	ev := api.JobEvent{Event: "job.finished", ID: v.ID, Label: v.Label, State: v.State, Counts: v.Counts, Errors: v.Errors}
	if v.EndedAt != nil {
		ev.EndedAt = *v.EndedAt
	}
	if base != "" {
		ev.Job = base + "/v1/jobs/" + v.ID
		if v.Results != nil {
			ev.Results = ev.Job + "/results"
		}
	}
	if format == api.NotifySlack {
		return json.Marshal(api.SlackMessage{Text: slackText(ev)})
	}
	return json.Marshal(ev)
}

func slackText(ev api.JobEvent) string {
	name := ev.ID
	if ev.Label != "" {
		name = ev.Label + " (" + ev.ID + ")"
	}
	var b strings.Builder
	switch ev.State {
	case api.Complete:
		fmt.Fprintf(&b, ":white_check_mark: wtalign job %s finished: %d records", name, ev.Counts.Done)
	case api.Canceled:
		fmt.Fprintf(&b, ":no_entry_sign: wtalign job %s was canceled after %d records", name, ev.Counts.Done)
	default:
		fmt.Fprintf(&b, ":x: wtalign job %s failed (%s)", name, ev.State)
	}
	keys := make([]string, 0, len(ev.Counts.Statuses))
	for k := range ev.Counts.Statuses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, ev.Counts.Statuses[k])
	}
	if len(parts) > 0 {
		b.WriteString(" (" + strings.Join(parts, ", ") + ")")
	}
	if len(ev.Errors) > 0 {
		b.WriteString(": " + ev.Errors[0])
	}
	if ev.Results != "" {
		b.WriteString(" <" + ev.Results + "|results>")
	} else if ev.Job != "" {
		b.WriteString(" <" + ev.Job + "|job>")
	}
	return b.String()
}

func hostOf(u string) string {
	rest, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://"), "/")
	return rest
}
