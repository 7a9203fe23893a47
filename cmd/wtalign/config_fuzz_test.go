package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/pipeline"
)

// FuzzConfig: whatever YAML --config names, reading it into align's
// specification never panics; every error is a usage error naming the
// file, and the line unless YAML itself could not be read; whatever is
// accepted sets only align's own keys and validates without panicking.
func FuzzConfig(f *testing.F) {
	f.Add(defaultConfig())
	scripts, err := filepath.Glob("testdata/script/*.txtar")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range scripts {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if strings.HasSuffix(file.Name, ".yaml") {
				f.Add(file.Data)
			}
		}
	}
	f.Add([]byte("threads: 0\nmatrix: [a, b]\n"))
	f.Add([]byte("gapopen: &a 12\ngapextend: *a\n"))
	f.Add([]byte("- matrix\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		o := newAlignOptions()
		fs := pflag.NewFlagSet("align", pflag.ContinueOnError)
		o.AddFlags(fs)
		src := &specSource{path: "fuzz.yaml", fs: fs}
		err := src.applyData(fs, &o.spec, data)
		if err != nil {
			var ue usageError
			msg := err.Error()
			if !errors.As(err, &ue) || !strings.HasPrefix(msg, "config fuzz.yaml") {
				t.Fatalf("error %T %q: want a usage error naming the file", err, msg)
			}
			if !strings.Contains(msg, "not valid YAML") && !strings.HasPrefix(msg, "config fuzz.yaml line ") {
				t.Fatalf("error %q does not name the line", msg)
			}
			return
		}
		for key, line := range src.lines {
			if line < 1 || !contains(pipeline.SpecKeys(), key) || configSkip[key] {
				t.Fatalf("accepted key %q on line %d", key, line)
			}
		}
		_ = o.spec.Validate()
		_ = src.explain(o.spec.Validate())
	})
}
