package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeWater is the absolute path of a fake water script in testdata/emboss/fake.
func fakeWater(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "emboss", "fake", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func needWater(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("water"); err != nil {
		t.Skip("EMBOSS water not installed")
	}
}

func decodeEngines(t *testing.T, stdout string) map[string]engineInfo {
	t.Helper()
	var got struct{ Engines []engineInfo }
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("engines --json: %v\n%s", err, stdout)
	}
	m := map[string]engineInfo{}
	for _, e := range got.Engines {
		m[e.Name] = e
	}
	return m
}

func TestEnginesWithoutWater(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("WTALIGN_WATER", "")
	code, stdout, stderr := runCLI(t, "engines", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	e := decodeEngines(t, stdout)
	if !e["native"].Available || e["native"].CPU == nil {
		t.Errorf("native: %+v", e["native"])
	}
	if k := e["native"].Kernel; k == "" || !strings.Contains(strings.Join(e["native"].Kernels, ","), k) {
		t.Errorf("native kernel %q not among %v", k, e["native"].Kernels)
	}
	if _, ok := e["native"].CPU["AVX2"]; !ok {
		t.Errorf("native CPU features lack AVX2: %+v", e["native"].CPU)
	}
	w := e["water"]
	if w.Available || !strings.Contains(w.Error, "water not found on $PATH") {
		t.Errorf("water: %+v, want unavailable and not found on $PATH", w)
	}
}

func TestEnginesFakeAndBadWater(t *testing.T) {
	code, stdout, _ := runCLI(t, "engines", "--json", "--water-path", fakeWater(t, "crash"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if w := decodeEngines(t, stdout)["water"]; !w.Available || w.Version != "6.6.0.0" || w.Path != fakeWater(t, "crash") {
		t.Errorf("water: %+v", w)
	}
	t.Setenv("FAKE_HELP", "Needleman-Wunsch global alignment of two sequences")
	code, stdout, _ = runCLI(t, "engines", "--water-path", fakeWater(t, "crash"))
	if code != 0 || !strings.Contains(stdout, "water   no") || !strings.Contains(stdout, "not water") {
		t.Errorf("exit %d, table:\n%s", code, stdout)
	}
}

func TestEnginesTable(t *testing.T) {
	needWater(t)
	code, stdout, stderr := runCLI(t, "engines")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ENGINE") {
		t.Fatalf("table:\n%s", stdout)
	}
	if f := strings.Fields(lines[2]); f[0] != "water" || f[1] != "yes" || !strings.HasPrefix(f[2], "6.") {
		t.Errorf("water row %q", lines[2])
	}
	if f := strings.Fields(lines[1]); f[0] != "native" || f[1] != "yes" || !strings.Contains(lines[1], "AVX2=") || !strings.Contains(lines[1], "kernel ") {
		t.Errorf("native row %q", lines[1])
	}
}
