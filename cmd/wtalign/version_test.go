package main

import (
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

func TestVersionJSON(t *testing.T) {
	code, out, errs := runCLI(t, "version", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r buildReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if r.Version == "" || r.Commit == "" || r.GoVersion != runtime.Version() || r.OS != runtime.GOOS || r.Arch != runtime.GOARCH {
		t.Errorf("identity: %+v", r)
	}
	if r.Kernel != aligner.Kernel() || !slices.Contains(r.KernelsAvailable, r.Kernel) {
		t.Errorf("kernel %q not the selected one among %v", r.Kernel, r.KernelsAvailable)
	}
	// With -tags noasm cpuid detects nothing (its own assembly is off too)
	// and only the generic kernel exists.
	if runtime.GOARCH == "amd64" && len(aligner.Kernels()) > 1 && !slices.Contains(r.CPU.Features, "SSE2") {
		t.Errorf("CPU features on amd64 lack SSE2: %v", r.CPU.Features)
	}
	// A test binary has its dependencies in the build info.
	var paths []string
	for _, m := range r.Modules {
		paths = append(paths, m.Path)
	}
	for _, want := range []string{"github.com/spf13/cobra", "github.com/klauspost/cpuid/v2"} {
		if !slices.Contains(paths, want) {
			t.Errorf("modules lack %s: %v", want, paths)
		}
	}
	if r.BuildSettings["GOOS"] != runtime.GOOS {
		t.Errorf("build settings: %v", r.BuildSettings)
	}
}

func TestVersionText(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	lines := strings.Split(out, "\n")
	if code != 0 || len(lines) < 4 || !strings.HasPrefix(lines[0], "wtalign ") || lines[3] != "kernel "+aligner.Kernel() {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
