//go:build amd64 && !noasm

package aligner

import (
	"testing"
	"unsafe"
)

// TestInterLayout checks the offsets _asm/gen.go hard-codes.
func TestInterLayout(t *testing.T) {
	var a interArgs
	var s interState
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"prof", unsafe.Offsetof(a.prof), 0}, {"pstride", unsafe.Offsetof(a.pstride), 8},
		{"codes", unsafe.Offsetof(a.codes), 16}, {"ref", unsafe.Offsetof(a.ref), 24},
		{"rows", unsafe.Offsetof(a.rows), 32}, {"h", unsafe.Offsetof(a.h), 40},
		{"f", unsafe.Offsetof(a.f), 48}, {"nblk", unsafe.Offsetof(a.nblk), 56},
		{"st", unsafe.Offsetof(a.st), 64},
		{"gMax", unsafe.Offsetof(s.gMax), 0}, {"inMax", unsafe.Offsetof(s.inMax), 64},
		{"col0H", unsafe.Offsetof(s.col0H), 128}, {"down", unsafe.Offsetof(s.down), 192},
		{"endRow", unsafe.Offsetof(s.endRow), 256}, {"endCol", unsafe.Offsetof(s.endCol), 320},
		{"open", unsafe.Offsetof(s.open), 384}, {"ext", unsafe.Offsetof(s.ext), 448},
		{"oxe", unsafe.Offsetof(s.oxe), 512}, {"one", unsafe.Offsetof(s.one), 576},
		{"zero", unsafe.Offsetof(s.zero), 640}, {"h0", unsafe.Offsetof(s.h0), 704},
	} {
		if c.got != c.want {
			t.Errorf("offset of %s = %d, _asm/gen.go uses %d", c.name, c.got, c.want)
		}
	}
}
