// Command gen writes the benchmark datasets of package benchmarks:
//
//	go run ./benchmarks/cmd/gen -n 10000 -seed 1 -o /tmp/bench
//
// It writes <out>/wildtypes.faa (the wild types, one per gene), and
// <out>/variants_<n>.faa (n variants, see benchmarks.Variants). The same
// seed always gives the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wtalign/wtalign/benchmarks"
)

func main() {
	n := flag.Int("n", 1000, "number of variants")
	seed := flag.Uint64("seed", 1, "random seed")
	wt := flag.String("wildtypes", "benchmarks/testdata/wildtypes.faa", "wild-type FASTA")
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	if err := run(*wt, *out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(wtPath, out string, n int, seed uint64) error {
	wts, err := benchmarks.ReadFASTA(wtPath)
	if err != nil {
		return err
	}
	if len(wts) == 0 || n < 1 {
		return fmt.Errorf("need wild types and -n >= 1")
	}
	if err := os.MkdirAll(out, 0o755); err != nil { // #nosec G301 -- the -o directory of generated benchmark data, readable like any output
		return err
	}
	write := func(name string, recs []benchmarks.Protein) error {
		f, err := os.Create(filepath.Join(out, name)) // #nosec G304 -- a fixed file name in the -o directory the benchmark's user named
		if err != nil {
			return err
		}
		if err := benchmarks.WriteFASTA(f, recs); err != nil {
			f.Close() // #nosec G104 -- error path: the write error is the one reported
			return err
		}
		return f.Close()
	}
	if err := write("wildtypes.faa", wts); err != nil {
		return err
	}
	return write(fmt.Sprintf("variants_%d.faa", n), benchmarks.Variants(wts, n, seed))
}
