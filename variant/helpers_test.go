package variant

import (
	"github.com/wtalign/wtalign/fasta"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/aligner"
)

// record is one FASTA record of the test data: ID is the first '|' field,
// Gene the second (the files' convention, see PROVENANCE.md).
type record struct {
	ID, Gene string
	Seq      []byte
}

// readFASTA reads testdata/variant/<name> without cleaning the sequences.
func readFASTA(t testing.TB, name string) []record {
	t.Helper()
	raw, err := fasta.ReadRaw(filepath.Join("..", "testdata", "variant", name))
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]record, len(raw))
	for i, r := range raw {
		id, gene, _ := strings.Cut(r.ID, "|")
		gene, _, _ = strings.Cut(gene, "|")
		recs[i] = record{ID: id, Gene: gene, Seq: r.Raw}
	}
	return recs
}

// byID returns the record of the file whose ID is id.
func byID(t testing.TB, file, id string) record {
	t.Helper()
	for _, r := range readFASTA(t, file) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s: no record %q", file, id)
	return record{}
}

// k12 returns the K-12 MG1655 reference of gene.
func k12(t testing.TB, gene string) record {
	t.Helper()
	for _, r := range readFASTA(t, "ref_ecoli_k12_mg1655.faa") {
		if r.Gene == gene {
			return r
		}
	}
	t.Fatalf("no K-12 reference for %s", gene)
	return record{}
}

var (
	scoringOnce sync.Once
	scoring     *aligner.Scoring
	scoringErr  error
)

// align runs the oracle with water's defaults (EBLOSUM62, 10, 0.5).
func align(t testing.TB, ref, query []byte) *aligner.Alignment {
	t.Helper()
	scoringOnce.Do(func() {
		m, err := aligner.LoadMatrix("EBLOSUM62")
		if err != nil {
			scoringErr = err
			return
		}
		scoring, scoringErr = aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	})
	if scoringErr != nil {
		t.Fatal(scoringErr)
	}
	al, err := aligner.Oracle{}.Align(aligner.NewProfile(scoring, ref), query)
	if err != nil {
		t.Fatal(err)
	}
	return al
}

// clean mimics the caller's query cleaning: drop '-', '.', digits and
// white space, strip one trailing '*'. It returns the cleaned query, its
// flags and whether a stop was stripped.
func clean(seq []byte) ([]byte, []string, bool) {
	var out []byte
	removed, lower := false, false
	for _, c := range seq {
		switch {
		case c == '-' || c == '.' || c == ' ' || c == '\t' || (c >= '0' && c <= '9'):
			removed = true
			continue
		case c >= 'a' && c <= 'z':
			lower = true
		}
		out = append(out, c)
	}
	var flags []string
	if removed {
		flags = append(flags, report.FlagRemovedCharacters)
	}
	if lower {
		flags = append(flags, report.FlagLowercaseInput)
	}
	stripped := len(out) > 0 && out[len(out)-1] == '*'
	if stripped {
		out = out[:len(out)-1]
	}
	return out, flags, stripped
}
