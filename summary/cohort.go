package summary

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the JSON summary layout.
const SchemaVersion = "1"

// TSVHeader is the cohort table's header line, without the newline.
const TSVHeader = "accession\tgene\tquery_id\tstatus\tidentity\tcoverage\tmutations"

// Row is one line of the cohort table: one record that was aligned to a
// reference. Identity is the percent identity over the reference length and
// Coverage the percent of the reference covered; both are 0 when the record
// has no alignment.
type Row struct {
	Accession string
	Gene      string
	QueryID   string
	Status    string
	Identity  float64
	Coverage  float64
	Mutations []string // short forms, in the record's order
	ordinal   int
}

// Cohort collects records of many accessions.
type Cohort struct {
	rule    AccessionRule
	rows    []Row
	accs    map[string]*accStats
	sources map[string]string // accession -> the output it came from
}

type accStats struct {
	source    string
	records   int
	status    map[string]int
	mutations int
}

// New starts an empty cohort whose accessions are named by rule.
func New(rule AccessionRule) *Cohort {
	return &Cohort{rule: rule, accs: map[string]*accStats{}, sources: map[string]string{}}
}

// AddFile reads one alignment output and adds its records.
func (c *Cohort) AddFile(path string) error {
	var fileAcc string
	if c.rule.Mode() != FromInput {
		acc, err := c.rule.FromPath(path)
		if err != nil {
			return err
		}
		fileAcc = acc
		if err := c.claim(acc, path); err != nil {
			return err
		}
		c.stats(acc, path) // an output with no records still lists its accession
	}
	return ReadFile(path, func(rec Record) error {
		acc := fileAcc
		if acc == "" {
			a, err := c.rule.FromInputFile(rec.InputFile)
			if err != nil {
				return err
			}
			if err := c.claim(a, path); err != nil {
				return err
			}
			acc = a
		}
		c.Add(acc, path, rec)
		return nil
	})
}

// claim records that accession acc comes from output path; one accession
// cannot come from two outputs, which would double-count it.
func (c *Cohort) claim(acc, path string) error {
	if prev, ok := c.sources[acc]; ok && prev != path {
		return fmt.Errorf("summary: accession %q comes from both %s and %s", acc, prev, path)
	}
	c.sources[acc] = path
	return nil
}

func (c *Cohort) stats(acc, source string) *accStats {
	s := c.accs[acc]
	if s == nil {
		s = &accStats{source: source, status: map[string]int{}}
		c.accs[acc] = s
	}
	return s
}

// Add adds one record of accession acc read from source.
func (c *Cohort) Add(acc, source string, rec Record) {
	s := c.stats(acc, source)
	s.records++
	s.status[rec.Status]++
	if rec.Reference == nil {
		return // no_hit, error, empty: counted, but no gene to put in the table
	}
	row := Row{
		Accession: acc,
		Gene:      rec.Reference.Gene,
		QueryID:   rec.Query.ID,
		Status:    rec.Status,
		ordinal:   rec.Query.Ordinal,
	}
	if row.Gene == "" {
		row.Gene = rec.Reference.ID
	}
	if rec.Alignment != nil {
		row.Identity = rec.Alignment.PercentIdentityOverReference
		row.Coverage = rec.Alignment.ReferenceCoverage
	}
	for _, m := range rec.Mutations {
		row.Mutations = append(row.Mutations, m.Short)
	}
	s.mutations += len(row.Mutations)
	c.rows = append(c.rows, row)
}

// Rows returns the table rows ordered by accession, gene, then the query's
// position in its input (so copies of a gene keep their genome order).
func (c *Cohort) Rows() []Row {
	rows := append([]Row(nil), c.rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Accession != b.Accession {
			return a.Accession < b.Accession
		}
		if a.Gene != b.Gene {
			return a.Gene < b.Gene
		}
		if a.ordinal != b.ordinal {
			return a.ordinal < b.ordinal
		}
		return a.QueryID < b.QueryID
	})
	return rows
}

// WriteTSV writes the cohort table with its header.
func (c *Cohort) WriteTSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, TSVHeader)
	for _, r := range c.Rows() {
		fields := []string{
			r.Accession, r.Gene, r.QueryID, r.Status,
			formatPercent(r.Identity), formatPercent(r.Coverage),
			strings.Join(r.Mutations, ","),
		}
		for i, f := range fields {
			fields[i] = cleanField(f)
		}
		fmt.Fprintln(bw, strings.Join(fields, "\t"))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("summary: writing table: %w", err)
	}
	return nil
}

func formatPercent(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// cleanField keeps a value on one TSV cell.
func cleanField(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// Summary is the JSON summary of a cohort.
type Summary struct {
	SchemaVersion string             `json:"schema_version"`
	Accessions    []AccessionSummary `json:"accessions"`
	Genes         []GeneSummary      `json:"genes"`
}

// AccessionSummary counts one accession's records.
type AccessionSummary struct {
	Accession string         `json:"accession"`
	Source    string         `json:"source"`  // the alignment output it was read from
	Records   int            `json:"records"` // every record, aligned or not
	Status    map[string]int `json:"status"`  // records per status
	Genes     []string       `json:"genes"`   // genes with an aligned record, sorted
	Mutations int            `json:"mutations"`
}

// GeneSummary counts one gene across the cohort.
type GeneSummary struct {
	Gene       string              `json:"gene"`
	Accessions int                 `json:"accessions"` // accessions with at least one record of this gene
	Records    int                 `json:"records"`    // records (copies) of this gene
	Status     map[string]int      `json:"status"`
	Mutations  []MutationFrequency `json:"mutations"`
}

// MutationFrequency is how often one change (short form) is seen in a gene.
// Frequency is Accessions divided by the gene's accessions.
type MutationFrequency struct {
	Mutation   string  `json:"mutation"`
	Accessions int     `json:"accessions"`
	Records    int     `json:"records"`
	Frequency  float64 `json:"frequency"`
}

// Summary computes the cohort summary. Accessions and genes are sorted by
// name; a gene's mutations by decreasing frequency, then reference position,
// then name.
func (c *Cohort) Summary() Summary {
	rows := c.Rows()
	s := Summary{SchemaVersion: SchemaVersion, Accessions: []AccessionSummary{}, Genes: []GeneSummary{}}

	accGenes := map[string]map[string]bool{}
	type geneAcc struct {
		records  int
		status   map[string]int
		accs     map[string]bool
		mutRecs  map[string]int
		mutAccs  map[string]map[string]bool
		mutOrder []string
	}
	genes := map[string]*geneAcc{}
	for _, r := range rows {
		if accGenes[r.Accession] == nil {
			accGenes[r.Accession] = map[string]bool{}
		}
		accGenes[r.Accession][r.Gene] = true
		g := genes[r.Gene]
		if g == nil {
			g = &geneAcc{status: map[string]int{}, accs: map[string]bool{}, mutRecs: map[string]int{}, mutAccs: map[string]map[string]bool{}}
			genes[r.Gene] = g
		}
		g.records++
		g.status[r.Status]++
		g.accs[r.Accession] = true
		for _, m := range r.Mutations {
			if g.mutAccs[m] == nil {
				g.mutAccs[m] = map[string]bool{}
				g.mutOrder = append(g.mutOrder, m)
			}
			g.mutRecs[m]++
			g.mutAccs[m][r.Accession] = true
		}
	}

	for _, acc := range sortedKeys(c.accs) {
		st := c.accs[acc]
		s.Accessions = append(s.Accessions, AccessionSummary{
			Accession: acc, Source: st.source, Records: st.records, Status: st.status,
			Genes: sortedKeys(accGenes[acc]), Mutations: st.mutations,
		})
	}
	for _, name := range sortedKeys(genes) {
		g := genes[name]
		gs := GeneSummary{Gene: name, Accessions: len(g.accs), Records: g.records, Status: g.status, Mutations: []MutationFrequency{}}
		for _, m := range g.mutOrder {
			n := len(g.mutAccs[m])
			gs.Mutations = append(gs.Mutations, MutationFrequency{
				Mutation: m, Accessions: n, Records: g.mutRecs[m],
				Frequency: float64(n) / float64(len(g.accs)),
			})
		}
		sort.SliceStable(gs.Mutations, func(i, j int) bool {
			a, b := gs.Mutations[i], gs.Mutations[j]
			if a.Accessions != b.Accessions {
				return a.Accessions > b.Accessions
			}
			if pa, pb := firstPosition(a.Mutation), firstPosition(b.Mutation); pa != pb {
				return pa < pb
			}
			return a.Mutation < b.Mutation
		})
		s.Genes = append(s.Genes, gs)
	}
	return s
}

// WriteJSON writes the summary as indented JSON.
func (c *Cohort) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c.Summary()); err != nil {
		return fmt.Errorf("summary: writing JSON: %w", err)
	}
	return nil
}

// firstPosition is the first reference position in a short form
// ("S83L" -> 83, "K61_S65del" -> 61); forms without a number sort last.
func firstPosition(short string) int {
	start := strings.IndexAny(short, "0123456789")
	if start < 0 {
		return int(^uint(0) >> 1)
	}
	end := start
	for end < len(short) && short[end] >= '0' && short[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(short[start:end])
	if err != nil {
		return int(^uint(0) >> 1)
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
