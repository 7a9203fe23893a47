//go:build amd64 && !noasm && !unix

package aligner

// flagMem holds the traceback flags of a batch (on the Go heap here).
type flagMem struct{ b []byte }

func (m *flagMem) get(n int) []byte {
	if cap(m.b) < n {
		m.b = make([]byte, n)
	}
	return m.b[:n]
}

func (m *flagMem) free() { m.b = nil }
