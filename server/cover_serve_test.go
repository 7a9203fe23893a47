package server_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/server"
)

// TestServeTLSInProcess: Serve on a loopback listener speaks TLS with the
// configured certificate, logs net/http's own errors (a failed handshake)
// through the server's logger as warnings, and returns
// http.ErrServerClosed after Shutdown (and at once when called after it).
func TestServeTLSInProcess(t *testing.T) {
	data := t.TempDir()
	cert, key, pool := selfSigned(t, t.TempDir())
	cfg := server.DefaultConfig()
	cfg.DataDir, cfg.TLSCert, cfg.TLSKey = data, cert, key
	cfg.TokensFile = filepath.Join(data, "tokens.yaml")
	if _, _, err := server.AddToken(cfg.TokensFile, "alice", api.RoleSubmit, ""); err != nil {
		t.Fatal(err)
	}

	bad := cfg
	bad.TLSKey = cert // a certificate is no key
	if _, err := server.New(server.Options{Config: bad, Logger: zerolog.Nop()}); err == nil || !strings.HasPrefix(err.Error(), "server: tls-cert/tls-key: ") {
		t.Errorf("certificate as key: %v", err)
	}

	var logs server.SyncBuffer
	s, err := server.New(server.Options{Config: cfg, Logger: zerolog.New(&logs), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(ln) }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			s.Shutdown(context.Background())
			<-served
		}
	})

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get("https://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" || resp.TLS == nil {
		t.Errorf("healthz over TLS: %d %q", resp.StatusCode, body)
	}

	// A fatal alert instead of a ClientHello: the handshake fails and net/http logs
	// it before closing the connection, so it is in the log once the
	// connection reads EOF.
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("\x15\x03\x01\x00\x02\x02\x28")) // a fatal alert
	io.Copy(io.Discard, conn)
	conn.Close()
	if l := logs.String(); !strings.Contains(l, `"level":"warn"`) || !strings.Contains(l, "http: TLS handshake error from 127.0.0.1:") {
		t.Errorf("handshake error not logged as a warning:\n%s", l)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	stopped = true
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve after Shutdown: %v", err)
	}
	ln2, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	if err := s.Serve(ln2); !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve on a drained server: %v", err)
	}
	if _, err := os.Stat(filepath.Join(data, "audit.jsonl")); err != nil {
		t.Errorf("audit log: %v", err)
	}
}
