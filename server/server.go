package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/time/rate"

	"github.com/wtalign/wtalign/api"
)

// Options are what New needs besides the configuration file.
type Options struct {
	Config Config
	// ConfigPath is server.yaml, reread by Reload ("" when there is none:
	// Reload then rereads only the tokens file). Override is applied over
	// the file each time it is read (the command line's flags).
	ConfigPath string
	Override   func(*Config)
	// Logger receives the access log and the server's events; the package
	// writes nowhere else (the audit log goes to Config.AuditLog).
	Logger          zerolog.Logger
	Version, Commit string
	// HTTPClient delivers webhooks (default: a client with the
	// configured timeout that does not follow redirects).
	HTTPClient *http.Client

	// createUpload opens an upload's file; tests replace it to simulate a
	// full disk.
	createUpload func(path string) (io.WriteCloser, error)
}

// Server is the job service: HTTP routes over a scheduler that runs each
// job through pipeline.Prepare/Execute with its checkpointed output.
type Server struct {
	opt     Options
	log     zerolog.Logger
	metrics *metrics
	audit   *auditLog
	handler http.Handler
	routes  []route

	mu       sync.RWMutex // cfg, tokens, limiters
	cfg      Config
	tokens   *Tokens
	limiters map[string]*rate.Limiter
	cert     atomic.Pointer[tls.Certificate]

	jmu  sync.RWMutex // jobs
	jobs map[string]*job

	smu      sync.Mutex // scheduling
	queue    []*job
	inUse    int
	byOwner  map[string]int
	stopping bool
	runners  sync.WaitGroup

	wake         chan struct{} // wakes the scheduler loop (buffered, one)
	probe        chan struct{} // readiness probes the loop answers
	schedRunning atomic.Bool

	jobsCtx  context.Context // cancelled on shutdown: running jobs checkpoint
	stopJobs context.CancelFunc
	bgCtx    context.Context // webhooks, the janitor and the scheduler loop
	stopBg   context.CancelFunc
	bg       sync.WaitGroup

	httpMu   sync.Mutex
	httpSrvs []*http.Server
	draining atomic.Bool
}

// New checks the configuration, loads the tokens, prepares the data
// directory and recovers its jobs: QUEUED ones are queued again, RUNNING
// ones resume from their checkpoints, a damaged job directory becomes a
// SYSTEM_ERROR job. The scheduler starts at once.
func New(opt Options) (*Server, error) {
	cfg := opt.Config
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	tokens, err := LoadTokens(cfg.TokensFile)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{jobsDir, stagingDir} {
		if err := os.MkdirAll(filepath.Join(cfg.DataDir, d), 0o750); err != nil {
			return nil, fmt.Errorf("server: data directory: %w", err)
		}
	}
	if err := checkWritable(cfg.DataDir); err != nil {
		return nil, err
	}
	audit, err := openAudit(cfg.AuditLog)
	if err != nil {
		return nil, err
	}
	if opt.createUpload == nil {
		opt.createUpload = func(p string) (io.WriteCloser, error) {
			return os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640) // #nosec G302 G304 G703 -- p is in the job's staging directory; badFileName refuses upload names with a separator or a leading '.'; 0640 keeps uploads to the service's group
		}
	}
	s := &Server{
		opt: opt, log: opt.Logger, cfg: cfg, tokens: tokens, limiters: map[string]*rate.Limiter{},
		metrics: newMetrics(opt.Version, opt.Commit), audit: audit,
		jobs: map[string]*job{}, byOwner: map[string]int{},
		wake: make(chan struct{}, 1), probe: make(chan struct{}),
	}
	if cfg.TLSCert != "" {
		if err := s.loadCert(&cfg); err != nil {
			audit.Close() // #nosec G104 -- error path: the certificate error is the one returned
			return nil, err
		}
	}
	s.jobsCtx, s.stopJobs = context.WithCancel(context.Background())
	s.bgCtx, s.stopBg = context.WithCancel(context.Background())
	s.metrics.threadsBudget.Set(float64(cfg.CPUs))
	s.recover()
	s.handler = s.buildHandler()
	s.bg.Add(2)
	go s.janitor()
	go s.schedule()
	s.wakeScheduler()
	return s, nil
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".writable-*")
	if err != nil {
		return fmt.Errorf("server: data directory %s is not writable: %w", dir, err)
	}
	cerr := f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("server: data directory %s is not writable: %w", dir, cerr)
	}
	return nil
}

func (s *Server) config() Config {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cfg
}

// recover loads every job directory and queues the unfinished jobs.
func (s *Server) recover() {
	cfg := s.config()
	staging := filepath.Join(cfg.DataDir, stagingDir)
	if ents, err := os.ReadDir(staging); err == nil {
		for _, e := range ents {
			_ = os.RemoveAll(filepath.Join(staging, e.Name())) // half-made submissions and half-deleted jobs
		}
	}
	ents, err := os.ReadDir(filepath.Join(cfg.DataDir, jobsDir))
	if err != nil {
		s.log.Error().Err(err).Msg("reading the jobs directory")
		return
	}
	var queued []*job
	for _, e := range ents {
		if !e.IsDir() || !validID(e.Name()) {
			continue
		}
		j := loadJob(filepath.Join(cfg.DataDir, jobsDir, e.Name()))
		s.jobs[j.meta.ID] = j
		s.metrics.jobs.WithLabelValues(string(j.meta.State)).Inc()
		switch {
		case j.broken || j.meta.State.Final():
		case j.meta.State == api.Canceling:
			s.setState(j, api.Canceled)
			now := time.Now().UTC()
			j.meta.EndedAt = &now
			_ = j.save()
		default:
			queued = append(queued, j)
		}
		if j.broken || j.meta.State == api.SystemError {
			s.log.Error().Str("job", j.meta.ID).Strs("errors", j.meta.Errors).Msg("job directory damaged; job is SYSTEM_ERROR")
		}
		if n := j.meta.Notify; n != nil && n.State == api.NotifyPending && j.meta.State.Final() {
			s.notify(j)
		}
	}
	sort.Slice(queued, func(a, b int) bool { return queued[a].meta.CreatedAt.Before(queued[b].meta.CreatedAt) })
	resumed := 0
	for _, j := range queued {
		if j.meta.State != api.Queued {
			resumed++
		}
	}
	s.smu.Lock()
	s.queue = append(s.queue, queued...)
	s.metrics.queue.Set(float64(len(s.queue)))
	s.smu.Unlock()
	s.log.Info().Int("jobs", len(s.jobs)).Int("queued", len(queued)-resumed).Int("resuming", resumed).Msg("jobs recovered")
}

// setState moves j to st and keeps the state gauge; the caller holds j.mu
// (or owns j).
func (s *Server) setState(j *job, st api.State) {
	if j.meta.State == st {
		return
	}
	s.metrics.jobs.WithLabelValues(string(j.meta.State)).Dec()
	s.metrics.jobs.WithLabelValues(string(st)).Inc()
	j.meta.State = st
}

// Handler is the service's HTTP handler (for tests and for callers that
// run their own http.Server).
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers on ln until Shutdown; with tls-cert/tls-key configured it
// speaks TLS, rereading the certificate on Reload.
func (s *Server) Serve(ln net.Listener) error {
	cfg := s.config()
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          nil,
	}
	hs.ErrorLog = newStdLogger(s.log)
	s.httpMu.Lock()
	if s.draining.Load() {
		s.httpMu.Unlock()
		return http.ErrServerClosed
	}
	s.httpSrvs = append(s.httpSrvs, hs)
	s.httpMu.Unlock()
	if cfg.TLSCert != "" {
		hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return s.cert.Load(), nil
		}}
		return hs.ServeTLS(ln, "", "")
	}
	return hs.Serve(ln)
}

func (s *Server) loadCert(cfg *Config) error {
	c, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return fmt.Errorf("server: tls-cert/tls-key: %w", err)
	}
	s.cert.Store(&c)
	return nil
}

// Shutdown drains the server: it stops accepting connections and waits
// for requests in flight, stops starting jobs, makes the running jobs
// write their checkpoints (they stay RUNNING on disk and resume on the
// next start) and waits for them until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.httpMu.Lock()
	srvs := s.httpSrvs
	s.httpMu.Unlock()
	var first error
	for _, hs := range srvs {
		if err := hs.Shutdown(ctx); err != nil && first == nil {
			first = err
		}
	}
	s.smu.Lock()
	s.stopping = true
	s.smu.Unlock()
	s.stopJobs()
	s.stopBg()
	done := make(chan struct{})
	go func() { s.runners.Wait(); s.bg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		if first == nil {
			first = fmt.Errorf("server: shutdown: jobs still writing checkpoints: %w", ctx.Err())
		}
	}
	if err := s.audit.Close(); err != nil && first == nil {
		first = err
	}
	return first
}

// Reload rereads the configuration file (when there is one) and the
// tokens file. Either being invalid rejects the reload and keeps the
// settings and tokens in force; settings that need a restart are kept
// and named in the log.
func (s *Server) Reload() error {
	err := s.reload()
	if err != nil {
		s.metrics.reloads.WithLabelValues("rejected").Inc()
		s.log.Error().Err(err).Msg("reload rejected; keeping the configuration and tokens in force")
		return err
	}
	s.metrics.reloads.WithLabelValues("ok").Inc()
	return nil
}

func (s *Server) reload() error {
	old := s.config()
	cfg := old
	if s.opt.ConfigPath != "" {
		var err error
		if cfg, err = LoadConfig(s.opt.ConfigPath, DefaultConfig()); err != nil {
			return err
		}
		if s.opt.Override != nil {
			s.opt.Override(&cfg)
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	tokens, err := LoadTokens(cfg.TokensFile)
	if err != nil {
		return err
	}
	if cfg.TLSCert != "" && old.TLSCert != "" {
		if err := s.loadCert(&cfg); err != nil {
			return err
		}
	}
	kept := restartOnly(&old, &cfg)
	for _, k := range kept {
		switch k {
		case "listen":
			cfg.Listen = old.Listen
		case "data-dir":
			cfg.DataDir = old.DataDir
		case "audit-log":
			cfg.AuditLog = old.AuditLog
		case "tls-cert":
			cfg.TLSCert, cfg.TLSKey = old.TLSCert, old.TLSKey
		}
	}
	s.mu.Lock()
	s.cfg, s.tokens = cfg, tokens
	s.limiters = map[string]*rate.Limiter{} // new limits apply from now
	s.mu.Unlock()
	s.metrics.threadsBudget.Set(float64(cfg.CPUs))
	ev := s.log.Info().Int("tokens", tokens.Len()).Int("cpus", cfg.CPUs)
	if len(kept) > 0 {
		ev = ev.Strs("restart_needed_for", kept)
	}
	ev.Msg("configuration and tokens reloaded")
	s.wakeScheduler()
	return nil
}

// janitor deletes finished jobs past the retention time.
func (s *Server) janitor() {
	defer s.bg.Done()
	for {
		cfg := s.config()
		every := time.Hour
		if cfg.RetentionDays > 0 {
			if d := time.Duration(cfg.RetentionDays * 24 * float64(time.Hour) / 10); d < every {
				every = max(d, time.Second)
			}
			s.expire(time.Now().Add(-time.Duration(cfg.RetentionDays * 24 * float64(time.Hour))))
		}
		select {
		case <-s.bgCtx.Done():
			return
		case <-time.After(every):
		}
	}
}

func (s *Server) expire(before time.Time) {
	s.jmu.RLock()
	var old []*job
	for _, j := range s.jobs {
		j.mu.Lock()
		if j.meta.State.Final() && !j.broken && j.meta.EndedAt != nil && j.meta.EndedAt.Before(before) &&
			(j.meta.Notify == nil || j.meta.Notify.State != api.NotifyPending) {
			old = append(old, j)
		}
		j.mu.Unlock()
	}
	s.jmu.RUnlock()
	for _, j := range old {
		if err := s.remove(j); err != nil {
			s.log.Error().Err(err).Str("job", j.meta.ID).Msg("retention: deleting job")
			continue
		}
		s.log.Info().Str("job", j.meta.ID).Msg("retention: deleted finished job")
	}
}

// remove deletes a job's directory (renamed away first, so it vanishes
// at once) and forgets the job.
func (s *Server) remove(j *job) error {
	cfg := s.config()
	tmp := filepath.Join(cfg.DataDir, stagingDir, j.meta.ID+".deleted")
	if err := os.Rename(j.dir, tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("server: deleting job %s: %w", j.meta.ID, err)
	}
	s.jmu.Lock()
	delete(s.jobs, j.meta.ID)
	s.jmu.Unlock()
	j.mu.Lock()
	s.metrics.jobs.WithLabelValues(string(j.meta.State)).Dec()
	j.mu.Unlock()
	return os.RemoveAll(tmp)
}

// ownerUsage is the disk space the owner's jobs use.
func (s *Server) ownerUsage(owner string) (bytes int64, queued int) {
	s.jmu.RLock()
	defer s.jmu.RUnlock()
	for _, j := range s.jobs {
		j.mu.Lock()
		if j.meta.Owner == owner {
			bytes += j.meta.DiskBytes
			if j.meta.State == api.Queued {
				queued++
			}
		}
		j.mu.Unlock()
	}
	return bytes, queued
}
