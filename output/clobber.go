package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ErrClobber is wrapped by CheckClobber's error: a path the run would
// write is a file it reads, a directory, or another path it writes.
var ErrClobber = errors.New("output: refusing to overwrite")

// Path is a file a run reads or writes, with what it is for the message.
type Path struct {
	Path string
	Role string // "input", "reference", "output", "manifest", ...
}

// CheckClobber refuses, before any work, a written path that is the same
// file as a read one or as a file in a read folder (compared by device
// and inode after following symlinks, so ./x, x and a link to x are one
// file), a written path that is a directory, and two written paths that
// are one file. Paths that do
// not exist yet are fine, and so is "-" (stdin/stdout).
func CheckClobber(reads, writes []Path) error {
	type seen struct {
		fi fs.FileInfo
		p  Path
	}
	var read []seen
	for _, r := range reads {
		if r.Path == "" || r.Path == "-" {
			continue
		}
		fi, err := os.Stat(r.Path)
		if err != nil {
			continue
		}
		read = append(read, seen{fi, r})
		if !fi.IsDir() {
			continue
		}
		// A folder read as one input (a PointFinder catalog folder): the
		// files in it are read too.
		ents, _ := os.ReadDir(r.Path)
		for _, e := range ents {
			p := filepath.Join(r.Path, e.Name())
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				read = append(read, seen{fi, Path{Path: p, Role: r.Role + " file"}})
			}
		}
	}
	var written []seen
	for _, w := range writes {
		if w.Path == "" || w.Path == "-" {
			continue
		}
		fi, err := os.Stat(w.Path)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			continue // nothing there yet (or a dangling link, which a rename replaces; or a parent that is a file)
		}
		if err != nil {
			return fmt.Errorf("%w: %s %s: %v", ErrClobber, w.Role, w.Path, err)
		}
		if fi.IsDir() {
			return fmt.Errorf("%w: %s %s is a directory; give a file name", ErrClobber, w.Role, w.Path)
		}
		for _, r := range read {
			if os.SameFile(fi, r.fi) {
				what := r.p.Path
				if what != w.Path {
					what = fmt.Sprintf("%s (as %s)", r.p.Path, w.Path)
				}
				return fmt.Errorf("%w: the %s path is the %s %s; choose another %s path", ErrClobber, w.Role, r.p.Role, what, w.Role)
			}
		}
		for _, o := range written {
			if os.SameFile(fi, o.fi) {
				return fmt.Errorf("%w: the %s path %s and the %s path %s are the same file", ErrClobber, w.Role, w.Path, o.p.Role, o.p.Path)
			}
		}
		written = append(written, seen{fi, w})
	}
	// Paths that do not exist yet can still collide by name.
	names := map[string]Path{}
	for _, w := range writes {
		if w.Path == "" || w.Path == "-" {
			continue
		}
		if o, dup := names[cleanPath(w.Path)]; dup {
			return fmt.Errorf("%w: the %s path and the %s path are both %s", ErrClobber, w.Role, o.Role, w.Path)
		}
		names[cleanPath(w.Path)] = w
	}
	return nil
}

func cleanPath(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}
