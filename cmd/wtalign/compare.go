package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/fasta"
)

type compareOptions struct {
	Reference   string
	JSON        bool
	WaterPath   string
	WaterFormat string
	Threads     int
	BatchSize   int
	Timeout     time.Duration
	Matrix      string
	GapOpen     float64
	GapExtend   float64
	AllPairs    bool
}

func (o *compareOptions) addFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Reference, "reference", "r", "", "FASTA of wild-type reference proteins (required)")
	fs.BoolVar(&o.JSON, "json", false, "print a JSON report instead of a table")
	fs.StringVar(&o.WaterPath, "water-path", "", "EMBOSS water executable (default: $"+emboss.EnvWater+", then water on $PATH)")
	fs.StringVar(&o.WaterFormat, "water-format", string(emboss.FormatMarkx10), "water output format to parse: markx10 or srspair")
	fs.IntVarP(&o.Threads, "threads", "j", defaultThreads(), "native workers and concurrent water processes (env WTALIGN_THREADS; default all CPUs)")
	fs.IntVar(&o.BatchSize, "batch-size", emboss.DefaultBatchSize, "most queries per water process")
	fs.DurationVar(&o.Timeout, "timeout", emboss.DefaultTimeout, "time limit for one water process")
	fs.StringVar(&o.Matrix, "matrix", "EBLOSUM62", "substitution matrix: a built-in EMBOSS name or a path to an EMBOSS-format file")
	fs.Float64Var(&o.GapOpen, "gapopen", 10, "gap open penalty (water -gapopen)")
	fs.Float64Var(&o.GapExtend, "gapextend", 0.5, "gap extension penalty (water -gapextend)")
	fs.BoolVar(&o.AllPairs, "all-pairs", false, "with --json, list every pair, not only those that disagree")
}

const compareLong = `Run the native engine and EMBOSS water on the same query/reference pairs
and report whether they agree exactly: the score, the start and end in both
sequences, water's Length/Identity/Similarity/Gaps and the aligned strings
(gap placement included). Use it in a validation SOP to show that wtalign
reproduces water on your data, or after installing a new water version.

Pairing: a query is compared against the reference whose gene key equals
its own (the second field of IDs like tag|gyrA|accession, or gene=gyrA in
the description). A query without a key is compared against every
reference; a query whose key no reference has is reported as unpaired.
Sequences are cleaned as 'wtalign align' cleans them (gap characters,
digits and blanks removed, a final '*' stripped) before both engines see
them; records that fail validation are skipped and counted.

The report gives, per field, how many pairs agree; the distribution of
differences (e.g. score water-native: +0.5 in 2 pairs); wall-clock time of
each engine at the same -j and their ratio; and a verdict. With --json the
same as one JSON object (every pair with --all-pairs).

Exit status 1 also when any pair disagrees, so a pipeline can gate on it.`

func newCompareCommand(a *app) *cobra.Command {
	o := &compareOptions{}
	cmd := &cobra.Command{
		Use:   "compare -r REFERENCE.faa [flags] QUERY.faa...",
		Short: "Check that the native engine and EMBOSS water agree on every pair",
		Long:  compareLong + exitStatusHelp,
		Example: "  wtalign compare -r ref_ecoli_k12_mg1655.faa variant_ecoli_gyrA.faa derived_edge_cases.faa\n" +
			"  wtalign compare --json -j 4 -r wildtypes.faa proteins.faa > parity.json",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("compare needs at least one query FASTA file")
			}
			return nil
		},
		PreRunE: func(cmd *cobra.Command, args []string) error { return o.validate() },
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd.Context(), a, o, args)
		},
	}
	o.addFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("water-format", fixedCompletions(string(emboss.FormatMarkx10), string(emboss.FormatSrspair)))
	_ = cmd.RegisterFlagCompletionFunc("matrix", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return aligner.BuiltinMatrices(), cobra.ShellCompDirectiveDefault
	})
	return cmd
}

func (o *compareOptions) validate() error {
	if o.Reference == "" {
		return usagef("--reference/-r is required: a FASTA of wild-type proteins")
	}
	if o.Threads < 1 {
		return usagef("--threads %d: want at least 1", o.Threads)
	}
	if o.BatchSize < 1 {
		return usagef("--batch-size %d: want at least 1", o.BatchSize)
	}
	if o.Timeout <= 0 {
		return usagef("--timeout %v: want a positive duration", o.Timeout)
	}
	switch emboss.Format(o.WaterFormat) {
	case emboss.FormatMarkx10, emboss.FormatSrspair:
	default:
		return usagef("--water-format %q: want markx10 or srspair", o.WaterFormat)
	}
	return nil
}

// cmpPair is one query against one reference.
type cmpPair struct {
	query  *fasta.Record
	ref    int
	native emboss.Result
	water  emboss.Result
}

// The fields compared, in report order.
var compareFields = []string{"score", "coordinates", "length", "identity", "similarity", "gaps", "aligned_strings"}

type compareReport struct {
	Reference  string   `json:"reference_file"`
	References int      `json:"references"`
	Queries    []string `json:"query_files"`
	Records    int      `json:"query_records"`
	Skipped    int      `json:"skipped_records"`
	Unpaired   int      `json:"unpaired_records"`
	Parameters struct {
		Matrix    string  `json:"matrix"`
		GapOpen   float64 `json:"gap_open"`
		GapExtend float64 `json:"gap_extend"`
	} `json:"parameters"`
	Native struct {
		Engine string `json:"engine"`
	} `json:"native"`
	Water struct {
		Path    string `json:"path"`
		Version string `json:"version"`
		Format  string `json:"format"`
		Batches int    `json:"processes"`
	} `json:"water"`
	Pairs       int                       `json:"pairs_compared"`
	Agree       map[string]int            `json:"agree"`
	AllAgree    int                       `json:"all_fields_agree"`
	Differences map[string]map[string]int `json:"differences"`
	Threads     int                       `json:"threads"`
	NativeSecs  float64                   `json:"native_seconds"`
	WaterSecs   float64                   `json:"water_seconds"`
	SpeedRatio  float64                   `json:"speed_ratio_water_over_native"`
	Verdict     string                    `json:"verdict"`
	PairList    []pairReport              `json:"pairs"`
}

type pairReport struct {
	QueryFile  string     `json:"query_file"`
	QueryIndex int        `json:"query_record"`
	QueryID    string     `json:"query_id"`
	Reference  string     `json:"reference_id"`
	Agree      bool       `json:"agree"`
	Differs    []string   `json:"differs,omitempty"`
	Native     alnSummary `json:"native"`
	Water      alnSummary `json:"water"`
}

// alnSummary prints coordinates 1-based, as water does.
type alnSummary struct {
	Score      *float64 `json:"score"` // null when water prints -FLT_MAX (a one-residue sequence)
	RefStart   int      `json:"ref_start"`
	RefEnd     int      `json:"ref_end"`
	QueryStart int      `json:"query_start"`
	QueryEnd   int      `json:"query_end"`
	Length     int      `json:"length"`
	Identity   int      `json:"identity"`
	Similarity int      `json:"similarity"`
	Gaps       int      `json:"gaps"`
	AlignedRef string   `json:"aligned_reference,omitempty"`
	AlignedQry string   `json:"aligned_query,omitempty"`
}

func runCompare(ctx context.Context, a *app, o *compareOptions, inputs []string) error {
	log := a.log()
	w, err := emboss.DetectContext(ctx, o.WaterPath)
	if err != nil {
		return fmt.Errorf("compare needs EMBOSS water: %w", err)
	}
	m, err := aligner.LoadMatrix(o.Matrix)
	if err != nil {
		return err
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: o.GapOpen, GapExtend: o.GapExtend})
	if err != nil {
		return err
	}
	refs, err := fasta.ReadAll(o.Reference, fasta.Options{Role: fasta.Reference})
	if err != nil {
		return err
	}
	rep := &compareReport{Reference: o.Reference, References: len(refs), Queries: inputs, Threads: o.Threads}
	rep.Parameters.Matrix, rep.Parameters.GapOpen, rep.Parameters.GapExtend = m.Name, o.GapOpen, o.GapExtend
	pairs, err := comparePairs(refs, inputs, rep, func(rec *fasta.Record, err error) {
		log.Warn().Str("file", rec.File).Int("record", rec.Index).Str("id", rec.ID).Err(err).Msg("skipped: not comparable")
	})
	if err != nil {
		return err
	}
	if rep.Unpaired > 0 {
		log.Warn().Int("records", rep.Unpaired).Msg("queries whose gene key names no reference were not compared")
	}
	if len(pairs) == 0 {
		return fmt.Errorf("compare: no query/reference pairs to compare (%d records, %d unpaired, %d skipped)", rep.Records, rep.Unpaired, rep.Skipped)
	}
	profiles := make([]*aligner.Profile, len(refs))
	for i, r := range refs {
		profiles[i] = aligner.NewProfile(sc, r.Seq)
	}
	log.Info().Int("pairs", len(pairs)).Str("water", w.Path).Str("water_version", w.Version).Int("threads", o.Threads).Msg("comparing native and water")

	native := aligner.NewNative()
	rep.Native.Engine = native.Name()
	start := time.Now()
	if err := alignNative(ctx, native, profiles, pairs, o.Threads); err != nil {
		return err
	}
	rep.NativeSecs = time.Since(start).Seconds()

	// One water task per reference, its pairs in input order.
	tasks := make([]emboss.Task, len(refs))
	members := make([][]int, len(refs))
	for i, p := range pairs {
		tasks[p.ref].Profile = profiles[p.ref]
		tasks[p.ref].Queries = append(tasks[p.ref].Queries, p.query.Seq)
		members[p.ref] = append(members[p.ref], i)
	}
	var used []emboss.Task
	var usedMembers [][]int
	for i, t := range tasks {
		if len(t.Queries) > 0 {
			used, usedMembers = append(used, t), append(usedMembers, members[i])
		}
	}
	start = time.Now()
	res, err := w.Align(ctx, used, emboss.Options{
		Format: emboss.Format(o.WaterFormat), BatchSize: o.BatchSize, Jobs: o.Threads, Timeout: o.Timeout,
	})
	if err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return fmt.Errorf("compare: %w", err)
	}
	rep.WaterSecs = time.Since(start).Seconds()
	for ti, tr := range res {
		rep.Water.Batches += len(tr.Batches)
		for k, r := range tr.Results {
			pairs[usedMembers[ti][k]].water = r
		}
	}
	rep.Water.Path, rep.Water.Version, rep.Water.Format = w.Path, w.Version, o.WaterFormat

	summarize(rep, pairs, refs, sc, o.AllPairs)
	if o.JSON {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(a.io.Out, "%s\n", b); err != nil {
			return err
		}
	} else if err := writeCompareTable(a.io.Out, rep); err != nil {
		return err
	}
	if rep.AllAgree != rep.Pairs {
		return fmt.Errorf("compare: %d of %d pairs disagree between native and water", rep.Pairs-rep.AllAgree, rep.Pairs)
	}
	log.Info().Int("pairs", rep.Pairs).Float64("speed_ratio", rep.SpeedRatio).Msg("native and water agree on every pair")
	return nil
}

// comparePairs reads the query files and pairs each record with its
// reference(s) by gene key. skip is told about records that fail validation.
func comparePairs(refs []*fasta.Record, inputs []string, rep *compareReport, skip func(*fasta.Record, error)) ([]*cmpPair, error) {
	byKey := map[string][]int{}
	for i, r := range refs {
		if k := fasta.GeneKey(r.ID, r.Description, nil); k != "" {
			byKey[k] = append(byKey[k], i)
		}
	}
	var pairs []*cmpPair
	for _, in := range inputs {
		rd, err := fasta.Open(in, fasta.Options{Role: fasta.Query})
		if err != nil {
			return nil, err
		}
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil && (rec == nil || fasta.IsFatal(err)) {
				rd.Close()
				return nil, err
			}
			rep.Records++
			if err != nil {
				rep.Skipped++
				skip(rec, err)
				continue
			}
			key := fasta.GeneKey(rec.ID, rec.Description, nil)
			targets, ok := byKey[key]
			switch {
			case key == "":
				targets = make([]int, len(refs))
				for i := range refs {
					targets[i] = i
				}
			case !ok:
				rep.Unpaired++
				continue
			}
			for _, t := range targets {
				pairs = append(pairs, &cmpPair{query: rec, ref: t})
			}
		}
		rd.Close()
	}
	return pairs, nil
}

// alignNative aligns every pair with e on up to threads goroutines.
func alignNative(ctx context.Context, e aligner.Engine, profiles []*aligner.Profile, pairs []*cmpPair, threads int) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	next := make(chan *cmpPair)
	for range min(threads, len(pairs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				al, err := e.Align(profiles[p.ref], p.query.Seq)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("compare: native engine on %s record %d (%s): %w", p.query.File, p.query.Index, p.query.ID, err)
					}
					mu.Unlock()
					continue
				}
				p.native = emboss.Result{Alignment: al, Stats: profiles[p.ref].Scoring.Stats(al)}
			}
		}()
	}
	for _, p := range pairs {
		if ctx.Err() != nil {
			break
		}
		next <- p
	}
	close(next)
	wg.Wait()
	if ctx.Err() != nil {
		return errInterrupted
	}
	return firstErr
}

// pairDiffs names the fields on which the engines disagree and adds the
// size of each difference (water minus native) to dist.
func pairDiffs(p *cmpPair, sc *aligner.Scoring, dist map[string]map[string]int) []string {
	n, w := p.native.Alignment, p.water.Alignment
	var d []string
	add := func(field, key string) {
		if dist[field] == nil {
			dist[field] = map[string]int{}
		}
		dist[field][key]++
	}
	delta := func(x, y int) string { return fmt.Sprintf("%+d", y-x) }
	if n.Score != w.Score {
		d = append(d, "score")
		if n.Score == aligner.NoScore || w.Score == aligner.NoScore {
			add("score", "one side has no score")
		} else {
			add("score", strconv.FormatFloat(sc.Float(w.Score-n.Score), 'f', -1, 64))
		}
	}
	if n.RefStart != w.RefStart || n.RefEnd != w.RefEnd || n.QueryStart != w.QueryStart || n.QueryEnd != w.QueryEnd {
		d = append(d, "coordinates")
		for _, c := range []struct {
			name string
			x, y int
		}{{"ref_start", n.RefStart, w.RefStart}, {"ref_end", n.RefEnd, w.RefEnd}, {"query_start", n.QueryStart, w.QueryStart}, {"query_end", n.QueryEnd, w.QueryEnd}} {
			if c.x != c.y {
				add(c.name, delta(c.x, c.y))
			}
		}
	}
	ns, ws := p.native.Stats, p.water.Stats
	for _, c := range []struct {
		name string
		x, y int
	}{{"length", ns.Length, ws.Length}, {"identity", ns.Identity, ws.Identity}, {"similarity", ns.Similarity, ws.Similarity}, {"gaps", ns.Gaps, ws.Gaps}} {
		if c.x != c.y {
			d = append(d, c.name)
			add(c.name, delta(c.x, c.y))
		}
	}
	if !bytes.Equal(n.AlignedRef, w.AlignedRef) || !bytes.Equal(n.AlignedQuery, w.AlignedQuery) {
		d = append(d, "aligned_strings")
		add("aligned_strings", "differ")
	}
	return d
}

func summarize(rep *compareReport, pairs []*cmpPair, refs []*fasta.Record, sc *aligner.Scoring, all bool) {
	rep.Pairs = len(pairs)
	rep.Agree = map[string]int{}
	rep.Differences = map[string]map[string]int{}
	rep.PairList = []pairReport{}
	for _, p := range pairs {
		diffs := pairDiffs(p, sc, rep.Differences)
		bad := map[string]bool{}
		for _, f := range diffs {
			bad[f] = true
		}
		for _, f := range compareFields {
			if !bad[f] {
				rep.Agree[f]++
			}
		}
		if len(diffs) == 0 {
			rep.AllAgree++
		}
		if len(diffs) > 0 || all {
			rep.PairList = append(rep.PairList, pairReport{
				QueryFile: p.query.File, QueryIndex: p.query.Index, QueryID: p.query.ID, Reference: refs[p.ref].ID,
				Agree: len(diffs) == 0, Differs: diffs,
				Native: alnOf(p.native, sc, len(diffs) > 0), Water: alnOf(p.water, sc, len(diffs) > 0),
			})
		}
	}
	if rep.NativeSecs > 0 {
		rep.SpeedRatio = rep.WaterSecs / rep.NativeSecs
	}
	rep.Verdict = "agree"
	if rep.AllAgree != rep.Pairs {
		rep.Verdict = "disagree"
	}
}

func alnOf(r emboss.Result, sc *aligner.Scoring, withStrings bool) alnSummary {
	a := r.Alignment
	s := alnSummary{
		RefStart: a.RefStart + 1, RefEnd: a.RefEnd + 1, QueryStart: a.QueryStart + 1, QueryEnd: a.QueryEnd + 1,
		Length: r.Stats.Length, Identity: r.Stats.Identity, Similarity: r.Stats.Similarity, Gaps: r.Stats.Gaps,
	}
	if a.Score != aligner.NoScore {
		v := sc.Float(a.Score)
		s.Score = &v
	}
	if withStrings {
		s.AlignedRef, s.AlignedQry = string(a.AlignedRef), string(a.AlignedQuery)
	}
	return s
}

const maxListed = 20

func writeCompareTable(out io.Writer, rep *compareReport) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "native engine\t%s (wtalign)\n", rep.Native.Engine)
	fmt.Fprintf(tw, "water\tEMBOSS %s, %s (%s output, %d processes)\n", rep.Water.Version, rep.Water.Path, rep.Water.Format, rep.Water.Batches)
	fmt.Fprintf(tw, "parameters\t%s, gap open %g, gap extend %g\n", rep.Parameters.Matrix, rep.Parameters.GapOpen, rep.Parameters.GapExtend)
	fmt.Fprintf(tw, "references\t%d in %s\n", rep.References, rep.Reference)
	fmt.Fprintf(tw, "queries\t%d records in %d files; %d without a matching reference, %d skipped as invalid\n", rep.Records, len(rep.Queries), rep.Unpaired, rep.Skipped)
	fmt.Fprintf(tw, "pairs compared\t%d\n", rep.Pairs)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "FIELD\tAGREE\tPERCENT")
	for _, f := range compareFields {
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\n", strings.ReplaceAll(f, "_", " "), rep.Agree[f], rep.Pairs, pct(rep.Agree[f], rep.Pairs))
	}
	fmt.Fprintf(tw, "all fields\t%d/%d\t%s\n", rep.AllAgree, rep.Pairs, pct(rep.AllAgree, rep.Pairs))
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "time (-j %d)\tnative %.3f s, water %.3f s: water/native = %.1fx\n", rep.Threads, rep.NativeSecs, rep.WaterSecs, rep.SpeedRatio)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Differences) > 0 {
		fmt.Fprintln(out, "\nDIFFERENCES (water minus native: pairs)")
		fields := make([]string, 0, len(rep.Differences))
		for f := range rep.Differences {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, f := range fields {
			keys := make([]string, 0, len(rep.Differences[f]))
			for k := range rep.Differences[f] {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var parts []string
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s: %d", k, rep.Differences[f][k]))
			}
			fmt.Fprintf(out, "  %-16s %s\n", f, strings.Join(parts, ", "))
		}
		fmt.Fprintln(out, "\nDISAGREEING PAIRS")
		n := 0
		for _, p := range rep.PairList {
			if p.Agree {
				continue
			}
			if n++; n > maxListed {
				fmt.Fprintf(out, "  ... and %d more (use --json)\n", rep.Pairs-rep.AllAgree-maxListed)
				break
			}
			fmt.Fprintf(out, "  %s #%d %s vs %s: %s\n", p.QueryFile, p.QueryIndex, p.QueryID, p.Reference, strings.Join(p.Differs, ", "))
		}
	}
	verdict := fmt.Sprintf("\nverdict: AGREE: native and water are identical on all %d pairs, every field\n", rep.Pairs)
	if rep.Verdict != "agree" {
		verdict = fmt.Sprintf("\nverdict: DISAGREE: %d of %d pairs differ\n", rep.Pairs-rep.AllAgree, rep.Pairs)
	}
	_, err := io.WriteString(out, verdict)
	return err
}

func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(n)/float64(d))
}
