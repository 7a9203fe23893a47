//go:build !amd64 || noasm

package aligner

import "testing"

// expectedKernels: builds without assembly have only the scalar pass.
func expectedKernels(testing.TB) []string { return []string{"generic"} }
