package variant

import (
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/aligner"
)

// MaxDivergentTail is the longest unaligned C-terminal query tail that still
// counts as a divergent tail (frameshift-like truncation) rather than a
// partial alignment. After a frameshift the new frame meets a stop codon
// with probability about 3/64 per codon, so 95% of frameshifted tails end
// within 62 residues (OmpK35 R60LfsTer31 adds 30): 60 keeps nearly all of
// them while a query that goes on much longer is a different protein end.
const MaxDivergentTail = 60

// Input is one query aligned to one reference.
type Input struct {
	Gene  string // gene key used in report.Mutation.Name (gyrA -> gyrA_S83L); may be empty
	Ref   []byte // the full reference protein as given to the engine
	Query []byte // the full cleaned query as given to the engine
	Aln   *aligner.Alignment
	// RefEndsWithStop says the reference ends at its true stop codon (true
	// for normal wild-type references), so a longer query is an extension.
	RefEndsWithStop bool
	// QueryEndsAtStop says the query's translation ended at a stop codon
	// (complete gene-caller proteins). It makes an early query end a
	// nonsense call and fixes an extension's length.
	QueryEndsAtStop bool
	// QueryTerminalStopStripped says the caller removed one trailing '*'; it
	// implies QueryEndsAtStop and sets the terminal_stop_stripped flag.
	QueryTerminalStopStripped bool
	// QueryFlags are passed through to Result.Flags (lowercase_input,
	// removed_characters, multiple_copies, ...).
	QueryFlags []string
}

// Result is the outcome of Call. Slices are never nil, so JSON shows [].
type Result struct {
	Status     string            `json:"status"`
	Flags      []string          `json:"flags"`
	Mutations  []report.Mutation `json:"mutations"`
	NotCovered []report.Region   `json:"not_covered"`
	// NTerminalOverhang counts unaligned query residues before the aligned
	// region when the reference start is covered (0 otherwise).
	NTerminalOverhang int `json:"n_terminal_overhang"`
	// CTerminalOverhang counts unaligned query residues after the aligned
	// region (a terminal '*' excluded) when the reference end is covered.
	CTerminalOverhang int `json:"c_terminal_overhang"`
	// Truncation is set when Status is truncated: where and why.
	Truncation *report.Truncation `json:"truncation,omitempty"`
}

// HasFlag reports whether r carries flag f.
func (r Result) HasFlag(f string) bool { return slices.Contains(r.Flags, f) }

// Call calls the mutations of in.Query against in.Ref from in.Aln.
func Call(in Input) (Result, error) {
	a, err := prepare(in)
	if err != nil {
		return Result{Status: report.StatusError, Flags: []string{}, Mutations: []report.Mutation{}, NotCovered: []report.Region{}}, err
	}
	c := &caller{in: in, a: a, flags: map[string]bool{}}
	sc := scratchPool.Get().(*scratch)
	c.scratch = sc
	c.run()
	res := c.result()
	c.scratch = nil
	scratchPool.Put(sc)
	return res, nil
}

// scratch is a call's working memory that no result keeps: column kinds,
// the identical-column maps and the name buffer. Calls reuse it.
type scratch struct {
	kinds []uint8 // column kinds (col*)
	// refMatch[r] is the query position aligned to reference position r in
	// an identical column, or -1; qryMatch is the reverse map. They bound
	// 3' shifting to identical columns.
	refMatch, qryMatch []int
	name               []byte // point's name buffer
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// grow returns s resized to n elements, each set to v.
func grow[T uint8 | int](s []T, n int, v T) []T {
	if cap(s) < n {
		s = make([]T, n)
	}
	s = s[:n]
	for i := range s {
		s[i] = v
	}
	return s
}

// span is the alignment reduced to what calling needs: columns plus the
// 0-based inclusive coordinates they cover, without leading or trailing
// gap columns (water can leave those in rare tie cases; they align nothing).
type span struct {
	ref, qry                   []byte // column letters
	rStart, rEnd, qStart, qEnd int
}

func prepare(in Input) (span, error) {
	al := in.Aln
	switch {
	case al == nil:
		return span{}, fmt.Errorf("variant: no alignment")
	case len(in.Ref) == 0:
		return span{}, fmt.Errorf("variant: empty reference")
	case len(in.Query) == 0:
		return span{}, fmt.Errorf("variant: empty query")
	case len(al.AlignedRef) != len(al.AlignedQuery):
		return span{}, fmt.Errorf("variant: aligned reference and query differ in length (%d, %d)", len(al.AlignedRef), len(al.AlignedQuery))
	case len(al.AlignedRef) == 0:
		return span{}, fmt.Errorf("variant: empty alignment")
	}
	if al.RefStart < 0 || al.QueryStart < 0 || al.RefStart > len(in.Ref) || al.QueryStart > len(in.Query) {
		return span{}, fmt.Errorf("variant: alignment start %d/%d outside the sequences", al.RefStart, al.QueryStart)
	}
	// Check the aligned letters against the sequences and the end
	// coordinates against the letters.
	r, q := al.RefStart, al.QueryStart
	for k := range al.AlignedRef {
		cr, cq := al.AlignedRef[k], al.AlignedQuery[k]
		if cr == aligner.Gap && cq == aligner.Gap {
			return span{}, fmt.Errorf("variant: alignment column %d is a gap in both sequences", k+1)
		}
		if cr != aligner.Gap {
			if r >= len(in.Ref) || aligner.Upper(in.Ref[r]) != aligner.Upper(cr) {
				return span{}, fmt.Errorf("variant: aligned reference letter %d (%q) does not match reference position %d", k+1, cr, r+1)
			}
			r++
		}
		if cq != aligner.Gap {
			if q >= len(in.Query) || aligner.Upper(in.Query[q]) != aligner.Upper(cq) {
				return span{}, fmt.Errorf("variant: aligned query letter %d (%q) does not match query position %d", k+1, cq, q+1)
			}
			q++
		}
	}
	if r-1 != al.RefEnd || q-1 != al.QueryEnd {
		return span{}, fmt.Errorf("variant: alignment ends %d/%d disagree with its letters (%d/%d)", al.RefEnd+1, al.QueryEnd+1, r, q)
	}
	s := span{ref: al.AlignedRef, qry: al.AlignedQuery, rStart: al.RefStart, rEnd: al.RefEnd, qStart: al.QueryStart, qEnd: al.QueryEnd}
	for len(s.ref) > 0 && (s.ref[0] == aligner.Gap || s.qry[0] == aligner.Gap) {
		if s.ref[0] == aligner.Gap {
			s.qStart++
		} else {
			s.rStart++
		}
		s.ref, s.qry = s.ref[1:], s.qry[1:]
	}
	for n := len(s.ref); n > 0 && (s.ref[n-1] == aligner.Gap || s.qry[n-1] == aligner.Gap); n = len(s.ref) {
		if s.ref[n-1] == aligner.Gap {
			s.qEnd--
		} else {
			s.rEnd--
		}
		s.ref, s.qry = s.ref[:n-1], s.qry[:n-1]
	}
	if len(s.ref) == 0 {
		return span{}, fmt.Errorf("variant: alignment has no aligned residue pair")
	}
	return s, nil
}

// Column kinds.
const (
	colMatch = iota
	colSub
	colStop
	colAmb
	colDel // gap in the query
	colIns // gap in the reference
)

type caller struct {
	in    Input
	a     span
	flags map[string]bool
	muts  []report.Mutation

	*scratch        // working memory
	qLen       int  // query length without a terminal '*'
	endsAtStop bool // the query's translation ended at a stop
	firstStop  int  // first '*' inside the aligned query region, or -1
	truncated  bool
	truncPos   int    // reference position (1-based) where the protein stops
	truncWhy   string // report.Evidence*
}

// truncate records evidence that the protein stops at reference position
// pos (1-based); the earliest evidence wins.
func (c *caller) truncate(pos int, why string) {
	c.truncated = true
	if c.truncPos == 0 || pos < c.truncPos {
		c.truncPos, c.truncWhy = pos, why
	}
}

func (c *caller) run() {
	in, a := c.in, c.a
	n := len(in.Ref)
	c.qLen = len(in.Query)
	c.endsAtStop = in.QueryEndsAtStop || in.QueryTerminalStopStripped
	if in.Query[c.qLen-1] == '*' {
		c.qLen--
		c.endsAtStop = true
	}
	c.scanQuery()

	c.refMatch = grow(c.refMatch, n, -1)
	c.qryMatch = grow(c.qryMatch, len(in.Query), -1)
	c.kinds = grow(c.kinds, len(a.ref), 0)
	kinds := c.kinds
	r, q := a.rStart, a.qStart
	// calls bounds the walk's calls: one per changed residue pair at most,
	// one per block of gap columns.
	calls := 0
	for k := range a.ref {
		kinds[k] = classify(a.ref[k], a.qry[k])
		switch kinds[k] {
		case colMatch:
			c.refMatch[r], c.qryMatch[q] = q, r
		case colDel, colIns:
			if k == 0 || kinds[k-1] < colDel {
				calls++
			}
		default:
			calls++
		}
		if a.ref[k] != aligner.Gap {
			r++
		}
		if a.qry[k] != aligner.Gap {
			q++
		}
	}

	c.muts = make([]report.Mutation, 0, calls+2) // +2: calls from the ends
	// Walk the columns; r and q are the next reference and query positions.
	r, q = a.rStart, a.qStart
	for k := 0; k < len(kinds); {
		switch kinds[k] {
		case colMatch:
			r, q, k = r+1, q+1, k+1
		case colStop, colAmb:
			c.point(r, q)
			r, q, k = r+1, q+1, k+1
		default:
			end, gaps := k, false
			r1, q1 := r, q
			for ; end < len(kinds) && kinds[end] >= colSub && kinds[end] != colStop && kinds[end] != colAmb; end++ {
				switch kinds[end] {
				case colDel:
					gaps = true
					r1++
				case colIns:
					gaps = true
					q1++
				default:
					r1++
					q1++
				}
			}
			if gaps {
				c.event(r, r1, q, q1)
			} else {
				for i := 0; i < r1-r; i++ {
					c.point(r+i, q+i)
				}
			}
			r, q, k = r1, q1, end
		}
	}
	c.ends()
	for i := range c.muts {
		if c.firstStop >= 0 && c.muts[i].QueryStart-1 > c.firstStop {
			c.muts[i].AfterPrematureStop = true
		}
		if in.Gene != "" && c.muts[i].Name == "" { // point made its own
			c.muts[i].Name = in.Gene + "_" + c.muts[i].Short
		}
	}
}

// scanQuery sets the flags that depend only on the query letters.
func (c *caller) scanQuery() {
	c.firstStop = -1
	for i, ch := range c.in.Query {
		if ch >= 'a' && ch <= 'z' {
			c.flags[report.FlagLowercaseInput] = true
		}
		u := aligner.Upper(ch)
		switch {
		case u == '*':
			if i < len(c.in.Query)-1 {
				c.flags[report.FlagInternalStop] = true
			}
			if c.firstStop < 0 && i >= c.a.qStart && i <= c.a.qEnd {
				c.firstStop = i
			}
		case isAmbiguous(u):
			c.flags[report.FlagAmbiguousResidues] = true
		}
		if u == 'U' || u == 'O' || u == 'B' || u == 'Z' || u == 'J' {
			c.flags[report.FlagNonstandardResidues] = true
		}
	}
	if c.firstStop >= 0 {
		c.truncated = true // the position comes from the stop's call, or stopPosition
	}
}

// stopPosition is the reference position (1-based) after the alignment
// column that holds the first internal '*' of the query, for a stop
// that has no nonsense call of its own (one aligned to a reference gap).
func (c *caller) stopPosition() int {
	r, q := c.a.rStart, c.a.qStart
	for k := range c.a.ref {
		if c.a.qry[k] != aligner.Gap {
			if q == c.firstStop {
				return r + 1
			}
			q++
		}
		if c.a.ref[k] != aligner.Gap {
			r++
		}
	}
	return r + 1
}

func classify(r, q byte) uint8 {
	switch {
	case q == aligner.Gap:
		return colDel
	case r == aligner.Gap:
		return colIns
	case aligner.Upper(r) == aligner.Upper(q):
		return colMatch
	case q == '*':
		return colStop
	case isAmbiguous(aligner.Upper(q)):
		return colAmb
	}
	return colSub
}

// point calls the single residue pair reference r / query q (0-based).
func (c *caller) point(r, q int) {
	ref, alt := aligner.Upper(c.in.Ref[r]), aligner.Upper(c.in.Query[q])
	m := report.Mutation{RefStart: r + 1, RefEnd: r + 1, QueryStart: q + 1, QueryEnd: q + 1, Ref: letter(ref), Alt: letter(alt)}
	switch {
	case alt == '*':
		m.Type = report.TypeNonsense
		c.truncate(r+1, report.EvidenceStop)
	case isAmbiguous(alt):
		m.Type = report.TypeAmbiguous
	default:
		m.Type = report.TypeSubstitution
	}
	// Name (gyrA_S83L), Short (S83L) and HGVS (p.Ser83Leu) share one
	// string: one allocation, not five.
	b := c.name[:0]
	if c.in.Gene != "" {
		b = append(append(b, c.in.Gene...), '_')
	}
	start := len(b)
	b = append(b, m.Ref...)
	b = strconv.AppendInt(b, int64(r+1), 10)
	b = append(b, oneLetter(alt)...)
	short := len(b)
	b = append(b, "p."...)
	b = append(b, three(ref)...)
	b = strconv.AppendInt(b, int64(r+1), 10)
	b = append(b, three(alt)...)
	c.name = b
	names := string(b)
	m.Short, m.HGVS = names[start:short], names[short:]
	if c.in.Gene != "" {
		m.Name = names[:short]
	}
	c.muts = append(c.muts, m)
}

// event calls a block that contains gap columns: reference [r0,r1) was
// replaced by query [q0,q1).
func (c *caller) event(r0, r1, q0, q1 int) {
	ref, qry := c.in.Ref, c.in.Query
	tr0, tr1, tq0, tq1 := r0, r1, q0, q1
	for tr0 < tr1 && tq0 < tq1 && aligner.Upper(ref[tr0]) == aligner.Upper(qry[tq0]) {
		tr0, tq0 = tr0+1, tq0+1
	}
	for tr0 < tr1 && tq0 < tq1 && aligner.Upper(ref[tr1-1]) == aligner.Upper(qry[tq1-1]) {
		tr1, tq1 = tr1-1, tq1-1
	}
	switch {
	case tr0 == tr1 && tq0 == tq1:
		return // the block only moved letters around
	case tr0 == tr1:
		if tr0-1 >= c.a.rStart && tr0 <= c.a.rEnd {
			c.insertion(tr0, tq0, tq1)
			return
		}
		tr0, tr1, tq0, tq1 = r0, r1, q0, q1 // no flank inside the alignment
	case tq0 == tq1:
		c.deletion(tr0, tr1, tq0)
		return
	case tr1-tr0 == 1 && tq1-tq0 == 1:
		c.point(tr0, tq0)
		return
	}
	c.delins(tr0, tr1, tq0, tq1)
}

// deletion calls reference [r0,r1) deleted before query position q.
func (c *caller) deletion(r0, r1, q int) {
	ref := c.in.Ref
	m := report.Mutation{Type: report.TypeDeletion, RawRefStart: r0 + 1, RawRefEnd: r1, RawQueryStart: q, RawQueryEnd: q + 1}
	m.RawShort = delName(ref, r0, r1, false)
	for r1 < c.a.rEnd && c.refMatch[r1] == q && aligner.Upper(ref[r0]) == aligner.Upper(ref[r1]) {
		r0, r1, q = r0+1, r1+1, q+1
	}
	m.RefStart, m.RefEnd, m.QueryStart, m.QueryEnd = r0+1, r1, q, q+1
	m.Ref = upperString(ref[r0:r1])
	m.Short = delName(ref, r0, r1, false)
	m.HGVS = "p." + delName(ref, r0, r1, true)
	c.muts = append(c.muts, m)
}

// insertion calls query [q0,q1) inserted before reference position r.
func (c *caller) insertion(r, q0, q1 int) {
	ref, qry := c.in.Ref, c.in.Query
	m := report.Mutation{RawRefStart: r, RawRefEnd: r + 1, RawQueryStart: q0 + 1, RawQueryEnd: q1}
	m.RawShort = insName(ref, qry, r, q0, q1, false)
	for q1 < c.a.qEnd && c.qryMatch[q1] == r && aligner.Upper(qry[q0]) == aligner.Upper(qry[q1]) {
		r, q0, q1 = r+1, q0+1, q1+1
	}
	l := q1 - q0
	m.QueryStart, m.QueryEnd = q0+1, q1
	m.Alt = upperString(qry[q0:q1])
	if d := r - l; d >= c.a.rStart && upperString(ref[d:r]) == m.Alt {
		m.Type = report.TypeDuplication
		m.RefStart, m.RefEnd, m.Ref = d+1, r, m.Alt
		m.Short = rangeName(ref, d, r, false) + "dup"
		m.HGVS = "p." + rangeName(ref, d, r, true) + "dup"
	} else {
		m.Type = report.TypeInsertion
		m.RefStart, m.RefEnd = r, r+1
		m.Short = insName(ref, qry, r, q0, q1, false)
		m.HGVS = "p." + insName(ref, qry, r, q0, q1, true)
	}
	c.muts = append(c.muts, m)
}

func (c *caller) delins(r0, r1, q0, q1 int) {
	ref, qry := c.in.Ref, c.in.Query
	alt := upperString(qry[q0:q1])
	m := report.Mutation{Type: report.TypeDelins, RefStart: r0 + 1, RefEnd: r1, QueryStart: q0 + 1, QueryEnd: q1,
		Ref: upperString(ref[r0:r1]), Alt: alt}
	m.Short = rangeName(ref, r0, r1, false) + "delins" + oneLetters(alt)
	m.HGVS = "p." + rangeName(ref, r0, r1, true) + "delins" + threes(alt)
	c.muts = append(c.muts, m)
}

// ends handles everything outside the aligned region: not-covered reference
// ends, overhangs, extension, a stop right after the alignment and a
// divergent C-terminal tail.
func (c *caller) ends() {
	in, a := c.in, c.a
	n := len(in.Ref)
	if a.rStart > 0 {
		c.flags[report.FlagPartialN] = true
	} else if a.qStart > 0 {
		c.flags[report.FlagNTerminalOverhang] = true
	}
	tail := c.qLen - 1 - a.qEnd // trailing unaligned query residues
	if tail < 0 {
		tail = 0 // the terminal '*' itself was aligned
	}
	if a.rEnd == n-1 {
		if tail > 0 {
			c.flags[report.FlagCTerminalOverhang] = true
			if in.RefEndsWithStop {
				c.extension(tail)
			}
		}
		return
	}
	uncovered := n - 1 - a.rEnd
	nextIsStop := a.qEnd+1 < len(in.Query) && in.Query[a.qEnd+1] == '*'
	switch {
	case nextIsStop || (tail == 0 && c.endsAtStop):
		r := a.rEnd + 1
		ch := aligner.Upper(in.Ref[r])
		c.muts = append(c.muts, report.Mutation{Type: report.TypeNonsense, RefStart: r + 1, RefEnd: r + 1,
			QueryStart: a.qEnd + 2, QueryEnd: a.qEnd + 2, Ref: string(ch), Alt: "*",
			Short: fmt.Sprintf("%c%d*", ch, r+1), HGVS: fmt.Sprintf("p.%s%dTer", three(ch), r+1)})
		if nextIsStop {
			c.truncate(r+1, report.EvidenceStop)
		} else {
			c.truncate(r+1, report.EvidenceEndsAtStop)
		}
	case tail >= 1 && tail <= MaxDivergentTail && tail < uncovered:
		c.flags[report.FlagDivergentCTail] = true
		c.truncate(a.rEnd+2, report.EvidenceFrameshiftLike)
	default:
		c.flags[report.FlagPartialC] = true
	}
}

// extension calls the query's tail residues past the reference stop.
func (c *caller) extension(tail int) {
	in, a := c.in, c.a
	over := in.Query[a.qEnd+1 : a.qEnd+1+tail]
	stop := -1
	for i, ch := range over {
		if ch == '*' {
			stop = i
			break
		}
	}
	if stop == 0 {
		return // the reference stop is intact; what follows is read-through
	}
	newStop := "?"
	switch {
	case stop > 0:
		over = over[:stop]
		newStop = fmt.Sprint(stop)
	case c.endsAtStop:
		newStop = fmt.Sprint(len(over))
	}
	pos := len(in.Ref) + 1
	first := aligner.Upper(over[0])
	c.muts = append(c.muts, report.Mutation{Type: report.TypeExtension, RefStart: pos, RefEnd: pos,
		QueryStart: a.qEnd + 2, QueryEnd: a.qEnd + 1 + len(over), Ref: "*", Alt: upperString(over),
		Short: fmt.Sprintf("*%d%sext*%s", pos, oneLetter(first), newStop),
		HGVS:  fmt.Sprintf("p.Ter%d%sext*%s", pos, three(first), newStop)})
}

func (c *caller) result() Result {
	in, a := c.in, c.a
	n := len(in.Ref)
	res := Result{Flags: []string{}, Mutations: c.muts, NotCovered: []report.Region{}}
	if res.Mutations == nil {
		res.Mutations = []report.Mutation{}
	}
	if a.rStart > 0 {
		res.NotCovered = append(res.NotCovered, report.Region{Start: 1, End: a.rStart})
	} else {
		res.NTerminalOverhang = a.qStart
	}
	if a.rEnd < n-1 {
		res.NotCovered = append(res.NotCovered, report.Region{Start: a.rEnd + 2, End: n})
	} else if t := c.qLen - 1 - a.qEnd; t > 0 {
		res.CTerminalOverhang = t
	}
	if in.QueryTerminalStopStripped {
		c.flags[report.FlagTerminalStopStripped] = true
	}
	for _, f := range in.QueryFlags {
		c.flags[f] = true
	}
	for _, f := range report.FlagOrder {
		if c.flags[f] {
			res.Flags = append(res.Flags, f)
			delete(c.flags, f)
		}
	}
	var extra []string
	for f := range c.flags {
		extra = append(extra, f)
	}
	slices.Sort(extra)
	res.Flags = append(res.Flags, extra...)

	definite, ambiguous := false, false
	for _, m := range res.Mutations {
		if m.Type == report.TypeAmbiguous {
			ambiguous = true
		} else {
			definite = true
		}
	}
	res.Status = report.CallStatus(c.truncated, res.HasFlag(report.FlagPartialN) || res.HasFlag(report.FlagPartialC), definite, ambiguous)
	if c.truncated {
		if c.truncPos == 0 {
			c.truncate(c.stopPosition(), report.EvidenceStop)
		}
		t := &report.Truncation{Position: c.truncPos, ReferenceLength: n, Evidence: c.truncWhy}
		for _, m := range res.Mutations {
			if m.AfterPrematureStop {
				t.CallsAfterStop++
			}
		}
		res.Truncation = t
	}
	return res
}

// letters[b] is string(rune(b)) for every byte, made once, so that a
// residue's one-letter string is not an allocation per call.
var letters = func() (t [256]string) {
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

func letter(b byte) string { return letters[b] }
