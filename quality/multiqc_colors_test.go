package quality

import (
	"testing"

	"github.com/wtalign/wtalign/report"
)

// TestStatusColors: every status of the record vocabulary has its own
// colour (homolog once fell back to the unknown-status brown), and no two
// share one.
func TestStatusColors(t *testing.T) {
	seen := map[string]string{}
	for _, s := range report.Statuses {
		c := StatusColor(s)
		if c == StatusColor("no-such-status") {
			t.Errorf("%s has the unknown-status colour", s)
		}
		if o, dup := seen[c]; dup {
			t.Errorf("%s and %s share %s", s, o, c)
		}
		seen[c] = s
	}
}
