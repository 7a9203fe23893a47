package server

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wtalign/wtalign/catalog"
)

// paramKind is how a submission may set one of align's parameters.
type paramKind int

const (
	// paramValue is a plain value, checked by Spec.Validate.
	paramValue paramKind = iota
	// paramServer is set by the server for every job.
	paramServer
	// paramRefused has no meaning for a job of the service.
	paramRefused
	// paramPath names files on the server: an upload, or a server-side
	// path that must lie under the path roots (buildSpec checks each).
	paramPath
)

// paramRule is the server's treatment of one parameter; why is the
// refusal's reason for paramServer and paramRefused.
type paramRule struct {
	kind paramKind
	why  string
}

const setByServer = "set by the server (each job writes its own checkpointed output)"

// specParams is every key of pipeline.Spec with how a submission may set
// it. A key missing here is refused (a test checks that none is missing),
// so a new path-valued parameter cannot reach a job unchecked.
var specParams = map[string]paramRule{
	"inputs":              {kind: paramPath},
	"infile-list":         {paramServer, setByServer},
	"reference":           {kind: paramPath},
	"out":                 {paramServer, setByServer},
	"format":              {kind: paramValue},
	"manifest":            {paramServer, setByServer},
	"resume":              {paramServer, setByServer},
	"force":               {paramServer, setByServer},
	"checkpoint-every":    {kind: paramValue},
	"checkpoint-interval": {kind: paramValue},
	"shard":               {paramServer, setByServer},
	"metrics-file":        {paramRefused, "a job writes no metrics file: the service's metrics are its /metrics endpoint"},
	"assign":              {kind: paramValue},
	"key-regex":           {kind: paramValue},
	"map":                 {kind: paramPath},
	"sites":               {kind: paramPath},
	"skip-unassigned":     {kind: paramValue},
	"allow-nucleotide":    {kind: paramValue},
	"max-length":          {kind: paramValue},
	"input-type":          {kind: paramValue},
	"genetic-code":        {kind: paramValue},
	"catalog":             {kind: paramPath},
	"catalog-format":      {kind: paramValue},
	"catalog-taxgroup":    {kind: paramValue},
	"gene-alias":          {kind: paramPath}, // catalog_gene=ref_gene, or a file of them
	"catalog-lenient":     {kind: paramValue},
	"min-identity":        {kind: paramValue},
	"min-ref-coverage":    {kind: paramValue},
	"min-score":           {kind: paramValue},
	"same-gene-identity":  {kind: paramValue},
	"complete-proteins":   {kind: paramValue},
	"matrix":              {kind: paramPath}, // a built-in name, or a matrix file
	"gapopen":             {kind: paramValue},
	"gapextend":           {kind: paramValue},
	"engine":              {kind: paramValue},
	"water-path":          {paramServer, "set by the server (it runs its own water)"},
	"water-format":        {kind: paramValue},
	"fallback":            {kind: paramValue},
	"water-timeout":       {kind: paramValue},
	"threads":             {kind: paramValue},
}

// hiddenParam says a key is not shown in a job's params: the server's own
// settings and the refused keys mean nothing to its submitter.
func hiddenParam(key string) bool {
	r, ok := specParams[key]
	return !ok || r.kind == paramServer || r.kind == paramRefused
}

// maxCatalogEntries bounds the walk of a catalog folder (a PointFinder
// species folder has a few dozen files).
const maxCatalogEntries = 10000

// allowPath resolves a server-side path and accepts it only when it is a
// regular file under one of the configured roots after following every
// symlink, so neither "../" nor a symlink leads out of them.
func (s *Server) allowPath(cfg *Config, field, p string) (string, error) {
	real, err := resolveUnderRoots(cfg, field, p, "file")
	if err != nil {
		return "", err
	}
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return "", badFile(http.StatusBadRequest, "file-not-found", "File not found", field, p, "not a regular file")
	}
	return real, nil
}

// allowCatalog accepts a server-side catalog of the given format (""
// detects it): a regular file as allowPath does, or a folder under the
// roots whose every entry, symlinks followed, is under the roots too.
// Either way the files the catalog readers open beside it must be under
// the roots, so no file outside them is read.
func (s *Server) allowCatalog(cfg *Config, field, p, format string) (string, error) {
	real, err := resolveUnderRoots(cfg, field, p, "file or folder")
	if err != nil {
		return "", err
	}
	deny := func(why string) error {
		return badFile(http.StatusForbidden, "path-not-allowed", "Path not allowed", field, p, why)
	}
	st, err := os.Stat(real)
	switch {
	case err != nil || !st.IsDir() && !st.Mode().IsRegular():
		return "", badFile(http.StatusBadRequest, "file-not-found", "File not found", field, p, "not a regular file or a folder")
	case !st.IsDir():
		if why := companionsInside(cfg, real, format); why != "" {
			return "", deny(why)
		}
	default:
		if why := walkInside(cfg, real); why != "" {
			return "", deny(why)
		}
		if why := filesInside(cfg, filepath.Join(filepath.Dir(real), "VERSION")); why != "" {
			return "", deny(why)
		}
	}
	return real, nil
}

// resolveUnderRoots follows every symlink of p and refuses it unless the
// real path is under a root. A missing path outside the roots is refused
// as any path outside them is, so the answer does not tell whether a file
// exists there.
func resolveUnderRoots(cfg *Config, field, p, what string) (string, error) {
	deny := func(why string) error {
		return badFile(http.StatusForbidden, "path-not-allowed", "Path not allowed", field, p, why)
	}
	if why := checkPathSyntax(cfg, p); why != "" {
		return "", deny(why)
	}
	outside := "the " + what + " is outside the server's path roots (symlinks are followed before checking)"
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if !underRoots(cfg, filepath.Clean(p)) {
			return "", deny(outside)
		}
		return "", badFile(http.StatusBadRequest, "file-not-found", "File not found", field, p, "no such "+what+" on the server")
	}
	if !underRoots(cfg, real) {
		return "", deny(outside)
	}
	return real, nil
}

// companionsInside checks the files the reader of a catalog file opens
// beside it (catalog/pointfinder.go, catalog/amrfinder.go): a PointFinder
// table's gene lists and VERSION (and the database's VERSION one folder
// up), an AMRFinderPlus table's version.txt. A file whose format cannot
// be detected is read no further (the job fails on it).
func companionsInside(cfg *Config, file, format string) string {
	if format == "" {
		format, _ = catalog.Detect(file)
	}
	dir := filepath.Dir(file)
	switch format {
	case catalog.FormatPointFinder:
		return filesInside(cfg, filepath.Join(dir, "genes.txt"), filepath.Join(dir, "RNA_genes.txt"),
			filepath.Join(dir, "VERSION"), filepath.Join(filepath.Dir(dir), "VERSION"))
	case catalog.FormatAMRFinder:
		return filesInside(cfg, filepath.Join(dir, "version.txt"))
	}
	return ""
}

// filesInside says why one of paths that exists is not a regular file
// under the roots ("" when none is).
func filesInside(cfg *Config, paths ...string) string {
	for _, c := range paths {
		if _, err := os.Lstat(c); err != nil {
			continue // absent: the reader skips it
		}
		real, err := filepath.EvalSymlinks(c)
		if err != nil || !underRoots(cfg, real) {
			return fmt.Sprintf("the catalog reader also reads %s, which is outside the server's path roots (symlinks are followed)", c)
		}
		if st, err := os.Stat(real); err != nil || !st.Mode().IsRegular() {
			return fmt.Sprintf("the catalog reader also reads %s, which is not a regular file", c)
		}
	}
	return ""
}

// walkInside checks every entry under dir, following symlinks (each real
// folder once), and says why one is not allowed ("" when all are).
func walkInside(cfg *Config, dir string) string {
	seen := map[string]bool{}
	n := 0
	var walk func(real, shown string) string
	walk = func(real, shown string) string {
		if seen[real] {
			return ""
		}
		seen[real] = true
		ents, err := os.ReadDir(real)
		if err != nil {
			return fmt.Sprintf("the catalog folder %s cannot be read", shown)
		}
		for _, e := range ents {
			if n++; n > maxCatalogEntries {
				return fmt.Sprintf("the catalog folder has more than %d entries", maxCatalogEntries)
			}
			name := filepath.Join(shown, e.Name())
			target, err := filepath.EvalSymlinks(filepath.Join(real, e.Name()))
			if err != nil {
				return fmt.Sprintf("entry %s of the catalog folder cannot be resolved", name)
			}
			if !underRoots(cfg, target) {
				return fmt.Sprintf("entry %s of the catalog folder leads outside the server's path roots (symlinks are followed)", name)
			}
			st, err := os.Stat(target)
			switch {
			case err != nil:
				return fmt.Sprintf("entry %s of the catalog folder cannot be read", name)
			case st.IsDir():
				if why := walk(target, name); why != "" {
					return why
				}
			case !st.Mode().IsRegular():
				return fmt.Sprintf("entry %s of the catalog folder is not a regular file", name)
			}
		}
		return ""
	}
	return walk(dir, ".")
}

// checkPathSyntax says why p cannot be a server-side path before it is
// looked at ("" when it can).
func checkPathSyntax(cfg *Config, p string) string {
	switch {
	case len(cfg.PathRoots) == 0:
		return "this server takes no server-side paths (its path-roots setting is empty): upload the file instead"
	case strings.ContainsRune(p, 0):
		return "the path contains a NUL byte"
	case !filepath.IsAbs(p):
		return "a server-side path must be absolute"
	case slices.Contains(strings.Split(p, "/"), ".."):
		return "the path contains '..'"
	}
	return ""
}

// underRoots says the resolved path real is one of the roots or under one.
func underRoots(cfg *Config, real string) bool {
	for _, root := range cfg.PathRoots {
		if real == root || strings.HasPrefix(real, root+string(filepath.Separator)) {
			return true
		}
	}
	return false
}
