package catalog

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// LoadOptions control Load.
type LoadOptions struct {
	// Format forces a format (Format* constants); "" detects it from the
	// content.
	Format string
	// Taxgroup selects the AMRFinderPlus taxgroup (e.g. Escherichia); it
	// may be empty when the file holds one taxgroup only.
	Taxgroup string
	// Name and Version override what the catalog says about itself.
	Name, Version string
}

// Load reads one catalog: a PointFinder species folder or table, an
// AMRFinderPlus mutation table, a wtalign catalog TSV or a sites list.
func Load(path string, opt LoadOptions) (*Catalog, error) {
	format := opt.Format
	if format == "" {
		var err error
		if format, err = Detect(path); err != nil {
			return nil, err
		}
	} else if !slices.Contains(Formats, format) {
		return nil, errAt(path, 0, ErrFormat, "unknown catalog format %q (known: %s)", format, strings.Join(Formats, ", "))
	}
	if format != FormatPointFinder {
		if fi, err := os.Stat(path); err == nil && fi.IsDir() {
			return nil, errAt(path, 0, ErrFormat, "is a folder; only the %s format is a folder", FormatPointFinder)
		}
	}
	switch format {
	case FormatPointFinder:
		return loadPointFinder(path, opt)
	case FormatAMRFinder:
		return loadAMRFinder(path, opt)
	case FormatTSV:
		return loadTSV(path, opt)
	default:
		return loadSites(path, opt)
	}
}

// Detect tells the format of a catalog from its content: a folder is a
// PointFinder species folder; a file is recognised by its first line
// (the PointFinder and AMRFinderPlus headers, wtalign's "#wtalign-catalog"
// line) or, for a sites list, by its first row being gene<TAB>position.
func Detect(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", &Error{File: path, Kind: ErrRead, Msg: err.Error(), Err: err}
	}
	if fi.IsDir() {
		return FormatPointFinder, nil
	}
	lines, err := readLines(path)
	if err != nil {
		return "", err
	}
	first := ""
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if first == "" {
			first = t
			low := strings.ToLower(strings.Join(fields(t), "\t"))
			switch {
			case strings.HasPrefix(low, "#gene_accession\ttypegene"), strings.HasPrefix(low, "#gene_id\tgene_name"):
				return FormatPointFinder, nil
			case strings.HasPrefix(low, "#taxgroup\taccession_version"):
				return FormatAMRFinder, nil
			case strings.HasPrefix(low, tsvMagic):
				return FormatTSV, nil
			}
		}
		if strings.HasPrefix(t, "#") {
			continue
		}
		if cols := fields(l); len(cols) == 2 && isNumber(cols[1]) {
			return FormatSites, nil
		}
		return "", errAt(path, i+1, ErrFormat, "cannot tell the catalog format from this line (%s); name it (formats: %s)", clip(t), strings.Join(Formats, ", "))
	}
	if first == "" {
		return "", errAt(path, 0, ErrEmpty, "empty catalog file")
	}
	return "", errAt(path, 1, ErrFormat, "cannot tell the catalog format: only comment lines; name it (formats: %s)", strings.Join(Formats, ", "))
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// baseName is a file's name without its extension, the default name of a
// catalog that states none.
func baseName(path string) string {
	b := filepath.Base(path)
	// A catalog name is one word (report.CatalogLabel).
	return strings.Join(strings.Fields(strings.TrimSuffix(b, filepath.Ext(b))), "_")
}
