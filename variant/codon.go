package variant

import (
	"fmt"
	"strconv"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/gencode"
)

// CodonCall is a call with the codons behind it. RefCodons are the
// reference codons of RefStart..RefEnd, QueryCodons the query codons of
// QueryStart..QueryEnd (empty for a deletion, and for an insertion on the
// reference side); CodonChange is RefCodons>QueryCodons with "-" for an
// empty side (TCG>TTG, GAC>-).
type CodonCall struct {
	report.Mutation
	RefCodons   string `json:"ref_codons"`
	QueryCodons string `json:"query_codons"`
	CodonChange string `json:"codon_change"`
}

// CodonInput is one CDS query aligned to one reference CDS at the protein
// level: Ref and Query are the proteins variant.Call was given (the
// translations of RefCDS and QueryCDS, codon k giving residue k), Aln their
// alignment and Result the calls.
type CodonInput struct {
	RefCDS, QueryCDS []byte
	Ref, Query       []byte
	Aln              *aligner.Alignment
	Result           Result
	Code             *gencode.Code
}

// CodonResult holds the calls with their codons, the frameshift (if any)
// replacing the calls it explains, and the synonymous changes.
type CodonResult struct {
	Calls      []CodonCall `json:"calls"`
	Synonymous []CodonCall `json:"synonymous"`
	// Frameshift is the index in Calls of the call made from the shifted
	// frame (a frameshift, or a nonsense change when the first new codon
	// is a stop), or -1.
	Frameshift int `json:"-"`
}

// lookahead is how many bases past a difference CallCodons compares to tell
// a base substitution from an insertion or deletion of up to maxIndel
// bases; an indel needs minAgree agreeing bases, so that the last bases of
// a sequence are never read as an indel.
const (
	lookahead = 24
	maxIndel  = 12
	minAgree  = 9
)

// CallCodons gives every call of in.Result its codon change, lists the
// synonymous codon changes in aligned, unchanged residues, and finds a
// frameshift: the two CDSs are compared base by base from the start of the
// protein alignment (at each difference, a substitution or an indel of up
// to 12 bases, whichever makes the next 24 bases agree best; an indel in a
// run is placed 3'-most). At the first indel that leaves the frame shifted,
// the query is read on in its own frame: the first residue that differs
// from the reference names the call (T254PfsTer15), or a nonsense call when
// that residue is a stop, and the calls from that residue on, which only
// describe the shifted frame, are dropped. A later indel that restores the
// frame before the new stop leaves the protein-level calls as they are.
func CallCodons(in CodonInput) (CodonResult, error) {
	if in.Code == nil || in.Aln == nil {
		return CodonResult{}, fmt.Errorf("variant: codons: no genetic code or alignment")
	}
	if err := checkTranslation("reference", in.RefCDS, in.Ref, in.Code); err != nil {
		return CodonResult{}, err
	}
	if err := checkTranslation("query", in.QueryCDS, in.Query, in.Code); err != nil {
		return CodonResult{}, err
	}
	fs, fsFound := findFrameshift(in)
	out := CodonResult{Calls: []CodonCall{}, Synonymous: []CodonCall{}, Frameshift: -1}
	for _, m := range in.Result.Mutations {
		if fsFound && (m.RefStart >= fs.RefStart || (m.RefEnd >= fs.RefStart && m.Type != report.TypeSubstitution)) {
			continue
		}
		out.Calls = append(out.Calls, withCodons(m, in))
	}
	if fsFound {
		// Keep reference order: the frameshift comes after every call before it.
		out.Frameshift = len(out.Calls)
		out.Calls = append(out.Calls, withCodons(fs, in))
	}
	out.Synonymous = synonymous(in, fs.RefStart, fsFound)
	return out, nil
}

// checkTranslation makes sure protein residue k is codon k of cds, so that
// codons can be looked up by residue position.
func checkTranslation(what string, cds, prot []byte, code *gencode.Code) error {
	if len(cds) < 3*len(prot) {
		return fmt.Errorf("variant: codons: %s CDS has %d bases, too few for its %d residues", what, len(cds), len(prot))
	}
	for k, p := range prot {
		got := code.Residue(cds[3*k : 3*k+3])
		if aligner.Upper(p) != got && !(k == 0 && aligner.Upper(p) == 'M' && code.IsStart(cds[:3])) {
			return fmt.Errorf("variant: codons: %s residue %d is %c but codon %d (%s) reads %c", what, k+1, p, k+1, cds[3*k:3*k+3], got)
		}
	}
	return nil
}

func withCodons(m report.Mutation, in CodonInput) CodonCall {
	c := CodonCall{Mutation: m}
	span := func(cds []byte, a, b int) string {
		if a < 1 || b < a || 3*b > len(cds) {
			return ""
		}
		return upperString(cds[3*(a-1) : 3*b])
	}
	switch m.Type {
	case report.TypeInsertion:
		c.QueryCodons = span(in.QueryCDS, m.QueryStart, m.QueryEnd)
	case report.TypeDeletion:
		c.RefCodons = span(in.RefCDS, m.RefStart, m.RefEnd)
	case report.TypeExtension:
		c.QueryCodons = span(in.QueryCDS, m.QueryStart, m.QueryEnd)
	default:
		c.RefCodons = span(in.RefCDS, m.RefStart, m.RefEnd)
		c.QueryCodons = span(in.QueryCDS, m.QueryStart, m.QueryEnd)
	}
	if m.Type == report.TypeFrameshift {
		c.RefCodons = span(in.RefCDS, m.RefStart, m.RefStart)
		c.QueryCodons = span(in.QueryCDS, m.QueryStart, m.QueryStart)
	}
	c.CodonChange = dash(c.RefCodons) + ">" + dash(c.QueryCodons)
	return c
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// synonymous lists aligned positions whose residues agree but whose codons
// differ, before the frameshift if there is one.
func synonymous(in CodonInput, fsStart int, fsFound bool) []CodonCall {
	out := []CodonCall{}
	al := in.Aln
	r, q := al.RefStart, al.QueryStart
	for k := range al.AlignedRef {
		cr, cq := al.AlignedRef[k], al.AlignedQuery[k]
		if cr != aligner.Gap && cq != aligner.Gap {
			if fsFound && r+1 >= fsStart {
				break
			}
			if aligner.Upper(cr) == aligner.Upper(cq) && 3*r+3 <= len(in.RefCDS) && 3*q+3 <= len(in.QueryCDS) {
				rc, qc := upperString(in.RefCDS[3*r:3*r+3]), upperString(in.QueryCDS[3*q:3*q+3])
				if rc != qc {
					u := aligner.Upper(cr)
					pos := strconv.Itoa(r + 1)
					m := report.Mutation{Type: report.TypeSynonymous, RefStart: r + 1, RefEnd: r + 1, QueryStart: q + 1, QueryEnd: q + 1,
						Ref: string(u), Alt: string(u), Short: oneLetter(u) + pos + "=", HGVS: "p." + three(u) + pos + "="}
					out = append(out, CodonCall{Mutation: m, RefCodons: rc, QueryCodons: qc, CodonChange: rc + ">" + qc})
				}
			}
		}
		if cr != aligner.Gap {
			r++
		}
		if cq != aligner.Gap {
			q++
		}
	}
	return out
}

// findFrameshift walks the two CDSs base by base from the alignment start
// and returns the frameshift call, if the frame shifts and stays shifted
// until the shifted frame's stop.
func findFrameshift(in CodonInput) (report.Mutation, bool) {
	R, Q := in.RefCDS, in.QueryCDS
	a, b := 3*in.Aln.RefStart, 3*in.Aln.QueryStart
	shift := 0 // query bases minus reference bases so far
	var fs report.Mutation
	stop := -1 // query codon of the shifted frame's stop, -1 if none
	started := false
	for a < len(R) && b < len(Q) {
		if aligner.Upper(R[a]) == aligner.Upper(Q[b]) {
			a, b = a+1, b+1
			continue
		}
		del, ins := bestIndel(R, Q, a, b)
		if del == 0 && ins == 0 {
			a, b = a+1, b+1
			continue
		}
		a0, b0 := a, b
		a, b = a+del, b+ins
		shift += ins - del
		switch {
		case !started && shift%3 != 0:
			m, s, ok := frameshiftCall(in, a0, b0)
			if !ok {
				return report.Mutation{}, false
			}
			if m.Type == report.TypeNonsense {
				return m, true
			}
			fs, stop, started = m, s, true
		case started && shift%3 == 0:
			// The frame is restored: after the new stop, the frameshift
			// stands; before it, the protein calls describe the change.
			return fs, stop >= 0 && b0/3 > stop
		}
	}
	return fs, started
}

// bestIndel decides what the difference at R[a], Q[b] is: a deletion of
// del reference bases, an insertion of ins query bases, or (both 0) a
// substitution, by which makes the following bases agree best. A
// substitution wins ties, then the shortest indel, then a deletion.
func bestIndel(R, Q []byte, a, b int) (del, ins int) {
	agree := func(i, j int) int {
		n := 0
		for k := 0; k < lookahead && i+k < len(R) && j+k < len(Q); k++ {
			if aligner.Upper(R[i+k]) == aligner.Upper(Q[j+k]) {
				n++
			}
		}
		return n
	}
	best := max(agree(a+1, b+1), minAgree-1)
	for k := 1; k <= maxIndel; k++ {
		if s := agree(a+k, b); s > best {
			best, del, ins = s, k, 0
		}
		if s := agree(a, b+k); s > best {
			best, del, ins = s, 0, k
		}
	}
	return del, ins
}

// frameshiftCall names the frameshift of an indel at reference base a and
// query base b (0-based, in the same codon phase): from the codons holding
// them, the query read in its own frame is compared with the reference
// residue by residue; the first difference names the call (a nonsense call
// when the new residue is a stop: p.Lys2Ter, never fsTer1). It also returns
// the query codon of the new stop (-1 when the query ends first: fsTer?).
// ok is false when no residue changes before either sequence ends, or the
// first change is past the reference stop (an extension).
func frameshiftCall(in CodonInput, a, b int) (m report.Mutation, stop int, ok bool) {
	code := in.Code
	aa := func(cds []byte, k int) (byte, bool) {
		if 3*k+3 > len(cds) {
			return 0, false
		}
		if k == 0 && code.IsStart(cds[:3]) {
			return 'M', true
		}
		return code.Residue(cds[3*k : 3*k+3]), true
	}
	for rc, qc := a/3, b/3; ; rc, qc = rc+1, qc+1 {
		ra, ok1 := aa(in.RefCDS, rc)
		qa, ok2 := aa(in.QueryCDS, qc)
		if !ok1 || !ok2 || ra == '*' {
			return report.Mutation{}, -1, false
		}
		if ra == qa {
			continue
		}
		pos := strconv.Itoa(rc + 1)
		m := report.Mutation{RefStart: rc + 1, RefEnd: rc + 1, QueryStart: qc + 1, QueryEnd: qc + 1, Ref: string(ra), Alt: string(qa)}
		if qa == '*' {
			m.Type, m.Short, m.HGVS = report.TypeNonsense, string(ra)+pos+"*", "p."+three(ra)+pos+"Ter"
			return m, qc, true
		}
		ter := "?"
		stop = -1
		for k := 1; ; k++ {
			x, ok := aa(in.QueryCDS, qc+k)
			if !ok {
				break
			}
			if x == '*' {
				ter, stop = strconv.Itoa(k+1), qc+k
				break
			}
		}
		m.Type = report.TypeFrameshift
		m.Short = string(ra) + pos + oneLetter(qa) + "fsTer" + ter
		m.HGVS = "p." + three(ra) + pos + three(qa) + "fsTer" + ter
		return m, stop, true
	}
}
