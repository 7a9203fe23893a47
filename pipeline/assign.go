package pipeline

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/wtalign/wtalign/fasta"
)

// Assignment modes.
const (
	AssignAuto = "auto" // name when the first query carries a gene key, else best
	AssignName = "name" // the reference with the query's gene key (the best-scoring of several)
	AssignMap  = "map"  // a query_id<TAB>reference_id table
	AssignBest = "best" // every reference; keep the best score
)

// Assigner picks the candidate references of a query.
type Assigner struct {
	Mode  string
	refs  []*Ref
	byKey map[string][]*Ref // lower-case gene key -> its wild types, in reference file order
	byID  map[string]*Ref
	qmap  map[string]*Ref // map mode: query ID -> reference
	keyRe *regexp.Regexp
}

// NewAssigner prepares assignment in mode (auto must be resolved first).
func NewAssigner(mode string, refs []*Ref, keyRe *regexp.Regexp, mapFile string) (*Assigner, error) {
	a := &Assigner{Mode: mode, refs: refs, keyRe: keyRe, byKey: map[string][]*Ref{}, byID: map[string]*Ref{}}
	for _, r := range refs {
		// A gene with several wild types (alleles, such as PointFinder's
		// Campylobacter gyrA and gyrA_2) is one key with several
		// references: its queries go to the best-scoring one.
		k := strings.ToLower(r.Gene)
		a.byKey[k] = append(a.byKey[k], r)
		a.byID[r.ID] = r
	}
	switch mode {
	case AssignName, AssignBest, AssignAuto:
	case AssignMap:
		if mapFile == "" {
			return nil, fmt.Errorf("--assign map needs --map FILE")
		}
		m, err := readMap(mapFile, a.byID)
		if err != nil {
			return nil, err
		}
		a.qmap = m
	default:
		return nil, fmt.Errorf("unknown assignment mode %q", mode)
	}
	return a, nil
}

// Key returns the gene key of a query record ("" when it has none).
func (a *Assigner) Key(r *fasta.Record) string { return fasta.GeneKey(r.ID, r.Description, a.keyRe) }

// Candidates returns the references to try for r, or an explanation of
// why there are none.
func (a *Assigner) Candidates(r *fasta.Record) ([]*Ref, string) {
	switch a.Mode {
	case AssignBest:
		return a.refs, ""
	case AssignMap:
		if ref, ok := a.qmap[r.ID]; ok {
			return []*Ref{ref}, ""
		}
		return nil, fmt.Sprintf("query ID %q is not in the map file", r.ID)
	default:
		k := a.Key(r)
		if k == "" {
			return nil, fmt.Sprintf("query ID %q carries no gene key", r.ID)
		}
		if refs, ok := a.byKey[strings.ToLower(k)]; ok {
			return refs, ""
		}
		return nil, fmt.Sprintf("no reference for gene key %q", k)
	}
}

// Prescan is what reading the query headers ahead of a name or map run
// tells: keys without a reference, and how many queries of each file go
// to each reference (to number gene copies).
type Prescan struct {
	Missing []Missing                 // gene keys (or map query IDs) with no reference, sorted by key
	Copies  map[string]map[string]int // input file -> reference ID -> queries
	Records int                       // records in all inputs; -1 when one is stdin
}

// Prescan reads the query files' headers so a name or map run can refuse
// to start instead of failing half-way, and can number gene copies. Stdin
// cannot be pre-read and is skipped. It also counts the records, so
// progress can show a total.
func (a *Assigner) Prescan(inputs []string) (*Prescan, error) {
	ps := &Prescan{Copies: map[string]map[string]int{}}
	missing := map[string]*Missing{}
	for _, in := range inputs {
		if in == "-" {
			ps.Records = -1
			continue
		}
		rd, err := fasta.Open(in, fasta.Options{Role: fasta.Query, AllowNucleotide: true})
		if err != nil {
			return nil, err
		}
		counts := map[string]int{}
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if rec == nil {
				rd.Close()
				return nil, err
			}
			if ps.Records >= 0 {
				ps.Records++
			}
			if err != nil || a.Mode == AssignBest {
				continue // a bad record is reported by the run itself
			}
			refs, _ := a.Candidates(rec)
			if refs != nil {
				counts[refs[0].ID]++
				continue
			}
			key := a.Key(rec)
			if a.Mode == AssignMap {
				key = rec.ID
			}
			if m := missing[key]; m != nil {
				m.Records++
			} else {
				missing[key] = &Missing{Key: key, Map: a.Mode == AssignMap, File: rec.File, Index: rec.Index, ID: rec.ID, Records: 1}
			}
		}
		rd.Close()
		if a.Mode != AssignBest {
			ps.Copies[in] = counts
		}
	}
	for _, m := range missing {
		ps.Missing = append(ps.Missing, *m)
	}
	sort.Slice(ps.Missing, func(i, j int) bool { return ps.Missing[i].Key < ps.Missing[j].Key })
	return ps, nil
}

// Missing is a gene key (or, in map mode, a query ID) that no reference
// answers, with the first record that has it.
type Missing struct {
	Key     string
	Map     bool // Key is a query ID absent from the map file
	File    string
	Index   int // 1-based record number in File
	ID      string
	Records int // records with this key
}

func (m Missing) String() string {
	where := fmt.Sprintf("%s record %d %q", m.File, m.Index, m.ID)
	if m.Records > 1 {
		where += fmt.Sprintf(" and %d more", m.Records-1)
	}
	switch {
	case m.Map:
		return where
	case m.Key == "":
		return fmt.Sprintf("(none: %s carries no gene key)", where)
	}
	return fmt.Sprintf("%q (%s)", m.Key, where)
}

// readMap reads --map: lines of query_id<TAB>reference_id, '#' comments
// allowed; every reference must be in the reference file.
func readMap(path string, byID map[string]*Ref) (map[string]*Ref, error) {
	f, err := os.Open(path) // #nosec G304 -- the --map file the user named
	if err != nil {
		return nil, fmt.Errorf("map file: %w", err)
	}
	defer f.Close()
	return parseMap(f, path, byID)
}

// parseMap is readMap on the content of the file path.
func parseMap(r io.Reader, path string, byID map[string]*Ref) (map[string]*Ref, error) {
	m := map[string]*Ref{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
			continue
		}
		cols := strings.Split(t, "\t")
		if len(cols) != 2 || cols[0] == "" || cols[1] == "" {
			return nil, fmt.Errorf("map file %s line %d: want query_id<TAB>reference_id, got %d column(s)", path, line, len(cols))
		}
		ref, ok := byID[cols[1]]
		if !ok {
			return nil, fmt.Errorf("map file %s line %d: reference %q is not in the reference file", path, line, cols[1])
		}
		if prev, dup := m[cols[0]]; dup && prev != ref {
			return nil, fmt.Errorf("map file %s line %d: query %q mapped twice", path, line, cols[0])
		}
		m[cols[0]] = ref
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("map file %s: %w", path, err)
	}
	return m, nil
}

// Resolve settles auto mode from the first query record (stdin, which
// cannot be peeked at before the run); other modes are left alone.
func (a *Assigner) Resolve(first *fasta.Record) {
	if a.Mode == AssignAuto {
		a.Mode = autoMode(first, a.keyRe)
	}
}

// autoMode is the one rule of --assign auto: name when the first query
// carries a gene key, best otherwise.
func autoMode(first *fasta.Record, keyRe *regexp.Regexp) string {
	if fasta.GeneKey(first.ID, first.Description, keyRe) != "" {
		return AssignName
	}
	return AssignBest
}

// PeekMode resolves auto mode from the first record of the first input
// file; stdin is resolved when the run reads its first record.
func PeekMode(inputs []string, keyRe *regexp.Regexp) (string, error) {
	if len(inputs) == 0 || inputs[0] == "-" {
		return AssignAuto, nil
	}
	rd, err := fasta.Open(inputs[0], fasta.Options{Role: fasta.Query, AllowNucleotide: true})
	if err != nil {
		return "", err
	}
	defer rd.Close()
	rec, err := rd.Next()
	if rec == nil {
		return "", err
	}
	return autoMode(rec, keyRe), nil
}
