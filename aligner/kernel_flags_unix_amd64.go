//go:build amd64 && !noasm && unix

package aligner

import "syscall"

// flagMem holds the traceback flags of a batch outside the Go heap: they
// are the largest scratch (17 MB for 32 queries of a 1,049-aa wild type),
// live only during one batch, and on the heap they would double the
// collector's target and with it the resident memory.
type flagMem struct {
	b      []byte
	mapped bool
}

// get returns n bytes (contents undefined), reusing the current mapping
// when it is large enough.
func (m *flagMem) get(n int) []byte {
	if cap(m.b) >= n {
		return m.b[:n]
	}
	m.free()
	size := (n + 1<<20 - 1) &^ (1<<20 - 1)
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		m.b, m.mapped = make([]byte, n), false
		return m.b
	}
	m.b, m.mapped = b, true
	return b[:n]
}

// free unmaps the memory; nothing may use it afterwards.
func (m *flagMem) free() {
	if m.mapped {
		_ = syscall.Munmap(m.b[:cap(m.b)])
	}
	m.b, m.mapped = nil, false
}
