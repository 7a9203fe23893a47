package variant

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/aligner"
)

// handAln builds an Input from an alignment written by hand: the aligned
// rows (with '-' gaps) plus the unaligned reference and query flanks.
func handAln(refPre, refAln, refPost, qPre, qAln, qPost string) Input {
	strip := func(s string) string { return strings.ReplaceAll(s, "-", "") }
	ref := refPre + strip(refAln) + refPost
	qry := qPre + strip(qAln) + qPost
	return Input{
		Ref: []byte(ref), Query: []byte(qry), RefEndsWithStop: true,
		Aln: &aligner.Alignment{
			RefStart: len(refPre), RefEnd: len(refPre) + len(strip(refAln)) - 1,
			QueryStart: len(qPre), QueryEnd: len(qPre) + len(strip(qAln)) - 1,
			AlignedRef: []byte(refAln), AlignedQuery: []byte(qAln),
		},
	}
}

// shortNames lists "type:short" of each call, with raw names and the
// premature-stop mark when present.
func shortNames(ms []report.Mutation) []string {
	out := []string{}
	for _, m := range ms {
		s := m.Type + ":" + m.Short
		if m.RawShort != "" && m.RawShort != m.Short {
			s += "(raw " + m.RawShort + ")"
		}
		if m.AfterPrematureStop {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

func TestCallHandAlignments(t *testing.T) {
	type want struct {
		status     string
		flags      []string
		calls      []string
		hgvs       []string
		notCovered []report.Region
		nOver      int
		cOver      int
	}
	tests := []struct {
		name string
		in   Input
		mod  func(*Input)
		want want
	}{
		{name: "wild type",
			in:   handAln("", "MKLAGVTW", "", "", "MKLAGVTW", ""),
			want: want{status: report.StatusWildtype, calls: []string{}}},
		{name: "substitution and neighbours stay single",
			in:   handAln("", "MKLAGVTWYR", "", "", "MKLADGTWYR", ""),
			want: want{status: report.StatusMutant, calls: []string{"substitution:G5D", "substitution:V6G"}, hgvs: []string{"p.Gly5Asp", "p.Val6Gly"}}},
		{name: "ambiguity codes",
			in: handAln("", "MKLAGVTWYR", "", "", "MXLBGZTJYR", ""),
			want: want{status: report.StatusAmbiguous, flags: []string{report.FlagAmbiguousResidues, report.FlagNonstandardResidues},
				calls: []string{"ambiguous:K2X", "ambiguous:A4B", "ambiguous:V6Z", "ambiguous:W8J"},
				hgvs:  []string{"p.Lys2Xaa", "p.Ala4Asx", "p.Val6Glx", "p.Trp8Xle"}}},
		{name: "U and O are residues",
			in: handAln("", "MKLAGVTW", "", "", "MULAGOTW", ""),
			want: want{status: report.StatusMutant, flags: []string{report.FlagNonstandardResidues},
				calls: []string{"substitution:K2U", "substitution:V6O"}, hgvs: []string{"p.Lys2Sec", "p.Val6Pyl"}}},
		{name: "ambiguous next to a definite change is not merged",
			in:   handAln("", "MKLAGVTW", "", "", "MKLXDVTW", ""),
			want: want{status: report.StatusMutant, flags: []string{report.FlagAmbiguousResidues}, calls: []string{"ambiguous:A4X", "substitution:G5D"}}},
		{name: "internal stop, calls continue",
			in: handAln("", "MKLAGVTWYR", "", "", "MKL*GVTWFR", ""),
			want: want{status: report.StatusTruncated, flags: []string{report.FlagInternalStop},
				calls: []string{"nonsense:A4*", "substitution:Y9F!"}, hgvs: []string{"p.Ala4Ter", "p.Tyr9Phe"}}},
		{name: "delins: substitution next to an insertion",
			in:   handAln("", "ACDEFG-HIK", "", "", "ACDEFWWHIK", ""),
			want: want{status: report.StatusMutant, calls: []string{"delins:G6delinsWW"}, hgvs: []string{"p.Gly6delinsTrpTrp"}}},
		{name: "delins: substitution next to a deletion",
			in:   handAln("", "ACDEFGHIKLM", "", "", "ACDEW--IKLM", ""),
			want: want{status: report.StatusMutant, calls: []string{"delins:F5_H7delinsW"}, hgvs: []string{"p.Phe5_His7delinsTrp"}}},
		{name: "opposite gaps that cancel",
			in:   handAln("", "ACDE-FGHIK", "", "", "ACDEF-GHIK", ""),
			want: want{status: report.StatusWildtype, calls: []string{}}},
		{name: "insertion that does not shift",
			in:   handAln("", "ACDEF---GHIKL", "", "", "ACDEFWWWGHIKL", ""),
			want: want{status: report.StatusMutant, calls: []string{"insertion:F5_G6insWWW"}, hgvs: []string{"p.Phe5_Gly6insTrpTrpTrp"}}},
		{name: "insertion shifted 3'",
			in:   handAln("", "MKLA--GVTW", "", "", "MKLAGCGVTW", ""),
			want: want{status: report.StatusMutant, calls: []string{"insertion:G5_V6insCG(raw A4_G5insGC)"}, hgvs: []string{"p.Gly5_Val6insCysGly"}}},
		{name: "single-residue duplication",
			in:   handAln("", "MKLA-GVTW", "", "", "MKLAGGVTW", ""),
			want: want{status: report.StatusMutant, calls: []string{"duplication:G5dup(raw A4_G5insG)"}, hgvs: []string{"p.Gly5dup"}}},
		{name: "range duplication",
			in:   handAln("", "MKLAGV--TWYR", "", "", "MKLAGVGVTWYR", ""),
			want: want{status: report.StatusMutant, calls: []string{"duplication:G5_V6dup(raw V6_T7insGV)"}, hgvs: []string{"p.Gly5_Val6dup"}}},
		{name: "deletion shifted 3' through a run",
			in:   handAln("", "MKLAAAGVTW", "", "", "MKL-AAGVTW", ""),
			want: want{status: report.StatusMutant, calls: []string{"deletion:A6del(raw A4del)"}, hgvs: []string{"p.Ala6del"}}},
		{name: "range deletion",
			in:   handAln("", "MKLAGVTWYRP", "", "", "MK---VTWYRP", ""),
			want: want{status: report.StatusMutant, calls: []string{"deletion:L3_G5del"}, hgvs: []string{"p.Leu3_Gly5del"}}},
		{name: "deletion never shifts through the last aligned column",
			in:   handAln("", "MKLAGVTWAA", "", "", "MKLAGVTW-A", ""),
			want: want{status: report.StatusMutant, calls: []string{"deletion:A9del"}}},
		{name: "stop inside an insertion",
			in: handAln("", "MKLA--GVTW", "", "", "MKLAQ*GVTW", ""),
			want: want{status: report.StatusTruncated, flags: []string{report.FlagInternalStop},
				calls: []string{"insertion:A4_G5insQ*"}, hgvs: []string{"p.Ala4_Gly5insGlnTer"}}},
		{name: "unaligned reference ends are not covered",
			in:   handAln("MKL", "AGVTW", "YRP", "", "AGVTW", ""),
			want: want{status: report.StatusPartial, flags: []string{report.FlagPartialN, report.FlagPartialC}, calls: []string{}, notCovered: []report.Region{{Start: 1, End: 3}, {Start: 9, End: 11}}}},
		{name: "N-terminal overhang",
			in:   handAln("", "MKLAGV", "", "PPQ", "MKLAGV", ""),
			want: want{status: report.StatusWildtype, flags: []string{report.FlagNTerminalOverhang}, calls: []string{}, nOver: 3}},
		{name: "extension with unknown new stop",
			in: handAln("", "MKLAGV", "", "", "MKLAGV", "QTR"),
			want: want{status: report.StatusMutant, flags: []string{report.FlagCTerminalOverhang}, calls: []string{"extension:*7Qext*?"},
				hgvs: []string{"p.Ter7Glnext*?"}, cOver: 3}},
		{name: "extension ending at a known stop",
			in:  handAln("", "MKLAGV", "", "", "MKLAGV", "QTR"),
			mod: func(in *Input) { in.QueryEndsAtStop = true },
			want: want{status: report.StatusMutant, flags: []string{report.FlagCTerminalOverhang}, calls: []string{"extension:*7Qext*3"},
				hgvs: []string{"p.Ter7Glnext*3"}, cOver: 3}},
		{name: "extension ending at a stripped stop",
			in:   handAln("", "MKLAGV", "", "", "MKLAGV", "QTR"),
			mod:  func(in *Input) { in.QueryTerminalStopStripped = true },
			want: want{status: report.StatusMutant, flags: []string{report.FlagCTerminalOverhang, report.FlagTerminalStopStripped}, calls: []string{"extension:*7Qext*3"}, cOver: 3}},
		{name: "extension ending at an internal stop",
			in: handAln("", "MKLAGV", "", "", "MKLAGV", "QT*RR"),
			want: want{status: report.StatusMutant, flags: []string{report.FlagInternalStop, report.FlagCTerminalOverhang}, calls: []string{"extension:*7Qext*2"},
				hgvs: []string{"p.Ter7Glnext*2"}, cOver: 5}},
		{name: "no extension when the reference does not end at a stop",
			in:   handAln("", "MKLAGV", "", "", "MKLAGV", "QTR"),
			mod:  func(in *Input) { in.RefEndsWithStop = false },
			want: want{status: report.StatusWildtype, flags: []string{report.FlagCTerminalOverhang}, calls: []string{}, cOver: 3}},
		{name: "normal stop followed by read-through",
			in:   handAln("", "MKLAGV", "", "", "MKLAGV", "*RR"),
			want: want{status: report.StatusWildtype, flags: []string{report.FlagInternalStop, report.FlagCTerminalOverhang}, calls: []string{}, cOver: 3}},
		{name: "terminal star left in the query",
			in:   handAln("", "MKLAGV", "", "", "MKLAGV", "*"),
			want: want{status: report.StatusWildtype, calls: []string{}}},
		{name: "stop right after the alignment",
			in: handAln("", "MKLAGV", "TWYRPE", "", "MKLAGV", "*TT"),
			want: want{status: report.StatusTruncated, flags: []string{report.FlagInternalStop}, calls: []string{"nonsense:T7*"},
				hgvs: []string{"p.Thr7Ter"}, notCovered: []report.Region{{Start: 7, End: 12}}}},
		{name: "query known to end early",
			in:   handAln("", "MKLAGV", "TWYRPE", "", "MKLAGV", ""),
			mod:  func(in *Input) { in.QueryEndsAtStop = true },
			want: want{status: report.StatusTruncated, calls: []string{"nonsense:T7*"}, notCovered: []report.Region{{Start: 7, End: 12}}}},
		{name: "query ends early without stop evidence",
			in:   handAln("", "MKLAGV", "TWYRPE", "", "MKLAGV", ""),
			want: want{status: report.StatusPartial, flags: []string{report.FlagPartialC}, calls: []string{}, notCovered: []report.Region{{Start: 7, End: 12}}}},
		{name: "divergent C-terminal tail",
			in:   handAln("", "MKLAGV", strings.Repeat("T", 30), "", "MKLAGV", "PPPPP"),
			want: want{status: report.StatusTruncated, flags: []string{report.FlagDivergentCTail}, calls: []string{}, notCovered: []report.Region{{Start: 7, End: 36}}}},
		{name: "tail longer than the limit is partial",
			in:   handAln("", "MKLAGV", strings.Repeat("T", 40), "", "MKLAGV", strings.Repeat("P", MaxDivergentTail+1)),
			want: want{status: report.StatusPartial, flags: []string{report.FlagPartialC}, calls: []string{}, notCovered: []report.Region{{Start: 7, End: 46}}}},
		{name: "tail as long as the uncovered reference is partial",
			in:   handAln("", "MKLAGV", "TTTT", "", "MKLAGV", "PPPP"),
			want: want{status: report.StatusPartial, flags: []string{report.FlagPartialC}, calls: []string{}, notCovered: []report.Region{{Start: 7, End: 10}}}},
		{name: "truncation wins over partial_N",
			in: handAln("MK", "LAGVTW", "YR", "", "LA*VTW", ""),
			want: want{status: report.StatusTruncated, flags: []string{report.FlagPartialN, report.FlagPartialC, report.FlagInternalStop},
				calls: []string{"nonsense:G5*"}, notCovered: []report.Region{{Start: 1, End: 2}, {Start: 9, End: 10}}}},
		{name: "lower-case query",
			in:   handAln("", "MKLAGVTW", "", "", "mklagltw", ""),
			want: want{status: report.StatusMutant, flags: []string{report.FlagLowercaseInput}, calls: []string{"substitution:V6L"}, hgvs: []string{"p.Val6Leu"}}},
		{name: "flags pass through in a fixed order",
			in: handAln("", "MKLAGVTW", "", "", "MKLAGVTW", ""),
			mod: func(in *Input) {
				in.QueryFlags = []string{"zz_custom", report.FlagMultipleCopies, report.FlagRemovedCharacters, "aa_custom", report.FlagMultipleCopies}
			},
			want: want{status: report.StatusWildtype, flags: []string{report.FlagRemovedCharacters, report.FlagMultipleCopies, "aa_custom", "zz_custom"}, calls: []string{}}},
		{name: "edge gap columns align nothing",
			in: Input{Ref: []byte("MKLAGV"), Query: []byte("PMKLAGVQ"), RefEndsWithStop: true, Aln: &aligner.Alignment{
				RefStart: 0, RefEnd: 5, QueryStart: 0, QueryEnd: 7,
				AlignedRef: []byte("-MKLAGV-"), AlignedQuery: []byte("PMKLAGVQ")}},
			want: want{status: report.StatusMutant, flags: []string{report.FlagNTerminalOverhang, report.FlagCTerminalOverhang}, calls: []string{"extension:*7Qext*?"}, nOver: 1, cOver: 1}},
		{name: "edge deletion columns are not covered, not deleted",
			in: Input{Ref: []byte("MKLAGV"), Query: []byte("KLAG"), Aln: &aligner.Alignment{
				RefStart: 0, RefEnd: 5, QueryStart: 0, QueryEnd: 3,
				AlignedRef: []byte("MKLAGV"), AlignedQuery: []byte("-KLAG-")}},
			want: want{status: report.StatusPartial, flags: []string{report.FlagPartialN, report.FlagPartialC}, calls: []string{}, notCovered: []report.Region{{Start: 1, End: 1}, {Start: 6, End: 6}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.Gene = "geneX"
			if tc.mod != nil {
				tc.mod(&in)
			}
			res, err := Call(in)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if w.flags == nil {
				w.flags = []string{}
			}
			if w.notCovered == nil {
				w.notCovered = []report.Region{}
			}
			if res.Status != w.status {
				t.Errorf("status %q, want %q", res.Status, w.status)
			}
			if !reflect.DeepEqual(res.Flags, w.flags) {
				t.Errorf("flags %q, want %q", res.Flags, w.flags)
			}
			if got := shortNames(res.Mutations); !reflect.DeepEqual(got, w.calls) {
				t.Errorf("calls %q, want %q", got, w.calls)
			}
			if w.hgvs != nil {
				var got []string
				for _, m := range res.Mutations {
					got = append(got, m.HGVS)
				}
				if !reflect.DeepEqual(got, w.hgvs) {
					t.Errorf("hgvs %q, want %q", got, w.hgvs)
				}
			}
			if !reflect.DeepEqual(res.NotCovered, w.notCovered) {
				t.Errorf("not covered %v, want %v", res.NotCovered, w.notCovered)
			}
			if res.NTerminalOverhang != w.nOver || res.CTerminalOverhang != w.cOver {
				t.Errorf("overhangs N=%d C=%d, want %d %d", res.NTerminalOverhang, res.CTerminalOverhang, w.nOver, w.cOver)
			}
			for _, m := range res.Mutations {
				if m.Name != "geneX_"+m.Short {
					t.Errorf("name %q for short %q", m.Name, m.Short)
				}
			}
			checkInvariants(t, in, res)
		})
	}
}

func TestCallMutationFields(t *testing.T) {
	in := handAln("", "MKLA--GVTWAAAYR", "", "", "MKLAGCGVTW-AAYR", "")
	res, err := Call(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []report.Mutation{
		{Type: report.TypeInsertion, RefStart: 5, RefEnd: 6, QueryStart: 6, QueryEnd: 7, Ref: "", Alt: "CG",
			Short: "G5_V6insCG", HGVS: "p.Gly5_Val6insCysGly",
			RawRefStart: 4, RawRefEnd: 5, RawQueryStart: 5, RawQueryEnd: 6, RawShort: "A4_G5insGC"},
		{Type: report.TypeDeletion, RefStart: 11, RefEnd: 11, QueryStart: 12, QueryEnd: 13, Ref: "A", Alt: "",
			Short: "A11del", HGVS: "p.Ala11del",
			RawRefStart: 9, RawRefEnd: 9, RawQueryStart: 10, RawQueryEnd: 11, RawShort: "A9del"},
	}
	if !reflect.DeepEqual(res.Mutations, want) {
		t.Errorf("got\n%+v\nwant\n%+v", res.Mutations, want)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"flags":[]`, `"not_covered":[]`, `"hgvs_p":"p.Ala11del"`, `"raw_short":"A9del"`, `"ref":""`} {
		if !bytes.Contains(b, []byte(s)) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
	if bytes.Contains(b, []byte(`"name"`)) || bytes.Contains(b, []byte("after_premature_stop")) {
		t.Errorf("JSON shows empty optional fields: %s", b)
	}
}

func TestCallRejectsBadInput(t *testing.T) {
	good := handAln("", "MKLAGV", "", "", "MKLAGV", "")
	tests := []struct {
		name string
		mod  func(*Input)
		msg  string
	}{
		{"nil alignment", func(in *Input) { in.Aln = nil }, "no alignment"},
		{"empty reference", func(in *Input) { in.Ref = nil }, "empty reference"},
		{"empty query", func(in *Input) { in.Query = []byte{} }, "empty query"},
		{"row lengths", func(in *Input) { in.Aln.AlignedQuery = []byte("MKLAG") }, "differ in length"},
		{"empty alignment", func(in *Input) { in.Aln.AlignedRef, in.Aln.AlignedQuery = nil, nil }, "empty alignment"},
		{"negative start", func(in *Input) { in.Aln.RefStart = -1 }, "outside"},
		{"start past the end", func(in *Input) { in.Aln.QueryStart = 99 }, "outside"},
		{"wrong reference letter", func(in *Input) { in.Aln.AlignedRef = []byte("MKLAGW") }, "reference letter 6"},
		{"wrong query letter", func(in *Input) { in.Aln.AlignedQuery = []byte("MRLAGV") }, "query letter 2"},
		{"double gap", func(in *Input) { in.Aln.AlignedRef, in.Aln.AlignedQuery = []byte("MKLAGV-"), []byte("MKLAGV-") }, "gap in both"},
		{"end disagrees", func(in *Input) { in.Aln.RefEnd = 4 }, "disagree"},
		{"runs off the reference", func(in *Input) { in.Aln.RefStart = 3 }, "does not match"},
		{"only gap columns", func(in *Input) {
			in.Aln.AlignedRef, in.Aln.AlignedQuery = []byte("MKLAGV------"), []byte("------MKLAGV")
		}, "no aligned residue pair"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := good
			al := *good.Aln
			in.Aln = &al
			tc.mod(&in)
			res, err := Call(in)
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "variant: ") {
				t.Fatalf("error %v, want one containing %q", err, tc.msg)
			}
			if res.Status != report.StatusError || res.Flags == nil || res.Mutations == nil || res.NotCovered == nil {
				t.Errorf("error result %+v", res)
			}
		})
	}
}
