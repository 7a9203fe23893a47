//go:build unix

// Named pipes and /dev/null are Unix.

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOutputToDeviceOrPipe: -o naming a device or a named pipe writes to
// it as a stream; it is never replaced by the finished file, and nothing
// (partial, manifest, lock) is created beside it.
func TestOutputToDeviceOrPipe(t *testing.T) {
	ref := filepath.Join("..", "..", "testdata", "demo", "ref_ecoli_k12_mg1655.faa")
	q := filepath.Join("..", "..", "testdata", "demo", "variants.faa")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "calls.pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	got := make(chan int, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- len(b)
	}()
	if code, _, stderr := runCLI(t, "align", "-q", "-r", ref, "-o", fifo, q); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n := <-got; n < 10000 {
		t.Errorf("the pipe's reader got %d bytes", n)
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the pipe was replaced: %v %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files beside the pipe: %v", entries)
	}
	if code, _, stderr := runCLI(t, "align", "-q", "-r", ref, "-o", os.DevNull, q); code != 0 {
		t.Fatalf("-o %s: exit %d: %s", os.DevNull, code, stderr)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}
	if _, err := os.Stat(os.DevNull + ".manifest.json"); err == nil {
		t.Errorf("a manifest was written beside %s", os.DevNull)
	}
}
