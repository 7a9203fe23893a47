package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: whatever file `wtalign status`, `merge` or a resume is given
// as a manifest, Parse never panics; it accepts a document or refuses it
// with an error wrapping ErrCorrupt; and an accepted manifest, written
// back as Save writes it, parses to the same manifest.
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob("../testdata/manifest/*.manifest.json")
	if err != nil || len(seeds) < 5 {
		f.Fatalf("manifest seeds: %v (%d)", err, len(seeds))
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2]) // a torn write
	}
	f.Add([]byte(`{"schema_version": 1}`))
	f.Add([]byte(`{"status": "complete"}`))
	f.Add([]byte(`[{"id":"q1","status":"wildtype"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			if m != nil || !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Parse: manifest %v, error %v (want nil and ErrCorrupt)", m != nil, err)
			}
			return
		}
		out, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatalf("an accepted manifest cannot be written: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("an accepted manifest, written back, is refused: %v\n%s", err, out)
		}
		out2, _ := json.MarshalIndent(again, "", "  ")
		if !bytes.Equal(out, out2) {
			t.Fatalf("written back, the manifest changed:\n%s\n%s", out, out2)
		}
	})
}
