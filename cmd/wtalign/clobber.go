package main

import "github.com/wtalign/wtalign/output"

// readPaths are files a command reads, for output.CheckClobber (which
// also covers the files of a folder read, such as a PointFinder catalog):
// each path with its role, and a run output with the manifest beside it.
func readPaths(role string, paths ...string) []output.Path {
	var out []output.Path
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		out = append(out, output.Path{Path: p, Role: role})
		if role == "run output" {
			out = append(out, output.Path{Path: p + ".manifest.json", Role: "manifest"})
		}
	}
	return out
}
