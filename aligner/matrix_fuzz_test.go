package aligner_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// FuzzParseMatrix: a matrix file (--matrix PATH) never panics the parser;
// every error names the matrix, and the line when one line is at fault; a
// matrix that parses maps each of its letters, either case, to its own
// code, writes back to a file that parses to the same scores, and either
// makes a Scoring or is refused with an error.
func FuzzParseMatrix(f *testing.F) {
	for _, n := range aligner.BuiltinMatrices() {
		b, err := os.ReadFile(filepath.Join("matrices", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("   A  R\nA  4 -1\nR -1  5\n"))
	f.Add([]byte("# comment\n\n  a  b\nB 1 2\nA 3 4\n"))
	f.Add([]byte("  A\nA 99999999999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "fuzz.mat"
		m, err := aligner.ParseMatrix(name, bytes.NewReader(data))
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "aligner: matrix "+name+" ") && !strings.HasPrefix(msg, "aligner: matrix "+name+":") {
				t.Fatalf("error does not name the matrix: %v", err)
			}
			if m != nil {
				t.Fatalf("matrix and error: %v", err)
			}
			lineLevel := strings.Contains(msg, "is not a single letter") || strings.Contains(msg, "scores, want") ||
				strings.Contains(msg, "is not an integer") || strings.Contains(msg, "repeated") && strings.Contains(msg, "row")
			if lineLevel && !strings.Contains(msg, " line ") {
				t.Fatalf("error does not name the line: %v", err)
			}
			return
		}
		if m.Name != name || m.Size() != len(m.Letters)+1 || len(m.Letters) == 0 {
			t.Fatalf("matrix %q: size %d for %d letters", m.Name, m.Size(), len(m.Letters))
		}
		for i, c := range m.Letters {
			lo := c
			if c >= 'A' && c <= 'Z' {
				lo = c + 'a' - 'A'
			}
			if int(m.Code(c)) != i+1 || m.Code(lo) != m.Code(c) || !m.Has(c) {
				t.Fatalf("letter %q: code %d (lower case %d), want %d", c, m.Code(c), m.Code(lo), i+1)
			}
		}
		again, err := aligner.ParseMatrix(name, bytes.NewReader(writeMatrix(m)))
		if err != nil {
			t.Fatalf("written back, the matrix does not parse: %v\n%s", err, writeMatrix(m))
		}
		if !bytes.Equal(again.Letters, m.Letters) {
			t.Fatalf("letters %q written back as %q", m.Letters, again.Letters)
		}
		for a := range m.Size() {
			for b := range m.Size() {
				if again.Score(uint8(a), uint8(b)) != m.Score(uint8(a), uint8(b)) {
					t.Fatalf("score of codes %d, %d: %d written back as %d", a, b, m.Score(uint8(a), uint8(b)), again.Score(uint8(a), uint8(b)))
				}
			}
		}
		sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
		if (sc == nil) == (err == nil) {
			t.Fatalf("NewScoring: scoring %v and error %v", sc != nil, err)
		}
	})
}

// writeMatrix writes m in the EMBOSS format.
func writeMatrix(m *aligner.Matrix) []byte {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	for _, c := range m.Letters {
		fmt.Fprintf(w, " %c", c)
	}
	w.WriteByte('\n')
	for i, r := range m.Letters {
		fmt.Fprintf(w, "%c", r)
		for j := range m.Letters {
			fmt.Fprintf(w, " %d", m.Score(uint8(i+1), uint8(j+1)))
		}
		w.WriteByte('\n')
	}
	w.Flush()
	return b.Bytes()
}
