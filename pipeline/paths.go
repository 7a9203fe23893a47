package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/metrics"
	"github.com/wtalign/wtalign/output"
)

// checkPaths refuses, before any work, an output, partial, manifest or
// lock path that is a file the run reads (inputs, reference, map, sites,
// matrix, input list, protected files) or a directory (a *FieldError),
// and an output or manifest directory that is missing or not writable
// (a plain error: the Spec is fine, the file system is not).
func (s *Spec) checkPaths(protected []string) error {
	// One file under two spellings (x.faa, ./x.faa, a symlink) is still
	// one genome given twice.
	type file struct {
		name string
		fi   os.FileInfo
	}
	var seen []file
	for _, in := range s.Inputs {
		fi, err := os.Stat(in)
		if in == "-" || err != nil {
			continue // stdin, or a missing file the reader reports
		}
		for _, prev := range seen {
			if os.SameFile(fi, prev.fi) {
				return fieldErr("inputs", in, "is the same file as %s, given before; each input file is one genome and is read once", prev.name)
			}
		}
		seen = append(seen, file{in, fi})
	}
	if s.MetricsFile != "" {
		// A missing or read-only directory fails now, not after the run.
		if err := metrics.CheckPath(s.MetricsFile); err != nil {
			return err
		}
	}
	if s.Out == "-" || isStream(s.Out) {
		if s.MetricsFile != "" {
			return output.CheckClobber(s.readPaths(protected), []output.Path{{Path: s.MetricsFile, Role: "metrics file"}})
		}
		return nil
	}
	reads := s.readPaths(protected)
	man := s.Manifest
	if man == "" {
		man = s.Out + ".manifest.json"
	}
	writes := []output.Path{{Path: s.Out, Role: "output"}, {Path: s.Out + ".partial", Role: "partial output"},
		{Path: man, Role: "manifest"}, {Path: s.Out + ".lock", Role: "lock"}, {Path: s.MetricsFile, Role: "metrics file"}}
	if err := output.CheckClobber(reads, writes); err != nil {
		return &FieldError{Key: "out", Msg: strings.TrimPrefix(err.Error(), "output: ")}
	}
	dirs := []string{filepath.Dir(s.Out)}
	if d := filepath.Dir(man); d != dirs[0] {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := writableDir(d); err != nil {
			return fmt.Errorf("output %s: %w", s.Out, err)
		}
	}
	return nil
}

// readPaths are every file the run reads, for CheckClobber.
func (s *Spec) readPaths(protected []string) []output.Path {
	reads := []output.Path{{Path: s.Reference, Role: "reference"}, {Path: s.Map, Role: "map file"},
		{Path: s.Sites, Role: "sites file"}, {Path: s.InfileList, Role: "input list"}, {Path: s.Matrix, Role: "matrix file"}}
	for _, in := range s.Inputs {
		reads = append(reads, output.Path{Path: in, Role: "input"})
	}
	for _, c := range s.Catalogs {
		reads = append(reads, output.Path{Path: c, Role: "catalog"})
	}
	for _, a := range catalog.AliasFiles(s.GeneAliases) {
		reads = append(reads, output.Path{Path: a, Role: "gene alias file"})
	}
	for _, p := range protected {
		reads = append(reads, output.Path{Path: p, Role: "config file"})
	}
	return reads
}

// writableDir checks that dir exists and a file can be created in it, by
// creating and removing one: permissions, ACLs and read-only mounts all
// show, on every platform. The error is an I/O problem, not a bad Spec.
func writableDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist; create it first", dir)
	case err != nil:
		return fmt.Errorf("directory %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	f, err := os.CreateTemp(dir, ".wtalign-write-test-*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("directory %s is not writable: %w", dir, err)
	}
	cerr := f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return err
	}
	if cerr != nil {
		return fmt.Errorf("directory %s is not writable: %w", dir, cerr)
	}
	return nil
}

// readInfileList reads -X/--infile-list: one input path per line; blank
// lines and lines starting with '#' are ignored.
func readInfileList(path string) ([]string, error) {
	f, err := os.Open(path) // #nosec G304 -- the -X/--infile-list file the user named
	if err != nil {
		return nil, fmt.Errorf("input list: %w", err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(strings.TrimRight(sc.Text(), "\r"))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.ContainsRune(t, 0) {
			return nil, fmt.Errorf("input list %s line %d: contains a NUL byte", path, line)
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("input list %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("input list %s: no file names in it", path)
	}
	return out, nil
}

// isStream reports whether the output path names an existing file that is
// not a regular file (/dev/null, /dev/stdout, a named pipe): such a target
// is written as a stream, like "-", never replaced by a finished file,
// and has no partial, manifest or lock beside it.
func isStream(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular() && !fi.IsDir()
}
