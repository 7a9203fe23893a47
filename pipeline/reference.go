package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/gencode"
)

// Ref is a wild-type reference prepared for alignment.
type Ref struct {
	ID, Description string
	Gene            string // gene key; the ID when the header carries none
	Seq             []byte // the protein (translated from CDS for --input-type cds)
	CDS             []byte // the coding sequence, CDS input only
	SHA256          string
	Profile         *aligner.Profile
}

// LoadReferences reads and validates the reference file and prepares one
// profile per wild type. Every problem in a reference file is fatal.
//
// With a genetic code the references are coding sequences (--input-type
// cds): each is translated whole (complete codons, no internal stop, a
// start codon read as M), and a gene that does not translate is an error
// naming it.
func LoadReferences(path string, sc *aligner.Scoring, keyRe *regexp.Regexp, code *gencode.Code) ([]*Ref, error) {
	recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Reference, AllowNucleotide: code != nil})
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	refs := make([]*Ref, 0, len(recs))
	for _, r := range recs {
		gene := fasta.GeneKey(r.ID, r.Description, keyRe)
		if gene == "" {
			gene = r.ID
		}
		ref := &Ref{ID: r.ID, Description: r.Description, Gene: gene, Seq: r.Seq}
		if code != nil {
			if !isNucleotide(r.Seq) {
				return nil, fmt.Errorf("reference: %s record %d (%s): --input-type cds needs coding sequences (nucleotides), this looks like a protein", path, r.Index, r.ID)
			}
			t, err := code.TranslateCDS(r.Seq)
			if err != nil {
				return nil, fmt.Errorf("reference: %s record %d (%s): %w", path, r.Index, r.ID, err)
			}
			ref.CDS, ref.Seq = r.Seq, t.Protein
		}
		ref.SHA256, ref.Profile = seqHash(ref.Seq), aligner.NewProfile(sc, ref.Seq)
		refs = append(refs, ref)
	}
	return refs, nil
}

// isNucleotide reports whether s holds only nucleotide letters (IUPAC
// codes included), as a CDS must.
func isNucleotide(s []byte) bool {
	for _, c := range s {
		switch c | 0x20 {
		case 'a', 'c', 'g', 't', 'u', 'n', 'r', 'y', 's', 'w', 'k', 'm', 'b', 'd', 'h', 'v':
		default:
			return false
		}
	}
	return len(s) > 0
}

// translateQuery turns a query CDS into the protein that is aligned: codon
// by codon from its first base (a last incomplete codon, as after a
// frameshift near the end, is left out), a start codon read as M, stops
// kept as '*' so premature ones are seen, and one final stop removed.
func translateQuery(code *gencode.Code, rec *fasta.Record) []byte {
	cds := rec.Seq
	p := code.Translate(cds)
	if len(p) > 0 && code.IsStart(cds[:3]) {
		p[0] = 'M'
	}
	if n := len(p); n > 0 && p[n-1] == '*' {
		p = p[:n-1]
		rec.TerminalStopStripped = true
	}
	return p
}

// seqHash is the sha256 of the upper-cased sequence.
func seqHash(s []byte) string {
	sum := sha256.Sum256(bytes.ToUpper(s)) // sequences are ASCII (package fasta)
	return hex.EncodeToString(sum[:])
}
