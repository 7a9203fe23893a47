package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/pipeline"
	"github.com/wtalign/wtalign/report"
)

// compareOptions are compare's flags: the parts of align's job that
// decide the alignments (same groups, same names), plus the report's own.
type compareOptions struct {
	spec     pipeline.Spec
	cfg      specSource
	JSON     bool
	AllPairs bool
}

func (o *compareOptions) AddFlags(fs *pflag.FlagSet) {
	addInputFlags(fs, &o.spec)
	addHitFlags(fs, &o.spec)
	addScoringFlags(fs, &o.spec)
	addWaterFlags(fs, &o.spec)
	addThreadsFlag(fs, &o.spec)
	o.cfg.addFlag(fs)
	fs.BoolVar(&o.JSON, "json", false, "print a JSON report instead of a table")
	fs.BoolVar(&o.AllPairs, "all-pairs", false, "with --json, list every record, not only those that disagree")
	setGroup(fs, groupOutput, "json", "all-pairs")
}

const compareLong = `Run the same job twice, once with the native engine exactly as 'wtalign
align' runs it (same reading, same assignment, the same batched SIMD
kernels this CPU selects) and once with EMBOSS water, and report whether
every record agrees: the reference chosen, the status, the score, the
start and end in both sequences, water's Length/Identity/Similarity/Gaps,
the aligned strings (gap placement included) and the mutation calls. Use
it in a validation SOP to show that wtalign reproduces water on your data,
or after installing a new water version.

Queries are assigned to wild types as align assigns them (--assign,
--key-regex, --map; the same flags, the same defaults), so what is
validated is what align would write. Water's printed Length, Identity,
Similarity and Gaps are also checked against its aligned strings.

The report names the native kernel that ran, gives per field how many
records agree, the distribution of differences (e.g. score water-native:
+0.5 in 2 records), wall-clock time of each engine at the same -j and their
ratio, and a verdict. With --json the same as one JSON object (every record
with --all-pairs).`

func newCompareCommand(a *app) *cobra.Command {
	s := pipeline.DefaultSpec()
	s.Threads = pipeline.DefaultThreads()
	o := &compareOptions{spec: s}
	cmd := &cobra.Command{
		Use:   "compare -r REFERENCE.faa [flags] QUERY.faa...",
		Short: "Check that the native engine and EMBOSS water agree on every record",
		Long: compareLong + exitHelpText(map[int]string{
			exitSIGINT:  "interrupted by SIGINT (compare writes nothing until both engines are done; rerun it)",
			exitSIGTERM: "terminated by SIGTERM (as SIGINT)",
		}, exitOK, exitError, exitUsage, exitDisagree, exitSIGINT, exitSIGTERM),
		Example: "  wtalign compare -r ref_ecoli_k12_mg1655.faa variant_ecoli_gyrA.faa derived_edge_cases.faa\n" +
			"  wtalign compare --json -j 4 -r wildtypes.faa proteins.faa > parity.json",
		Args: needArgs("at least one query FASTA file"),
		PreRunE: func(cmd *cobra.Command, args []string) error {
			o.spec.Inputs = args
			return o.cfg.apply(cmd.Flags(), &o.spec)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd.Context(), a, o)
		},
	}
	o.AddFlags(cmd.Flags())
	registerCompletions(cmd)
	return cmd
}

// compareFields are the fields compared, in report order.
var compareFields = []string{"reference", "status", "score", "coordinates", "length", "identity", "similarity", "gaps", "aligned_strings", "calls"}

type compareReport struct {
	Reference  string   `json:"reference_file"`
	References int      `json:"references"`
	Queries    []string `json:"query_files"`
	Assign     string   `json:"assign"`
	Records    int      `json:"query_records"`
	Parameters struct {
		Matrix    string  `json:"matrix"`
		GapOpen   float64 `json:"gap_open"`
		GapExtend float64 `json:"gap_extend"`
	} `json:"parameters"`
	Native struct {
		Engine  string `json:"engine"`
		Version string `json:"version"`
		Kernel  string `json:"kernel"`
	} `json:"native"`
	Water struct {
		Path    string `json:"path"`
		Version string `json:"version"`
		Format  string `json:"format"`
	} `json:"water"`
	Compared    int                       `json:"records_compared"`
	NotAligned  int                       `json:"records_not_aligned"` // failed or skipped on both sides alike
	Agree       map[string]int            `json:"agree"`
	AllAgree    int                       `json:"all_fields_agree"`
	Differences map[string]map[string]int `json:"differences"`
	Threads     int                       `json:"threads"`
	NativeSecs  float64                   `json:"native_seconds"`
	WaterSecs   float64                   `json:"water_seconds"`
	SpeedRatio  float64                   `json:"speed_ratio_water_over_native"`
	Verdict     string                    `json:"verdict"`
	RecordList  []recordReport            `json:"records"`
}

type recordReport struct {
	QueryFile  string     `json:"query_file"`
	QueryIndex int        `json:"query_record"`
	QueryID    string     `json:"query_id"`
	Agree      bool       `json:"agree"`
	Differs    []string   `json:"differs,omitempty"`
	Native     alnSummary `json:"native"`
	Water      alnSummary `json:"water"`
}

// alnSummary is one engine's side of a record, coordinates 1-based.
type alnSummary struct {
	Reference  string   `json:"reference_id,omitempty"`
	Status     string   `json:"status"`
	Error      string   `json:"error,omitempty"`
	Score      *float64 `json:"score"`
	RefStart   int      `json:"ref_start,omitempty"`
	RefEnd     int      `json:"ref_end,omitempty"`
	QueryStart int      `json:"query_start,omitempty"`
	QueryEnd   int      `json:"query_end,omitempty"`
	Length     int      `json:"length,omitempty"`
	Identity   int      `json:"identity,omitempty"`
	Similarity int      `json:"similarity,omitempty"`
	Gaps       int      `json:"gaps,omitempty"`
	Calls      string   `json:"calls,omitempty"`
	AlignedRef string   `json:"aligned_reference,omitempty"`
	AlignedQry string   `json:"aligned_query,omitempty"`
}

func runCompare(ctx context.Context, a *app, o *compareOptions) error {
	log := a.log()
	v, commit := versionInfo()
	env := pipeline.Env{ToolVersion: v, ToolCommit: commit, Protected: o.cfg.files(), StrictWater: true,
		Notify: func(n pipeline.Note) { logNote(log, n) }}
	native, water := o.spec, o.spec
	native.Engine, water.Engine, water.Fallback = pipeline.EngineNative, pipeline.EngineWater, "none"
	pn, err := pipeline.Prepare(ctx, native, env)
	if err != nil {
		return o.cfg.explain(err)
	}
	pw, err := pipeline.Prepare(ctx, water, env)
	if err != nil {
		return fmt.Errorf("compare needs EMBOSS water: %w", o.cfg.explain(err))
	}
	rep := &compareReport{Reference: pn.Spec.Reference, References: len(pn.Refs), Queries: pn.Spec.Inputs,
		Assign: pn.Mode(), Threads: pn.Spec.Threads}
	rep.Parameters.Matrix, rep.Parameters.GapOpen, rep.Parameters.GapExtend = pn.Matrix.Name, o.spec.GapOpen, o.spec.GapExtend
	rep.Native.Engine, rep.Native.Version, rep.Native.Kernel = pn.Job.EngineInfo.Name, pn.Job.EngineInfo.Version, pn.Kernel()
	wi := pw.Water()
	rep.Water.Path, rep.Water.Version, rep.Water.Format = wi.Path, wi.Version, water.WaterFormat
	log.Info().Str("kernel", pn.Kernel()).Str("assign", pn.Mode()).Str("water", wi.Path).Str("water_version", wi.Version).
		Int("threads", pn.Spec.Threads).Msg("comparing native and water")

	collect := func(p *pipeline.Plan) ([]*report.Record, float64, error) {
		var recs []*report.Record
		start := time.Now()
		_, err := p.Records(ctx, func(r pipeline.Result) error { recs = append(recs, r.Record); return nil })
		if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return nil, 0, fmt.Errorf("compare stopped before its report (nothing was written): %w", errInterrupted)
		}
		return recs, time.Since(start).Seconds(), err
	}
	nrecs, nsecs, err := collect(pn)
	if err != nil {
		return err
	}
	wrecs, wsecs, err := collect(pw)
	if err != nil {
		return err
	}
	if len(nrecs) != len(wrecs) {
		return fmt.Errorf("compare: the native run gave %d records and the water run %d", len(nrecs), len(wrecs))
	}
	rep.Records, rep.NativeSecs, rep.WaterSecs = len(nrecs), nsecs, wsecs
	tally(rep, nrecs, wrecs, o.AllPairs)
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
	if rep.Compared == 0 {
		return fmt.Errorf("compare: no record was aligned by both engines (%d records, %d failed or skipped alike)", rep.Records, rep.NotAligned)
	}
	if rep.AllAgree != rep.Compared {
		return disagreeError{rep.Compared - rep.AllAgree, rep.Compared}
	}
	log.Info().Int("records", rep.Compared).Str("kernel", rep.Native.Kernel).Float64("speed_ratio", roundTo(rep.SpeedRatio, 1)).Msg("native and water agree on every record")
	return nil
}

// side reduces one engine's record to the compared fields.
func side(r *report.Record, withStrings bool) alnSummary {
	s := alnSummary{Status: r.Status, Error: r.Error}
	if r.Reference != nil {
		s.Reference = r.Reference.ID
	}
	if b := r.BestHit; b != nil {
		s.Reference = b.ReferenceID
		sc := b.Score
		s.Score = &sc
	}
	if al := r.Alignment; al != nil {
		sc := al.Score
		s.Score = &sc
		s.RefStart, s.RefEnd, s.QueryStart, s.QueryEnd = al.ReferenceStart, al.ReferenceEnd, al.QueryStart, al.QueryEnd
		s.Length, s.Identity, s.Similarity, s.Gaps = al.Length, al.Identities, al.Similarity, al.Gaps
		if withStrings {
			s.AlignedRef, s.AlignedQry = al.AlignedReference, al.AlignedQuery
		}
	}
	calls := make([]string, len(r.Mutations))
	for i, m := range r.Mutations {
		calls[i] = m.Short
	}
	s.Calls = strings.Join(calls, ",")
	return s
}

// recordDiffs names the fields on which the two records differ and adds
// the size of each difference (water minus native) to dist.
func recordDiffs(n, w *report.Record, dist map[string]map[string]int) []string {
	var d []string
	add := func(field, key string) {
		if dist[field] == nil {
			dist[field] = map[string]int{}
		}
		dist[field][key]++
		if len(d) == 0 || d[len(d)-1] != field {
			d = append(d, field)
		}
	}
	ns, ws := side(n, true), side(w, true)
	if ns.Reference != ws.Reference {
		add("reference", "other reference chosen")
	}
	if ns.Status != ws.Status {
		add("status", ns.Status+" -> "+ws.Status)
	}
	switch {
	case (ns.Score == nil) != (ws.Score == nil):
		add("score", "one side has no score")
	case ns.Score != nil && *ns.Score != *ws.Score:
		add("score", fmt.Sprintf("%+g", *ws.Score-*ns.Score))
	}
	for _, c := range []struct {
		field, name string
		x, y        int
	}{{"coordinates", "ref_start", ns.RefStart, ws.RefStart}, {"coordinates", "ref_end", ns.RefEnd, ws.RefEnd},
		{"coordinates", "query_start", ns.QueryStart, ws.QueryStart}, {"coordinates", "query_end", ns.QueryEnd, ws.QueryEnd},
		{"length", "length", ns.Length, ws.Length}, {"identity", "identity", ns.Identity, ws.Identity},
		{"similarity", "similarity", ns.Similarity, ws.Similarity}, {"gaps", "gaps", ns.Gaps, ws.Gaps}} {
		if c.x != c.y {
			key := fmt.Sprintf("%+d", c.y-c.x)
			if c.field != c.name {
				key = c.name + " " + key
			}
			add(c.field, key)
		}
	}
	if ns.AlignedRef != ws.AlignedRef || ns.AlignedQry != ws.AlignedQry {
		add("aligned_strings", "differ")
	}
	if ns.Calls != ws.Calls {
		add("calls", "differ")
	}
	return d
}

// tally fills the report from the two runs' records, paired by position.
func tally(rep *compareReport, nrecs, wrecs []*report.Record, all bool) {
	rep.Agree = map[string]int{}
	rep.Differences = map[string]map[string]int{}
	rep.RecordList = []recordReport{}
	for i, n := range nrecs {
		w := wrecs[i]
		if n.Alignment == nil && n.BestHit == nil && w.Alignment == nil && w.BestHit == nil && n.Status == w.Status {
			rep.NotAligned++ // failed or skipped alike on both sides (invalid letters, no reference)
			continue
		}
		rep.Compared++
		diffs := recordDiffs(n, w, rep.Differences)
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
			rep.RecordList = append(rep.RecordList, recordReport{
				QueryFile: n.InputFile, QueryIndex: n.Query.Index, QueryID: n.Query.ID,
				Agree: len(diffs) == 0, Differs: diffs,
				Native: side(n, len(diffs) > 0), Water: side(w, len(diffs) > 0),
			})
		}
	}
	if rep.NativeSecs > 0 {
		rep.SpeedRatio = rep.WaterSecs / rep.NativeSecs
	}
	rep.Verdict = "agree"
	if rep.AllAgree != rep.Compared || rep.Compared == 0 {
		rep.Verdict = "disagree"
	}
}

const maxListed = 20

func writeCompareTable(out io.Writer, rep *compareReport) error {
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "native engine\twtalign %s, kernel %s (the batched path align runs)\n", rep.Native.Version, rep.Native.Kernel)
	fmt.Fprintf(tw, "water\tEMBOSS %s, %s (%s output)\n", rep.Water.Version, rep.Water.Path, rep.Water.Format)
	fmt.Fprintf(tw, "parameters\t%s, gap open %g, gap extend %g; --assign %s\n", rep.Parameters.Matrix, rep.Parameters.GapOpen, rep.Parameters.GapExtend, rep.Assign)
	fmt.Fprintf(tw, "references\t%d in %s\n", rep.References, rep.Reference)
	fmt.Fprintf(tw, "queries\t%d records in %d files; %d failed or skipped alike by both engines\n", rep.Records, len(rep.Queries), rep.NotAligned)
	fmt.Fprintf(tw, "records compared\t%d\n", rep.Compared)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "FIELD\tAGREE\tPERCENT")
	for _, f := range compareFields {
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\n", strings.ReplaceAll(f, "_", " "), rep.Agree[f], rep.Compared, pct(rep.Agree[f], rep.Compared))
	}
	fmt.Fprintf(tw, "all fields\t%d/%d\t%s\n", rep.AllAgree, rep.Compared, pct(rep.AllAgree, rep.Compared))
	fmt.Fprintln(tw)
	fmt.Fprintf(tw, "time (-j %d)\tnative %.3f s, water %.3f s: water/native = %.1fx\n", rep.Threads, rep.NativeSecs, rep.WaterSecs, rep.SpeedRatio)
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Differences) > 0 {
		fmt.Fprintln(out, "\nDIFFERENCES (water minus native: records)")
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
		fmt.Fprintln(out, "\nDISAGREEING RECORDS")
		n := 0
		for _, p := range rep.RecordList {
			if p.Agree {
				continue
			}
			if n++; n > maxListed {
				fmt.Fprintf(out, "  ... and %d more (use --json)\n", rep.Compared-rep.AllAgree-maxListed)
				break
			}
			fmt.Fprintf(out, "  %s #%d %s: %s\n", p.QueryFile, p.QueryIndex, p.QueryID, strings.Join(p.Differs, ", "))
		}
	}
	verdict := fmt.Sprintf("\nverdict: AGREE: native (kernel %s) and water are identical on all %d records, every field\n", rep.Native.Kernel, rep.Compared)
	if rep.Verdict != "agree" {
		verdict = fmt.Sprintf("\nverdict: DISAGREE: %d of %d records differ\n", rep.Compared-rep.AllAgree, rep.Compared)
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
