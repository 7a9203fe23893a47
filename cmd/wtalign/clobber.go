package main

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/wtalign/wtalign/output"
)

// readPaths are files a command reads, for output.CheckClobber: each path
// with its role, a directory (a PointFinder catalog folder) as the files
// in it, and a run output with the manifest beside it.
func readPaths(role string, paths ...string) []output.Path {
	var out []output.Path
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		out = append(out, output.Path{Path: p, Role: role})
		if ents, err := os.ReadDir(p); err == nil {
			for _, e := range ents {
				out = append(out, output.Path{Path: filepath.Join(p, e.Name()), Role: role + " file"})
			}
		}
		if role == "run output" {
			out = append(out, output.Path{Path: p + ".manifest.json", Role: "manifest"})
		}
	}
	return out
}

// aliasFiles are the --gene-alias values that name files (not a=b pairs).
func aliasFiles(aliases []string) []string {
	var out []string
	for _, a := range aliases {
		if !strings.Contains(a, "=") {
			out = append(out, a)
		}
	}
	return out
}
