package variant

import (
	"reflect"
	"sync"
	"testing"
)

// TestCallScratchReuse: calls share pooled working memory (column kinds,
// identical-column maps, the name buffer). Calls of different lengths and
// genes, made in turn and from several goroutines at once, must give what
// each gives alone, so no call sees another's leftovers.
func TestCallScratchReuse(t *testing.T) {
	var ins []Input
	for _, c := range []struct{ file, gene string }{
		{"variant_ecoli_gyrA.faa", "gyrA"},
		{"variant_ecoli_nfsA_stop.faa", "nfsA"},
		{"variant_ecoli_pmrB_multicopy.faa", "basS"},
		{"derived_edge_cases.faa", "gyrA"},
	} {
		ref := k12(t, c.gene)
		for i, q := range readFASTA(t, c.file) {
			gene := c.gene
			if i%2 == 1 {
				gene = "" // names without a gene key
			}
			if q.Gene != "" && q.Gene != c.gene && q.Gene != "pmrB" {
				continue
			}
			in := Input{Gene: gene, Ref: ref.Seq, Query: q.Seq, Aln: align(t, ref.Seq, q.Seq), RefEndsWithStop: true}
			if in.Aln == nil {
				continue
			}
			ins = append(ins, in)
		}
	}
	// Deletions next to a repeated residue, the next one changed: the calls
	// whose 3' shift reads the identical-column maps.
	ref := k12(t, "gyrA").Seq
	made := 0
	for i := 10; i+3 < len(ref) && made < 40; i++ {
		if ref[i] != ref[i+1] {
			continue
		}
		for _, sub := range []byte("WC") {
			if ref[i+1] == sub {
				continue
			}
			q := append(append([]byte{}, ref[:i]...), ref[i+1:]...)
			q[i] = sub
			ins = append(ins, Input{Gene: "gyrA", Ref: ref, Query: q, Aln: align(t, ref, q), RefEndsWithStop: true})
			made++
		}
	}
	var want []Result
	kept := ins[:0]
	for _, in := range ins {
		a, err := prepare(in)
		if err != nil {
			continue // an edge case Call refuses (gap letters in the query)
		}
		c := &caller{in: in, a: a, flags: map[string]bool{}, scratch: new(scratch)} // fresh memory
		c.run()
		want = append(want, c.result())
		kept = append(kept, in)
	}
	ins = kept
	if len(ins) < 10 {
		t.Fatalf("only %d inputs", len(ins))
	}
	check := func(i int) {
		got, err := Call(ins[i])
		if err != nil {
			t.Errorf("input %d: %v", i, err)
		} else if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("input %d: pooled call differs from a fresh one:\n got %+v\nwant %+v", i, got.Mutations, want[i].Mutations)
		}
	}
	for rep := 0; rep < 3; rep++ { // in turn, forwards and backwards
		for i := range ins {
			check(i)
			check(len(ins) - 1 - i)
		}
	}
	// Poisoned memory: what a previous call could have left, at its worst
	// (every reference position "identical" to every plausible query
	// position, kinds and name bytes nonsense), must not change a call.
	for i, in := range ins {
		for shift := -3; shift <= 3; shift++ {
			sc := &scratch{kinds: make([]uint8, 4096), refMatch: make([]int, 4096), qryMatch: make([]int, 4096), name: []byte("junk")}
			for j := range sc.kinds {
				sc.kinds[j] = 0xff
				sc.refMatch[j], sc.qryMatch[j] = j+shift, j-shift
			}
			a, _ := prepare(in)
			c := &caller{in: in, a: a, flags: map[string]bool{}, scratch: sc}
			c.run()
			if got := c.result(); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("input %d, memory poisoned with shift %d: differs from a fresh call:\n got %+v\nwant %+v", i, shift, got.Mutations, want[i].Mutations)
			}
		}
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 5; rep++ {
				for i := range ins {
					check((i*7 + g) % len(ins))
				}
			}
		}()
	}
	wg.Wait()
}
