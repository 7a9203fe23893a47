//go:build unix && noasm

package resume

// Under -tags noasm the binary the tests run is the generic-kernel build too.
func init() { buildFlags = append(buildFlags, "-tags", "noasm") }
