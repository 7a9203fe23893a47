package catalog

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// Alias says that a catalog's gene name and a reference gene key name the
// same gene (PointFinder pmrB is K-12 basS).
type Alias struct {
	Catalog   string `json:"catalog_gene"`
	Reference string `json:"reference_gene"`
	Source    string `json:"source"` // "--gene-alias pmrB=basS", file and line, or "built-in K-12 aliases"
	// Required makes an alias naming no reference gene an error; the
	// built-in aliases are not required, so they can be applied to any
	// reference set.
	Required bool `json:"required"`
}

//go:embed aliases/k12.tsv
var k12Aliases string

// K12Aliases are the aliases shipped with wtalign for the E. coli K-12
// wild types (aliases/k12.tsv).
func K12Aliases() []Alias {
	as, err := parseAliasLines(k12Aliases, "built-in K-12 aliases", false)
	if err != nil {
		panic(err) // the embedded file is tested; this cannot happen at run time
	}
	return as
}

// IsAliasPair says a --gene-alias value is a "catalog_gene=reference_gene"
// pair (ParseAlias); any other value names a TSV file of pairs
// (LoadAliases).
func IsAliasPair(v string) bool { return strings.Contains(v, "=") }

// AliasFiles are the --gene-alias values that name files.
func AliasFiles(values []string) []string {
	var out []string
	for _, v := range values {
		if !IsAliasPair(v) {
			out = append(out, v)
		}
	}
	return out
}

// ParseAlias reads one "catalog_gene=reference_gene" pair (the
// --gene-alias flag value).
func ParseAlias(pair string) (Alias, error) {
	a, b, ok := strings.Cut(pair, "=")
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if !ok || !geneWord(a) || !geneWord(b) {
		return Alias{}, &Error{Kind: ErrAlias, Msg: fmt.Sprintf("gene alias %q: want catalog_gene=reference_gene", pair)}
	}
	return Alias{Catalog: a, Reference: b, Source: "--gene-alias " + pair, Required: true}, nil
}

// LoadAliases reads an alias table: lines of catalog_gene<TAB>reference_gene
// (or catalog_gene=reference_gene), '#' comments.
func LoadAliases(path string) ([]Alias, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	return parseAliasLines(strings.Join(lines, "\n"), path, true)
}

func parseAliasLines(text, source string, required bool) ([]Alias, error) {
	var out []Alias
	for i, l := range strings.Split(text, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		var cols []string
		if strings.Contains(t, "\t") {
			cols = fields(t)
		} else {
			a, b, _ := strings.Cut(t, "=")
			cols = []string{strings.TrimSpace(a), strings.TrimSpace(b)}
		}
		if len(cols) != 2 || !geneWord(cols[0]) || !geneWord(cols[1]) {
			return nil, errAt(source, i+1, ErrAlias, "want catalog_gene<TAB>reference_gene")
		}
		out = append(out, Alias{Catalog: cols[0], Reference: cols[1], Source: fmt.Sprintf("%s line %d", source, i+1), Required: required})
	}
	return out, nil
}

// geneWord reports whether s can be a gene key: one word, not starting
// with '#' (a comment), with no '|' (the reference ID separator), '=' (the
// alias separator) or the separators of the requirement grammar.
func geneWord(s string) bool {
	return s != "" && s[0] != '#' && !strings.ContainsAny(s, " \t\r\n\v\f|=,;\u0085\u00a0")
}

// aliasesOf lists the reference gene keys gene may go by, lower case.
func aliasesOf(as []Alias, gene string) []string {
	var out []string
	for _, a := range as {
		var other string
		switch {
		case strings.EqualFold(a.Catalog, gene):
			other = a.Reference
		case strings.EqualFold(a.Reference, gene):
			other = a.Catalog
		default:
			continue
		}
		if o := strings.ToLower(other); !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}
