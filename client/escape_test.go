package client

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestJobIDEscapedOnce: a job id is escaped once in the request path, so
// the server sees the id the user typed (and says so in its 404).
func TestJobIDEscapedOnce(t *testing.T) {
	var got, raw string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, raw = r.URL.Path, r.RequestURI
		http.NotFound(w, r)
	}))
	defer srv.Close()
	c, err := New(srv.URL+"/base", "tok")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Job(context.Background(), "no such?job/x"); err == nil {
		t.Fatal("404 not reported")
	}
	if got != "/base/v1/jobs/no such?job/x" || raw != "/base/v1/jobs/no%20such%3Fjob%2Fx" {
		t.Fatalf("server saw path %q, request URI %q", got, raw)
	}
}
