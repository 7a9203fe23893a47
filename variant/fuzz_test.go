package variant

import (
	"bytes"
	"slices"
	"testing"

	"github.com/wtalign/wtalign/report"

	"github.com/wtalign/wtalign/aligner"
)

// effective returns the alignment's coordinates without leading and
// trailing gap columns (the region Call treats as aligned).
func effective(al *aligner.Alignment) (rs, re, qs, qe int) {
	rs, re, qs, qe = al.RefStart, al.RefEnd, al.QueryStart, al.QueryEnd
	i, j := 0, len(al.AlignedRef)-1
	for ; i <= j && (al.AlignedRef[i] == '-' || al.AlignedQuery[i] == '-'); i++ {
		if al.AlignedRef[i] == '-' {
			qs++
		} else {
			rs++
		}
	}
	for ; j >= i && (al.AlignedRef[j] == '-' || al.AlignedQuery[j] == '-'); j-- {
		if al.AlignedRef[j] == '-' {
			qe--
		} else {
			re--
		}
	}
	return
}

// checkInvariants checks what must hold for every Result of a valid Input:
// coordinates inside the sequences, reference letters equal to the
// reference, not-covered regions plus the aligned region partitioning the
// reference, and the calls turning the aligned reference segment into the
// aligned query segment.
func checkInvariants(t *testing.T, in Input, res Result) {
	t.Helper()
	n, m := len(in.Ref), len(in.Query)
	rs, re, qs, qe := effective(in.Aln)
	if !slices.Contains([]string{report.StatusWildtype, report.StatusMutant, report.StatusAmbiguous, report.StatusPartial, report.StatusTruncated}, res.Status) {
		t.Errorf("status %q", res.Status)
	}
	seen := map[string]bool{}
	for _, f := range res.Flags {
		if seen[f] {
			t.Errorf("flag %q twice", f)
		}
		seen[f] = true
	}

	// Partition: every reference position is aligned or in exactly one
	// not-covered region.
	cover := make([]int, n+2)
	for p := rs + 1; p <= re+1; p++ {
		cover[p]++
	}
	for _, r := range res.NotCovered {
		if r.Start > r.End || r.Start < 1 || r.End > n {
			t.Errorf("bad region %+v (reference %d)", r, n)
			continue
		}
		for p := r.Start; p <= r.End; p++ {
			cover[p]++
		}
	}
	for p := 1; p <= n; p++ {
		if cover[p] != 1 {
			t.Errorf("reference position %d covered %d times (aligned %d-%d, not covered %+v)", p, cover[p], rs+1, re+1, res.NotCovered)
			break
		}
	}
	if (rs > 0) != res.HasFlag(report.FlagPartialN) {
		t.Errorf("partial_N flag %v with reference start %d", res.HasFlag(report.FlagPartialN), rs+1)
	}

	// Coordinates and reference letters; collect edits by reference position.
	replace := map[int]report.Mutation{} // edits starting at a reference position
	insAfter := map[int]string{}         // residues inserted after a reference position
	for _, mu := range res.Mutations {
		if mu.RefStart < 1 || mu.RefEnd < mu.RefStart || mu.RefEnd > n || mu.QueryStart < 1 || mu.QueryEnd > m+1 {
			if !(mu.Type == report.TypeExtension && mu.RefStart == n+1 && mu.RefEnd == n+1) {
				t.Errorf("%s: coordinates outside the sequences: %+v", mu.Short, mu)
				continue
			}
		}
		refSeg := func() string { return upperString(in.Ref[mu.RefStart-1 : mu.RefEnd]) }
		switch mu.Type {
		case report.TypeSubstitution, report.TypeAmbiguous, report.TypeNonsense:
			if mu.RefStart != mu.RefEnd || mu.Ref != refSeg() || len(mu.Alt) != 1 || mu.Ref == mu.Alt {
				t.Errorf("%s: bad point call %+v", mu.Short, mu)
			}
			if mu.RefStart-1 > re { // stop right after the alignment
				if mu.Type != report.TypeNonsense || mu.RefStart != re+2 {
					t.Errorf("%s: call outside the aligned region", mu.Short)
				}
				continue
			}
			if got := aligner.Upper(in.Query[mu.QueryStart-1]); string(got) != mu.Alt {
				t.Errorf("%s: query has %c", mu.Short, got)
			}
			replace[mu.RefStart] = mu
		case report.TypeDeletion, report.TypeDelins:
			if mu.Ref != refSeg() || (mu.Type == report.TypeDeletion) != (mu.Alt == "") {
				t.Errorf("%s: bad %s %+v", mu.Short, mu.Type, mu)
			}
			replace[mu.RefStart] = mu
		case report.TypeDuplication:
			if mu.Ref != refSeg() || mu.Alt != mu.Ref {
				t.Errorf("%s: bad duplication %+v", mu.Short, mu)
			}
			insAfter[mu.RefEnd] += mu.Alt
		case report.TypeInsertion:
			if mu.RefEnd != mu.RefStart+1 || mu.Ref != "" || mu.Alt == "" {
				t.Errorf("%s: bad insertion %+v", mu.Short, mu)
			}
			insAfter[mu.RefStart] += mu.Alt
		case report.TypeExtension:
			if re != n-1 || mu.Ref != "*" || mu.Alt != upperString(in.Query[mu.QueryStart-1:mu.QueryEnd]) {
				t.Errorf("%s: bad extension %+v", mu.Short, mu)
			}
		default:
			t.Errorf("unknown type %q", mu.Type)
		}
	}

	// Indels are in their 3'-most place, shifted through identical columns
	// of the alignment (never through its last column), and insertions that
	// copy the reference just before them are duplications.
	refID, qryID := map[int]int{}, map[int]int{}
	for k, r, q := 0, in.Aln.RefStart, in.Aln.QueryStart; k < len(in.Aln.AlignedRef); k++ {
		cr, cq := in.Aln.AlignedRef[k], in.Aln.AlignedQuery[k]
		if cr != '-' && cq != '-' && aligner.Upper(cr) == aligner.Upper(cq) {
			refID[r], qryID[q] = q, r
		}
		if cr != '-' {
			r++
		}
		if cq != '-' {
			q++
		}
	}
	for _, mu := range res.Mutations {
		switch mu.Type {
		case report.TypeDeletion: // right flank: reference RefEnd, query QueryEnd-1 (0-based)
			if q, ok := refID[mu.RefEnd]; ok && mu.RefEnd < re && q == mu.QueryEnd-1 &&
				aligner.Upper(in.Ref[mu.RefEnd]) == aligner.Upper(in.Ref[mu.RefStart-1]) {
				t.Errorf("%s is not 3'-most", mu.Short)
			}
		case report.TypeInsertion: // right flank: reference RefEnd-1, query QueryEnd (0-based)
			l := len(mu.Alt)
			if d := mu.RefStart - l; d >= rs && upperString(in.Ref[d:mu.RefStart]) == mu.Alt {
				t.Errorf("%s copies the reference before it: a duplication", mu.Short)
			}
			if r, ok := qryID[mu.QueryEnd]; ok && mu.QueryEnd < qe && r == mu.RefEnd-1 &&
				aligner.Upper(in.Query[mu.QueryEnd]) == aligner.Upper(in.Query[mu.QueryStart-1]) {
				t.Errorf("%s is not 3'-most", mu.Short)
			}
		}
	}

	// Replaying the calls on the aligned reference gives the aligned query.
	var got []byte
	for p := rs + 1; p <= re+1; {
		mu, ok := replace[p]
		switch {
		case !ok:
			got = append(got, aligner.Upper(in.Ref[p-1]))
		default:
			got = append(got, mu.Alt...)
			for k := p + 1; k <= mu.RefEnd; k++ {
				// a multi-residue edit may not hide another edit
				if _, clash := replace[k]; clash || insAfter[k-1] != "" {
					t.Errorf("%s overlaps another call at %d", mu.Short, k)
				}
			}
			p = mu.RefEnd
		}
		got = append(got, insAfter[p]...)
		p++
	}
	if want := []byte(upperString(in.Query[qs : qe+1])); !bytes.Equal(got, want) {
		t.Errorf("replaying %v on reference %d-%d gives\n%s\nwant query %d-%d\n%s", shortNames(res.Mutations), rs+1, re+1, got, qs+1, qe+1, want)
	}
}

var fuzzScorings = func() []*aligner.Scoring {
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		panic(err)
	}
	var out []*aligner.Scoring
	for _, p := range [][2]float64{{10, 0.5}, {10, 0.5}, {10, 0.5}, {1, 0.5}, {0, 0}} {
		s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: p[0], GapExtend: p[1]})
		if err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return out
}()

const fuzzAlphabet = "ACDEFGHIKLMNPQRSTVWY"

// FuzzCall aligns a random reference against an edited copy with the
// oracle and checks Call's invariants on the result.
func FuzzCall(f *testing.F) {
	f.Add([]byte("reference protein seed"), []byte{1, 2, 3, 200, 201, 90, 17})
	f.Add([]byte("MKLAGVTWYRPEMKLAGV"), []byte{0, 40, 80, 120, 160, 200, 240})
	f.Add([]byte("AAAAAAAAAAAAAAAAAAAAAAAAA"), []byte{5, 133, 133, 7, 250})
	f.Add([]byte("x"), []byte{})
	f.Fuzz(func(t *testing.T, seed, edits []byte) {
		if len(seed) == 0 || len(seed) > 200 || len(edits) > 64 {
			return
		}
		ref := make([]byte, len(seed))
		for i, c := range seed {
			ref[i] = fuzzAlphabet[int(c)%len(fuzzAlphabet)]
		}
		// Each edit byte picks an operation and, with the next byte, a place.
		qry := slices.Clone(ref)
		for i := 0; i+1 < len(edits); i += 2 {
			op, at := edits[i], int(edits[i+1])
			pos := at % (len(qry) + 1)
			switch op % 8 {
			case 0, 1: // substitution
				if pos < len(qry) {
					qry[pos] = fuzzAlphabet[int(op/8)%len(fuzzAlphabet)]
				}
			case 2: // deletion of 1-4
				end := min(pos+1+int(op/8)%4, len(qry))
				if pos < end && len(qry)-(end-pos) > 0 {
					qry = slices.Delete(qry, pos, end)
				}
			case 3: // insertion of 1-4 residues
				k := 1 + int(op/8)%4
				ins := make([]byte, k)
				for j := range ins {
					ins[j] = fuzzAlphabet[(int(op)+j*7)%len(fuzzAlphabet)]
				}
				qry = slices.Insert(qry, pos, ins...)
			case 4: // duplication of the preceding 1-4 residues
				k := min(1+int(op/8)%4, pos)
				qry = slices.Insert(qry, pos, qry[pos-k:pos]...)
			case 5: // stop or ambiguity code
				if pos < len(qry) {
					qry[pos] = "*XBZJUO"[int(op/8)%7]
				}
			case 6: // lower case
				if pos < len(qry) && qry[pos] >= 'A' && qry[pos] <= 'Z' {
					qry[pos] += 'a' - 'A'
				}
			case 7: // trim an end
				if k := int(op/8)%5 + 1; len(qry) > k {
					if at%2 == 0 {
						qry = qry[k:]
					} else {
						qry = qry[:len(qry)-k]
					}
				}
			}
		}
		// Mostly water's defaults; sometimes cheap or free gaps, which give
		// gap-rich alignments and, rarely, edge gap columns.
		sc := fuzzScorings[len(edits)%len(fuzzScorings)]
		al, err := aligner.Oracle{}.Align(aligner.NewProfile(sc, ref), qry)
		if err != nil {
			t.Fatal(err)
		}
		in := Input{Gene: "g", Ref: ref, Query: qry, Aln: al, RefEndsWithStop: edits == nil || len(edits)%2 == 0,
			QueryEndsAtStop: len(seed)%3 == 0}
		res, err := Call(in)
		if err != nil {
			// Only an alignment without any residue pair may be refused.
			for i := range al.AlignedRef {
				if al.AlignedRef[i] != '-' && al.AlignedQuery[i] != '-' {
					t.Fatalf("Call refused an oracle alignment: %v\n%s\n%s", err, al.AlignedRef, al.AlignedQuery)
				}
			}
			return
		}
		checkInvariants(t, in, res)
		if t.Failed() {
			t.Logf("\n%s\n%s\n%v", al.AlignedRef, al.AlignedQuery, shortNames(res.Mutations))
		}
	})
}
