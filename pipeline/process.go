package pipeline

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/aligner"
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
	out := &report.Record{
		SchemaVersion: report.SchemaVersion,
		InputFile:     rec.File,
		Query: report.Query{
			ID: rec.ID, Description: rec.Description, Length: len(rec.Seq),
			Index: rec.Index, Ordinal: it.ordinal, SHA256: seqHash(rec.Seq),
		},
		Engine:     job.EngineInfo,
		Flags:      []string{},
		Mutations:  []variant.Mutation{},
		NotCovered: []variant.Region{},
	}
	out.Engine.Assign = job.Assigner.Mode
	res := Result{Ordinal: it.ordinal, Record: out}
	fail := func(status, reason string) Result {
		out.Status, out.Error = status, reason
		res.Failed, res.Reason = true, reason
		return res
	}
	if it.err != nil {
		status := variant.StatusError
		if errors.Is(it.err, fasta.ErrEmptyRecord) {
			status = variant.StatusEmpty
		}
		return fail(status, it.err.Error())
	}
	refs, why := it.refs, it.why
	if refs == nil {
		if job.SkipUnassigned {
			out.Status, out.Error = StatusSkipped, why
			res.Skipped, res.Reason = true, why
			return res
		}
		return fail(variant.StatusError, why)
	}
	ref, tie, err := job.pick(refs, rec.Seq, pre)
	if err != nil {
		return fail(variant.StatusError, err.Error())
	}
	var al *aligner.Alignment
	if r, ok := pre[ref]; ok && r.Aln != nil {
		al, out.Engine.FallbackUsed, res.FallbackUsed = r.Aln, r.FallbackUsed, r.FallbackUsed
	} else if al, err = job.Engine.Align(ref.Profile, rec.Seq); err != nil {
		return fail(variant.StatusError, fmt.Sprintf("%s engine: %v", job.Engine.Name(), err))
	}
	out.Reference = &report.Reference{ID: ref.ID, Gene: ref.Gene, Length: len(ref.Seq), SHA256: ref.SHA256}
	out.Alignment = job.alignmentSection(ref, rec, al)

	if !job.passes(out.Alignment, al) {
		if job.Assigner.Mode == AssignBest {
			out.Status = variant.StatusNoHit
			out.BestHit = &report.BestHit{
				ReferenceID: ref.ID, Gene: ref.Gene, Score: out.Alignment.Score,
				PercentIdentity: out.Alignment.PercentIdentity, ReferenceCoverage: out.Alignment.ReferenceCoverage,
			}
			out.Reference, out.Alignment = nil, nil
			res.NoHit = true
			return res
		}
		out.Status = variant.StatusLowQuality
		return res
	}

	var qflags []string
	if rec.Lowercase {
		qflags = append(qflags, variant.FlagLowercaseInput)
	}
	if rec.Removed > 0 {
		qflags = append(qflags, variant.FlagRemovedCharacters)
	}
	if tie {
		qflags = append(qflags, FlagTiedReferences)
	}
	if it.copies > 1 {
		qflags = append(qflags, variant.FlagMultipleCopies)
		out.CopyIndex = it.copy
	}
	call, err := variant.Call(variant.Input{
		Gene: ref.Gene, Ref: ref.Seq, Query: rec.Seq, Aln: al,
		RefEndsWithStop:           true,
		QueryEndsAtStop:           rec.TerminalStopStripped || job.CompleteProteins,
		QueryTerminalStopStripped: rec.TerminalStopStripped,
		QueryFlags:                qflags,
	})
	if err != nil {
		return fail(variant.StatusError, err.Error())
	}
	out.Status = call.Status
	out.Flags = call.Flags
	out.Mutations = call.Mutations
	out.NotCovered = call.NotCovered
	out.NTerminalOverhang = call.NTerminalOverhang
	out.CTerminalOverhang = call.CTerminalOverhang
	if out.Flags == nil {
		out.Flags = []string{}
	}
	if out.Mutations == nil {
		out.Mutations = []variant.Mutation{}
	}
	if out.NotCovered == nil {
		out.NotCovered = []variant.Region{}
	}
	if ps := job.Sites[ref.ID]; len(ps) > 0 {
		if out.Sites, err = call.Sites(ref.Seq, ps); err != nil {
			return fail(variant.StatusError, err.Error())
		}
	}
	return res
}

// StatusSkipped marks a query with no reference under --skip-unassigned.
const StatusSkipped = "skipped"

// FlagTiedReferences marks a best-mode query whose best score was shared
// by several references (the first in the reference file is used).
const FlagTiedReferences = "tied_references"

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

func (job *Job) passes(a *report.Alignment, al *aligner.Alignment) bool {
	t := job.Thresholds
	if al.Score == aligner.NoScore {
		return false
	}
	if a.PercentIdentity < t.MinIdentity || a.Score < t.MinScore {
		return false
	}
	// Coverage only decides hits in a scan: a query named as the gene may
	// be a fragment, which is reported as partial with its calls.
	return job.Assigner.Mode != AssignBest || a.ReferenceCoverage >= t.MinRefCoverage
}

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
