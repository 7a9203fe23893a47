package pipeline

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ReadSites reads a sites-of-interest table: lines of gene<TAB>position
// (1-based, reference numbering), '#' comments allowed. Every gene must
// be a reference's gene key and every position inside that reference, so
// a typo is an error rather than a silently unchecked site. The result
// maps reference ID to sorted positions.
func ReadSites(path string, refs []*Ref) (map[string][]int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sites: %w", err)
	}
	defer f.Close()
	return parseSites(f, path, refs)
}

// parseSites is ReadSites on the content of the file path.
func parseSites(r io.Reader, path string, refs []*Ref) (map[string][]int, error) {
	byGene := map[string]*Ref{}
	for _, r := range refs {
		if _, dup := byGene[strings.ToLower(r.Gene)]; !dup {
			byGene[strings.ToLower(r.Gene)] = r
		}
	}
	seen := map[string]map[int]bool{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(strings.TrimRight(sc.Text(), "\r"))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		cols := strings.Split(t, "\t")
		if len(cols) != 2 {
			return nil, fmt.Errorf("sites %s line %d: want gene<TAB>position, got %d column(s)", path, line, len(cols))
		}
		ref, ok := byGene[strings.ToLower(strings.TrimSpace(cols[0]))]
		if !ok {
			return nil, fmt.Errorf("sites %s line %d: gene %q is not a reference gene key", path, line, cols[0])
		}
		p := strings.TrimSpace(cols[1])
		pos, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("sites %s line %d: position %q is not a number: %s", path, line, cols[1], positionHint(p))
		}
		if pos < 1 || pos > len(ref.Seq) {
			return nil, fmt.Errorf("sites %s line %d: position %q is not within %s (1-%d)", path, line, cols[1], ref.ID, len(ref.Seq))
		}
		if seen[ref.ID] == nil {
			seen[ref.ID] = map[int]bool{}
		}
		seen[ref.ID][pos] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sites %s: %w", path, err)
	}
	out := map[string][]int{}
	for id, ps := range seen {
		for p := range ps {
			out[id] = append(out[id], p)
		}
		sort.Ints(out[id])
	}
	return out, nil
}

// residueAndNumber is a position written as a mutation or residue name:
// S83, S83L, Ser83.
var residueAndNumber = regexp.MustCompile(`^[A-Za-z*]*([0-9]+)[A-Za-z*]*$`)

// positionHint says how to write a position the way the user meant it.
func positionHint(p string) string {
	if m := residueAndNumber.FindStringSubmatch(p); m != nil {
		return fmt.Sprintf("give the reference position alone, e.g. %s (the residue is read from the reference)", m[1])
	}
	return "give a 1-based reference position, e.g. 83"
}
