package verifytest

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDemoCatalogsAreTheMakefiles: Demo aligns with the catalogs `make
// demo` uses, so the tests see what the demo shows.
func TestDemoCatalogsAreTheMakefiles(t *testing.T) {
	mk, err := os.ReadFile(Path(t, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^CATALOGS\s*:=\s*(.*)$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("no CATALOGS := line in the Makefile")
	}
	if got, want := strings.Join(demoCatalogs, " "), strings.Join(strings.Fields(string(m[1])), " "); got != want {
		t.Errorf("demoCatalogs are %q, the Makefile's CATALOGS %q", got, want)
	}
}
