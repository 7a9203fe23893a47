package manifest

import (
	"os"
	"time"
)

// Progress is the state of one run as `wtalign status` shows it: how far
// it got, how fast, what failed, and whether its process is gone.
type Progress struct {
	Manifest         string     `json:"manifest"`
	Output           string     `json:"output"`
	Shard            string     `json:"shard"`
	Status           Status     `json:"status"`
	Stale            bool       `json:"stale"` // status running, but its process is gone (crashed or killed)
	Error            string     `json:"error,omitempty"`
	Done             int        `json:"done"`
	Total            *int       `json:"total"`
	Percent          *float64   `json:"percent"`
	Failed           int        `json:"failed"`
	Skipped          int        `json:"skipped"`
	NoHit            int        `json:"no_hit"`
	RecordsPerSecond float64    `json:"records_per_second"`
	LastCheckpointAt time.Time  `json:"last_checkpoint_at"`
	RemainingSeconds *float64   `json:"remaining_seconds"` // at the session's rate, from the last checkpoint
	ETA              *time.Time `json:"eta"`               // only while running
	Failures         []Failure  `json:"failures"`
}

// ProgressOf is the progress of the run m (loaded from path) as of now.
func ProgressOf(path string, m *Manifest) Progress {
	s := Progress{
		Manifest: path, Output: m.Output.Path, Shard: m.Shard, Status: m.Status, Error: m.Error,
		Done: m.Counts.Done, Total: m.Counts.Total, Failed: m.Counts.Failed,
		Skipped: m.Counts.Skipped, NoHit: m.Counts.NoHit,
		RecordsPerSecond: m.Timings.RecordsPerSecond, LastCheckpointAt: m.Timings.LastCheckpointAt,
		Failures: m.Failures,
	}
	if s.Failures == nil {
		s.Failures = []Failure{}
	}
	if m.Status == StatusRunning && !sameHostProcessAlive(m.Host, m.PID) {
		s.Stale = true
	}
	if t := m.Counts.Total; t != nil {
		p := 100.0
		if *t > 0 {
			p = 100 * float64(m.Counts.Done) / float64(*t)
		}
		s.Percent = &p
		if !m.Status.Finished() && s.RecordsPerSecond > 0 {
			r := float64(*t-m.Counts.Done) / s.RecordsPerSecond
			s.RemainingSeconds = &r
			if m.Status == StatusRunning && !s.Stale {
				eta := m.Timings.LastCheckpointAt.Add(time.Duration(r * float64(time.Second)))
				s.ETA = &eta
			}
		}
	}
	return s
}

// sameHostProcessAlive reports false only when the process is certainly
// gone: same host and no such pid. Another host (or a pid namespace)
// cannot be checked.
func sameHostProcessAlive(host string, pid int) bool {
	h, err := os.Hostname()
	if err != nil || h != host || pid <= 0 {
		return true
	}
	return processAlive(pid)
}
