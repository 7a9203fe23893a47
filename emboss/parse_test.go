package emboss

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// parseFixture parses a committed real water output and checks every block
// against the sequences it was made from.
func parseFixture(t *testing.T, set string, format Format, text []byte) ([]Result, error) {
	t.Helper()
	p, qs := fixtureSet(t, set)
	blocks, err := parseOutput(bytes.NewReader(text), format)
	if err != nil {
		return nil, err
	}
	if len(blocks) != len(qs) {
		return nil, fmt.Errorf("%d blocks for %d queries", len(blocks), len(qs))
	}
	out := make([]Result, len(qs))
	for i := range blocks {
		r, err := blocks[i].result(p.Ref, qs[i], RefName, QueryName(i), p.Scoring)
		if err != nil {
			return nil, parseErrf("block %d: %v", i+1, err) // as alignBatch classifies it
		}
		out[i] = r
	}
	return out, nil
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseRealOutput: water's own output, parsed, equals the oracle on
// every field, in both formats; and the two formats agree.
func TestParseRealOutput(t *testing.T) {
	for _, set := range []string{"marR", "gyrA"} {
		p, qs := fixtureSet(t, set)
		want := oracleResults(t, p, qs)
		var prev []Result
		for _, f := range []Format{FormatMarkx10, FormatSrspair} {
			got, err := parseFixture(t, set, f, readFixture(t, set+"."+string(f)))
			if err != nil {
				t.Fatalf("%s %s: %v", set, f, err)
			}
			checkResults(t, set+" "+string(f), got, want)
			if prev != nil {
				checkResults(t, set+" markx10 vs srspair", got, prev)
			}
			prev = got
		}
	}
}

// TestParseEdgeScores: the fixture holds water's -FLT_MAX score (one-residue
// query) and a 0.0 score (no positive cell), which must map to NoScore and 0.
func TestParseEdgeScores(t *testing.T) {
	got, err := parseFixture(t, "marR", FormatMarkx10, readFixture(t, "marR.markx10"))
	if err != nil {
		t.Fatal(err)
	}
	var sawNo, sawZero bool
	for _, r := range got {
		sawNo = sawNo || r.Alignment.Score == aligner.NoScore
		sawZero = sawZero || r.Alignment.Score == 0
	}
	if !sawNo || !sawZero {
		t.Fatalf("fixture lost its edge cases: NoScore %v, zero %v", sawNo, sawZero)
	}
}

// TestParseDamaged: every kind of damage to a real output is detected and
// classified.
func TestParseDamaged(t *testing.T) {
	for _, f := range []Format{FormatMarkx10, FormatSrspair} {
		orig := string(readFixture(t, "gyrA."+string(f)))
		lines := strings.SplitAfter(orig, "\n")
		// Find a sequence line inside the second block's body.
		var seqLine int
		markers := 0
		for i, l := range lines {
			if strings.HasPrefix(l, blockMarker) {
				markers++
			}
			if markers == 4 && (strings.HasPrefix(l, "r ") || (len(l) > 20 && l[0] >= 'A' && l[0] <= 'Z')) {
				seqLine = i
				break
			}
		}
		if seqLine == 0 {
			t.Fatal("no sequence line found in block 2")
		}
		cases := []struct {
			name string
			text string
			kind Kind
		}{
			{"empty", "", KindTruncated},
			{"header only", strings.Join(lines[:10], ""), KindTruncated},
			{"cut mid-file", orig[:len(orig)/2], KindTruncated},
			{"cut before end marker", strings.TrimSuffix(strings.TrimSuffix(orig, endMarker+"\n"), endMarker+"\n"), KindTruncated},
			{"line dropped", strings.Join(append(append([]string{}, lines[:seqLine]...), lines[seqLine+1:]...), ""), KindParse},
			{"letter changed", strings.Join(lines[:seqLine], "") + strings.Replace(lines[seqLine], "M", "W", 1) + strings.Join(lines[seqLine+1:], ""), KindParse},
			{"garbage", "Segmentation fault\n\x00\x01 binary junk\n", KindParse},
			{"other program", strings.Replace(orig, "# Program: water", "# Program: needle", 1), KindParse},
			{"other format", strings.Replace(orig, "# Align_format: "+string(f), "# Align_format: pair", 1), KindParse},
			{"score mangled", strings.Replace(orig, "# Score: ", "# Score: x", 1), KindParse},
			{"identity missing", strings.Replace(orig, "# Identity:", "# Identiti:", 1), KindParse},
		}
		for _, c := range cases {
			_, err := parseFixture(t, "gyrA", f, []byte(c.text))
			var pe *parseError
			if err == nil || !errors.As(err, &pe) {
				t.Errorf("%s %s: err %v, want a parse error of kind %v", f, c.name, err, c.kind)
				continue
			}
			if pe.kind != c.kind {
				t.Errorf("%s %s: kind %v, want %v (%v)", f, c.name, pe.kind, c.kind, err)
			}
		}
	}
}

// TestResultRejectsWrongQuery: a block mapped to the wrong query (same
// name, other sequence) is caught by the residue check.
func TestResultRejectsWrongQuery(t *testing.T) {
	p, qs := fixtureSet(t, "gyrA")
	blocks, err := parseOutput(bytes.NewReader(readFixture(t, "gyrA.markx10")), FormatMarkx10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blocks[0].result(p.Ref, qs[1], RefName, QueryName(0), p.Scoring); err == nil {
		t.Fatal("block 1 accepted against query 2's sequence")
	}
	if _, err := blocks[0].result(p.Ref, qs[0], RefName, QueryName(1), p.Scoring); err == nil {
		t.Fatal("block 1 accepted under query 2's name")
	}
}

func TestScaledScore(t *testing.T) {
	m, _ := aligner.LoadMatrix("EBLOSUM62")
	mk := func(open, ext float64) *aligner.Scoring {
		s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: open, GapExtend: ext})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	al := func(r, q string) *aligner.Alignment {
		return &aligner.Alignment{AlignedRef: []byte(r), AlignedQuery: []byte(q)}
	}
	cases := []struct {
		s       *aligner.Scoring
		printed string
		al      *aligner.Alignment
		want    int64
		err     bool
	}{
		{mk(10, 0.5), "706.0", al("A", "A"), 1412, false},
		{mk(10, 0.5), "121.5", al("A", "A"), 243, false},
		{mk(10, 0.5), "-340282346638528859811704183484516925440.0", al("M", "M"), aligner.NoScore, false},
		{mk(10, 0.5), "121.3", al("A", "A"), 0, true},
		{mk(10, 0.5), "121.2", al("A", "A"), 0, true},
		// Single-precision drift: 3541.2 with extend 0.2 prints as 3541.201;
		// 0.2 is not a multiple of 1/64, so the score is in units of
		// 1/ScoreScale: want -1 below means "the score that prints the same".
		{mk(8, 0.2), "3541.201", al("A", "A"), -1, false},
		{mk(10, 0.5), "abc", al("A", "A"), 0, true},
		// Scale 4: 10.25 prints as 10.2, still unique.
		{mk(10, 0.25), "10.2", al("A", "A"), 41, false},
		// Scale 100: "5.8" could be 5.75..5.84; the path score (WW -> 22,
		// minus a 0.01... here no gap) decides when it prints the same.
		{mk(10, 0.01), "22.0", al("WW", "WW"), -1, false},
		{mk(10, 0.01), "12.0", al("W-W", "WWW"), -1, false},
		// 0.25 is binary: the exact scaled integer as before.
		{mk(10, 0.25), "22.0", al("WW", "WW"), 88, false},
	}
	for _, c := range cases {
		if c.want == -1 {
			if c.s.ScoreScale == int64(c.s.Scale) {
				t.Fatalf("penalties of case %q are binary", c.printed)
			}
			var err error
			if c.want, err = c.s.ParseScore(c.printed); err != nil || c.s.FormatScore(c.want) != c.printed {
				t.Fatalf("ParseScore(%q) = %d, %v", c.printed, c.want, err)
			}
		}
		got, err := scaledScore(c.printed, c.s, c.al)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("scaledScore(%q, scale %d) = %d, %v; want %d, err %v", c.printed, c.s.Scale, got, err, c.want, c.err)
		}
	}
}

// TestWriteMatrixRoundTrip: the matrix file given to water parses back to
// the same scores.
func TestWriteMatrixRoundTrip(t *testing.T) {
	for _, name := range []string{"EBLOSUM62", "EPAM250", "EBLOSUM30"} {
		m, err := aligner.LoadMatrix(name)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := writeMatrix(&buf, m); err != nil {
			t.Fatal(err)
		}
		m2, err := aligner.ParseMatrix(name, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Letters, m2.Letters) {
			t.Fatalf("%s: letters %s, want %s", name, m2.Letters, m.Letters)
		}
		for i := range m.Letters {
			for j := range m.Letters {
				if a, b := m.Score(uint8(i+1), uint8(j+1)), m2.Score(uint8(i+1), uint8(j+1)); a != b {
					t.Fatalf("%s: score %c/%c %d, want %d", name, m.Letters[i], m.Letters[j], b, a)
				}
			}
		}
	}
}
