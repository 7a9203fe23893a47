package client

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/api"
)

// TestSubmitSendsCatalogSet: catalog_set goes in the JSON body and as a
// multipart form field.
func TestSubmitSendsCatalogSet(t *testing.T) {
	var ctype, body string
	fields := map[string]string{}
	c := fake(t, func(w http.ResponseWriter, r *http.Request) {
		ctype = r.Header.Get("Content-Type")
		if strings.HasPrefix(ctype, "multipart/form-data") {
			mr, err := r.MultipartReader()
			if err != nil {
				t.Error(err)
				return
			}
			for p, err := mr.NextPart(); err == nil; p, err = mr.NextPart() {
				b, _ := io.ReadAll(p)
				fields[p.FormName()] = string(b)
			}
		} else {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
		}
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"id":"j1","state":"QUEUED","location":"/v1/jobs/j1"}`))
	})
	ctx := context.Background()
	sr := api.SubmitRequest{Params: map[string]any{"inputs": []string{"/data/q.faa"}}, ReferenceSet: "k12", CatalogSet: "ecoli"}
	if _, err := c.Submit(ctx, SubmitRequest{SubmitRequest: sr}); err != nil {
		t.Fatal(err)
	}
	if body != `{"params":{"inputs":["/data/q.faa"]},"reference_set":"k12","catalog_set":"ecoli"}` {
		t.Errorf("JSON body %s", body)
	}
	q := Upload{Name: "q.faa", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(">q\nM\n")), nil }}
	if _, err := c.Submit(ctx, SubmitRequest{SubmitRequest: api.SubmitRequest{ReferenceSet: "k12", CatalogSet: "ecoli"}, Queries: []Upload{q}}); err != nil {
		t.Fatal(err)
	}
	if fields["catalog_set"] != "ecoli" || fields["reference_set"] != "k12" {
		t.Errorf("multipart fields %q", fields)
	}
}
