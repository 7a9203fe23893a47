package pipeline

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/wtalign/wtalign/aligner"
)

// k12 loads the 38 K-12 wild types.
func k12(t testing.TB) []*Ref {
	t.Helper()
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	refs, err := LoadReferences(k12Refs, sc, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return refs
}

// scriptFiles returns the files of the CLI scripts whose name matches re.
func scriptFiles(t testing.TB, re string) [][]byte {
	t.Helper()
	scripts, err := filepath.Glob("../cmd/wtalign/testdata/script/*.txtar")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no CLI scripts: %v", err)
	}
	var out [][]byte
	for _, p := range scripts {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			if regexp.MustCompile(re).MatchString(f.Name) {
				out = append(out, f.Data)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no script file matches %s", re)
	}
	return out
}

// lineError reports whether err names the file and the line; only a line
// too long to read names no line.
func lineError(err error, prefix string) bool {
	if errors.Is(err, bufio.ErrTooLong) {
		return strings.HasPrefix(err.Error(), prefix+": ")
	}
	return regexp.MustCompile(`^` + regexp.QuoteMeta(prefix) + ` line [1-9][0-9]*: `).MatchString(err.Error())
}

// FuzzReadMap: whatever --map file is given, reading it never panics;
// every error names the file and the line; every query it accepts maps to
// a reference of the reference file.
func FuzzReadMap(f *testing.F) {
	refs := k12(f)
	byID := map[string]*Ref{}
	byGene := map[string]*Ref{}
	for _, r := range refs {
		byID[r.ID] = r
		byGene[r.Gene] = r
	}
	for _, b := range scriptFiles(f, `map.*\.tsv$`) {
		f.Add(b)
	}
	// The reviewed K-12 homologs, mapped to the wild types they hit.
	hom, err := os.ReadFile("../testdata/proteomes/k12_expected_homologs.tsv")
	if err != nil {
		f.Fatal(err)
	}
	var m bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(hom))
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) > 1 && byGene[cols[1]] != nil {
			m.WriteString(cols[0] + "\t" + byGene[cols[1]].ID + "\n")
		}
	}
	f.Add(m.Bytes())
	f.Add([]byte("q1\tecoli_k12|gyrA|NP_416734.1\r\nq1\tecoli_k12|parC|NP_417491.1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := parseMap(bytes.NewReader(data), "fuzz.tsv", byID)
		if err != nil {
			if got != nil || !lineError(err, "map file fuzz.tsv") {
				t.Fatalf("error %q (with a map: %v): want one naming the file and line", err, got != nil)
			}
			return
		}
		for q, r := range got {
			if byID[r.ID] != r || q == "" {
				t.Fatalf("query %q mapped to %v, not a reference", q, r.ID)
			}
		}
	})
}
