package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/report"
	"github.com/wtalign/wtalign/variant"
)

type scoringOrErr struct {
	sc  *aligner.Scoring
	err error
}

// scoring is the record's matrix and gap penalties in aligner form.
func (v *verifier) scoring(e report.Engine) (*aligner.Scoring, error) {
	key := fmt.Sprintf("%s\x00%g\x00%g", e.Matrix, e.GapOpen, e.GapExtend)
	if s, ok := v.scorings[key]; ok {
		return s.sc, s.err
	}
	s := &scoringOrErr{}
	m, err := aligner.LoadMatrix(e.Matrix)
	if err == nil {
		s.sc, err = aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: e.GapOpen, GapExtend: e.GapExtend})
	}
	s.err = err
	v.scorings[key] = s
	return s.sc, s.err
}

// embossPercent is water's "(pct%)": 100*n/len in single precision,
// printed with one decimal.
func embossPercent(n, length int) float64 {
	if length == 0 {
		return 0
	}
	p := float32(100) * float32(n) / float32(length)
	v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(p), 'f', 1, 32), 64)
	return v
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// markup is water's match line: '|' identity, ':' positive score, '.'
// other pair, ' ' for gaps and any column holding X or '*'.
func markup(sc *aligner.Scoring, ref, qry []byte) string {
	m := sc.Matrix
	b := make([]byte, len(ref))
	for i := range ref {
		r, q := ref[i], qry[i]
		cr, cq := m.Code(r), m.Code(q)
		switch {
		case r == aligner.Gap || q == aligner.Gap || xOrStop(r) || xOrStop(q):
			b[i] = ' '
		case cr != 0 && cr == cq:
			b[i] = '|'
		case m.Score(cr, cq) > 0:
			b[i] = ':'
		default:
			b[i] = '.'
		}
	}
	return string(b)
}

func xOrStop(c byte) bool { return c == 'X' || c == 'x' || c == '*' }

// cigar describes the columns relative to the reference (M pair, I query
// residue against a reference gap, D reference residue against a query gap).
func cigar(ref, qry []byte) string {
	var b strings.Builder
	var op byte
	n := 0
	for i := range ref {
		c := byte('M')
		switch {
		case ref[i] == aligner.Gap:
			c = 'I'
		case qry[i] == aligner.Gap:
			c = 'D'
		}
		if c != op && n > 0 {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte(op)
			n = 0
		}
		op = c
		n++
	}
	if n > 0 {
		b.WriteString(strconv.Itoa(n))
		b.WriteByte(op)
	}
	return b.String()
}

func ungap(s []byte) []byte {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		if c != aligner.Gap {
			out = append(out, c)
		}
	}
	return out
}

// seqSHA256 is the sha256 of the upper-cased sequence, as records carry it.
func seqSHA256(s []byte) string {
	u := bytes.ToUpper(s)
	sum := sha256.Sum256(u)
	return hex.EncodeToString(sum[:])
}

func fnum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// alignment checks a record's alignment section and, when the sequences
// are at hand, its calls.
func (v *verifier) alignment(rec *report.Record, base Failure) {
	a, ref := rec.Alignment, rec.Reference
	bad := func(check, field, stored, recomputed, msg string) {
		f := base
		f.Check, f.Field, f.Stored, f.Recomputed, f.Message = check, field, stored, recomputed, msg
		v.fail(f)
	}
	ar, aq := []byte(a.AlignedReference), []byte(a.AlignedQuery)
	if len(ar) != len(aq) || len(ar) == 0 {
		bad(CheckStatistics, "alignment.aligned_query", strconv.Itoa(len(aq))+" columns", strconv.Itoa(len(ar))+" columns (aligned_reference)", "the aligned strings must have the same length")
		return
	}
	sc, err := v.scoring(rec.Engine)
	if err != nil {
		v.skip(CheckScore, fmt.Sprintf("matrix %s with gap penalties %g/%g cannot be loaded: %v", rec.Engine.Matrix, rec.Engine.GapOpen, rec.Engine.GapExtend, err), 1)
		v.skip(CheckStatistics, "matrix "+rec.Engine.Matrix+" cannot be loaded", 1)
		return
	}
	v.fr.Checked[CheckScore]++
	score, err := sc.PathScore(ar, aq)
	switch {
	case err != nil:
		bad(CheckScore, "alignment.score", fnum(a.Score), "", err.Error())
	case ref.Length == 1 || rec.Query.Length == 1:
		// water reports no score for a single residue; the record holds 0.
	case sc.Float(score) != a.Score:
		bad(CheckScore, "alignment.score", fnum(a.Score), fnum(sc.Float(score)),
			fmt.Sprintf("rescored with %s, gap open %g, extend %g", rec.Engine.Matrix, rec.Engine.GapOpen, rec.Engine.GapExtend))
	}

	v.fr.Checked[CheckStatistics]++
	st := sc.Stats(&aligner.Alignment{AlignedRef: ar, AlignedQuery: aq})
	nr, nq := len(ungap(ar)), len(ungap(aq))
	ints := []struct {
		field         string
		stored, recal int
	}{
		{"alignment.length", a.Length, st.Length},
		{"alignment.identities", a.Identities, st.Identity},
		{"alignment.similarity", a.Similarity, st.Similarity},
		{"alignment.gaps", a.Gaps, st.Gaps},
		{"alignment.reference_end", a.ReferenceEnd, a.ReferenceStart + nr - 1},
		{"alignment.query_end", a.QueryEnd, a.QueryStart + nq - 1},
	}
	for _, c := range ints {
		if c.stored != c.recal {
			bad(CheckStatistics, c.field, strconv.Itoa(c.stored), strconv.Itoa(c.recal), "from the aligned strings")
		}
	}
	if a.ReferenceStart < 1 || a.ReferenceStart+nr-1 > ref.Length {
		bad(CheckStatistics, "alignment.reference_start", strconv.Itoa(a.ReferenceStart), "", fmt.Sprintf("the aligned region %d-%d does not fit the reference length %d", a.ReferenceStart, a.ReferenceStart+nr-1, ref.Length))
	}
	if a.QueryStart < 1 || a.QueryStart+nq-1 > rec.Query.Length {
		bad(CheckStatistics, "alignment.query_start", strconv.Itoa(a.QueryStart), "", fmt.Sprintf("the aligned region %d-%d does not fit the query length %d", a.QueryStart, a.QueryStart+nq-1, rec.Query.Length))
	}
	floats := []struct {
		field         string
		stored, recal float64
	}{
		{"alignment.percent_identity", a.PercentIdentity, embossPercent(st.Identity, st.Length)},
		{"alignment.percent_similarity", a.PercentSimilarity, embossPercent(st.Similarity, st.Length)},
		{"alignment.percent_gaps", a.PercentGaps, embossPercent(st.Gaps, st.Length)},
		{"alignment.percent_identity_over_reference", a.PercentIdentityOverReference, round2(100 * float64(st.Identity) / float64(max(ref.Length, 1)))},
		{"alignment.reference_coverage", a.ReferenceCoverage, round2(100 * float64(nr) / float64(max(ref.Length, 1)))},
		{"alignment.query_coverage", a.QueryCoverage, round2(100 * float64(nq) / float64(max(rec.Query.Length, 1)))},
	}
	for _, c := range floats {
		if c.stored != c.recal {
			bad(CheckStatistics, c.field, fnum(c.stored), fnum(c.recal), "from the aligned strings")
		}
	}
	if m := markup(sc, ar, aq); m != a.Match {
		bad(CheckStatistics, "alignment.match", firstDiff(a.Match, m), firstDiff(m, a.Match), "water's markup line from the aligned strings")
	}
	if c := cigar(ar, aq); c != a.CIGAR {
		bad(CheckStatistics, "alignment.cigar", a.CIGAR, c, "from the aligned strings")
	}
	v.sequencesAndCalls(rec, ar, aq, base, bad)
}

// firstDiff shows a around the first column where it differs from b.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo, hi := max(i-5, 0), min(i+6, len(a))
	return fmt.Sprintf("column %d: %q", i+1, a[lo:hi])
}

// Flags variant.Call decides itself; every other stored flag came from
// the caller (the pipeline) and is passed through.
var callFlags = map[string]bool{
	report.FlagPartialN: true, report.FlagPartialC: true, report.FlagInternalStop: true,
	report.FlagDivergentCTail: true, report.FlagAmbiguousResidues: true, report.FlagNonstandardResidues: true,
	report.FlagNTerminalOverhang: true, report.FlagCTerminalOverhang: true, report.FlagTerminalStopStripped: true,
}

// callStatuses are the statuses variant.Call sets; other statuses of an
// aligned record (low_quality, and whatever the pipeline adds) are the
// pipeline's decision and are not re-derived.
var callStatuses = map[string]bool{
	report.StatusWildtype: true, report.StatusMutant: true, report.StatusAmbiguous: true,
	report.StatusPartial: true, report.StatusTruncated: true,
}

func (v *verifier) sequencesAndCalls(rec *report.Record, ar, aq []byte, base Failure, bad func(check, field, stored, recomputed, msg string)) {
	ref := rec.Reference
	a := rec.Alignment
	var refSeq []byte
	v.fr.Checked[CheckSequences]++ // the query's sha256 at least, or the reference's
	if v.refs != nil {
		refSeq = v.refs[ref.ID]
		if refSeq == nil {
			bad(CheckSequences, "reference.id", ref.ID, "", "not in the reference FASTA "+v.opt.References)
			return
		}
		if got := seqSHA256(refSeq); got != ref.SHA256 {
			bad(CheckSequences, "reference.sha256", ref.SHA256, got, "of "+ref.ID+" in "+v.opt.References+": a different reference")
			return
		}
		if len(refSeq) != ref.Length {
			bad(CheckSequences, "reference.length", strconv.Itoa(ref.Length), strconv.Itoa(len(refSeq)), "")
			return
		}
		lo, hi := a.ReferenceStart-1, a.ReferenceStart-1+len(ungap(ar))
		if lo < 0 || hi > len(refSeq) || !bytes.EqualFold(refSeq[lo:hi], ungap(ar)) {
			bad(CheckSequences, "alignment.aligned_reference", firstDiff(string(ungap(ar)), string(refSeq[max(lo, 0):min(hi, len(refSeq))])), "", "the aligned reference letters are not the reference's residues there")
			return
		}
	}
	if v.queries.cds {
		// The record holds the translations; the calls also come from the
		// coding sequences (codons, frameshifts), which verify does not
		// translate again.
		v.skip(CheckCalls, "CDS input (--input-type cds): the calls were made from the coding sequences", 1)
		return
	}
	// The query: the aligned letters are the whole query when the
	// alignment covers it; otherwise it comes from the run's input FASTA.
	var query []byte
	if a.QueryStart == 1 && a.QueryEnd == rec.Query.Length {
		query = ungap(aq)
	} else {
		q, why := v.queries.get(rec.InputFile, rec.Query.Index)
		if q == nil {
			if v.refs != nil && rec.Status != report.StatusLowQuality {
				v.skip(CheckCalls, "the alignment does not cover the whole query and "+why, 1)
			}
			return
		}
		query = q
		lo, hi := a.QueryStart-1, a.QueryStart-1+len(ungap(aq))
		if lo < 0 || hi > len(query) || !bytes.EqualFold(query[lo:hi], ungap(aq)) {
			bad(CheckSequences, "alignment.aligned_query", firstDiff(string(ungap(aq)), string(query[max(lo, 0):min(hi, len(query))])), "", "the aligned query letters are not the query's residues there")
			return
		}
	}
	if got := seqSHA256(query); got != rec.Query.SHA256 {
		bad(CheckSequences, "query.sha256", rec.Query.SHA256, got, "of the query as the alignment shows it: an aligned residue or the query changed")
		return
	}
	if rec.Status == report.StatusHomolog && len(rec.Mutations) > 0 {
		bad(CheckCalls, "mutations", strconv.Itoa(len(rec.Mutations)), "0", "a homolog record has no calls")
	}
	if refSeq == nil || rec.Status == report.StatusLowQuality || rec.Status == report.StatusHomolog {
		return // no calls made: nothing to re-derive
	}
	v.calls(rec, refSeq, query, base, bad)
}

// calls re-derives the calls with variant.Call, as the pipeline makes
// them, and compares every part of the result.
func (v *verifier) calls(rec *report.Record, refSeq, query []byte, base Failure, bad func(check, field, stored, recomputed, msg string)) {
	a := rec.Alignment
	var passFlags []string
	for _, f := range rec.Flags {
		if !callFlags[f] {
			passFlags = append(passFlags, f)
		}
	}
	stripped := slices.Contains(rec.Flags, report.FlagTerminalStopStripped)
	in := variant.Input{
		Gene: rec.Reference.Gene, Ref: refSeq, Query: query,
		Aln: &aligner.Alignment{
			RefStart: a.ReferenceStart - 1, RefEnd: a.ReferenceEnd - 1, QueryStart: a.QueryStart - 1, QueryEnd: a.QueryEnd - 1,
			AlignedRef: []byte(a.AlignedReference), AlignedQuery: []byte(a.AlignedQuery),
		},
		RefEndsWithStop:           true,
		QueryEndsAtStop:           stripped || v.queries.completeProteins,
		QueryTerminalStopStripped: stripped,
		QueryFlags:                passFlags,
	}
	res, err := variant.Call(in)
	v.fr.Checked[CheckCalls]++
	if err != nil {
		bad(CheckCalls, "mutations", "", "", "the calls cannot be re-derived: "+err.Error())
		return
	}
	if callStatuses[rec.Status] && res.Status != rec.Status {
		bad(CheckCalls, "status", rec.Status, res.Status, "")
	}
	if s, r := strings.Join(rec.Flags, ","), strings.Join(res.Flags, ","); s != r {
		bad(CheckCalls, "flags", s, r, "")
	}
	for i := 0; i < max(len(rec.Mutations), len(res.Mutations)); i++ {
		var s, r string
		var sj, rj []byte
		if i < len(rec.Mutations) {
			s = rec.Mutations[i].Short
			sj, _ = json.Marshal(callOnly(rec.Mutations[i]))
		}
		if i < len(res.Mutations) {
			r = res.Mutations[i].Short
			rj, _ = json.Marshal(res.Mutations[i])
		}
		if !bytes.Equal(sj, rj) {
			msg := ""
			if s == r {
				msg = "same name, other fields differ: stored " + string(sj) + ", recomputed " + string(rj)
			}
			bad(CheckCalls, fmt.Sprintf("mutations[%d]", i), orNone(s), orNone(r), msg)
		}
	}
	if sj, rj := mustJSON(rec.Truncation), mustJSON(res.Truncation); sj != rj {
		bad(CheckCalls, "truncation", sj, rj, "")
	}
	if s, r := regions(rec.NotCovered), regions(res.NotCovered); s != r {
		bad(CheckCalls, "not_covered", s, r, "")
	}
	if rec.NTerminalOverhang != res.NTerminalOverhang {
		bad(CheckCalls, "n_terminal_overhang", strconv.Itoa(rec.NTerminalOverhang), strconv.Itoa(res.NTerminalOverhang), "")
	}
	if rec.CTerminalOverhang != res.CTerminalOverhang {
		bad(CheckCalls, "c_terminal_overhang", strconv.Itoa(rec.CTerminalOverhang), strconv.Itoa(res.CTerminalOverhang), "")
	}
	if len(rec.Sites) > 0 {
		pos := make([]int, len(rec.Sites))
		stored := make([]report.Site, len(rec.Sites))
		for i, s := range rec.Sites {
			pos[i] = s.RefPos
			stored[i] = siteOnly(s)
		}
		sites, err := res.Sites(refSeq, pos)
		sj, _ := json.Marshal(stored)
		rj, _ := json.Marshal(sites)
		if err != nil || !bytes.Equal(sj, rj) {
			bad(CheckCalls, "sites", string(sj), string(rj), "")
		}
	}
}

// callOnly is a call without what the catalogs added (verdict, matches):
// the part variant.Call re-derives from the alignment.
func callOnly(m report.Mutation) report.Mutation {
	m.Verdict, m.Catalog = "", nil
	return m
}

// siteOnly is a site state as variant computes it: the catalog's
// known_mutant/other_mutant is a mutant site, without its entry names.
func siteOnly(s report.Site) report.Site {
	if s.State == report.SiteKnownMutant || s.State == report.SiteOtherMutant {
		s.State = report.SiteMutant
	}
	s.Entries = nil
	return s
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func regions(rs []report.Region) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%d-%d", r.Start, r.End)
	}
	return strings.Join(parts, ";")
}

// loadReferences reads the reference FASTA as the pipeline does.
func loadReferences(path string) (map[string][]byte, error) {
	recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Reference})
	if err != nil {
		return nil, fmt.Errorf("verify: reference: %w", err)
	}
	m := make(map[string][]byte, len(recs))
	for _, r := range recs {
		m[r.ID] = r.Seq
	}
	return m, nil
}

// querySource reads queries from the run's input FASTA files (listed in
// the manifest), only when a record needs one, and only from files whose
// size and sha256 are still those the manifest recorded.
type querySource struct {
	out              *Output
	completeProteins bool
	allowNucleotide  bool
	cds              bool                  // --input-type cds: queries and references are coding sequences
	files            map[string]*queryFile // input_file as recorded -> its queries
}

type queryFile struct {
	seqs map[int][]byte // 1-based record index -> cleaned sequence
	why  string         // why there are none
}

func newQuerySource(o *Output) *querySource {
	q := &querySource{out: o, files: map[string]*queryFile{}}
	if o.Manifest != nil {
		var cfg struct {
			CompleteProteins bool   `json:"complete_proteins"`
			AllowNucleotide  bool   `json:"allow_nucleotide"`
			InputType        string `json:"input_type"`
		}
		_ = json.Unmarshal(o.Manifest.Config, &cfg)
		q.completeProteins, q.allowNucleotide, q.cds = cfg.CompleteProteins, cfg.AllowNucleotide, cfg.InputType == "cds"
	}
	return q
}

func (q *querySource) get(inputFile string, index int) ([]byte, string) {
	f := q.files[inputFile]
	if f == nil {
		f = q.load(inputFile)
		q.files[inputFile] = f
	}
	if f.seqs == nil {
		return nil, f.why
	}
	s := f.seqs[index]
	if s == nil {
		return nil, fmt.Sprintf("%s has no record %d", inputFile, index)
	}
	return s, ""
}

func (q *querySource) load(inputFile string) *queryFile {
	m := q.out.Manifest
	if m == nil {
		return &queryFile{why: "there is no manifest naming the input FASTA"}
	}
	var want *manifest.File
	for i := range m.Inputs {
		if m.Inputs[i].Path == inputFile {
			want = &m.Inputs[i]
		}
	}
	if want == nil || want.Path == "-" {
		return &queryFile{why: "the input " + inputFile + " is not a file the manifest lists"}
	}
	path := want.Path
	if _, err := os.Stat(path); err != nil && !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(q.out.Path), want.Path)
	}
	got, err := manifest.HashFile(path)
	switch {
	case err != nil:
		return &queryFile{why: "the input FASTA " + want.Path + " cannot be read (relative paths are taken from the directory the run was started in, or the output's directory)"}
	case got.Size != want.Size || got.SHA256 != want.SHA256:
		return &queryFile{why: "the input FASTA " + want.Path + " changed since the run (size or sha256)"}
	}
	rd, err := fasta.Open(path, fasta.Options{Role: fasta.Query, AllowNucleotide: q.allowNucleotide})
	if err != nil {
		return &queryFile{why: "the input FASTA " + want.Path + " cannot be read: " + err.Error()}
	}
	defer rd.Close()
	f := &queryFile{seqs: map[int][]byte{}}
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if rec == nil {
			return &queryFile{why: "the input FASTA " + want.Path + " cannot be read: " + err.Error()}
		}
		f.seqs[rec.Index] = rec.Seq
	}
	return f
}
