package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// TestSeqHashIgnoresCase: the query and reference sha256 in a record is
// that of the upper-cased sequence, so a lower-case copy hashes the same.
func TestSeqHashIgnoresCase(t *testing.T) {
	sum := sha256.Sum256([]byte("MKV*LA"))
	want := hex.EncodeToString(sum[:])
	for _, s := range []string{"MKV*LA", "mkv*la", "mKv*lA"} {
		if got := seqHash([]byte(s)); got != want {
			t.Errorf("seqHash(%q) = %s, want %s", s, got, want)
		}
	}
}
