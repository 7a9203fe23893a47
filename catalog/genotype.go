package catalog

import (
	"slices"
	"sort"
	"strings"
)

// Unclassified is the class of entries whose catalog names drugs but no
// drug class (PointFinder's resistens-overview.txt has no class column).
const Unclassified = "Unclassified"

// ClassCall is one drug class an accession's calls confer resistance to,
// with the drugs and the supporting calls.
type ClassCall struct {
	Class string   `json:"class"`
	Drugs []string `json:"drugs"`
	// Calls are "gene change" in the catalog's gene names (gyrA S83L), by
	// gene and position.
	Calls []string `json:"calls"`
}

// String is the genotype line: Quinolone: gyrA S83L + parC S80I.
func (c ClassCall) String() string { return c.Class + ": " + strings.Join(c.Calls, " + ") }

// Genotype summarises an accession's annotated copies (AnnotateAccession's
// output) by drug class: every match that counts (requirement met, not
// after a premature stop) adds its drugs and its call to each of its
// classes. Classes and drugs are compared case-insensitively across
// catalogs (QUINOLONE and Quinolone are one class) and shown in the
// spelling with the most lower-case letters (Quinolone), ties broken by
// sorting; classes are sorted, drugs sorted, calls by gene then position. Matches whose entry names neither class nor drug
// (phenotype unknown) add nothing.
func Genotype(copies []AnnotatedCopy) []ClassCall {
	type call struct {
		gene string
		pos  int
		text string
	}
	type class struct {
		names []string
		drugs map[string][]string // lower -> spellings
		calls map[string]call
	}
	classes := map[string]*class{}
	for _, c := range copies {
		for _, a := range c.Calls {
			for _, mt := range a.Matches {
				if !mt.Counts || (len(mt.Classes) == 0 && len(mt.Drugs) == 0) {
					continue
				}
				names := mt.Classes
				if len(names) == 0 {
					names = []string{Unclassified}
				}
				for _, n := range names {
					k := strings.ToLower(n)
					cl := classes[k]
					if cl == nil {
						cl = &class{drugs: map[string][]string{}, calls: map[string]call{}}
						classes[k] = cl
					}
					if !slices.Contains(cl.names, n) {
						cl.names = append(cl.names, n)
					}
					for _, d := range mt.Drugs {
						dk := strings.ToLower(d)
						if !slices.Contains(cl.drugs[dk], d) {
							cl.drugs[dk] = append(cl.drugs[dk], d)
						}
					}
					text := mt.Gene + " " + a.Mutation.Short
					cl.calls[strings.ToLower(text)] = call{strings.ToLower(mt.Gene), a.Mutation.RefStart, text}
				}
			}
		}
	}
	out := []ClassCall{}
	for _, cl := range classes {
		cc := ClassCall{Class: spelling(cl.names), Drugs: []string{}, Calls: []string{}}
		for _, sp := range cl.drugs {
			cc.Drugs = append(cc.Drugs, spelling(sp))
		}
		sort.Slice(cc.Drugs, func(i, j int) bool { return strings.ToLower(cc.Drugs[i]) < strings.ToLower(cc.Drugs[j]) })
		var calls []call
		for _, c := range cl.calls {
			calls = append(calls, c)
		}
		sort.Slice(calls, func(i, j int) bool {
			a, b := calls[i], calls[j]
			if a.gene != b.gene {
				return a.gene < b.gene
			}
			if a.pos != b.pos {
				return a.pos < b.pos
			}
			return a.text < b.text
		})
		for _, c := range calls {
			cc.Calls = append(cc.Calls, c.text)
		}
		out = append(out, cc)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Class) < strings.ToLower(out[j].Class) })
	return out
}

// spelling picks the display form among case variants of one name: the
// one with the most lower-case letters, then the first in sort order.
func spelling(names []string) string {
	lower := func(s string) int {
		n := 0
		for _, r := range s {
			if r >= 'a' && r <= 'z' {
				n++
			}
		}
		return n
	}
	best := names[0]
	for _, n := range names[1:] {
		if l, b := lower(n), lower(best); l > b || (l == b && n < best) {
			best = n
		}
	}
	return best
}
