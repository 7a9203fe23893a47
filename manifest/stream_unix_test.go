//go:build unix

package manifest

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteFileAtomicStream: a named pipe (and so a device such as
// /dev/null) is written to, not replaced by a rename; as root the rename
// once turned /dev/null into a regular file when `wtalign report -o
// /dev/null` ran. A directory is refused.
func TestWriteFileAtomicStream(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- nil
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- b
	}()
	if err := WriteFileAtomic(fifo, []byte("report\n")); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "report\n" {
		t.Errorf("read %q from the pipe", b)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left beside the pipe: %v", entries)
	}
	if err := WriteFileAtomic(dir, []byte("x")); err == nil {
		t.Error("a directory was accepted")
	}
}
