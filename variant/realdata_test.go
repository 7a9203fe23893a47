package variant

import (
	"bytes"
	"fmt"
	"github.com/wtalign/wtalign/aligner"
	"reflect"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// diffs lists the positions where two equal-length sequences differ, as
// short names (S83L), computed without any alignment.
func diffs(t *testing.T, ref, qry []byte) []string {
	t.Helper()
	if len(ref) != len(qry) {
		t.Fatalf("lengths differ: %d %d", len(ref), len(qry))
	}
	out := []string{}
	for i := range ref {
		if aligner.Upper(ref[i]) != aligner.Upper(qry[i]) {
			out = append(out, fmt.Sprintf("%c%d%c", aligner.Upper(ref[i]), i+1, aligner.Upper(qry[i])))
		}
	}
	return out
}

// callRecord cleans q like the CLI does, aligns it to ref with the oracle
// and calls it.
func callRecord(t *testing.T, gene string, ref, raw []byte, mod func(*Input)) (Input, Result) {
	t.Helper()
	q, flags, stripped := clean(raw)
	in := Input{Gene: gene, Ref: ref, Query: q, Aln: align(t, ref, q), RefEndsWithStop: true,
		QueryTerminalStopStripped: stripped, QueryFlags: flags}
	if mod != nil {
		mod(&in)
	}
	res, err := Call(in)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, in, res)
	return in, res
}

func shorts(ms []report.Mutation) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Short)
	}
	return out
}

func expect(t *testing.T, res Result, status string, flags, calls []string, notCovered []report.Region) {
	t.Helper()
	if res.Status != status {
		t.Errorf("status %q, want %q", res.Status, status)
	}
	if flags == nil {
		flags = []string{}
	}
	if !reflect.DeepEqual(res.Flags, flags) {
		t.Errorf("flags %q, want %q", res.Flags, flags)
	}
	if got := shorts(res.Mutations); !reflect.DeepEqual(got, calls) {
		t.Errorf("calls %q, want %q", got, calls)
	}
	if notCovered == nil {
		notCovered = []report.Region{}
	}
	if !reflect.DeepEqual(res.NotCovered, notCovered) {
		t.Errorf("not covered %+v, want %+v", res.NotCovered, notCovered)
	}
}

// TestGyrAVariants: the staramr/ResFinder E. coli GyrA test alleles are
// full-length and ungapped against K-12 GyrA, so the calls must equal a
// plain letter-by-letter comparison, and that comparison must give the
// alleles named in the headers.
func TestGyrAVariants(t *testing.T) {
	ref := k12(t, "gyrA")
	want := map[string][]string{
		"ecoli_gyrA_D87N":          {"D87N"},
		"ecoli_gyrA_S83A":          {"S83A"},
		"ecoli_gyrA_G81D":          {"G81D"},
		"ecoli_gyrA_G81D_D82G":     {"G81D", "D82G"},
		"ecoli_gyrA_E7Q_G81D_D82G": {"E7Q", "G81D", "D82G"},
	}
	recs := readFASTA(t, "variant_ecoli_gyrA.faa")
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for _, q := range recs {
		t.Run(q.ID, func(t *testing.T) {
			_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, nil)
			expect(t, res, report.StatusMutant, nil, want[q.ID], nil)
			if d := diffs(t, ref.Seq, q.Seq); !reflect.DeepEqual(d, want[q.ID]) {
				t.Errorf("sequence differs from K-12 at %v, header says %v", d, want[q.ID])
			}
			for _, m := range res.Mutations {
				if m.Type != report.TypeSubstitution || m.Name != "gyrA_"+m.Short || m.QueryStart != m.RefStart {
					t.Errorf("%+v", m)
				}
			}
		})
	}
	_, res := callRecord(t, "gyrA", ref.Seq, byID(t, "variant_ecoli_gyrA.faa", "ecoli_gyrA_E7Q_G81D_D82G").Seq, nil)
	var hgvs []string
	for _, m := range res.Mutations {
		hgvs = append(hgvs, m.HGVS)
	}
	if w := []string{"p.Glu7Gln", "p.Gly81Asp", "p.Asp82Gly"}; !reflect.DeepEqual(hgvs, w) {
		t.Errorf("HGVS %q, want %q", hgvs, w)
	}
}

// TestPmrBCopies: the PmrB records are keyed basS (K-12 BasS = PmrB).
// Copies 1 and 2 of contig14 carry C84R, copy 3 is wild type.
func TestPmrBCopies(t *testing.T) {
	ref := k12(t, "basS")
	if ref.Seq[83] != 'C' {
		t.Fatalf("K-12 BasS 84 is %c", ref.Seq[83])
	}
	want := map[string][]string{
		"ecoli_pmrB_C84R":           {"C84R"},
		"ecoli_pmrB_contig14_copy1": {"C84R"},
		"ecoli_pmrB_contig14_copy2": {"C84R"},
		"ecoli_pmrB_contig14_copy3": {},
	}
	for _, q := range readFASTA(t, "variant_ecoli_pmrB_multicopy.faa") {
		t.Run(q.ID, func(t *testing.T) {
			if q.Gene != "basS" {
				t.Fatalf("gene key %q", q.Gene)
			}
			w, ok := want[q.ID]
			if !ok {
				t.Fatalf("unexpected record")
			}
			status := report.StatusMutant
			if len(w) == 0 {
				status = report.StatusWildtype
			}
			_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, func(in *Input) { in.QueryFlags = []string{report.FlagMultipleCopies} })
			expect(t, res, status, []string{report.FlagMultipleCopies}, w, nil)
			if d := diffs(t, ref.Seq, q.Seq); !reflect.DeepEqual(d, w) {
				t.Errorf("sequence differs at %v", d)
			}
			if len(w) == 1 && (res.Mutations[0].Name != "basS_C84R" || res.Mutations[0].HGVS != "p.Cys84Arg") {
				t.Errorf("%+v", res.Mutations[0])
			}
		})
	}
}

// TestNfsAStop: the AMRFinderPlus nfsA_R15C_K141STOP test protein. Against
// K-12 it also differs at 45 (C45Y, a strain difference the label omits).
func TestNfsAStop(t *testing.T) {
	ref := k12(t, "nfsA")
	trunc := byID(t, "variant_ecoli_nfsA_stop.faa", "ecoli_nfsA_R15C_K141STOP")
	read := byID(t, "variant_ecoli_nfsA_stop.faa", "ecoli_nfsA_R15C_K141STOP_readthrough")
	// By hand: the read-through differs from K-12 at 15, 45 and 141 only,
	// with '*' at 141; the gene-caller protein is its first 140 residues.
	if d := diffs(t, ref.Seq, read.Seq); !reflect.DeepEqual(d, []string{"R15C", "C45Y", "K141*"}) {
		t.Fatalf("read-through differs at %v", d)
	}
	if !bytes.Equal(trunc.Seq, read.Seq[:140]) {
		t.Fatal("truncated record is not the read-through's first 140 residues")
	}

	t.Run("truncated protein, completeness unknown", func(t *testing.T) {
		_, res := callRecord(t, "nfsA", ref.Seq, trunc.Seq, nil)
		expect(t, res, report.StatusPartial, []string{report.FlagPartialC}, []string{"R15C", "C45Y"}, []report.Region{{Start: 141, End: 240}})
	})
	t.Run("truncated protein ending at its stop", func(t *testing.T) {
		_, res := callRecord(t, "nfsA", ref.Seq, trunc.Seq, func(in *Input) { in.QueryEndsAtStop = true })
		expect(t, res, report.StatusTruncated, nil, []string{"R15C", "C45Y", "K141*"}, []report.Region{{Start: 141, End: 240}})
		if m := res.Mutations[2]; m.Type != report.TypeNonsense || m.HGVS != "p.Lys141Ter" || m.Name != "nfsA_K141*" || m.QueryStart != 141 {
			t.Errorf("%+v", m)
		}
	})
	t.Run("translated through the stop", func(t *testing.T) {
		_, res := callRecord(t, "nfsA", ref.Seq, read.Seq, nil)
		expect(t, res, report.StatusTruncated, []string{report.FlagInternalStop}, []string{"R15C", "C45Y", "K141*"}, nil)
		if m := res.Mutations[2]; m.Type != report.TypeNonsense || m.HGVS != "p.Lys141Ter" || m.AfterPrematureStop {
			t.Errorf("%+v", m)
		}
	})
	t.Run("calls after the stop are marked", func(t *testing.T) {
		q := bytes.Clone(read.Seq)
		q[199] = 'W'
		if ref.Seq[199] == 'W' {
			t.Fatal("K-12 NfsA 200 is W")
		}
		_, res := callRecord(t, "nfsA", ref.Seq, q, nil)
		want := []string{"R15C", "C45Y", "K141*", fmt.Sprintf("%c200W", ref.Seq[199])}
		expect(t, res, report.StatusTruncated, []string{report.FlagInternalStop}, want, nil)
		for i, m := range res.Mutations {
			if m.AfterPrematureStop != (i == 3) {
				t.Errorf("%s after_premature_stop=%v", m.Short, m.AfterPrematureStop)
			}
		}
	})
}

func TestDerivedEdgeCases(t *testing.T) {
	const file = "derived_edge_cases.faa"
	rec := func(id string) record { return byID(t, file, id) }
	gyrA := k12(t, "gyrA")

	t.Run("S83L D87N", func(t *testing.T) {
		q := rec("derived_gyrA_S83L_D87N")
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusMutant, nil, diffs(t, gyrA.Seq, q.Seq), nil)
		expect(t, res, report.StatusMutant, nil, []string{"S83L", "D87N"}, nil)
	})
	t.Run("S83X", func(t *testing.T) {
		q := rec("derived_gyrA_S83X")
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusAmbiguous, []string{report.FlagAmbiguousResidues}, []string{"S83X"}, nil)
		if m := res.Mutations[0]; m.Type != report.TypeAmbiguous || m.HGVS != "p.Ser83Xaa" {
			t.Errorf("%+v", m)
		}
	})
	t.Run("X run 83-87", func(t *testing.T) {
		q := rec("derived_gyrA_X83-87")
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusAmbiguous, []string{report.FlagAmbiguousResidues}, diffs(t, gyrA.Seq, q.Seq), nil)
		expect(t, res, report.StatusAmbiguous, []string{report.FlagAmbiguousResidues}, []string{"S83X", "A84X", "V85X", "Y86X", "D87X"}, nil)
	})
	t.Run("60-X run ends the alignment", func(t *testing.T) {
		q := rec("derived_gyrA_allX_QRDR_N")
		if !bytes.Equal(q.Seq[:59], gyrA.Seq[:59]) || !bytes.Equal(q.Seq[59:119], bytes.Repeat([]byte("X"), 60)) {
			t.Fatal("record is not GyrA 1-59 + 60 X")
		}
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusPartial, []string{report.FlagPartialC, report.FlagAmbiguousResidues}, []string{}, []report.Region{{Start: 60, End: 875}})
	})
	t.Run("fragments", func(t *testing.T) {
		for _, c := range []struct {
			id    string
			calls []string
			nc    []report.Region
		}{
			{"derived_salGyrA_S83I_frag51-110", []string{"S83I"}, []report.Region{{Start: 1, End: 50}, {Start: 111, End: 875}}},
			{"derived_salGyrA_S83I_pep76-90", []string{"S83I"}, []report.Region{{Start: 1, End: 75}, {Start: 91, End: 875}}},
			{"derived_gyrA_pep5", []string{}, []report.Region{{Start: 1, End: 80}, {Start: 86, End: 875}}},
		} {
			q := rec(c.id)
			_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
			expect(t, res, report.StatusPartial, []string{report.FlagPartialN, report.FlagPartialC}, c.calls, c.nc)
		}
	})
	t.Run("MarR 61-65 deletion", func(t *testing.T) {
		ref, q := k12(t, "marR"), rec("derived_marR_del61-65")
		if !bytes.Equal(q.Seq, append(bytes.Clone(ref.Seq[:60]), ref.Seq[65:]...)) {
			t.Fatal("record is not K-12 MarR without 61-65")
		}
		// No 3' shift is possible: residue 61 (K) differs from 66 (V).
		if ref.Seq[60] == ref.Seq[65] {
			t.Fatal("deletion could shift")
		}
		want := fmt.Sprintf("%c61_%c65del", ref.Seq[60], ref.Seq[64])
		_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, nil)
		expect(t, res, report.StatusMutant, nil, []string{want}, nil)
		m := res.Mutations[0]
		if want != "K61_S65del" || m.HGVS != "p.Lys61_Ser65del" || m.Ref != string(ref.Seq[60:65]) || m.RawShort != want ||
			m.QueryStart != 60 || m.QueryEnd != 61 {
			t.Errorf("%+v", m)
		}
	})
	t.Run("AcrR 96-100 duplication", func(t *testing.T) {
		ref, q := k12(t, "acrR"), rec("derived_acrR_ins5_after100")
		if !bytes.Equal(q.Seq, append(append(bytes.Clone(ref.Seq[:100]), ref.Seq[95:100]...), ref.Seq[100:]...)) {
			t.Fatal("record is not K-12 AcrR with 96-100 repeated after 100")
		}
		// water places the insertion left-most (after H95). Residue 101 (V)
		// equals 96 (V), so the 3'-most equivalent duplication is 97-101,
		// not the 96-100 the header describes.
		if string(ref.Seq[94:102]) != "HVLESTVT" {
			t.Fatalf("AcrR 95-102 is %s", ref.Seq[94:102])
		}
		_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, nil)
		expect(t, res, report.StatusMutant, nil, []string{"L97_V101dup"}, nil)
		m := res.Mutations[0]
		w := report.Mutation{Type: report.TypeDuplication, RefStart: 97, RefEnd: 101, QueryStart: 102, QueryEnd: 106, Ref: "LESTV", Alt: "LESTV",
			Short: "L97_V101dup", HGVS: "p.Leu97_Val101dup", Name: "acrR_L97_V101dup",
			RawRefStart: 95, RawRefEnd: 96, RawQueryStart: 96, RawQueryEnd: 100, RawShort: "H95_V96insVLEST"}
		if !reflect.DeepEqual(m, w) {
			t.Errorf("got  %+v\nwant %+v", m, w)
		}
	})
	t.Run("lower and mixed case", func(t *testing.T) {
		lo, mixed := rec("derived_salGyrA_S83I_lowercase"), rec("derived_salGyrA_S83I_mixedcase")
		if !bytes.Equal(bytes.ToUpper(lo.Seq), bytes.ToUpper(mixed.Seq)) {
			t.Fatal("the two records differ beyond case")
		}
		_, a := callRecord(t, lo.Gene, gyrA.Seq, lo.Seq, nil)
		_, b := callRecord(t, mixed.Gene, gyrA.Seq, mixed.Seq, nil)
		_, c := callRecord(t, lo.Gene, gyrA.Seq, bytes.ToUpper(lo.Seq), nil)
		if !reflect.DeepEqual(a.Mutations, b.Mutations) || !reflect.DeepEqual(a.Mutations, c.Mutations) {
			t.Error("case changes the calls")
		}
		if !a.HasFlag(report.FlagLowercaseInput) || !b.HasFlag(report.FlagLowercaseInput) || c.HasFlag(report.FlagLowercaseInput) {
			t.Errorf("lowercase flags %v %v %v", a.Flags, b.Flags, c.Flags)
		}
		// Salmonella GyrA is 878 aa: S83I among many homolog differences,
		// ungapped against K-12's 875, then 3 residues past K-12's stop.
		d := diffs(t, gyrA.Seq, bytes.ToUpper(lo.Seq[:875]))
		ext := fmt.Sprintf("*876%cext*?", aligner.Upper(lo.Seq[875]))
		if got := shorts(a.Mutations); !reflect.DeepEqual(got, append(d, ext)) || got[0] != "S83I" {
			t.Errorf("calls %v, want %v + %s", got, d, ext)
		}
		if a.Status != report.StatusMutant || a.CTerminalOverhang != 3 {
			t.Errorf("status %s, C overhang %d", a.Status, a.CTerminalOverhang)
		}
	})
	t.Run("MarR stop read-through", func(t *testing.T) {
		ref, q := k12(t, "marR"), rec("derived_marR_nonstop_readthrough")
		if len(q.Seq) != 157 || !bytes.Equal(q.Seq[:144], ref.Seq) || q.Seq[144] != 'Q' {
			t.Fatal("record is not K-12 MarR + Q + 12 residues")
		}
		_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, nil)
		expect(t, res, report.StatusMutant, []string{report.FlagCTerminalOverhang}, []string{"*145Qext*?"}, nil)
		if res.CTerminalOverhang != 13 || res.Mutations[0].HGVS != "p.Ter145Glnext*?" {
			t.Errorf("%+v", res)
		}
		// With its stop codon the new stop is 13 residues after the old one.
		_, res = callRecord(t, q.Gene, ref.Seq, append(bytes.Clone(q.Seq), '*'), nil)
		expect(t, res, report.StatusMutant, []string{report.FlagCTerminalOverhang, report.FlagTerminalStopStripped}, []string{"*145Qext*13"}, nil)
		m := res.Mutations[0]
		if m.HGVS != "p.Ter145Glnext*13" || m.RefStart != 145 || m.QueryStart != 145 || m.QueryEnd != 157 || m.Alt != string(q.Seq[144:]) {
			t.Errorf("%+v", m)
		}
		// Without a true stop at the reference end it is only an overhang.
		_, res = callRecord(t, q.Gene, ref.Seq, q.Seq, func(in *Input) { in.RefEndsWithStop = false })
		expect(t, res, report.StatusWildtype, []string{report.FlagCTerminalOverhang}, []string{}, nil)
	})
	t.Run("terminal stop", func(t *testing.T) {
		q := rec("derived_gyrA_terminal_stop")
		if q.Seq[len(q.Seq)-1] != '*' {
			t.Fatal("no terminal *")
		}
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusWildtype, []string{report.FlagTerminalStopStripped}, []string{}, nil)
		// Left in the query, the '*' is still the terminal stop.
		res, err := Call(Input{Gene: "gyrA", Ref: gyrA.Seq, Query: q.Seq, Aln: align(t, gyrA.Seq, q.Seq), RefEndsWithStop: true})
		if err != nil {
			t.Fatal(err)
		}
		expect(t, res, report.StatusWildtype, nil, []string{}, nil)
	})
	t.Run("MgrB without Met1", func(t *testing.T) {
		ref, q := k12(t, "mgrB"), rec("derived_mgrB_Nterm_Met_missing")
		if !bytes.Equal(q.Seq, ref.Seq[1:]) {
			t.Fatal("record is not K-12 MgrB 2-47")
		}
		_, res := callRecord(t, q.Gene, ref.Seq, q.Seq, nil)
		expect(t, res, report.StatusPartial, []string{report.FlagPartialN}, []string{}, []report.Region{{Start: 1, End: 1}})
		// A change in it keeps reference numbering: query 10 is reference 11.
		mut := bytes.Clone(q.Seq)
		mut[9] = 'W'
		_, res = callRecord(t, q.Gene, ref.Seq, mut, nil)
		want := fmt.Sprintf("%c11W", ref.Seq[10])
		expect(t, res, report.StatusPartial, []string{report.FlagPartialN}, []string{want}, []report.Region{{Start: 1, End: 1}})
		if res.Mutations[0].QueryStart != 10 {
			t.Errorf("%+v", res.Mutations[0])
		}
	})
	t.Run("removed gap characters", func(t *testing.T) {
		q := rec("derived_gyrA_gapchars")
		cq, _, _ := clean(q.Seq)
		if !bytes.Equal(cq, gyrA.Seq[:120]) || bytes.Equal(cq, q.Seq) {
			t.Fatal("cleaned record is not GyrA 1-120")
		}
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusPartial, []string{report.FlagPartialC, report.FlagRemovedCharacters}, []string{}, []report.Region{{Start: 121, End: 875}})
	})
	t.Run("U B Z J O", func(t *testing.T) {
		q := rec("derived_gyrA_nonstandard_UBZJO")
		_, res := callRecord(t, q.Gene, gyrA.Seq, q.Seq, nil)
		expect(t, res, report.StatusPartial, []string{report.FlagPartialC, report.FlagAmbiguousResidues, report.FlagNonstandardResidues},
			diffs(t, gyrA.Seq[:120], q.Seq), []report.Region{{Start: 121, End: 875}})
		want := []struct{ short, typ, hgvs string }{
			{"P10U", report.TypeSubstitution, "p.Pro10Sec"},
			{"S20B", report.TypeAmbiguous, "p.Ser20Asx"},
			{"V30Z", report.TypeAmbiguous, "p.Val30Glx"},
			{"G40J", report.TypeAmbiguous, "p.Gly40Xle"},
			{"Y50O", report.TypeSubstitution, "p.Tyr50Pyl"},
		}
		if len(res.Mutations) != len(want) {
			t.Fatalf("calls %v", shorts(res.Mutations))
		}
		for i, w := range want {
			if m := res.Mutations[i]; m.Short != w.short || m.Type != w.typ || m.HGVS != w.hgvs {
				t.Errorf("%+v, want %+v", m, w)
			}
		}
	})
}

// BenchmarkCall calls Salmonella GyrA (about 80 differences and an
// extension) against K-12 GyrA; the alignment is computed once.
func BenchmarkCall(b *testing.B) {
	ref := k12(b, "gyrA")
	q := byID(b, "derived_edge_cases.faa", "derived_salGyrA_S83I_mixedcase")
	in := Input{Gene: "gyrA", Ref: ref.Seq, Query: q.Seq, Aln: align(b, ref.Seq, q.Seq), RefEndsWithStop: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Call(in); err != nil {
			b.Fatal(err)
		}
	}
}
