package aligner

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

//go:embed matrices/*
var embedded embed.FS

// Matrix is a substitution matrix in the EMBOSS file format.
//
// Letters are mapped to codes 1..n in file order; code 0 stands for any
// letter the matrix does not name (EMBOSS scores such letters 0 against
// everything, and never counts them as identical, e.g. U, O and J in
// EBLOSUM62). Lookups are case-insensitive.
type Matrix struct {
	Name    string
	Letters []byte // letters in file order; Letters[i] has code i+1
	code    [256]uint8
	size    int     // len(Letters)+1
	scores  []int32 // size*size, row-major by code
}

// Code returns the matrix code of letter c (0 if the matrix lacks it).
func (m *Matrix) Code(c byte) uint8 { return m.code[c] }

// Size is the number of codes, including the unknown code 0.
func (m *Matrix) Size() int { return m.size }

// Score returns the unscaled score of codes a and b.
func (m *Matrix) Score(a, b uint8) int32 { return m.scores[int(a)*m.size+int(b)] }

// Has reports whether the matrix names letter c (either case).
func (m *Matrix) Has(c byte) bool { return m.code[c] != 0 }

// Encode maps a sequence to matrix codes.
func (m *Matrix) Encode(seq []byte) []uint8 {
	out := make([]uint8, len(seq))
	for i, c := range seq {
		out[i] = m.code[c]
	}
	return out
}

// BuiltinMatrices lists the names of the embedded EMBOSS matrices.
func BuiltinMatrices() []string {
	ents, err := embedded.ReadDir("matrices")
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if !strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

// LoadMatrix returns the embedded matrix with that name (case-insensitive,
// e.g. "EBLOSUM62") or, failing that, parses the file at that path.
func LoadMatrix(nameOrPath string) (*Matrix, error) {
	for _, n := range BuiltinMatrices() {
		if strings.EqualFold(n, nameOrPath) {
			b, err := embedded.ReadFile("matrices/" + n)
			if err != nil {
				return nil, fmt.Errorf("aligner: matrix %s: %w", n, err)
			}
			return ParseMatrix(n, bytes.NewReader(b))
		}
	}
	f, err := os.Open(nameOrPath) // #nosec G304 -- the --matrix file the user named; reading it is the point
	if err != nil {
		if os.IsNotExist(err) && !strings.ContainsAny(nameOrPath, "/\\.") {
			return nil, fmt.Errorf("aligner: unknown matrix %q (built in: %s; or give a path to an EMBOSS-format file)",
				nameOrPath, strings.Join(BuiltinMatrices(), ", "))
		}
		return nil, fmt.Errorf("aligner: matrix: %w", err)
	}
	defer f.Close()
	return ParseMatrix(nameOrPath, f)
}

// ParseMatrix reads an EMBOSS-format matrix: '#' comments, a header line of
// column letters, then one row per letter starting with that letter.
func ParseMatrix(name string, r io.Reader) (*Matrix, error) {
	sc := bufio.NewScanner(r)
	var cols []byte
	rows := map[byte][]int32{}
	var order []byte
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		fields := strings.Fields(t)
		if cols == nil {
			for _, f := range fields {
				if len(f) != 1 {
					return nil, fmt.Errorf("aligner: matrix %s line %d: column header %q is not a single letter", name, line, f)
				}
				cols = append(cols, Upper(f[0]))
			}
			continue
		}
		if len(fields[0]) != 1 {
			return nil, fmt.Errorf("aligner: matrix %s line %d: row label %q is not a single letter", name, line, fields[0])
		}
		if len(fields)-1 != len(cols) {
			return nil, fmt.Errorf("aligner: matrix %s line %d: %d scores, want %d", name, line, len(fields)-1, len(cols))
		}
		row := make([]int32, len(cols))
		for i, f := range fields[1:] {
			// 32 bits: a larger score used to wrap silently in the conversion.
			v, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("aligner: matrix %s line %d: score %q is not an integer in 32-bit range", name, line, f)
			}
			row[i] = int32(v)
		}
		l := Upper(fields[0][0])
		if _, dup := rows[l]; dup {
			return nil, fmt.Errorf("aligner: matrix %s line %d: row %c repeated", name, line, l)
		}
		rows[l] = row
		order = append(order, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("aligner: matrix %s: %w", name, err)
	}
	if cols == nil || len(order) != len(cols) {
		return nil, fmt.Errorf("aligner: matrix %s: %d rows for %d columns", name, len(order), len(cols))
	}
	m := &Matrix{Name: name, Letters: cols, size: len(cols) + 1}
	for i, c := range cols {
		if m.code[c] != 0 {
			return nil, fmt.Errorf("aligner: matrix %s: column %c repeated", name, c)
		}
		m.code[c] = uint8(i + 1)
		m.code[lower(c)] = uint8(i + 1)
	}
	m.scores = make([]int32, m.size*m.size)
	for _, l := range order {
		ri := m.code[l]
		if ri == 0 {
			return nil, fmt.Errorf("aligner: matrix %s: row %c has no column", name, l)
		}
		for j, v := range rows[l] {
			m.scores[int(ri)*m.size+j+1] = v
		}
	}
	return m, nil
}

// Upper is the ASCII upper case of c (residue letters as EMBOSS compares
// them); other bytes are returned as they are.
func Upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c - 'A' + 'a'
	}
	return c
}
