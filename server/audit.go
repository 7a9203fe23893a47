package server

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// auditEvent is one line of the audit log. It names tokens, never holds one.
type auditEvent struct {
	Time      time.Time `json:"time"`
	Event     string    `json:"event"` // job.create, job.results, job.manifest, job.cancel, job.delete, auth.failure
	Token     string    `json:"token,omitempty"`
	Owner     string    `json:"owner,omitempty"`
	Route     string    `json:"route"`
	Job       string    `json:"job,omitempty"`
	Status    int       `json:"status"`
	Outcome   string    `json:"outcome"` // ok, refused, error
	Reason    string    `json:"reason,omitempty"`
	Remote    string    `json:"remote"`
	RequestID string    `json:"request_id"`
}

// auditLog appends JSON lines to a file, one write per event (O_APPEND,
// so lines from concurrent requests never interleave).
type auditLog struct {
	mu sync.Mutex
	f  *os.File
}

func openAudit(path string) (*auditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640) // #nosec G302 G304 -- the audit log the operator configured (audit-log); 0640 keeps it to the service's group
	if err != nil {
		return nil, fmt.Errorf("server: audit log: %w", err)
	}
	return &auditLog{f: f}, nil
}

func (a *auditLog) write(e auditEvent) {
	e.Time = time.Now().UTC()
	switch {
	case e.Status >= 500:
		e.Outcome = "error"
	case e.Status >= 400:
		e.Outcome = "refused"
	default:
		e.Outcome = "ok"
	}
	b, _ := json.Marshal(e)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f != nil {
		_, _ = a.f.Write(append(b, '\n'))
	}
}

func (a *auditLog) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
