package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseTellsOtherFiles: a file that is no manifest at all (an output of
// align in any format, a FASTA file, other JSON) is ErrNotManifest with the
// reason in plain words, never a Go decoding message; a damaged manifest
// (any strict prefix of a real one) is ErrCorrupt and not ErrNotManifest.
// Both wrap ErrCorrupt, so neither is resumed from.
func TestParseTellsOtherFiles(t *testing.T) {
	for _, c := range []struct{ name, text, reason string }{
		{"json output", `{"schema_version":"1","wtalign_version":"0.1.0","records":[` + "\n" + `{"query":{"id":"q1"}}` + "\n]}\n",
			`its schema_version is the text "1", a manifest's is a number`},
		{"jsonl output", `{"schema_version":"1","query":{"id":"q1"}}` + "\n" + `{"schema_version":"1","query":{"id":"q2"}}` + "\n",
			"not a JSON document (it starts "},
		{"tsv output", "input_file\tquery_ordinal\tquery_index\n", `not a JSON document (it starts "input_file\tquery_ordinal\tquery_index")`},
		{"fasta", ">k12|gyrA|NP_416734.1\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLY\n", `not a JSON document (it starts ">k12|gyrA|NP_416734.1")`},
		{"array", `[{"schema_version":1}]`, "a JSON array, not an object"},
		{"number", `42`, "a JSON number, not an object"},
		{"null", `null`, "JSON null, not an object"},
		{"other object", `{"status":"running"}`, "a JSON object without schema_version"},
	} {
		_, err := Parse([]byte(c.text))
		if !errors.Is(err, ErrNotManifest) || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), c.reason) ||
			strings.Contains(err.Error(), "json:") || strings.Contains(err.Error(), "Go ") {
			t.Errorf("%s: %v, want ErrNotManifest saying %q", c.name, err, c.reason)
		}
	}
	real, err := os.ReadFile(filepath.Join("..", "testdata", "manifest", "failed.jsonl.manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	for n := 1; n < len(strings.TrimSpace(string(real))); n++ {
		_, err := Parse(real[:n])
		if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrNotManifest) {
			t.Fatalf("prefix of %d/%d bytes: %v, want a damaged manifest", n, len(real), err)
		}
	}
	if _, err := Parse(real); err != nil {
		t.Fatal(err)
	}
}
