package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/report"
	"github.com/wtalign/wtalign/variant"
)

// scorer is implemented by engines that can score without a traceback,
// which makes --assign best cheap.
type scorer interface {
	Score(p *aligner.Profile, query []byte) (int64, error)
}

// process turns one query record into its result. It never panics on bad
// input: problems become failed records.
func (job *Job) process(it item, pre map[*Ref]pairResult) Result {
	rec := it.rec
	inputName := rec.File
	if n, ok := job.InputNames[rec.File]; ok {
		inputName = n
	}
	out := &report.Record{
		SchemaVersion: report.SchemaVersion,
		InputFile:     inputName,
		Query: report.Query{
			ID: rec.ID, Description: rec.Description, Length: len(rec.Seq),
			Index: rec.Index, Ordinal: it.ordinal, SHA256: seqHash(rec.Seq),
		},
		Engine:     job.EngineInfo,
		Flags:      []string{},
		Mutations:  []report.Mutation{},
		NotCovered: []report.Region{},
	}
	out.Engine.Assign = job.Assigner.Mode
	res := Result{Ordinal: it.ordinal, Record: out}
	fail := func(status, reason string) Result {
		out.Status, out.Error = status, reason
		res.Failed, res.Reason = true, reason
		return res
	}
	if it.err != nil {
		status, msg := report.StatusError, it.err.Error()
		switch {
		case errors.Is(it.err, fasta.ErrEmptyRecord):
			status = report.StatusEmpty
		case errors.Is(it.err, fasta.ErrNucleotide):
			msg += " (coding sequences: --input-type cds translates them; --allow-nucleotide aligns them as protein letters)"
		}
		return fail(status, msg)
	}
	refs, why := it.refs, it.why
	if refs == nil {
		if job.SkipUnassigned {
			out.Status, out.Error = report.StatusSkipped, why
			res.Skipped, res.Reason = true, why
			return res
		}
		return fail(report.StatusError, why)
	}
	for _, r := range refs {
		res.Cells += int64(len(rec.Seq)) * int64(len(r.Seq))
	}
	ref, tie, err := job.pick(refs, rec.Seq, pre)
	if err != nil {
		return fail(report.StatusError, err.Error())
	}
	var al *aligner.Alignment
	if r, ok := pre[ref]; ok && r.Aln != nil {
		al, out.Engine.FallbackUsed, res.FallbackUsed = r.Aln, r.FallbackUsed, r.FallbackUsed
	} else if al, err = job.Engine.Align(ref.Profile, rec.Seq); err != nil {
		return fail(report.StatusError, fmt.Sprintf("%s engine: %v", job.Engine.Name(), err))
	}
	out.Reference = &report.Reference{ID: ref.ID, Gene: ref.Gene, Length: len(ref.Seq), SHA256: ref.SHA256}
	a := job.alignmentSection(ref, rec, al)
	out.Alignment = a

	if hit, why := job.isHit(a, al, proteinLength(rec.Seq)); !hit {
		if job.Assigner.Mode == AssignBest {
			out.Status = report.StatusNoHit
			out.StatusReason = fmt.Sprintf("best reference %s: %s; not a hit", ref.Gene, why)
			out.BestHit = &report.BestHit{
				ReferenceID: ref.ID, Gene: ref.Gene, Score: a.Score,
				PercentIdentity: a.PercentIdentity, ReferenceCoverage: a.ReferenceCoverage,
			}
			out.Reference, out.Alignment = nil, nil
			res.NoHit = true
			return res
		}
		out.Status = report.StatusLowQuality
		out.StatusReason = fmt.Sprintf("%s; no mutations are called", why)
		return res
	}

	var qflags []string
	if rec.Lowercase {
		qflags = append(qflags, report.FlagLowercaseInput)
	}
	if rec.Removed > 0 {
		qflags = append(qflags, report.FlagRemovedCharacters)
	}
	if rec.TerminalStopStripped {
		qflags = append(qflags, report.FlagTerminalStopStripped)
	}
	if tie {
		qflags = append(qflags, report.FlagTiedReferences)
	}
	if it.copies > 1 {
		qflags = append(qflags, report.FlagMultipleCopies)
		out.CopyIndex = it.copy
	}
	if a.PercentIdentity < job.Thresholds.SameGeneIdentity {
		// Another gene of the same family (a paralog such as AcrD for AcrB,
		// or a distant ortholog): its differences are not variants of this
		// wild type, so none are called.
		out.Status = report.StatusHomolog
		named := ""
		if job.Assigner.Mode != AssignBest {
			named = fmt.Sprintf(" although assigned to %s by %s", ref.Gene, job.Assigner.Mode)
		}
		out.StatusReason = fmt.Sprintf("%.1f%% identity to %s is below the same-gene threshold of %g%% (--same-gene-identity)%s: a homolog or paralog, not a variant of it; no mutations are called",
			a.PercentIdentity, ref.Gene, job.Thresholds.SameGeneIdentity, named)
		out.Flags = orderFlags(qflags)
		return res
	}
	call, err := variant.Call(variant.Input{
		Gene: ref.Gene, Ref: ref.Seq, Query: rec.Seq, Aln: al,
		RefEndsWithStop:           true,
		QueryEndsAtStop:           rec.TerminalStopStripped || job.CompleteProteins,
		QueryTerminalStopStripped: rec.TerminalStopStripped,
		QueryFlags:                qflags,
	})
	if err != nil {
		return fail(report.StatusError, err.Error())
	}
	if job.Code != nil {
		if err := job.codons(&call, ref, rec, it.cds, al, out); err != nil {
			return fail(report.StatusError, err.Error())
		}
	}
	out.Status = call.Status
	out.Truncation = call.Truncation
	out.Flags = call.Flags
	out.Mutations = call.Mutations
	out.NotCovered = call.NotCovered
	out.NTerminalOverhang = call.NTerminalOverhang
	out.CTerminalOverhang = call.CTerminalOverhang
	switch {
	case call.Truncation != nil:
		out.StatusReason = truncationReason(call.Truncation, out.Mutations)
	case call.Status == report.StatusPartial:
		out.StatusReason = partialReason(call.NotCovered, len(ref.Seq))
	}
	if job.Catalog != nil && job.Catalog.Catalogued(ref.ID) {
		if err := job.annotate(out, ref, rec.ID); err != nil {
			return fail(report.StatusError, err.Error())
		}
	}
	return res
}

// annotate gives every call of a catalogued reference its verdict and
// catalog matches, and the record the state of every catalogued site.
// Requirements on other genes stay "unknown" here: they are decided per
// genome (wtalign summarize --catalog), which sees all of its copies.
func (job *Job) annotate(out *report.Record, ref *Ref, queryID string) error {
	ac, err := job.Catalog.AnnotateCopy(catalog.Copy{Query: queryID, Reference: ref.ID, Mutations: out.Mutations, NotCovered: out.NotCovered})
	if err != nil {
		return err
	}
	for i, c := range ac.Calls {
		out.Mutations[i].Verdict = c.Verdict
		for _, m := range c.Matches {
			out.Mutations[i].Catalog = append(out.Mutations[i].Catalog, m.Record())
		}
	}
	for _, st := range ac.Sites {
		out.Sites = append(out.Sites, st.Record())
	}
	out.CataloguedBy = job.Catalog.Labels(ref.ID)
	return nil
}

// codons adds codon changes to the calls of a CDS query, lists its
// synonymous changes, and turns a frameshift's tail of substitutions into
// one frameshift call (Y253CfsTer5), which truncates the protein there.
func (job *Job) codons(call *variant.Result, ref *Ref, rec *fasta.Record, cds []byte, al *aligner.Alignment, out *report.Record) error {
	cr, err := variant.CallCodons(variant.CodonInput{RefCDS: ref.CDS, QueryCDS: cds, Ref: ref.Seq, Query: rec.Seq, Aln: al, Result: *call, Code: job.Code})
	if err != nil {
		return err
	}
	muts := make([]report.Mutation, len(cr.Calls))
	for i, c := range cr.Calls {
		m := c.Mutation
		m.RefCodons, m.QueryCodons, m.CodonChange = c.RefCodons, c.QueryCodons, c.CodonChange
		muts[i] = m
	}
	call.Mutations = muts
	for _, c := range cr.Synonymous {
		m := c.Mutation
		m.RefCodons, m.QueryCodons, m.CodonChange = c.RefCodons, c.QueryCodons, c.CodonChange
		out.Synonymous = append(out.Synonymous, m)
	}
	if cr.Frameshift >= 0 {
		fs := cr.Calls[cr.Frameshift]
		t := &report.Truncation{Position: fs.RefStart, ReferenceLength: len(ref.Seq), Evidence: report.EvidenceFrameshift}
		if fs.Type == report.TypeNonsense {
			t.Evidence = report.EvidenceStop
		}
		call.Truncation, call.Status = t, report.StatusTruncated
	}
	return nil
}

// orderFlags lists caller flags in the vocabulary's order.
func orderFlags(fs []string) []string {
	out := []string{}
	for _, f := range report.FlagOrder {
		if slices.Contains(fs, f) {
			out = append(out, f)
		}
	}
	return out
}

func truncationReason(t *report.Truncation, muts []report.Mutation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "truncated at reference position %d of %d: ", t.Position, t.ReferenceLength)
	switch t.Evidence {
	case report.EvidenceStop:
		b.WriteString("premature stop")
		for _, m := range muts {
			if m.Type == report.TypeNonsense && m.RefStart == t.Position {
				fmt.Fprintf(&b, " (%s)", m.Short)
				break
			}
		}
	case report.EvidenceEndsAtStop:
		b.WriteString("the complete translation ends here, before the reference end")
	case report.EvidenceFrameshiftLike:
		b.WriteString("the alignment ends here and the query goes on for a short divergent tail, as after a frameshift")
	case report.EvidenceFrameshift:
		b.WriteString("a frameshift")
		for _, m := range muts {
			if m.Type == report.TypeFrameshift {
				fmt.Fprintf(&b, " (%s, %s)", m.Short, m.CodonChange)
				break
			}
		}
	}
	if t.CallsAfterStop > 0 {
		fmt.Fprintf(&b, "; %d call(s) after the stop are read-through (after_premature_stop), not counted", t.CallsAfterStop)
	}
	return b.String()
}

func partialReason(nc []report.Region, n int) string {
	parts := make([]string, len(nc))
	for i, r := range nc {
		parts[i] = fmt.Sprintf("%d-%d", r.Start, r.End)
	}
	return fmt.Sprintf("the alignment does not cover reference residues %s of %d (a fragment or a contig end; no evidence of a stop)", strings.Join(parts, ", "), n)
}

// pick returns the reference to align to: the only candidate, or the one
// with the best water score (ties go to the earlier reference).
func (job *Job) pick(refs []*Ref, q []byte, pre map[*Ref]pairResult) (*Ref, bool, error) {
	for _, r := range refs {
		if p, ok := pre[r]; ok && p.Err != nil {
			return nil, false, fmt.Errorf("%s engine: %w", job.Engine.Name(), p.Err)
		}
	}
	if len(refs) == 1 {
		return refs[0], false, nil
	}
	sc, ok := job.Engine.(scorer)
	scores := make([]int64, len(refs))
	for i, r := range refs {
		if p, done := pre[r]; done && p.Scored {
			scores[i] = p.Score
			continue
		}
		var err error
		if ok {
			scores[i], err = sc.Score(r.Profile, q)
		} else {
			var al *aligner.Alignment
			if al, err = job.Engine.Align(r.Profile, q); err == nil {
				scores[i] = al.Score
			}
		}
		if err != nil {
			return nil, false, fmt.Errorf("%s engine: %w", job.Engine.Name(), err)
		}
	}
	best, tie := bestOf(scores)
	return refs[best], tie, nil
}

// bestOf is the index of the highest score, the earliest on ties, and
// whether another score equals it.
func bestOf(scores []int64) (int, bool) {
	best, tie := 0, false
	for i, s := range scores[1:] {
		switch {
		case s > scores[best]:
			best, tie = i+1, false
		case s == scores[best]:
			tie = true
		}
	}
	return best, tie
}

// isHit applies the thresholds; why says what failed, in words. Under
// name and map a named fragment is a hit whatever its coverage (reported as
// partial). Under best a query must also cover --min-ref-coverage of the
// reference, unless it is the same gene (--same-gene-identity) aligned over
// most of its own length: a truncated or disrupted copy of the wild type,
// whose loss of function must not vanish as no_hit.
func (job *Job) isHit(a *report.Alignment, al *aligner.Alignment, protLen int) (bool, string) {
	t := job.Thresholds
	if al.Score == aligner.NoScore {
		return false, "no score (a one-residue sequence)"
	}
	if a.PercentIdentity < t.MinIdentity || a.Score < t.MinScore {
		return false, fmt.Sprintf("%.1f%% identity, score %g (needs --min-identity %g and --min-score %g)", a.PercentIdentity, a.Score, t.MinIdentity, t.MinScore)
	}
	if job.Assigner.Mode != AssignBest || a.ReferenceCoverage >= t.MinRefCoverage {
		return true, ""
	}
	aligned := a.QueryEnd - a.QueryStart + 1
	if a.PercentIdentity >= t.SameGeneIdentity && 100*float64(aligned) >= minQueryCoverageDisrupted*float64(protLen) {
		return true, ""
	}
	return false, fmt.Sprintf("%.1f%% identity over %.1f%% of the reference (needs --min-ref-coverage %g, or --same-gene-identity %g over %g%% of the query)",
		a.PercentIdentity, a.ReferenceCoverage, t.MinRefCoverage, t.SameGeneIdentity, minQueryCoverageDisrupted)
}

// proteinLength is the length of the protein a query encodes: up to its
// first stop, for a translation read through a premature stop (what comes
// after is not protein and must not count against it).
func proteinLength(q []byte) int {
	if i := bytes.IndexByte(q, '*'); i >= 0 {
		return max(i, 1)
	}
	return len(q)
}

// minQueryCoverageDisrupted is how much of itself a same-gene query with
// low reference coverage must align: a truncated gene aligns nearly all of
// its residues, a chance local match within another protein does not.
const minQueryCoverageDisrupted = 50.0

// alignmentSection computes water's statistics and our coverage figures.
func (job *Job) alignmentSection(ref *Ref, rec *fasta.Record, al *aligner.Alignment) *report.Alignment {
	sc := job.Scoring
	st := sc.Stats(al)
	a := &report.Alignment{
		Length: st.Length, Identities: st.Identity, Similarity: st.Similarity, Gaps: st.Gaps,
		PercentIdentity:              embossPercent(st.Identity, st.Length),
		PercentSimilarity:            embossPercent(st.Similarity, st.Length),
		PercentGaps:                  embossPercent(st.Gaps, st.Length),
		PercentIdentityOverReference: round2(100 * float64(st.Identity) / float64(len(ref.Seq))),
		ReferenceStart:               al.RefStart + 1,
		ReferenceEnd:                 al.RefEnd + 1,
		QueryStart:                   al.QueryStart + 1,
		QueryEnd:                     al.QueryEnd + 1,
		ReferenceCoverage:            round2(100 * float64(al.RefEnd-al.RefStart+1) / float64(len(ref.Seq))),
		QueryCoverage:                round2(100 * float64(al.QueryEnd-al.QueryStart+1) / float64(len(rec.Seq))),
		AlignedReference:             string(al.AlignedRef),
		Match:                        MatchLine(sc, al),
		AlignedQuery:                 string(al.AlignedQuery),
		CIGAR:                        CIGAR(al),
	}
	if al.Score != aligner.NoScore {
		a.Score = sc.Float(al.Score)
	}
	return a
}

// embossPercent reproduces water's "(pct%)": 100*n/len in single
// precision, printed with one decimal.
func embossPercent(n, length int) float64 {
	if length == 0 {
		return 0
	}
	p := float32(100) * float32(n) / float32(length)
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(p), 'f', 1, 32), 64)
	return v
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// MatchLine is water's markup line: '|' identity, ':' positive score, '.'
// other pair, ' ' for gaps and for any column holding X or '*'.
func MatchLine(sc *aligner.Scoring, al *aligner.Alignment) string {
	m := sc.Matrix
	var b strings.Builder
	b.Grow(len(al.AlignedRef))
	for i := range al.AlignedRef {
		r, q := al.AlignedRef[i], al.AlignedQuery[i]
		switch {
		case r == aligner.Gap || q == aligner.Gap || isXStop(r) || isXStop(q):
			b.WriteByte(' ')
		case m.Code(r) != 0 && m.Code(r) == m.Code(q):
			b.WriteByte('|')
		case m.Score(m.Code(r), m.Code(q)) > 0:
			b.WriteByte(':')
		default:
			b.WriteByte('.')
		}
	}
	return b.String()
}

func isXStop(c byte) bool { return c == 'X' || c == 'x' || c == '*' }

// CIGAR describes the alignment relative to the reference: M a residue
// pair, I a query residue against a reference gap, D a reference residue
// against a query gap.
func CIGAR(al *aligner.Alignment) string {
	var b strings.Builder
	var op byte
	n := 0
	flush := func() {
		if n > 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(op)
		}
	}
	for i := range al.AlignedRef {
		c := byte('M')
		switch {
		case al.AlignedRef[i] == aligner.Gap:
			c = 'I'
		case al.AlignedQuery[i] == aligner.Gap:
			c = 'D'
		}
		if c != op {
			flush()
			op, n = c, 0
		}
		n++
	}
	flush()
	return b.String()
}
