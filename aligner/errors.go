package aligner

import (
	"errors"
	"fmt"
)

// ErrEmpty is returned (wrapped) when the reference or the query has no
// residues; water refuses such input too.
var ErrEmpty = errors.New("empty sequence")

// checkInput rejects input that no engine can align.
func checkInput(p *Profile, query []byte) error {
	switch {
	case p == nil || p.Scoring == nil || p.Scoring.Matrix == nil:
		return errors.New("aligner: profile not prepared with NewProfile")
	case len(p.Codes) != len(p.Ref):
		return errors.New("aligner: profile codes do not match its reference")
	case len(p.Codes) == 0:
		return fmt.Errorf("aligner: reference: %w", ErrEmpty)
	case len(query) == 0:
		return fmt.Errorf("aligner: query: %w", ErrEmpty)
	}
	return nil
}
