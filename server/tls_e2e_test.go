package server_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/client"
)

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string, pool *x509.CertPool) {
	t.Helper()
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "wtalign test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(k)
	cert, key = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	pool = x509.NewCertPool()
	c, _ := x509.ParseCertificate(der)
	pool.AddCert(c)
	return cert, key, pool
}

// TestE2ETLS: with --tls-cert/--tls-key the server speaks only HTTPS;
// the CLI trusts a private CA with --ca-cert.
func TestE2ETLS(t *testing.T) {
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	cert, key, pool := selfSigned(t, t.TempDir())
	rt := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	d := startDaemonRT(t, rt, data, "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(d.url, "https://") {
		t.Fatal(d.url)
	}
	env := []string{"WTALIGN_SERVER=" + d.url, "WTALIGN_TOKEN=" + tok}
	out, errs, code := cli(t, t.TempDir(), env, "submit", "--wait", "--ca-cert", cert, "-r", abs(t, refPath), abs(t, variantsPath))
	if code != 0 || !strings.HasPrefix(out, `{"schema_version":"1"`) {
		t.Fatalf("submit over TLS: %d %.100q %s", code, out, errs)
	}
	if _, errs, code := cli(t, "", env, "jobs"); code != 1 || !strings.Contains(errs, "certificate") {
		t.Errorf("without --ca-cert: %d %s", code, errs)
	}
	plain, _ := client.New(strings.Replace(d.url, "https://", "http://", 1), tok)
	if _, err := plain.Jobs(context.Background(), client.ListOptions{}); err == nil {
		t.Error("plain HTTP answered on the TLS port")
	}
}
