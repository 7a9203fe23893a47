package gencode

import (
	"fmt"
	"slices"
	"strconv"
)

// Code is one NCBI genetic code.
type Code struct {
	ID   int
	Name string
	aa   [64]byte // residue of each codon, index 16*b1+4*b2+b3 with T=0 C=1 A=2 G=3
	init [64]bool // codon may start a CDS (read as Met there)
}

// NCBI's tables as published: amino acids and starts per codon in TCAG order.
var tables = []struct {
	id           int
	name, aa, st string
}{
	{1, "Standard",
		"FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
		"---M------**--*----M---------------M----------------------------"},
	{4, "Mold, Protozoan, and Coelenterate Mitochondrial; Mycoplasma/Spiroplasma",
		"FFLLSSSSYY**CCWWLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
		"--MM------**-------M------------MMMM---------------M------------"},
	{11, "Bacterial, Archaeal and Plant Plastid",
		"FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
		"---M------**--*----M------------MMMM---------------M------------"},
}

var codes = func() map[int]*Code {
	m := map[int]*Code{}
	for _, t := range tables {
		c := &Code{ID: t.id, Name: t.name}
		for i := range 64 {
			c.aa[i] = t.aa[i]
			c.init[i] = t.st[i] == 'M'
		}
		m[t.id] = c
	}
	return m
}()

// Default is the code for bacteria: 11.
const Default = 11

// Lookup returns NCBI genetic code id.
func Lookup(id int) (*Code, error) {
	if c, ok := codes[id]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("gencode: genetic code %d is not supported (supported: %s)", id, supportedList())
}

// Supported lists the codes Lookup knows, ascending.
func Supported() []int {
	ids := make([]int, 0, len(codes))
	for id := range codes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func supportedList() string {
	s := ""
	for i, id := range Supported() {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(id)
	}
	return s
}

// base maps a nucleotide (either case, U as T) to its TCAG index, or -1.
func base(c byte) int {
	switch c {
	case 'T', 't', 'U', 'u':
		return 0
	case 'C', 'c':
		return 1
	case 'A', 'a':
		return 2
	case 'G', 'g':
		return 3
	}
	return -1
}

// index is the table index of a codon, or -1 when a letter is not A/C/G/T/U.
func index(codon []byte) int {
	if len(codon) != 3 {
		return -1
	}
	b1, b2, b3 := base(codon[0]), base(codon[1]), base(codon[2])
	if b1 < 0 || b2 < 0 || b3 < 0 {
		return -1
	}
	return 16*b1 + 4*b2 + b3
}

// ambiguity lists the bases each IUPAC nucleotide code stands for.
var ambiguity = map[byte]string{
	'R': "AG", 'Y': "CT", 'S': "CG", 'W': "AT", 'K': "GT", 'M': "AC",
	'B': "CGT", 'D': "AGT", 'H': "ACT", 'V': "ACG", 'N': "ACGT",
}

func expand(c byte) string {
	if base(c) >= 0 {
		return string(c)
	}
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return ambiguity[c]
}

// Residue translates one codon. A codon with IUPAC ambiguity codes gives the
// residue all its readings share (GCN is A), otherwise X; a codon with any
// other letter, or of the wrong length, gives X.
func (c *Code) Residue(codon []byte) byte {
	if i := index(codon); i >= 0 {
		return c.aa[i]
	}
	if len(codon) != 3 {
		return 'X'
	}
	var out byte
	for _, b1 := range []byte(expand(codon[0])) {
		for _, b2 := range []byte(expand(codon[1])) {
			for _, b3 := range []byte(expand(codon[2])) {
				r := c.aa[index([]byte{b1, b2, b3})]
				if out != 0 && r != out {
					return 'X'
				}
				out = r
			}
		}
	}
	if out == 0 {
		return 'X'
	}
	return out
}

// IsStart reports whether codon can start a CDS in this code.
func (c *Code) IsStart(codon []byte) bool {
	i := index(codon)
	return i >= 0 && c.init[i]
}

// IsStop reports whether codon is a stop codon in this code.
func (c *Code) IsStop(codon []byte) bool {
	i := index(codon)
	return i >= 0 && c.aa[i] == '*'
}

// Translate translates nt codon by codon from its first base, stops
// included as '*'. A last incomplete codon is ignored.
func (c *Code) Translate(nt []byte) []byte {
	out := make([]byte, 0, len(nt)/3)
	for i := 0; i+3 <= len(nt); i += 3 {
		out = append(out, c.Residue(nt[i:i+3]))
	}
	return out
}

// CDSError says why a sequence is not a complete coding sequence.
type CDSError struct {
	Kind CDSErrKind
	// Pos is the 1-based codon where the problem is (0 for a length problem).
	Pos int
	// Codon is the offending codon, when there is one.
	Codon string
	Len   int // nucleotide length
}

// CDSErrKind classifies a CDSError.
type CDSErrKind int

// Kinds of CDS problems.
const (
	ErrLength       CDSErrKind = iota + 1 // length is not a multiple of 3, or empty
	ErrInternalStop                       // a stop codon before the last codon
	ErrBadLetter                          // a letter that is no nucleotide code
)

func (e *CDSError) Error() string {
	switch e.Kind {
	case ErrLength:
		if e.Len == 0 {
			return "gencode: empty coding sequence"
		}
		return fmt.Sprintf("gencode: length %d is not a multiple of 3", e.Len)
	case ErrInternalStop:
		return fmt.Sprintf("gencode: internal stop codon %s at codon %d", e.Codon, e.Pos)
	case ErrBadLetter:
		return fmt.Sprintf("gencode: codon %d (%s) holds a letter that is no nucleotide code", e.Pos, e.Codon)
	}
	return "gencode: invalid coding sequence"
}

// CDS is a translated coding sequence.
type CDS struct {
	Protein []byte // without the final stop
	// Start says the first codon is a start codon of the code; it was read
	// as M, as a ribosome reads a GTG or TTG start.
	Start bool
	// EndsWithStop says the last codon was a stop (it is not in Protein).
	EndsWithStop bool
}

// TranslateCDS translates a coding sequence: whole codons and no stop
// before the last codon. A first codon that is a start codon of the code is
// read as M; any other first codon is translated as it is (reference genes
// in catalogs are sometimes cut before their start, and their numbering
// counts from the first codon given). A final stop is optional and removed.
// Problems are *CDSError.
func (c *Code) TranslateCDS(nt []byte) (CDS, error) {
	if len(nt) == 0 || len(nt)%3 != 0 {
		return CDS{}, &CDSError{Kind: ErrLength, Len: len(nt)}
	}
	n := len(nt) / 3
	for k := range n {
		cod := nt[3*k : 3*k+3]
		for _, b := range cod {
			if expand(b) == "" {
				return CDS{}, &CDSError{Kind: ErrBadLetter, Pos: k + 1, Codon: string(cod), Len: len(nt)}
			}
		}
	}
	prot := c.Translate(nt)
	out := CDS{Protein: prot, Start: c.IsStart(nt[:3])}
	if out.Start {
		prot[0] = 'M'
	}
	if prot[n-1] == '*' {
		out.Protein, out.EndsWithStop = prot[:n-1], true
	}
	for k, r := range out.Protein {
		if r == '*' {
			return CDS{}, &CDSError{Kind: ErrInternalStop, Pos: k + 1, Codon: string(nt[3*k : 3*k+3]), Len: len(nt)}
		}
	}
	return out, nil
}
