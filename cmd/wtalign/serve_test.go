package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "server.yaml")
	os.WriteFile(cfg, []byte("cpus: 2\nlisten-on: x\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--config", cfg, "--data-dir", dir}, `line 2: unknown key "listen-on"`},
		{[]string{"serve", "token", "add", "x", "--role", "boss", "--data-dir", dir}, `--role "boss"`},
		{[]string{"serve", "token", "add", "../x", "--role", "read", "--data-dir", dir}, `token name "../x"`},
		{[]string{"submit", "--server", "http://127.0.0.1:1", "-r", "ref.faa", "q.faa"}, "no token: set WTALIGN_TOKEN"},
		{[]string{"submit", "--token", "wta_x", "--server", "http://127.0.0.1:1", "q.faa"}, "exactly one of -r/--reference and --reference-set"},
		{[]string{"jobs", "--token", "wta_x", "--state", "DONE"}, `--state "DONE"`},
		{[]string{"fetch", "--token", "wta_x", "--server", "ftp://x", "abc"}, "--server"},
	}
	for _, c := range cases {
		t.Setenv("WTALIGN_TOKEN", "")
		code, _, errs := runCLI(t, c.args...)
		if code != exitUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d with %q", c.args, code, errs, exitUsage, c.want)
		}
	}
}

func TestTokenAddPrintsOnceStoresHash(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "serve", "token", "add", "lims", "--role", "submit", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	tok := ""
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "token: "); ok {
			tok = v
		}
	}
	if !strings.HasPrefix(tok, "wta_") || !strings.Contains(out, "webhook-secret: whs_") {
		t.Fatalf("stdout %q", out)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "tokens.yaml"))
	if strings.Contains(string(b), tok) || strings.Contains(errs, tok) {
		t.Error("the token is stored in the file or logged")
	}
	code, out, _ = runCLI(t, "serve", "token", "list", "--data-dir", dir)
	if code != 0 || out != "lims\tsubmit\tlims\n" {
		t.Errorf("list: %d %q", code, out)
	}
	if code, _, _ = runCLI(t, "serve", "token", "remove", "lims", "--data-dir", dir); code != 0 {
		t.Errorf("remove: %d", code)
	}
	if code, _, _ = runCLI(t, "serve", "token", "remove", "lims", "--data-dir", dir); code != exitError {
		t.Errorf("remove again: %d", code)
	}
}
