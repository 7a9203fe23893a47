package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
)

// Ref is a wild-type reference prepared for alignment.
type Ref struct {
	ID, Description string
	Gene            string // gene key; the ID when the header carries none
	Seq             []byte
	SHA256          string
	Profile         *aligner.Profile
}

// LoadReferences reads and validates the reference file and prepares one
// profile per wild type. Every problem in a reference file is fatal.
func LoadReferences(path string, sc *aligner.Scoring, keyRe *regexp.Regexp) ([]*Ref, error) {
	recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Reference})
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	refs := make([]*Ref, 0, len(recs))
	for _, r := range recs {
		gene := fasta.GeneKey(r.ID, r.Description, keyRe)
		if gene == "" {
			gene = r.ID
		}
		refs = append(refs, &Ref{
			ID: r.ID, Description: r.Description, Gene: gene, Seq: r.Seq,
			SHA256:  seqHash(r.Seq),
			Profile: aligner.NewProfile(sc, r.Seq),
		})
	}
	return refs, nil
}

// seqHash is the sha256 of the upper-cased sequence.
func seqHash(s []byte) string {
	h := sha256.New()
	buf := make([]byte, 0, len(s))
	for _, c := range s {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		buf = append(buf, c)
	}
	h.Write(buf)
	return hex.EncodeToString(h.Sum(nil))
}
