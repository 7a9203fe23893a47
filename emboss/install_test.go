package emboss

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallScriptDryRun checks scripts/install-emboss.sh (which lives
// beside this package's purpose: getting water installed) in the mode that
// only prints the commands: each package manager gets its own command,
// an unknown one and a machine without any are usage errors (exit 2).
func TestInstallScriptDryRun(t *testing.T) {
	script, _ := filepath.Abs(filepath.Join("..", "scripts", "install-emboss.sh"))
	cases := []struct {
		manager string
		want    string
		code    int
	}{
		{"apt", "apt-get install -y --no-install-recommends emboss", 0},
		{"dnf", "dnf install -y EMBOSS", 0},
		{"yum", "yum install -y EMBOSS", 0},
		{"conda", "conda install -y -c conda-forge -c bioconda emboss", 0},
		{"mamba", "mamba install -y -c conda-forge -c bioconda emboss", 0},
		{"brew", "brew install brewsci/bio/emboss", 0},
		{"zypper", "unsupported --manager 'zypper'", 2},
	}
	for _, c := range cases {
		out, err := exec.Command("/bin/sh", script, "--dry-run", "--manager", c.manager).CombinedOutput()
		if code := exitCode(err); code != c.code || !strings.Contains(string(out), c.want) {
			t.Errorf("--manager %s: exit %d (want %d), output:\n%s", c.manager, code, c.code, out)
		}
	}
	// No package manager on PATH: only the shell's builtins and 'id'.
	dir := t.TempDir()
	if id, err := exec.LookPath("id"); err == nil {
		if err := os.Symlink(id, filepath.Join(dir, "id")); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("/bin/sh", script, "--dry-run")
	cmd.Env = append(os.Environ(), "PATH="+dir)
	out, err := cmd.CombinedOutput()
	if code := exitCode(err); code != 2 || !strings.Contains(string(out), "no supported package manager") {
		t.Errorf("no manager: exit %d, output:\n%s", code, out)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
