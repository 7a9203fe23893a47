// Command engine runs wtalign's alignment engine alone (no mutation calls,
// no JSON) over a FASTA of queries named `tag|gene|...` against their wild
// types, with the batch API the pipeline can use:
//
//	go run ./benchmarks/cmd/engine -r wildtypes.faa -j 2 -o out.tsv variants.faa
//
// It writes one TSV line per query (id, score, reference and query ranges,
// Length, Identity, Similarity, Gaps) in input order. compare.sh times it
// beside the full `wtalign align` to show what the engine costs.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/benchmarks"
)

func main() {
	ref := flag.String("r", "", "wild-type FASTA")
	threads := flag.Int("j", runtime.NumCPU(), "worker goroutines")
	out := flag.String("o", "-", "output TSV")
	chunk := flag.Int("chunk", 256, "queries per AlignBatch call")
	flag.Parse()
	if *ref == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: engine -r wildtypes.faa [-j N] [-o out.tsv] queries.faa")
		os.Exit(2)
	}
	if err := run(*ref, flag.Arg(0), *out, *threads, *chunk); err != nil {
		fmt.Fprintln(os.Stderr, "engine:", err)
		os.Exit(1)
	}
}

type job struct {
	p    *aligner.Profile
	idx  []int
	seqs [][]byte
}

func run(refPath, qPath, outPath string, threads, chunk int) error {
	m, err := aligner.LoadMatrix("EBLOSUM62")
	if err != nil {
		return err
	}
	s, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	if err != nil {
		return err
	}
	wts, err := benchmarks.ReadFASTA(refPath)
	if err != nil {
		return err
	}
	profiles := map[string]*aligner.Profile{}
	for _, w := range wts {
		profiles[benchmarks.Gene(w.ID)] = aligner.NewProfile(s, w.Seq)
	}
	qs, err := benchmarks.ReadFASTA(qPath)
	if err != nil {
		return err
	}
	// Chunks of queries per wild type, in input order.
	var jobs []job
	open := map[string]int{}
	for i, q := range qs {
		g := benchmarks.Gene(q.ID)
		p := profiles[g]
		if p == nil {
			return fmt.Errorf("%s: no wild type for gene %q", q.ID, g)
		}
		k, ok := open[g]
		if !ok || len(jobs[k].idx) == chunk {
			jobs = append(jobs, job{p: p})
			k = len(jobs) - 1
			open[g] = k
		}
		jobs[k].idx = append(jobs[k].idx, i)
		jobs[k].seqs = append(jobs[k].seqs, q.Seq)
	}
	lines := make([]string, len(qs)) // only the TSV lines are kept
	line := func(id string, al *aligner.Alignment) string {
		st := s.Stats(al)
		return fmt.Sprintf("%s\t%.1f\t%d-%d\t%d-%d\t%d\t%d\t%d\t%d\n", id, s.Float(al.Score),
			al.RefStart+1, al.RefEnd+1, al.QueryStart+1, al.QueryEnd+1, st.Length, st.Identity, st.Similarity, st.Gaps)
	}
	errs := make([]error, len(jobs))
	n := aligner.NewNative()
	var wg sync.WaitGroup
	next := make(chan int)
	for range threads {
		wg.Go(func() {
			for k := range next {
				als, err := n.AlignBatch(jobs[k].p, jobs[k].seqs)
				if err != nil {
					errs[k] = err
					continue
				}
				for x, i := range jobs[k].idx {
					lines[i] = line(qs[i].ID, als[x])
				}
			}
		})
	}
	for k := range jobs {
		next <- k
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	f := os.Stdout
	if outPath != "-" {
		if f, err = os.Create(outPath); err != nil { // #nosec G304 -- the -o path the benchmark's user named
			return err
		}
	}
	w := bufio.NewWriter(f)
	for _, l := range lines {
		w.WriteString(l) // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
	}
	err = w.Flush()
	if f != os.Stdout {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
