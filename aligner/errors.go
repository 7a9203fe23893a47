package aligner

import "errors"

var errEmpty = errors.New("aligner: empty sequence")
