package manifest

import (
	"os"
	"os/exec"
	"testing"
)

// TestProcessAlive holds on every platform (kill(pid, 0) on Unix,
// OpenProcess on Windows): this process is alive, a child that has exited
// and been waited for is not.
func TestProcessAlive(t *testing.T) {
	if !processAlive(os.Getpid()) {
		t.Fatal("this process is reported dead")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	if processAlive(cmd.Process.Pid) {
		t.Fatalf("exited child %d is reported alive", cmd.Process.Pid)
	}
	host, _ := os.Hostname()
	if !sameHostProcessAlive(host+".elsewhere", cmd.Process.Pid) {
		t.Fatal("a process on another host is reported dead: it cannot be checked from here")
	}
}
