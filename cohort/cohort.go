package cohort

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// SchemaVersion is the version of the JSON overview layout.
const SchemaVersion = "2"

// Columns are the cohort table's header.
var Columns = []string{"accession", "gene", "query_id", "status", "gene_state", "identity", "coverage", "mutations", "truncated_at", "sites"}

// Gene states: what the cohort table says of a wild-type gene in one
// accession, one row per record plus one row for a gene with none.
const (
	GenePresent     = "present"      // a same-gene record that covers the reference (wildtype, mutant, ambiguous)
	GenePartial     = "partial"      // only part of the gene aligned, no evidence of a stop (fragment, contig end)
	GeneDisrupted   = "disrupted"    // truncated: a premature stop or a frameshift-like end
	GeneHomolog     = "homolog"      // the record is another gene of the family (a paralog), not this one
	GeneAbsent      = "absent"       // the genome was scanned (--assign best) and has no copy of the gene
	GeneNotAnalysed = "not_analysed" // no query was named for the gene (--assign name/map): it was not looked for
)

// Row is one line of the cohort table. Identity is the percent identity
// over the reference length, Coverage the percent of the reference
// covered; both are 0 without an alignment. Mutations are the calls of the
// protein, those after a premature stop left out (read-through).
type Row struct {
	Accession   string
	Gene        string
	QueryID     string
	Status      string
	GeneState   string
	Identity    float64
	Coverage    float64
	Mutations   []string
	TruncatedAt string // "254/663", truncated only
	Sites       string // site states, as output.SitesCell writes them
	ordinal     int
}

// Cohort collects records of many accessions.
type Cohort struct {
	rule    AccessionRule
	rows    []Row
	accs    map[string]*accStats
	sources map[string]string // accession -> the output it came from
	genes   []string          // every wild-type gene of the run, when known
	index   *catalog.Index    // the catalogs, to evaluate requirements per accession
}

type accStats struct {
	source    string
	records   int
	status    map[string]int
	mutations int
	mode      string // the assignment mode of its records
	// copies are its same-gene records on catalogued genes, as annotated
	// by the run (calls with verdicts and matches).
	copies  []catalog.AnnotatedCopy
	regions [][]report.Region // each copy's not-covered reference ranges
}

// New starts an empty cohort whose accessions are named by rule.
func New(rule AccessionRule) *Cohort {
	return &Cohort{rule: rule, accs: map[string]*accStats{}, sources: map[string]string{}}
}

// SetGenes names every wild-type gene of the runs (their reference file):
// then a gene without a record gets a row saying absent (the genome was
// scanned) or not_analysed (no query was named for it).
func (c *Cohort) SetGenes(genes []string) { c.genes = append([]string(nil), genes...) }

// SetCatalog gives the catalogs the runs used, resolved against their
// references: each accession's combination requirements are then decided
// over all of its copies (a ParC change needing a GyrA change in another
// copy), which one record alone cannot. Without it the genotype uses the
// runs' own per-copy annotations.
func (c *Cohort) SetCatalog(ix *catalog.Index) { c.index = ix }

// AddFile reads one alignment output, in any format wtalign writes, and
// adds its records.
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
	_, err := output.ReadFile(path, func(rec *report.Record) error {
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
	if err != nil {
		return fmt.Errorf("cohort: %w", err)
	}
	return nil
}

// claim records that accession acc comes from output path; one accession
// cannot come from two outputs, which would double-count it.
func (c *Cohort) claim(acc, path string) error {
	if prev, ok := c.sources[acc]; ok && prev != path {
		return fmt.Errorf("cohort: accession %q comes from both %s and %s", acc, prev, path)
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

// GeneState is what a record says of its reference gene; a record that
// says nothing of it (low_quality) keeps its status.
func GeneState(status string) string {
	switch status {
	case report.StatusWildtype, report.StatusMutant, report.StatusAmbiguous:
		return GenePresent
	case report.StatusPartial:
		return GenePartial
	case report.StatusTruncated:
		return GeneDisrupted
	case report.StatusHomolog:
		return GeneHomolog
	}
	return status
}

// Add adds one record of accession acc read from source.
func (c *Cohort) Add(acc, source string, rec *report.Record) {
	s := c.stats(acc, source)
	s.records++
	s.status[rec.Status]++
	if s.mode == "" {
		s.mode = rec.Engine.Assign
	}
	if rec.Reference == nil {
		return // no_hit, error, empty: counted, but no gene to put in the table
	}
	row := Row{
		Accession: acc, Gene: rec.Reference.Gene, QueryID: rec.Query.ID, Status: rec.Status,
		GeneState: GeneState(rec.Status), Sites: output.SitesCell(rec.Sites), ordinal: rec.Query.Ordinal,
	}
	if row.Gene == "" {
		row.Gene = rec.Reference.ID
	}
	if rec.Alignment != nil {
		row.Identity = rec.Alignment.PercentIdentityOverReference
		row.Coverage = rec.Alignment.ReferenceCoverage
	}
	if t := rec.Truncation; t != nil {
		row.TruncatedAt = strconv.Itoa(t.Position) + "/" + strconv.Itoa(t.ReferenceLength)
	}
	for _, m := range rec.Mutations {
		if !m.AfterPrematureStop {
			row.Mutations = append(row.Mutations, m.Short)
		}
	}
	s.mutations += len(row.Mutations)
	c.rows = append(c.rows, row)
	if report.SameGene(rec.Status) && len(rec.CataloguedBy) > 0 {
		s.copies = append(s.copies, annotatedCopy(rec))
		s.regions = append(s.regions, rec.NotCovered)
	}
}

// annotatedCopy is a record's calls with the run's annotations.
func annotatedCopy(rec *report.Record) catalog.AnnotatedCopy {
	ac := catalog.AnnotatedCopy{Query: rec.Query.ID, Reference: rec.Reference.ID, Gene: rec.Reference.Gene}
	for _, m := range rec.Mutations {
		a := catalog.Annotated{Mutation: m, Verdict: m.Verdict}
		for _, cm := range m.Catalog {
			a.Matches = append(a.Matches, catalog.MatchOf(cm))
		}
		ac.Calls = append(ac.Calls, a)
	}
	return ac
}

// annotated is an accession's annotated copies: re-annotated with the
// catalogs over the whole accession when they were given.
func (c *Cohort) annotated(st *accStats) ([]catalog.AnnotatedCopy, error) {
	if c.index == nil {
		return st.copies, nil
	}
	copies := make([]catalog.Copy, len(st.copies))
	for i, ac := range st.copies {
		cp := catalog.Copy{Query: ac.Query, Reference: ac.Reference, NotCovered: st.regions[i]}
		for _, a := range ac.Calls {
			m := a.Mutation
			m.Verdict, m.Catalog = "", nil
			cp.Mutations = append(cp.Mutations, m)
		}
		copies[i] = cp
	}
	return c.index.AnnotateAccession(copies)
}

// Rows returns the table rows ordered by accession, gene, then the query's
// position in its input (so copies of a gene keep their genome order),
// with a row for each known gene an accession has no same-gene record of.
func (c *Cohort) Rows() []Row {
	rows := append([]Row(nil), c.rows...)
	if len(c.genes) > 0 {
		have := map[string]map[string]bool{}
		for _, r := range c.rows {
			if !report.SameGene(r.Status) && r.Status != report.StatusLowQuality {
				continue // a homolog is not the gene; a poor named query was still looked at
			}
			if have[r.Accession] == nil {
				have[r.Accession] = map[string]bool{}
			}
			have[r.Accession][r.Gene] = true
		}
		for acc, st := range c.accs {
			state := GeneNotAnalysed
			if st.mode == "best" {
				state = GeneAbsent
			}
			for _, g := range c.genes {
				if !have[acc][g] {
					rows = append(rows, Row{Accession: acc, Gene: g, GeneState: state, ordinal: -1})
				}
			}
		}
	}
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
	fmt.Fprintln(bw, strings.Join(Columns, "\t"))
	for _, r := range c.Rows() {
		ident, cov := formatPercent(r.Identity), formatPercent(r.Coverage)
		if r.QueryID == "" {
			ident, cov = "", ""
		}
		fields := []string{r.Accession, r.Gene, r.QueryID, r.Status, r.GeneState, ident, cov,
			strings.Join(r.Mutations, ","), r.TruncatedAt, r.Sites}
		for i, f := range fields {
			fields[i] = output.CleanCell(f)
		}
		fmt.Fprintln(bw, strings.Join(fields, "\t"))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cohort: writing table: %w", err)
	}
	return nil
}

func formatPercent(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// Overview is the JSON summary of a cohort: counts per accession and
// mutation frequencies per gene.
type Overview struct {
	SchemaVersion string              `json:"schema_version"`
	Accessions    []AccessionOverview `json:"accessions"`
	Genes         []GeneOverview      `json:"genes"`
}

// AccessionOverview counts one accession's records.
type AccessionOverview struct {
	Accession string         `json:"accession"`
	Source    string         `json:"source"`  // the alignment output it was read from
	Records   int            `json:"records"` // every record, aligned or not
	Status    map[string]int `json:"status"`  // records per status
	Genes     []string       `json:"genes"`   // genes with a same-gene record, sorted
	Disrupted []string       `json:"disrupted,omitempty"`
	Absent    []string       `json:"absent,omitempty"`       // scanned and not found (needs the reference genes)
	NotLooked []string       `json:"not_analysed,omitempty"` // no query named for them (needs the reference genes)
	Mutations int            `json:"mutations"`              // calls, those after a premature stop left out
	// Genotype: with catalogs, the drug classes its calls confer
	// resistance to, with the drugs and the supporting calls.
	Genotype []catalog.ClassCall `json:"genotype,omitempty"`
	// Known are its calls the catalogs list, as "gene change" (pmrB C84R).
	Known []string `json:"known,omitempty"`
}

// GeneOverview counts one gene across the cohort.
type GeneOverview struct {
	Gene       string              `json:"gene"`
	Accessions int                 `json:"accessions"` // accessions with a same-gene record of it
	Records    int                 `json:"records"`    // records (copies and homologs) aligned to it
	Status     map[string]int      `json:"status"`
	GeneStates map[string]int      `json:"gene_states"` // accessions' rows per gene state, absent and not_analysed included
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

// Overview computes the cohort overview. Accessions and genes are sorted
// by name; a gene's mutations by decreasing frequency, then reference
// position, then name.
func (c *Cohort) Overview() (Overview, error) {
	rows := c.Rows()
	s := Overview{SchemaVersion: SchemaVersion, Accessions: []AccessionOverview{}, Genes: []GeneOverview{}}
	type geneAcc struct {
		records  int
		status   map[string]int
		states   map[string]int
		accs     map[string]bool
		mutRecs  map[string]int
		mutAccs  map[string]map[string]bool
		mutOrder []string
	}
	genes := map[string]*geneAcc{}
	byAcc := map[string]*AccessionOverview{}
	for _, acc := range sortedKeys(c.accs) {
		st := c.accs[acc]
		byAcc[acc] = &AccessionOverview{Accession: acc, Source: st.source, Records: st.records, Status: st.status,
			Genes: []string{}, Mutations: st.mutations}
	}
	for _, r := range rows {
		g := genes[r.Gene]
		if g == nil {
			g = &geneAcc{status: map[string]int{}, states: map[string]int{}, accs: map[string]bool{},
				mutRecs: map[string]int{}, mutAccs: map[string]map[string]bool{}}
			genes[r.Gene] = g
		}
		g.states[r.GeneState]++
		a := byAcc[r.Accession]
		switch r.GeneState {
		case GeneAbsent:
			a.Absent = append(a.Absent, r.Gene)
			continue
		case GeneNotAnalysed:
			a.NotLooked = append(a.NotLooked, r.Gene)
			continue
		case GeneDisrupted:
			a.Disrupted = appendOnce(a.Disrupted, r.Gene)
		}
		g.records++
		g.status[r.Status]++
		if !report.SameGene(r.Status) {
			continue
		}
		a.Genes = appendOnce(a.Genes, r.Gene)
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
	for _, acc := range sortedKeys(byAcc) {
		a := byAcc[acc]
		ac, err := c.annotated(c.accs[acc])
		if err != nil {
			// A catalog that cannot be applied to these records (matched
			// against another reference) must not read as "no genotype".
			return Overview{}, fmt.Errorf("cohort: accession %s: %w", acc, err)
		}
		if len(ac) > 0 {
			a.Genotype, a.Known = catalog.Genotype(ac), knownCalls(ac)
		}
		s.Accessions = append(s.Accessions, *a)
	}
	for _, name := range sortedKeys(genes) {
		g := genes[name]
		gs := GeneOverview{Gene: name, Accessions: len(g.accs), Records: g.records, Status: g.status, GeneStates: g.states,
			Mutations: []MutationFrequency{}}
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
	return s, nil
}

func appendOnce(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// WriteJSON writes the overview as indented JSON.
func (c *Cohort) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	o, err := c.Overview()
	if err != nil {
		return err
	}
	if err := enc.Encode(o); err != nil {
		return fmt.Errorf("cohort: writing JSON: %w", err)
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

// knownCalls are the distinct catalogued calls of an accession, as
// "gene change" in the catalog's gene names, by gene then position.
func knownCalls(copies []catalog.AnnotatedCopy) []string {
	type kc struct {
		gene string
		pos  int
		text string
	}
	seen := map[string]bool{}
	var out []kc
	for _, c := range copies {
		for _, a := range c.Calls {
			if a.Verdict != report.VerdictKnown || a.Mutation.AfterPrematureStop {
				continue
			}
			gene := c.Gene
			if len(a.Matches) > 0 && a.Matches[0].Gene != "" {
				gene = a.Matches[0].Gene
			}
			t := gene + " " + a.Mutation.Short
			if !seen[t] {
				seen[t] = true
				out = append(out, kc{gene, a.Mutation.RefStart, t})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].gene != out[j].gene {
			return out[i].gene < out[j].gene
		}
		if out[i].pos != out[j].pos {
			return out[i].pos < out[j].pos
		}
		return out[i].text < out[j].text
	})
	texts := make([]string, len(out))
	for i, k := range out {
		texts[i] = k.text
	}
	return texts
}

// WriteGenotypeTSV writes one row per accession and drug class: the
// drugs and the calls behind it (accession, class, drugs, calls); an
// accession without any has one row with empty class.
func (c *Cohort) WriteGenotypeTSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "accession\tdrug_class\tdrugs\tcalls\tgenotype")
	o, err := c.Overview()
	if err != nil {
		return err
	}
	for _, a := range o.Accessions {
		if len(a.Genotype) == 0 {
			fmt.Fprintf(bw, "%s\t\t\t\t\n", output.CleanCell(a.Accession))
		}
		for _, g := range a.Genotype {
			fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\n", output.CleanCell(a.Accession), output.CleanCell(g.Class),
				output.CleanCell(strings.Join(g.Drugs, ";")), output.CleanCell(strings.Join(g.Calls, " + ")), output.CleanCell(g.String()))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cohort: writing genotypes: %w", err)
	}
	return nil
}

// WriteMatrixTSV writes the accession x known-mutation matrix: a column
// per catalogued call seen in the cohort (by gene, then position), 1 when
// the accession carries it, 0 otherwise.
func (c *Cohort) WriteMatrixTSV(w io.Writer) error {
	o, err := c.Overview()
	if err != nil {
		return err
	}
	accs := o.Accessions
	var cols []string
	seen := map[string]bool{}
	for _, a := range accs {
		for _, k := range a.Known {
			if !seen[k] {
				seen[k] = true
				cols = append(cols, k)
			}
		}
	}
	sort.SliceStable(cols, func(i, j int) bool {
		gi, _, _ := strings.Cut(cols[i], " ")
		gj, _, _ := strings.Cut(cols[j], " ")
		if gi != gj {
			return gi < gj
		}
		return firstPosition(cols[i]) < firstPosition(cols[j])
	})
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "accession")
	for _, col := range cols {
		fmt.Fprintf(bw, "\t%s", output.CleanCell(col))
	}
	fmt.Fprintln(bw)
	for _, a := range accs {
		fmt.Fprint(bw, output.CleanCell(a.Accession))
		for _, col := range cols {
			v := "0"
			if contains(a.Known, col) {
				v = "1"
			}
			fmt.Fprint(bw, "\t"+v)
		}
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cohort: writing the mutation matrix: %w", err)
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
