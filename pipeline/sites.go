package pipeline

import (
	"bufio"
	"fmt"
	"os"
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
	byGene := map[string]*Ref{}
	for _, r := range refs {
		if _, dup := byGene[strings.ToLower(r.Gene)]; !dup {
			byGene[strings.ToLower(r.Gene)] = r
		}
	}
	seen := map[string]map[int]bool{}
	sc := bufio.NewScanner(f)
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
		pos, err := strconv.Atoi(strings.TrimSpace(cols[1]))
		if err != nil || pos < 1 || pos > len(ref.Seq) {
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
