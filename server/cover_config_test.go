package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
)

// TestValidateRefusals: each bad setting is refused naming its key, and
// the first problem found is the one reported.
func TestValidateRefusals(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.DataDir = "" }, "data-dir: required"},
		{func(c *Config) { c.TLSCert = "cert.pem" }, "tls-cert: tls-cert and tls-key go together"},
		{func(c *Config) { c.TLSKey = "key.pem" }, "tls-cert: tls-cert and tls-key go together"},
		{func(c *Config) { c.CPUs = 0 }, "cpus: want at least 1, got 0"},
		{func(c *Config) { c.JobThreads = 3 }, "job-threads: want 0 (all cpus) to cpus (2), got 3"},
		{func(c *Config) { c.JobThreads = -1 }, "job-threads: want 0 (all cpus) to cpus (2), got -1"},
		{func(c *Config) { c.Limits.MaxRequestBytes = 1023 }, "limits.max-request-bytes: want at least 1KiB"},
		{func(c *Config) { c.Limits.MaxUploadBytes = c.Limits.MaxRequestBytes + 1 }, "limits.max-upload-bytes: want 1 byte to max-request-bytes"},
		{func(c *Config) { c.Limits.MaxUploadBytes = 0 }, "limits.max-upload-bytes: want 1 byte to max-request-bytes"},
		{func(c *Config) { c.Limits.MaxQueuedPerOwner = 0 }, "limits.max-queued-per-owner: want at least 1"},
		{func(c *Config) { c.Limits.DiskQuotaBytes = -1 }, "limits.disk-quota-bytes: want 0 (none) or more"},
		{func(c *Config) { c.Limits.RequestsPerSecond = 0 }, "limits.requests-per-second: want more than 0"},
		{func(c *Config) { c.Limits.Burst = 0 }, "limits.burst: want at least 1"},
		{func(c *Config) { c.Limits.MaxPageSize = 0 }, "limits.max-page-size: want at least 1"},
		{func(c *Config) { c.RetentionDays = -1 }, "retention-days: want 0 (keep forever) or more"},
		{func(c *Config) { c.ShutdownGrace = 0 }, "shutdown-grace: want a positive duration"},
		{func(c *Config) { c.PathRoots = []string{"data"} }, `path-roots: "data": want an absolute directory`},
		{func(c *Config) { c.PathRoots = []string{filepath.Join(dir, "none")} }, "path-roots: lstat " + filepath.Join(dir, "none") + ": no such file or directory"},
		{func(c *Config) { c.ReferenceSets = map[string]ReferenceSet{".hidden": {Path: demoRef}} }, `reference-sets: ".hidden": names are letters, digits, '.', '_' and '-'`},
		{func(c *Config) { c.ReferenceSets = map[string]ReferenceSet{"k12": {}} }, "reference-sets.k12.path: required"},
		{func(c *Config) { c.ReferenceSets = map[string]ReferenceSet{"k12": {Path: dir}} }, `reference-sets.k12.path: "` + dir + `" is not a readable file`},
		{func(c *Config) { c.Webhooks.Attempts = 0 }, "webhooks.attempts: want at least 1"},
		{func(c *Config) { c.Webhooks.Backoff = 0 }, "webhooks.backoff: want 0 < backoff <= max-backoff"},
		{func(c *Config) { c.Webhooks.MaxBackoff = Duration(time.Millisecond) }, "webhooks.backoff: want 0 < backoff <= max-backoff"},
		{func(c *Config) { c.Webhooks.Timeout = 0 }, "webhooks.timeout: want a positive duration"},
		{func(c *Config) { c.Webhooks.AllowedHosts = []string{"hooks.example.org", "user@host"} }, `webhooks.allowed-hosts: "user@host": want a host or host:port`},
		{func(c *Config) { c.Webhooks.AllowedHosts = []string{""} }, `webhooks.allowed-hosts: "": want a host or host:port`},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		cfg.DataDir = dir
		c.edit(&cfg)
		err := cfg.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || err.Error() != "server config: "+c.want {
			t.Errorf("got %v, want %q", err, "server config: "+c.want)
		}
	}

	// A valid configuration: defaults filled in, path roots resolved.
	cfg := DefaultConfig()
	cfg.DataDir = dir
	cfg.PathRoots = []string{link}
	cfg.ReferenceSets = map[string]ReferenceSet{"k12_v1.0": {Path: demoRef}}
	cfg.Webhooks.AllowedHosts = []string{"127.0.0.1:9000"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	if cfg.TokensFile != filepath.Join(dir, "tokens.yaml") || cfg.AuditLog != filepath.Join(dir, "audit.jsonl") || cfg.PathRoots[0] != real {
		t.Errorf("filled in: tokens %s, audit %s, roots %v", cfg.TokensFile, cfg.AuditLog, cfg.PathRoots)
	}
}

func TestDurationAndByteSizeText(t *testing.T) {
	for _, d := range []Duration{Duration(90 * time.Second), 0, Duration(1500 * time.Millisecond)} {
		b, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Duration
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Errorf("%v: text %q read back as %v, %v", time.Duration(d), b, time.Duration(back), err)
		}
	}
	if b, _ := Duration(90 * time.Second).MarshalText(); string(b) != "1m30s" {
		t.Errorf("90s written as %q", b)
	}
	var d Duration
	if err := d.UnmarshalText([]byte("ten")); err == nil || err.Error() != `want a duration such as 30s or 10m, got "ten"` {
		t.Errorf("bad duration: %v", err)
	}
	for text, want := range map[string]ByteSize{"1048576": 1 << 20, "64MiB": 64 << 20, "2GB": 2e9, " 1.5 KiB ": 1536, "10B": 10} {
		var b ByteSize
		if err := b.UnmarshalText([]byte(text)); err != nil || b != want {
			t.Errorf("%q: %d, %v; want %d", text, b, err, want)
		}
	}
	for _, text := range []string{"-1", "MiB", "lots"} {
		var b ByteSize
		if err := b.UnmarshalText([]byte(text)); err == nil || !strings.Contains(err.Error(), "want a size such as 1048576, 64MiB or 2GB") {
			t.Errorf("%q: %v", text, err)
		}
	}
}

// TestTokenNamesAndList: the names the tokens file accepts, and List
// never shows the hash or the webhook secret.
func TestTokenNamesAndList(t *testing.T) {
	for name, ok := range map[string]bool{
		"alice": true, "lab-2.ci_bot": true, strings.Repeat("a", 64): true,
		"": false, ".x": false, "-x": false, "a b": false, "a/b": false, "é": false, strings.Repeat("a", 65): false,
	} {
		if ValidTokenName(name) != ok {
			t.Errorf("ValidTokenName(%q) = %v", name, !ok)
		}
	}
	path := filepath.Join(t.TempDir(), "tokens.yaml")
	if _, _, err := AddToken(path, "alice", api.RoleSubmit, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddToken(path, "ci", api.RoleRead, "alice"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := AddToken(path, "ci", api.RoleRead, ""); err == nil || err.Error() != `server: token "ci" exists in `+path+" (remove it first)" {
		t.Errorf("second ci: %v", err)
	}
	if _, _, err := AddToken(path, "bad name", api.RoleRead, ""); err == nil || !strings.Contains(err.Error(), `token 3 ("bad name"): name: letters, digits`) {
		t.Errorf("bad name: %v", err)
	}
	tokens, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	list := tokens.List()
	if len(list) != 2 || list[0] != (Token{Name: "alice", Role: api.RoleSubmit, Owner: "alice"}) || list[1] != (Token{Name: "ci", Role: api.RoleRead, Owner: "alice"}) {
		t.Errorf("list %+v", list)
	}
	if err := RemoveToken(path, "nobody"); err == nil || err.Error() != `server: no token "nobody" in `+path {
		t.Errorf("remove nobody: %v", err)
	}
}

// TestBadFileName: every refused upload name says why; ordinary names,
// spaces and non-ASCII letters included, pass.
func TestBadFileName(t *testing.T) {
	for name, want := range map[string]string{
		"variants.faa":               "",
		"GCF 000005845.2 (K-12).faa": "",
		"Escherichia_coli_é.fasta":   "",
		"":                           "empty file name",
		"a\x00b":                     "the file name contains a NUL byte",
		"bad\xffutf8":                "the file name is not UTF-8",
		"../etc/passwd":              "the file name contains a directory separator ('../' and folders are refused): send the bare file name",
		`dir\file.faa`:               "the file name contains a directory separator ('../' and folders are refused): send the bare file name",
		".hidden":                    "the file name starts with '.'",
		"..":                         "the file name starts with '.'",
		strings.Repeat("a", 201):     "the file name is longer than 200 bytes",
		"tab\there.faa":              "the file name contains a control character",
		"bell\u0085.faa":             "the file name contains a control character",
	} {
		if got := badFileName(name); got != want {
			t.Errorf("badFileName(%q) = %q, want %q", name, got, want)
		}
	}
	pe := refuse(409, "job-running", "Job is running", "cancel it first")
	if pe.Error() != "Job is running: cancel it first" || pe.p.Type != "urn:wtalign:problem:job-running" || pe.p.Status != 409 {
		t.Errorf("refusal %q %+v", pe.Error(), pe.p)
	}
}
