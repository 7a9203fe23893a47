package aligner

import (
	"errors"
	"fmt"
	"math"
)

// Gap penalty ranges water accepts (its ACD file; water clamps values
// outside them with a warning, wtalign refuses them instead).
const (
	MaxGapOpen   = 100.0
	MaxGapExtend = 10.0
)

// ErrGapOpen and ErrGapExtend are wrapped by CheckPenalties' errors, so a
// caller can say which parameter is at fault.
var (
	ErrGapOpen   = errors.New("aligner: gap open penalty out of range")
	ErrGapExtend = errors.New("aligner: gap extend penalty out of range")
)

// CheckPenalties reports whether water would take open and extend as given.
func CheckPenalties(open, extend float64) error {
	if math.IsNaN(open) || open < 0 || open > MaxGapOpen {
		return fmt.Errorf("%w: %g is outside 0..%g", ErrGapOpen, open, MaxGapOpen)
	}
	if math.IsNaN(extend) || extend < 0 || extend > MaxGapExtend {
		return fmt.Errorf("%w: %g is outside 0..%g", ErrGapExtend, extend, MaxGapExtend)
	}
	return nil
}
