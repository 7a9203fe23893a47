package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/client"
	"github.com/wtalign/wtalign/pipeline"
)

// remoteOptions are the flags of the commands that talk to a server
// (submit, jobs, fetch, cancel).
type remoteOptions struct {
	Server string
	Token  string
	CACert string
}

const (
	envServer = "WTALIGN_SERVER"
	envToken  = "WTALIGN_TOKEN" // #nosec G101 -- the name of the environment variable that holds the token, not a token
)

func (o *remoteOptions) AddFlags(fs *pflag.FlagSet) {
	def := os.Getenv(envServer)
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	fs.StringVar(&o.Server, "server", def, "the wtalign serve URL (env "+envServer+")")
	fs.StringVar(&o.Token, "token", "", "bearer token (prefer env "+envToken+": a flag is visible to other users in ps)")
	fs.StringVar(&o.CACert, "ca-cert", "", "PEM CA certificate to trust for an https server with a private CA")
	setGroup(fs, "Server", "server", "token", "ca-cert")
}

func (o *remoteOptions) client() (*client.Client, error) {
	tok := o.Token
	if tok == "" {
		tok = os.Getenv(envToken)
	}
	if tok == "" {
		return nil, usagef("no token: set %s (or --token); a server admin creates one with 'wtalign serve token add NAME --role submit'", envToken)
	}
	hc := &http.Client{}
	if o.CACert != "" {
		pem, err := os.ReadFile(o.CACert)
		if err != nil {
			return nil, usagef("--ca-cert: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, usagef("--ca-cert %s: no PEM certificate in it", o.CACert)
		}
		hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	}
	v, _ := versionInfo()
	c, err := client.New(o.Server, tok, client.WithHTTPClient(hc), client.WithUserAgent("wtalign/"+v))
	if err != nil {
		return nil, usagef("--server: %v", err)
	}
	return c, nil
}

// remoteError makes a server's refusal of a parameter a usage error
// (exit 2), as align's flag errors are; other problems are errors (exit 1).
func remoteError(err error) error {
	var p *api.Problem
	if !errors.As(err, &p) {
		return err
	}
	msg := fmt.Sprintf("server: %d %s", p.Status, p.Error())
	if p.File != "" {
		msg += " (file " + p.File + ")"
	}
	if p.Status == http.StatusBadRequest && p.Field != "" {
		return usageError{errors.New(msg)}
	}
	return errors.New(msg)
}

// submitOptions: align's job flags plus the service's own.
type submitOptions struct {
	remote       remoteOptions
	spec         pipeline.Spec
	ReferenceSet string
	CatalogSet   string
	NotifyURL    string
	NotifyFormat string
	Label        string
	ServerPaths  bool
	Wait         bool
	Out          string
	Poll         time.Duration
}

func (o *submitOptions) AddFlags(fs *pflag.FlagSet) {
	o.spec = pipeline.DefaultSpec()
	addInputFlags(fs, &o.spec)
	addHitFlags(fs, &o.spec)
	addScoringFlags(fs, &o.spec)
	addEngineFlags(fs, &o.spec)
	_ = fs.MarkHidden("water-path") // the server runs its own water
	_ = fs.MarkHidden("infile-list")
	fs.StringVar(&o.spec.Format, "format", o.spec.Format, "output format: "+orList(pipeline.FormatNames()))
	fs.IntVar(&o.spec.CheckpointEvery, "checkpoint-every", o.spec.CheckpointEvery, "the job writes a checkpoint every N records")
	fs.IntVarP(&o.spec.Threads, "threads", "j", 0, "worker threads for the job (default: the server's job-threads; capped by its cpus)")
	fs.StringVar(&o.ReferenceSet, "reference-set", "", "a reference set configured on the server, instead of -r")
	fs.StringVar(&o.CatalogSet, "catalog-set", "", "resistance catalogs configured on the server (its catalog-sets): calls on their genes get verdicts, as with align --catalog")
	fs.BoolVar(&o.ServerPaths, "server-paths", false, "QUERY, -r, --map and --sites are paths on the server's filesystem (under its path roots), not uploads")
	fs.StringVar(&o.NotifyURL, "notify-url", "", "webhook to call when the job ends (its host must be allowed by the server)")
	fs.StringVar(&o.NotifyFormat, "notify-format", "", "webhook body: json (default) or slack ({\"text\": ...})")
	fs.StringVar(&o.Label, "label", "", "a label shown with the job (e.g. the accession)")
	fs.BoolVar(&o.Wait, "wait", false, "wait for the job, showing progress, then download its results")
	fs.StringVarP(&o.Out, "out", "o", "-", "with --wait: where to write the results; - for stdout")
	fs.DurationVar(&o.Poll, "poll", time.Second, "with --wait: how often to ask for progress")
	setGroup(fs, groupOutput, "format", "checkpoint-every")
	setGroup(fs, groupRun, "threads")
	setGroup(fs, "Service", "reference-set", "catalog-set", "server-paths", "notify-url", "notify-format", "label", "wait", "out", "poll")
	o.remote.AddFlags(fs)
}

const submitLong = `submit sends an alignment job to a 'wtalign serve' server: the query FASTA
files and the reference are uploaded (plain or gzip), or with --server-paths
named on the server's filesystem, and align's flags mean what they mean for
'wtalign align' (the server validates them the same way). It prints the job
id; with --wait it shows a progress bar on stderr, then writes the results
(byte for byte what align would write) to -o and exits as align would.

Resistance catalogs come from the server: --catalog-set NAME names a set its
operator configured (catalogs, their format and taxgroup, gene aliases; GET
/v1/service-info lists them), and calls on the catalogued genes get a verdict
(known, novel_at_known_site, novel) with the matching entries, as with
'wtalign align --catalog'.

The server and token come from --server and $WTALIGN_TOKEN (or --token).
'wtalign jobs' lists jobs, 'wtalign fetch ID' downloads results later,
'wtalign cancel ID' stops a job.`

func newSubmitCommand(a *app) *cobra.Command {
	o := &submitOptions{}
	cmd := &cobra.Command{
		Use:   "submit -r REFERENCE.faa [flags] QUERY.faa...",
		Short: "Submit an alignment job to a wtalign server",
		Long: submitLong + exitHelpText(map[int]string{
			exitSIGINT:  "interrupted by SIGINT while waiting: the job goes on on the server ('wtalign fetch ID' later)",
			exitSIGTERM: "terminated by SIGTERM while waiting (as SIGINT)",
		}, exitOK, exitError, exitUsage, exitRecordsFailed, exitSIGINT, exitSIGTERM),
		Example: "  export WTALIGN_SERVER=http://127.0.0.1:8080 WTALIGN_TOKEN=wta_...\n" +
			"  wtalign submit -r wildtypes.faa sample.faa\n" +
			"  wtalign submit --reference-set k12 --wait -o sample.json sample.faa.gz\n" +
			"  wtalign submit --reference-set k12 --catalog-set ecoli --wait -o sample.json sample.faa",
		Args: needArgs("at least one query FASTA file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSubmit(cmd.Context(), a, o, cmd.Flags(), args)
		},
	}
	o.AddFlags(cmd.Flags())
	registerCompletions(cmd)
	_ = cmd.RegisterFlagCompletionFunc("notify-format", fixedCompletions(api.NotifyJSON, api.NotifySlack))
	return cmd
}

// request builds the job: the align flags given on the command line as
// params (the server applies its defaults to the rest), files as uploads
// or server-side paths.
func (o *submitOptions) request(fs *pflag.FlagSet, args []string) (client.SubmitRequest, error) {
	sr := client.SubmitRequest{SubmitRequest: api.SubmitRequest{ReferenceSet: o.ReferenceSet, CatalogSet: o.CatalogSet, NotifyURL: o.NotifyURL, NotifyFormat: o.NotifyFormat, Label: o.Label}}
	if (o.spec.Reference == "") == (o.ReferenceSet == "") {
		return sr, usagef("give exactly one of -r/--reference and --reference-set")
	}
	b, err := json.Marshal(o.spec)
	if err != nil {
		return sr, err
	}
	var all map[string]any
	_ = json.Unmarshal(b, &all)
	params := map[string]any{}
	files := map[string]bool{"reference": true, "map": true, "sites": true, "inputs": true, "out": true} // files, and -o (where --wait writes)
	for _, k := range pipeline.SpecKeys() {
		if f := fs.Lookup(k); f != nil && f.Changed && !files[k] {
			params[k] = all[k]
		}
	}
	upload := func(p string) (*client.Upload, error) {
		if p == "" {
			return nil, nil
		}
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("submit: %w", err)
		}
		u := client.FileUpload(p)
		return &u, nil
	}
	if o.ServerPaths {
		abs := func(p string) string {
			if a, err := filepath.Abs(p); err == nil {
				return a
			}
			return p
		}
		ins := make([]string, len(args))
		for i, p := range args {
			ins[i] = abs(p)
		}
		params["inputs"] = ins
		for k, v := range map[string]string{"reference": o.spec.Reference, "map": o.spec.Map, "sites": o.spec.Sites} {
			if v != "" {
				params[k] = abs(v)
			}
		}
		sr.Params = params
		return sr, nil
	}
	for _, p := range args {
		if p == "-" {
			return sr, usagef("submit uploads files: stdin (-) cannot be sent; save it to a file first")
		}
		u, err := upload(p)
		if err != nil {
			return sr, err
		}
		sr.Queries = append(sr.Queries, *u)
	}
	var errs []error
	var e error
	sr.Reference, e = upload(o.spec.Reference)
	errs = append(errs, e)
	sr.Map, e = upload(o.spec.Map)
	errs = append(errs, e)
	sr.Sites, e = upload(o.spec.Sites)
	errs = append(errs, e)
	if err := errors.Join(errs...); err != nil {
		return sr, err
	}
	sr.Params = params
	return sr, nil
}

func runSubmit(ctx context.Context, a *app, o *submitOptions, fs *pflag.FlagSet, args []string) error {
	c, err := o.remote.client()
	if err != nil {
		return err
	}
	sr, err := o.request(fs, args)
	if err != nil {
		return err
	}
	res, err := c.Submit(ctx, sr)
	if err != nil {
		return remoteError(err)
	}
	if !o.Wait {
		_, err := fmt.Fprintln(a.io.Out, res.ID)
		return err
	}
	a.log().Info().Str("job", res.ID).Msg("submitted; waiting for it")
	return waitAndFetch(ctx, a, c, res.ID, o.Out, o.Poll)
}

// waitAndFetch follows a job with a progress bar, downloads its results
// and maps its end to align's exit codes.
func waitAndFetch(ctx context.Context, a *app, c *client.Client, id, out string, poll time.Duration) error {
	var bar *progress
	j, err := c.Wait(ctx, id, poll, func(j *api.Job) {
		if j.Progress.Total == nil {
			return
		}
		if bar == nil {
			bar = newProgress(a, "job "+id, *j.Progress.Total)
		}
		bar.set(j.Progress.Done)
	})
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		if ctx.Err() != nil {
			a.log().Warn().Str("job", id).Msg("stopped waiting; the job goes on on the server (wtalign fetch " + id + ")")
			return errInterrupted
		}
		return remoteError(err)
	}
	if j.Results != nil {
		if err := fetchTo(ctx, a, c, id, "", out); err != nil {
			return err
		}
	}
	log := a.log().Info().Str("job", id).Str("state", string(j.State)).Int("records", j.Counts.Done).Interface("statuses", j.Counts.Statuses)
	if out != "-" && j.Results != nil {
		log = log.Str("out", out)
	}
	log.Msg("job ended")
	switch {
	case j.State == api.Complete:
		return nil
	case j.State == api.ExecutorError && j.Counts.Failed > 0 && j.Results != nil:
		return &pipeline.RecordsFailedError{N: j.Counts.Failed}
	}
	msg := string(j.State)
	if len(j.Errors) > 0 {
		msg += ": " + j.Errors[len(j.Errors)-1]
	}
	return fmt.Errorf("job %s %s", id, msg)
}

// fetchTo downloads results to out ("-": stdout), through a temporary
// file renamed into place, so a broken download leaves no partial file.
func fetchTo(ctx context.Context, a *app, c *client.Client, id, format, out string) error {
	if out == "-" {
		_, err := c.Results(ctx, id, format, a.io.Out)
		return remoteError(err)
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".download-*")
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := c.Results(ctx, id, format, f); err != nil {
		f.Close() // #nosec G104 -- error path: the download error is the one reported; the temporary file is removed
		return remoteError(err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil { // #nosec G302 -- fetched results are an output for the user, 0644 like the tool's other outputs (CreateTemp made it 0600)
		return fmt.Errorf("fetch: %w", err)
	}
	return os.Rename(f.Name(), out)
}
