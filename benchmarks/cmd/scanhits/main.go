// Command scanhits compares the hits of a proteome scan: wtalign's exact
// ones (`wtalign align --assign best`, JSON) with those of heuristic tools
// (BLAST tabular output, -outfmt 6, as blastp and DIAMOND write it).
//
//	scanhits pairs -o DIR TOOL.tsv...
//
// writes every (query, wild type) pair the tools report as map files
// DIR/map_1.tsv, map_2.tsv, ... (at most one pair per query in each, for
// `wtalign align --assign map`) and prints how many it wrote;
//
//	scanhits report -scan scan.json -mapped 'DIR/mapped_*.json' NAME=TOOL.tsv...
//
// prints, per tool: its pairs, how many of wtalign's hits it reports and
// misses, and how many of its own pairs pass wtalign's thresholds (from
// water's numbers for that pair, computed by wtalign in map mode) and
// whether wtalign reports each of those queries as a hit.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: scanhits pairs|report ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "pairs":
		err = pairs(os.Args[2:])
	case "report":
		err = report(os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanhits:", err)
		os.Exit(1)
	}
}

type pair struct{ q, r string }

// readTool returns the (query, subject) pairs of a tabular file whose
// e-value is at most maxE.
func readTool(path string, maxE float64) (map[pair]bool, error) {
	f, err := os.Open(path) // #nosec G304 -- a tool's tabular output the benchmark's user named
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[pair]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) < 12 {
			continue
		}
		e, err := strconv.ParseFloat(c[10], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: e-value %q: %w", path, c[10], err)
		}
		if e <= maxE {
			out[pair{c[0], c[1]}] = true
		}
	}
	return out, sc.Err()
}

func pairs(args []string) error {
	fs := flag.NewFlagSet("pairs", flag.ExitOnError)
	dir := fs.String("o", ".", "output directory")
	maxE := fs.Float64("evalue", 1e-5, "largest e-value kept")
	fs.Parse(args) // #nosec G104 -- flag.ExitOnError: Parse exits on a bad flag and never returns an error
	all := map[pair]bool{}
	for _, p := range fs.Args() {
		ps, err := readTool(p, *maxE)
		if err != nil {
			return err
		}
		for k := range ps {
			all[k] = true
		}
	}
	byQuery := map[string][]string{}
	for p := range all {
		byQuery[p.q] = append(byQuery[p.q], p.r)
	}
	n := 0
	for _, rs := range byQuery {
		n = max(n, len(rs))
	}
	for k := range n {
		var b strings.Builder
		var qs []string
		for q := range byQuery {
			qs = append(qs, q)
		}
		sort.Strings(qs)
		for _, q := range qs {
			rs := byQuery[q]
			sort.Strings(rs)
			if k < len(rs) {
				fmt.Fprintf(&b, "%s\t%s\n", q, rs[k])
			}
		}
		if err := os.WriteFile(filepath.Join(*dir, fmt.Sprintf("map_%d.tsv", k+1)), []byte(b.String()), 0o644); err != nil { // #nosec G306 -- benchmark map files for wtalign --map, readable like any output
			return err
		}
	}
	fmt.Println(n)
	return nil
}

type record struct {
	Query     struct{ ID string } `json:"query"`
	Reference *struct {
		ID string `json:"id"`
	} `json:"reference"`
	Status    string `json:"status"`
	Alignment *struct {
		Score             float64 `json:"score"`
		PercentIdentity   float64 `json:"percent_identity"`
		ReferenceCoverage float64 `json:"reference_coverage"`
	} `json:"alignment"`
}

func readRecords(path string) ([]record, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the wtalign output the benchmark's user named
	if err != nil {
		return nil, err
	}
	var doc struct{ Records []record }
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return doc.Records, nil
}

// notHit are the statuses of records that are not hits.
var notHit = map[string]bool{"no_hit": true, "error": true, "empty": true, "skipped": true, "low_quality": true}

func report(args []string) error {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	scan := fs.String("scan", "", "wtalign --assign best output (JSON)")
	mapped := fs.String("mapped", "", "glob of wtalign --assign map outputs for the tools' pairs")
	maxE := fs.Float64("evalue", 1e-5, "largest e-value counted")
	minID := fs.Float64("min-identity", 25, "wtalign's --min-identity")
	minCov := fs.Float64("min-ref-coverage", 50, "wtalign's --min-ref-coverage")
	minScore := fs.Float64("min-score", 100, "wtalign's --min-score")
	fs.Parse(args) // #nosec G104 -- flag.ExitOnError: Parse exits on a bad flag and never returns an error
	recs, err := readRecords(*scan)
	if err != nil {
		return err
	}
	hit := map[string]string{} // query -> wtalign's wild type, for hits
	for _, r := range recs {
		if !notHit[r.Status] && r.Reference != nil {
			hit[r.Query.ID] = r.Reference.ID
		}
	}
	// Water's numbers for every pair the tools report.
	passes := map[pair]bool{}
	files, _ := filepath.Glob(*mapped)
	for _, f := range files {
		if strings.HasSuffix(f, ".manifest.json") {
			continue
		}
		rs, err := readRecords(f)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if r.Reference == nil || r.Alignment == nil {
				continue
			}
			a := r.Alignment
			passes[pair{r.Query.ID, r.Reference.ID}] = a.PercentIdentity >= *minID && a.ReferenceCoverage >= *minCov && a.Score >= *minScore
		}
	}
	fmt.Printf("wtalign: %d hits (queries whose best wild type passes identity >= %g%%, reference coverage >= %g%%, score >= %g)\n\n", len(hit), *minID, *minCov, *minScore)
	fmt.Printf("%-12s %8s %16s %16s %18s %18s %14s\n", "tool", "pairs", "wtalign_hits_in", "wtalign_missed", "pairs_passing_thr", "found_by_wtalign", "other_wt_best")
	for _, arg := range fs.Args() {
		name, path, ok := strings.Cut(arg, "=")
		if !ok {
			return fmt.Errorf("argument %q is not NAME=FILE", arg)
		}
		ps, err := readTool(path, *maxE)
		if err != nil {
			return err
		}
		in := 0
		for q, r := range hit {
			if ps[pair{q, r}] {
				in++
			}
		}
		var pass, found, other int
		var lost []string
		for p := range ps {
			if !passes[p] {
				continue
			}
			pass++
			switch r, ok := hit[p.q]; {
			case ok && r == p.r:
				found++
			case ok:
				found++
				other++
			default:
				lost = append(lost, p.q+" "+p.r)
			}
		}
		fmt.Printf("%-12s %8d %16d %16d %18d %18d %14d\n", name, len(ps), in, len(hit)-in, pass, found, other)
		sort.Strings(lost)
		for _, l := range lost {
			fmt.Printf("  NOT FOUND by wtalign: %s\n", l)
		}
	}
	return nil
}
