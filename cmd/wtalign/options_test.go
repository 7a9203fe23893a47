package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/pipeline"
)

// cmdOnly are align flags that are not part of the job (they shape how the
// command line runs it).
var cmdOnly = []string{"config", "cpuprofile", "memprofile"}

// TestAlignFlagsAreTheSpec: every align flag is a Spec key or a known
// command-line-only flag, every Spec key is an align flag (but inputs,
// the positional arguments), and each is defined with its key's name.
func TestAlignFlagsAreTheSpec(t *testing.T) {
	fs := pflag.NewFlagSet("align", pflag.ContinueOnError)
	newAlignOptions().AddFlags(fs)
	keys := pipeline.SpecKeys()
	fs.VisitAll(func(f *pflag.Flag) {
		if !slices.Contains(keys, f.Name) && !slices.Contains(cmdOnly, f.Name) {
			t.Errorf("flag --%s is neither a Spec key nor command-line only", f.Name)
		}
		if len(f.Annotations[groupAnnotation]) == 0 {
			t.Errorf("flag --%s has no help group", f.Name)
		}
	})
	for _, k := range keys {
		if k != "inputs" && fs.Lookup(k) == nil {
			t.Errorf("Spec key %s has no align flag", k)
		}
	}
	// The flag default is the Spec default (one source of defaults).
	def := pipeline.DefaultSpec()
	s := def
	for _, k := range keys {
		f := fs.Lookup(k)
		if f == nil || k == "threads" || f.Value.Type() == "stringArray" {
			continue // lists default to empty; Set appends
		}
		if err := s.Set(k, f.DefValue); err != nil {
			t.Errorf("--%s default %q does not parse as its Spec key: %v", k, f.DefValue, err)
		}
	}
	if !reflect.DeepEqual(s, def) {
		t.Errorf("flag defaults differ from DefaultSpec:\n%+v\n%+v", s, def)
	}
}

// TestHelpGroupsFlags: align's help lists its flags under topic headings.
func TestHelpGroupsFlags(t *testing.T) {
	code, out, _ := runCLI(t, "align", "--help")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	last := -1
	for _, g := range []string{groupInput + ":", groupHits + ":", groupScoring + ":", groupEngine + ":", groupOutput + ":", groupRun + ":"} {
		i := strings.Index(out, "\n"+g+"\n")
		if i < 0 || i < last {
			t.Errorf("help lacks heading %q in order:\n%s", g, out)
		}
		last = i
	}
	if strings.Contains(out, "(default 2)") && strings.Contains(out, "default all CPUs)") {
		t.Error("-j help repeats its default")
	}
}

// TestUnknownKernelIsAnError: WTALIGN_KERNEL with a name this machine
// cannot run stops the command (exit 2) instead of being ignored.
func TestUnknownKernelIsAnError(t *testing.T) {
	t.Setenv("WTALIGN_KERNEL", "avx9000")
	code, _, stderr := runCLI(t, "engines")
	if code != exitUsage || !strings.Contains(stderr, "WTALIGN_KERNEL=avx9000") || !strings.Contains(stderr, "generic") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	t.Setenv("WTALIGN_KERNEL", "generic")
	defer func() { _ = aligner.SetKernel(aligner.Kernels()[len(aligner.Kernels())-1]) }()
	if code, out, stderr := runCLI(t, "engines"); code != 0 || !strings.Contains(out, "kernel generic") {
		t.Errorf("generic: exit %d: %s %s", code, out, stderr)
	}
}
