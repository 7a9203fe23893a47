package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/server"
)

// serveOptions are serve's flags; each overrides the same key of --config.
type serveOptions struct {
	Listen  string
	DataDir string
	Config  string
	TLSCert string
	TLSKey  string
}

func (o *serveOptions) AddFlags(fs *pflag.FlagSet) {
	d := server.DefaultConfig()
	fs.StringVar(&o.Listen, "listen", d.Listen, "address to listen on (host:port)")
	fs.StringVar(&o.DataDir, "data-dir", d.DataDir, "directory of jobs, tokens and the audit log")
	fs.StringVar(&o.Config, "config", "", "server.yaml with every setting (limits, cpus, reference and catalog sets, webhooks); flags override it")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "PEM certificate: serve HTTPS (with --tls-key)")
	fs.StringVar(&o.TLSKey, "tls-key", "", "PEM private key of --tls-cert")
}

const serveLong = `serve runs wtalign as an HTTP job service: clients submit protein FASTA
files (or name files on a shared filesystem under the configured path roots)
with align's parameters, follow progress and download results. Each job runs
the same pipeline, checkpointed output and manifest as 'wtalign align', so its
results are the bytes align writes, and a server that is killed resumes every
job from its checkpoint when it starts again.

Every request needs a bearer token (wtalign serve token add NAME --role
submit); the tokens file holds only their SHA-256 hashes. A token sees only
its owner's jobs. The dashboard is at / and metrics at /metrics.

The process works in --data-dir (it changes its directory there), so a
job's manifest records its inputs as jobs/<id>/inputs/<file>; its records
name each upload as it was uploaded (input_file "sample.faa") and a
server-side input by its resolved path. Relative paths in server.yaml are
relative to that file's directory.

Resistance catalogs: catalog-sets in server.yaml name catalogs (files or
PointFinder species folders, with format, taxgroup and gene aliases) that a
submission picks with catalog_set (wtalign submit --catalog-set). Catalog
paths in a submission's params, like every server-side path, must be under
path-roots: a folder's every entry too, symlinks followed.

Signals: SIGHUP rereads server.yaml and the tokens file (an invalid file is
rejected, the old settings stay, the log says why); SIGTERM or SIGINT stop
accepting requests, checkpoint running jobs and exit 0; the next start
resumes them. docs/service.md has the deployment guide.`

func newServeCommand(a *app) *cobra.Command {
	o := &serveOptions{}
	cmd := &cobra.Command{
		Use:   "serve [flags]",
		Short: "Run the HTTP job service (API, dashboard, metrics)",
		Long:  serveLong + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign serve --data-dir /var/lib/wtalign --config /etc/wtalign/server.yaml\n" +
			"  wtalign serve token add lims --role submit --data-dir /var/lib/wtalign",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd.Context(), a, o, cmd.Flags()) },
	}
	o.AddFlags(cmd.Flags())
	cmd.AddCommand(newTokenCommand(a))
	return cmd
}

// serverConfig reads --config and applies the flags given over it, with
// every path made absolute (the server then works inside the data dir).
func (o *serveOptions) serverConfig(fs *pflag.FlagSet) (server.Config, func(*server.Config), error) {
	cfg := server.DefaultConfig()
	cfgPath := ""
	if o.Config != "" {
		var err error
		if cfgPath, err = filepath.Abs(o.Config); err != nil {
			return cfg, nil, err
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return cfg, nil, err
	}
	override := func(c *server.Config) {
		base := cwd
		if cfgPath != "" {
			base = filepath.Dir(cfgPath)
		}
		abs := func(p *string, dir string) {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
		if fs.Changed("listen") {
			c.Listen = o.Listen
		}
		for _, f := range []struct {
			name string
			dst  *string
			val  string
		}{{"data-dir", &c.DataDir, o.DataDir}, {"tls-cert", &c.TLSCert, o.TLSCert}, {"tls-key", &c.TLSKey, o.TLSKey}} {
			if fs.Changed(f.name) || cfgPath == "" && f.name == "data-dir" {
				*f.dst = f.val
				abs(f.dst, cwd)
			}
		}
		for _, p := range []*string{&c.DataDir, &c.TLSCert, &c.TLSKey, &c.TokensFile, &c.AuditLog} {
			abs(p, base)
		}
		for name, rs := range c.ReferenceSets {
			abs(&rs.Path, base)
			c.ReferenceSets[name] = rs
		}
		for _, cs := range c.CatalogSets { // the slices are shared with the map's values
			for i := range cs.Paths {
				abs(&cs.Paths[i], base)
			}
			for i, a := range cs.GeneAliases {
				if !catalog.IsAliasPair(a) { // a file of aliases, not a pair
					abs(&cs.GeneAliases[i], base)
				}
			}
		}
		for i := range c.PathRoots {
			abs(&c.PathRoots[i], base)
		}
	}
	if cfgPath != "" {
		if cfg, err = server.LoadConfig(cfgPath, cfg); err != nil {
			return cfg, nil, configUsage(err)
		}
	}
	override(&cfg)
	return cfg, override, nil
}

func configUsage(err error) error {
	var ce *server.ConfigError
	if errors.As(err, &ce) {
		return usageError{err}
	}
	return err
}

func runServe(ctx context.Context, a *app, o *serveOptions, fs *pflag.FlagSet) error {
	log := a.log()
	cfg, override, err := o.serverConfig(fs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("serve: --data-dir: %w", err)
	}
	// Work inside the data directory: jobs' paths (recorded in their
	// manifests and results) are then relative, and the directory can be
	// moved or restored from a backup without breaking resume.
	dataDir := cfg.DataDir
	if err := os.Chdir(dataDir); err != nil {
		return fmt.Errorf("serve: --data-dir: %w", err)
	}
	rel := func(c *server.Config) {
		override(c)
		if c.TokensFile == "" {
			c.TokensFile = filepath.Join(c.DataDir, "tokens.yaml")
		}
		if c.AuditLog == "" {
			c.AuditLog = filepath.Join(c.DataDir, "audit.jsonl")
		}
		c.DataDir = "."
	}
	rel(&cfg)
	v, commit := versionInfo()
	srv, err := server.New(server.Options{Config: cfg, ConfigPath: absOrEmpty(o.Config), Override: rel, Logger: *log, Version: v, Commit: commit})
	if err != nil {
		return configUsage(err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return fmt.Errorf("serve: --listen: %w", err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	log.Info().Str("addr", ln.Addr().String()).Str("url", scheme+"://"+ln.Addr().String()).Str("data_dir", dataDir).Int("cpus", cfg.CPUs).Msg("listening")
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			log.Info().Msg("SIGHUP: reloading configuration and tokens")
			_ = srv.Reload() // a rejected reload is logged by the server and changes nothing
		case err := <-served:
			_ = srv.Shutdown(context.Background())
			return fmt.Errorf("serve: %w", err)
		case <-ctx.Done():
			log.Info().Msg("shutting down: finishing requests, checkpointing running jobs")
			sctx, cancel := context.WithTimeout(context.Background(), time.Duration(cfg.ShutdownGrace))
			err := srv.Shutdown(sctx)
			cancel()
			if err != nil {
				return err
			}
			log.Info().Msg("stopped; running jobs resume on the next start")
			return nil
		}
	}
}

func absOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// tokenOptions locate the tokens file: --tokens-file, else tokens-file of
// --config, else <data-dir>/tokens.yaml.
type tokenOptions struct {
	serve      serveOptions
	TokensFile string
	Role       string
	Owner      string
}

func (o *tokenOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.serve.DataDir, "data-dir", server.DefaultConfig().DataDir, "the server's data directory")
	fs.StringVar(&o.serve.Config, "config", "", "the server's server.yaml (for its tokens-file setting)")
	fs.StringVar(&o.TokensFile, "tokens-file", "", "the tokens file (default: tokens-file of --config, else <data-dir>/tokens.yaml)")
}

func (o *tokenOptions) path(fs *pflag.FlagSet) (string, error) {
	if o.TokensFile != "" {
		return o.TokensFile, nil
	}
	cfg, _, err := o.serve.serverConfig(fs)
	if err != nil {
		return "", err
	}
	if cfg.TokensFile != "" {
		return cfg.TokensFile, nil
	}
	return filepath.Join(cfg.DataDir, "tokens.yaml"), nil
}

func newTokenCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage the bearer tokens of the job service", Args: noArgs}
	add := &tokenOptions{}
	addCmd := &cobra.Command{
		Use:   "add NAME --role submit|read|admin",
		Short: "Create a token and print it once",
		Long: `add creates a bearer token named NAME and stores only its SHA-256 hash in the
tokens file (created with mode 0600). The token and its webhook signing secret
are printed once, on stdout, as "token: ..." and "webhook-secret: ..."; they
cannot be shown again. Roles: read (list jobs, fetch results), submit (also
create, cancel and delete jobs), admin (every owner's jobs). --owner lets
several tokens share one owner's jobs (a LIMS that submits and a screen that
reads). A running server picks the new token up on SIGHUP.` + exitHelp(exitOK, exitError, exitUsage),
		Example: "  wtalign serve token add lims --role submit --data-dir /var/lib/wtalign\n  kill -HUP $(pidof wtalign)",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTokenAdd(cmd.Context(), a, add, cmd.Flags(), args[0])
		},
	}
	add.AddFlags(addCmd.Flags())
	addCmd.Flags().StringVar(&add.Role, "role", "", "read, submit or admin (required)")
	addCmd.Flags().StringVar(&add.Owner, "owner", "", "owner whose jobs the token sees and submits as (default NAME)")
	_ = addCmd.RegisterFlagCompletionFunc("role", fixedCompletions("read", "submit", "admin"))
	rm := &tokenOptions{}
	rmCmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Delete a token (a running server refuses it after SIGHUP)",
		Long:  "remove deletes the token NAME from the tokens file." + exitHelp(exitOK, exitError, exitUsage),
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := rm.path(cmd.Flags())
			if err != nil {
				return err
			}
			return server.RemoveToken(p, args[0])
		},
	}
	rm.AddFlags(rmCmd.Flags())
	ls := &tokenOptions{}
	lsCmd := &cobra.Command{
		Use:   "list",
		Short: "List token names, roles and owners (never the tokens)",
		Long:  "list prints each token's name, role and owner." + exitHelp(exitOK, exitError, exitUsage),
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := ls.path(cmd.Flags())
			if err != nil {
				return err
			}
			t, err := server.LoadTokens(p)
			if err != nil {
				return err
			}
			for _, tok := range t.List() {
				fmt.Fprintf(a.io.Out, "%s\t%s\t%s\n", tok.Name, tok.Role, tok.Owner)
			}
			return nil
		},
	}
	ls.AddFlags(lsCmd.Flags())
	cmd.AddCommand(addCmd, rmCmd, lsCmd)
	return cmd
}

func runTokenAdd(_ context.Context, a *app, o *tokenOptions, fs *pflag.FlagSet, name string) error {
	role := api.Role(o.Role)
	if !server.ValidTokenName(name) {
		return usagef("token name %q: letters, digits, '.', '_' and '-', at most 64", name)
	}
	if o.Owner != "" && !server.ValidTokenName(o.Owner) {
		return usagef("--owner %q: letters, digits, '.', '_' and '-', at most 64", o.Owner)
	}
	if !role.Allows(api.RoleRead) {
		return usagef("--role %q: want read, submit or admin", o.Role)
	}
	p, err := o.path(fs)
	if err != nil {
		return err
	}
	token, secret, err := server.AddToken(p, name, role, o.Owner)
	if err != nil {
		return err
	}
	a.log().Info().Str("name", name).Str("role", o.Role).Str("tokens_file", p).Msg("token added (printed once on stdout; only its hash is stored)")
	_, err = fmt.Fprintf(a.io.Out, "token: %s\nwebhook-secret: %s\n", token, secret)
	return err
}
