// Command wildtypes writes the wild-type sets of the proteome-scan scaling
// table: the 38 E. coli K-12 wild types, then PointFinder's protein
// reference genes of every species (translated with genetic code 11, first
// codon as M; rRNA genes, translations with an internal stop and duplicate
// sequences left out), then, to reach -n, every k-th protein of a proteome:
//
//	go run ./benchmarks/cmd/wildtypes -n 150 -o wt150.faa \
//		-k12 testdata/demo/ref_ecoli_k12_mg1655.faa \
//		-pointfinder ../shared/data/catalogs/pointfinder_db \
//		-proteome testdata/proteomes/GCF_000005845.2_proteins.faa
//
// IDs keep the `tag|gene|source` form: PointFinder genes become
// `pf_<species>|<gene>|<record>`.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shenwei356/bio/seq"
	"github.com/wtalign/wtalign/benchmarks"
)

func main() {
	n := flag.Int("n", 150, "wild types to write (at least the K-12 and PointFinder ones)")
	out := flag.String("o", "-", "output FASTA")
	k12 := flag.String("k12", "testdata/demo/ref_ecoli_k12_mg1655.faa", "K-12 wild types")
	pf := flag.String("pointfinder", "", "PointFinder database directory")
	prot := flag.String("proteome", "testdata/proteomes/GCF_000005845.2_proteins.faa", "proteome to fill up from")
	flag.Parse()
	if err := run(*n, *out, *k12, *pf, *prot); err != nil {
		fmt.Fprintln(os.Stderr, "wildtypes:", err)
		os.Exit(1)
	}
}

func run(n int, out, k12, pfDir, protPath string) error {
	wts, err := benchmarks.ReadFASTA(k12)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, w := range wts {
		seen[string(w.Seq)] = true
	}
	nk := len(wts)
	if pfDir != "" {
		pfs, err := pointfinder(pfDir)
		if err != nil {
			return err
		}
		for _, p := range pfs {
			if len(wts) >= n {
				break
			}
			if !seen[string(p.Seq)] {
				seen[string(p.Seq)] = true
				wts = append(wts, p)
			}
		}
	}
	np := len(wts) - nk
	if len(wts) < n {
		prot, err := benchmarks.ReadFASTA(protPath)
		if err != nil {
			return err
		}
		step := max(1, len(prot)/(n-len(wts)))
		for i := 0; i < len(prot) && len(wts) < n; i += step {
			s := bytes.TrimRight(prot[i].Seq, "*")
			if len(s) > 0 && !seen[string(s)] {
				seen[string(s)] = true
				wts = append(wts, benchmarks.Protein{ID: "k12prot|" + prot[i].ID + "|proteome", Seq: s})
			}
		}
	}
	fmt.Fprintf(os.Stderr, "wildtypes: %d K-12, %d PointFinder, %d from the proteome\n", nk, np, len(wts)-nk-np)
	if out == "-" {
		return benchmarks.WriteFASTA(os.Stdout, wts)
	}
	f, err := os.Create(out) // #nosec G304 -- the -o path the benchmark's user named
	if err != nil {
		return err
	}
	err = benchmarks.WriteFASTA(f, wts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// pointfinder translates the protein genes of every species directory.
func pointfinder(dir string) ([]benchmarks.Protein, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.fsa"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []benchmarks.Protein
	for _, f := range files {
		species := filepath.Base(filepath.Dir(f))
		rna := map[string]bool{}
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(f), "RNA_genes.txt")); err == nil {
			for _, g := range strings.Fields(string(b)) {
				rna[g] = true
			}
		}
		recs, err := benchmarks.ReadFASTA(f)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			gene := strings.SplitN(r.ID, "_", 2)[0]
			if rna[gene] || len(r.Seq)%3 != 0 {
				continue
			}
			dna, err := seq.NewSeq(seq.DNAredundant, bytes.ToUpper(r.Seq))
			if err != nil {
				continue
			}
			p, err := dna.Translate(11, 1, true, false, true, true)
			if err != nil || bytes.ContainsAny(p.Seq, "*") || len(p.Seq) < 30 {
				continue
			}
			out = append(out, benchmarks.Protein{ID: "pf_" + species + "|" + gene + "|" + r.ID, Seq: p.Seq})
		}
	}
	return out, nil
}
