package output

import "testing"

// TestCleanCell: what would break a TSV row or a C reader of it becomes a
// space.
func TestCleanCell(t *testing.T) {
	if got := CleanCell("a\tb\nc\rd\x00e"); got != "a b c d e" {
		t.Errorf("CleanCell = %q", got)
	}
}
