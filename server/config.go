package server

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/catalog"
)

// Config is the server's configuration (server.yaml). Keys are written
// with hyphens, as the CLI's flags are. Fields marked "restart" are read
// once at start; every other field is reloaded on SIGHUP (Server.Reload).
type Config struct {
	Listen     string `yaml:"listen"`      // restart
	DataDir    string `yaml:"data-dir"`    // restart
	TokensFile string `yaml:"tokens-file"` // default <data-dir>/tokens.yaml
	AuditLog   string `yaml:"audit-log"`   // default <data-dir>/audit.jsonl; restart
	TLSCert    string `yaml:"tls-cert"`    // restart to switch TLS on or off; the files are re-read on reload
	TLSKey     string `yaml:"tls-key"`
	// PublicURL is the server's address as clients see it (behind a
	// proxy), for the links in notifications.
	PublicURL string `yaml:"public-url"`
	// CPUs is the thread budget of all running jobs together.
	CPUs int `yaml:"cpus"`
	// JobThreads is a job's thread count when it does not ask (0: CPUs).
	JobThreads    int                     `yaml:"job-threads"`
	Limits        Limits                  `yaml:"limits"`
	RetentionDays float64                 `yaml:"retention-days"` // 0: keep finished jobs forever
	PathRoots     []string                `yaml:"path-roots"`     // server-side paths allowed under these
	ReferenceSets map[string]ReferenceSet `yaml:"reference-sets"`
	CatalogSets   map[string]CatalogSet   `yaml:"catalog-sets"`
	Webhooks      Webhooks                `yaml:"webhooks"`
	// ShutdownGrace bounds how long SIGTERM waits for running jobs to
	// write their checkpoints.
	ShutdownGrace Duration `yaml:"shutdown-grace"`
}

// Limits are request and per-owner limits.
type Limits struct {
	MaxRequestBytes   ByteSize `yaml:"max-request-bytes"`
	MaxUploadBytes    ByteSize `yaml:"max-upload-bytes"` // one file
	MaxQueuedPerOwner int      `yaml:"max-queued-per-owner"`
	DiskQuotaBytes    ByteSize `yaml:"disk-quota-bytes"` // per owner, 0: none
	RequestsPerSecond float64  `yaml:"requests-per-second"`
	Burst             int      `yaml:"burst"`
	MaxPageSize       int      `yaml:"max-page-size"`
}

// ReferenceSet is a reference FASTA jobs can name instead of uploading one.
type ReferenceSet struct {
	Path        string `yaml:"path"`
	Description string `yaml:"description"`
}

// CatalogSet is a set of resistance catalogs jobs can name instead of
// giving catalog paths: align's --catalog (files or PointFinder species
// folders), --catalog-format, --catalog-taxgroup and --gene-alias.
type CatalogSet struct {
	Paths       []string `yaml:"paths"`
	Format      string   `yaml:"format"`
	Taxgroup    string   `yaml:"taxgroup"`
	GeneAliases []string `yaml:"gene-aliases"`
	Description string   `yaml:"description"`
}

// Webhooks configures job notifications.
type Webhooks struct {
	// AllowedHosts are the host or host:port values a notify_url may name.
	AllowedHosts []string `yaml:"allowed-hosts"`
	Attempts     int      `yaml:"attempts"`
	Backoff      Duration `yaml:"backoff"`     // first retry delay; doubles each time
	MaxBackoff   Duration `yaml:"max-backoff"` // cap of the delay
	Timeout      Duration `yaml:"timeout"`     // one attempt
}

// Duration is a time.Duration written as Go duration text ("10s").
type Duration time.Duration

// UnmarshalText reads Go duration text.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s or 10m, got %q", b)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes Go duration text.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// ByteSize is a size in bytes, written as a number or with a unit
// (KB, MB, GB: powers of 1000; KiB, MiB, GiB: powers of 1024).
type ByteSize int64

var byteUnits = []struct {
	suffix string
	mult   int64
}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}

// UnmarshalText reads a byte size.
func (b *ByteSize) UnmarshalText(t []byte) error {
	s := strings.TrimSpace(string(t))
	mult := int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < 0 {
		return fmt.Errorf("want a size such as 1048576, 64MiB or 2GB, got %q", t)
	}
	*b = ByteSize(v * float64(mult))
	return nil
}

// DefaultConfig is the configuration when server.yaml says nothing.
func DefaultConfig() Config {
	return Config{
		Listen: "127.0.0.1:8080", DataDir: "wtalign-data",
		CPUs: 2,
		Limits: Limits{
			MaxRequestBytes: 1 << 30, MaxUploadBytes: 512 << 20, MaxQueuedPerOwner: 100,
			RequestsPerSecond: 20, Burst: 40, MaxPageSize: 500,
		},
		RetentionDays: 30,
		Webhooks:      Webhooks{Attempts: 5, Backoff: Duration(time.Second), MaxBackoff: Duration(time.Minute), Timeout: Duration(10 * time.Second)},
		ShutdownGrace: Duration(30 * time.Second),
	}
}

// ConfigError is a problem in a configuration or tokens file, at a line.
type ConfigError struct {
	File string
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// LoadConfig reads server.yaml over base. Unknown keys, keys given twice
// and values of the wrong kind are *ConfigError naming the line.
func LoadConfig(path string, base Config) (Config, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the server.yaml the operator named
	if err != nil {
		return base, fmt.Errorf("server: config: %w", err)
	}
	cfg := base
	if err := decodeStrict(path, b, &cfg); err != nil {
		return base, err
	}
	return cfg, nil
}

// decodeStrict decodes YAML into the struct v points to, refusing unknown
// and duplicate keys with their line numbers.
func decodeStrict(file string, data []byte, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &ConfigError{File: file, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	return decodeNode(file, "", doc.Content[0], reflect.ValueOf(v).Elem())
}

func decodeNode(file, where string, n *yaml.Node, v reflect.Value) error {
	if v.Kind() == reflect.Struct && v.Type() != reflect.TypeFor[time.Time]() {
		if n.Kind != yaml.MappingNode {
			return &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%swant a mapping of keys to values", at(where))}
		}
		fields := map[string]reflect.Value{}
		var names []string
		for i := range v.NumField() {
			tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			fields[tag] = v.Field(i)
			names = append(names, tag)
		}
		sort.Strings(names)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			f, ok := fields[k.Value]
			if !ok {
				return &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("unknown key %q%s (known: %s)", k.Value, in(where), strings.Join(names, ", "))}
			}
			if first, dup := seen[k.Value]; dup {
				return &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("key %q given twice (first on line %d)", k.Value, first)}
			}
			seen[k.Value] = k.Line
			if err := decodeNode(file, join(where, k.Value), val, f); err != nil {
				return err
			}
		}
		return nil
	}
	if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Struct {
		if n.Kind != yaml.SequenceNode {
			return &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%swant a list", at(where))}
		}
		list := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, e := range n.Content {
			if err := decodeNode(file, fmt.Sprintf("%s[%d]", where, i+1), e, list.Index(i)); err != nil {
				return err
			}
		}
		v.Set(list)
		return nil
	}
	if v.Kind() == reflect.Map && v.Type().Elem().Kind() == reflect.Struct {
		if n.Kind != yaml.MappingNode {
			return &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%swant a mapping of names to settings", at(where))}
		}
		m := reflect.MakeMap(v.Type())
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if m.MapIndex(reflect.ValueOf(k.Value)).IsValid() {
				return &ConfigError{File: file, Line: k.Line, Msg: fmt.Sprintf("%q given twice%s", k.Value, in(where))}
			}
			e := reflect.New(v.Type().Elem()).Elem()
			if err := decodeNode(file, join(where, k.Value), val, e); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(k.Value), e)
		}
		v.Set(m)
		return nil
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		msg := err.Error()
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
			if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
				msg = msg[i+2:]
			}
		}
		return &ConfigError{File: file, Line: n.Line, Msg: fmt.Sprintf("%s%s", at(where), strings.TrimPrefix(msg, "yaml: "))}
	}
	return nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func at(where string) string {
	if where == "" {
		return ""
	}
	return where + ": "
}

func in(where string) string {
	if where == "" {
		return ""
	}
	return " in " + where
}

// Validate checks the values and fills in the paths that default to the
// data directory.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &ConfigError{File: "server config", Msg: key + ": " + fmt.Sprintf(format, args...)}
	}
	if c.DataDir == "" {
		return bad("data-dir", "required")
	}
	if c.TokensFile == "" {
		c.TokensFile = filepath.Join(c.DataDir, "tokens.yaml")
	}
	if c.AuditLog == "" {
		c.AuditLog = filepath.Join(c.DataDir, "audit.jsonl")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return bad("tls-cert", "tls-cert and tls-key go together")
	}
	if c.CPUs < 1 {
		return bad("cpus", "want at least 1, got %d", c.CPUs)
	}
	if c.JobThreads < 0 || c.JobThreads > c.CPUs {
		return bad("job-threads", "want 0 (all cpus) to cpus (%d), got %d", c.CPUs, c.JobThreads)
	}
	l := c.Limits
	switch {
	case l.MaxRequestBytes < 1024:
		return bad("limits.max-request-bytes", "want at least 1KiB")
	case l.MaxUploadBytes < 1 || l.MaxUploadBytes > l.MaxRequestBytes:
		return bad("limits.max-upload-bytes", "want 1 byte to max-request-bytes")
	case l.MaxQueuedPerOwner < 1:
		return bad("limits.max-queued-per-owner", "want at least 1")
	case l.DiskQuotaBytes < 0:
		return bad("limits.disk-quota-bytes", "want 0 (none) or more")
	case !(l.RequestsPerSecond > 0):
		return bad("limits.requests-per-second", "want more than 0")
	case l.Burst < 1:
		return bad("limits.burst", "want at least 1")
	case l.MaxPageSize < 1:
		return bad("limits.max-page-size", "want at least 1")
	case c.RetentionDays < 0:
		return bad("retention-days", "want 0 (keep forever) or more")
	case c.ShutdownGrace <= 0:
		return bad("shutdown-grace", "want a positive duration")
	}
	for i, r := range c.PathRoots {
		if !filepath.IsAbs(r) {
			return bad("path-roots", "%q: want an absolute directory", r)
		}
		real, err := filepath.EvalSymlinks(r)
		if err != nil {
			return bad("path-roots", "%v", err)
		}
		c.PathRoots[i] = real
	}
	for name, rs := range c.ReferenceSets {
		if !validName(name) {
			return bad("reference-sets", "%q: names are letters, digits, '.', '_' and '-'", name)
		}
		if rs.Path == "" {
			return bad("reference-sets."+name+".path", "required")
		}
		if st, err := os.Stat(rs.Path); err != nil || !st.Mode().IsRegular() {
			return bad("reference-sets."+name+".path", "%q is not a readable file", rs.Path)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(c.CatalogSets)) {
		cs, key := c.CatalogSets[name], "catalog-sets."+name
		if !validName(name) {
			return bad("catalog-sets", "%q: names are letters, digits, '.', '_' and '-'", name)
		}
		if len(cs.Paths) == 0 {
			return bad(key+".paths", "required: catalog files or PointFinder species folders")
		}
		for _, p := range cs.Paths {
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() && !st.IsDir() {
				return bad(key+".paths", "%q is not a readable file or folder", p)
			}
		}
		if cs.Format != "" && !slices.Contains(catalog.Formats, cs.Format) {
			return bad(key+".format", "%q: want %s (or leave it out to detect each catalog's)", cs.Format, strings.Join(catalog.Formats, ", "))
		}
		for _, a := range cs.GeneAliases {
			if catalog.IsAliasPair(a) {
				if _, err := catalog.ParseAlias(a); err != nil {
					return bad(key+".gene-aliases", "%q: want catalog_gene=reference_gene (e.g. pmrB=basS) or a TSV file of them", a)
				}
				continue
			}
			if st, err := os.Stat(a); err != nil || !st.Mode().IsRegular() {
				return bad(key+".gene-aliases", "%q is not a readable file", a)
			}
		}
	}
	w := c.Webhooks
	switch {
	case w.Attempts < 1:
		return bad("webhooks.attempts", "want at least 1")
	case w.Backoff <= 0 || w.MaxBackoff < w.Backoff:
		return bad("webhooks.backoff", "want 0 < backoff <= max-backoff")
	case w.Timeout <= 0:
		return bad("webhooks.timeout", "want a positive duration")
	}
	for _, h := range w.AllowedHosts {
		if h == "" || strings.ContainsAny(h, "/@ ") {
			return bad("webhooks.allowed-hosts", "%q: want a host or host:port", h)
		}
	}
	return nil
}

// limits is the public view of the limits.
func (c *Config) limits() api.Limits {
	return api.Limits{
		MaxRequestBytes: int64(c.Limits.MaxRequestBytes), MaxUploadBytes: int64(c.Limits.MaxUploadBytes),
		MaxQueuedPerOwner: c.Limits.MaxQueuedPerOwner, DiskQuotaBytes: int64(c.Limits.DiskQuotaBytes),
		RequestsPerSecond: c.Limits.RequestsPerSecond, Burst: c.Limits.Burst, CPUs: c.CPUs,
		RetentionDays: c.RetentionDays,
	}
}

// restartOnly names the settings that differ between a and b but only
// take effect on a restart.
func restartOnly(a, b *Config) []string {
	var out []string
	if a.Listen != b.Listen {
		out = append(out, "listen")
	}
	if a.DataDir != b.DataDir {
		out = append(out, "data-dir")
	}
	if a.AuditLog != b.AuditLog {
		out = append(out, "audit-log")
	}
	if (a.TLSCert == "") != (b.TLSCert == "") {
		out = append(out, "tls-cert")
	}
	return out
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return false
		}
	}
	return s[0] != '.' && s[0] != '-'
}
