package catalog

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// isResidue reports whether c is an amino-acid letter: the 20 standard
// residues plus U (Sec) and O (Pyl). Ambiguity codes (B, Z, J, X) are not:
// a catalog names definite changes.
func isResidue(c byte) bool {
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	return strings.IndexByte("ACDEFGHIKLMNPQRSTVWYUO", c) >= 0
}

// residues upper-cases s and reports whether it is one or more residues.
func residues(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !isResidue(s[i]) {
			return "", false
		}
	}
	return strings.ToUpper(s), true
}

// alternative checks one substitution alternative: one residue or '*'.
func alternative(s string) (string, bool) {
	if s == "*" {
		return s, true
	}
	if len(s) != 1 {
		return "", false
	}
	return residues(s)
}

// splitList splits a catalog cell on any of seps, trims each item and drops
// empty ones and repeats, keeping the first order.
func splitList(cell, seps string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(cell, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		f = strings.TrimSpace(f)
		if f != "" && f != "-" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// union appends the items of b missing from a.
func union(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(a, x)
		}
	}
	return a
}

// position parses a 1-based position; negative values (promoters) are
// returned as they are for the caller to judge.
func position(s string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	return n, err == nil
}

// termRe is PointFinder's notation for one required change:
// <gene id>_<ref><pos><alt>[.<alt>...], e.g. gyrA_1_CP073768.1_S83L.W.A.V.
var termRe = regexp.MustCompile(`^(.+)_([A-Za-z]+)(\d+)([A-Za-z*]+(?:\.[A-Za-z*]+)*)$`)

// termInsRe is an insertion term, numbered like PointFinder's insertion rows
// by the codon after it: rpoB_1_AP020316.1_ins475. (ResFinder's own regex
// misreads it as ref "ins", position 47, alternative "5".)
var termInsRe = regexp.MustCompile(`^(.+)_ins(\d+)$`)

// parseRequirement parses PointFinder's requirement grammar: ';' separates
// alternatives (any of), ',' the changes that must all be present. gene
// maps the gene ID a term writes to the catalog's gene key.
func parseRequirement(text string, gene func(string) string) (*Requirement, string) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, ""
	}
	r := &Requirement{Text: text}
	for _, g := range strings.Split(text, ";") {
		if strings.TrimSpace(g) == "" {
			continue
		}
		var group []Term
		for _, ts := range strings.Split(g, ",") {
			ts = strings.TrimSpace(ts)
			if ts == "" {
				continue
			}
			if m := termInsRe.FindStringSubmatch(ts); m != nil {
				pos, _ := strconv.Atoi(m[2])
				if pos < 2 {
					return nil, "required insertion " + strconv.Quote(ts) + ": there is no codon before codon " + m[2]
				}
				group = append(group, Term{Gene: gene(m[1]), Kind: KindInsertion, Pos: pos - 1})
				continue
			}
			m := termRe.FindStringSubmatch(ts)
			if m == nil {
				return nil, "required change " + strconv.Quote(ts) + " is not written gene_<ref><position><alt>[.<alt>...]"
			}
			ref, ok := residues(m[2])
			if !ok || len(ref) != 1 {
				return nil, "required change " + strconv.Quote(ts) + ": reference " + strconv.Quote(m[2]) + " is not one amino-acid letter"
			}
			pos, _ := strconv.Atoi(m[3])
			if pos < 1 {
				return nil, "required change " + strconv.Quote(ts) + ": position 0"
			}
			t := Term{Gene: gene(m[1]), Kind: KindSubstitution, Pos: pos, Ref: ref}
			for _, a := range strings.Split(m[4], ".") {
				alt, ok := alternative(a)
				if !ok {
					return nil, "required change " + strconv.Quote(ts) + ": alternative " + strconv.Quote(a) + " is not an amino-acid letter or *"
				}
				if !slices.Contains(t.Alts, alt) {
					t.Alts = append(t.Alts, alt)
				}
			}
			group = append(group, t)
		}
		if len(group) > 0 {
			r.AnyOf = append(r.AnyOf, group)
		}
	}
	if len(r.AnyOf) == 0 {
		return nil, ""
	}
	return r, ""
}

// fields splits a TSV line, trimming blanks around cells (real catalogs have
// trailing spaces in IDs) and dropping trailing empty cells.
func fields(line string) []string {
	cols := strings.Split(line, "\t")
	for i := range cols {
		cols[i] = cleanCell(cols[i])
	}
	for len(cols) > 0 && cols[len(cols)-1] == "" {
		cols = cols[:len(cols)-1]
	}
	return cols
}

// cleanCell trims a cell and turns control characters inside it (a stray
// carriage return) into spaces, so that a value always fits one TSV cell.
func cleanCell(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s))
}

// entryName builds a readable name for an entry the catalog gives no name:
// gyrA_S83L/W/A/V, gyrA_S83*, ompK36_130_131insSG/FGGD, rpsE_V27del,
// katG_LoF.
func entryName(e *Entry) string {
	alts := strings.Join(e.Alts, "/")
	p := strconv.Itoa(e.Pos)
	var s string
	switch e.Kind {
	case KindSubstitution:
		s = e.Ref + p + alts // "*195K" for a stop-loss
	case KindDeletion:
		s = e.Ref + p + "del"
		if e.End > e.Pos {
			s = e.Ref + p + "_" + strconv.Itoa(e.End) + "del"
		}
	case KindInsertion:
		s = p + "_" + strconv.Itoa(e.Pos+1) + "ins" + alts
	case KindDelins:
		s = e.Ref + p + "_" + strconv.Itoa(e.End) + "delins" + alts
	case KindFrameshift:
		s = e.Ref + p + "fs"
	case KindLossOfFunction:
		s = "LoF"
	case KindSite:
		s = e.Ref + p
	}
	return e.Gene + "_" + s
}
