package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
)

var pairsDir = filepath.Join("..", "..", "testdata", "pairs")

// realQueryFiles are every query file of testdata/pairs except the
// synthetic tie-heavy one.
var realQueryFiles = []string{
	"derived_edge_cases.faa", "homolog_grampos_prokka.faa", "homolog_salmonella_pointfinder.faa",
	"ref_ecoli_pointfinder.faa", "variant_ecoli_gyrA.faa", "variant_ecoli_nfsA_stop.faa", "variant_ecoli_pmrB_multicopy.faa",
}

func compareJSON(t *testing.T, args ...string) (int, compareReport, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, append([]string{"compare", "--json", "--log-format", "json"}, args...)...)
	var rep compareReport
	if code == 0 || strings.HasPrefix(strings.TrimSpace(stdout), "{") {
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("exit %d, bad JSON: %v\n%s\nstderr: %s", code, err, stdout, stderr)
		}
	}
	return code, rep, stderr
}

func checkAllAgree(t *testing.T, rep compareReport, wantRecords int) {
	t.Helper()
	if rep.Compared != wantRecords || rep.AllAgree != rep.Compared || rep.Verdict != "agree" {
		t.Fatalf("records %d (want %d), all agree %d, verdict %s; differences %v", rep.Compared, wantRecords, rep.AllAgree, rep.Verdict, rep.Differences)
	}
	for _, f := range compareFields {
		if rep.Agree[f] != rep.Compared {
			t.Errorf("%s: %d of %d agree", f, rep.Agree[f], rep.Compared)
		}
	}
	if rep.NativeSecs <= 0 || rep.WaterSecs <= 0 || rep.SpeedRatio <= 0 {
		t.Errorf("timings %v %v ratio %v", rep.NativeSecs, rep.WaterSecs, rep.SpeedRatio)
	}
	// compare validates the kernel align selects on this machine.
	if rep.Native.Kernel == "" || rep.Native.Kernel != aligner.Kernel() {
		t.Errorf("report names kernel %q, align runs %q", rep.Native.Kernel, aligner.Kernel())
	}
}

// TestCompareRealPairs: every real record of testdata/pairs that names a
// K-12 wild type agrees exactly; the others are skipped alike.
func TestCompareRealPairs(t *testing.T) {
	needWater(t)
	args := []string{"-j", "2", "--skip-unassigned", "-r", filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa")}
	for _, f := range realQueryFiles {
		args = append(args, filepath.Join(pairsDir, f))
	}
	code, rep, stderr := compareJSON(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// 53 records: 50 name a K-12 wild type (Salmonella PmrA, Staphylococcus
	// DfrA and Enterococcus... have keys K-12 spells differently).
	checkAllAgree(t, rep, 50)
	if rep.Records != 53 || rep.NotAligned != 3 || rep.Assign != "name" {
		t.Errorf("records %d, not aligned %d, assign %s", rep.Records, rep.NotAligned, rep.Assign)
	}
}

// TestComparePairsAsAlign: compare assigns as align does (case-insensitive
// keys, reference IDs as keys), so both queries of the example pair.
func TestComparePairsAsAlign(t *testing.T) {
	needWater(t)
	dir := t.TempDir()
	refs, err := fasta.ReadAll(filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa"), fasta.Options{Role: fasta.Reference})
	if err != nil {
		t.Fatal(err)
	}
	var gyrA, parC string
	for _, r := range refs {
		switch fasta.GeneKey(r.ID, r.Description, nil) {
		case "gyrA":
			gyrA = string(r.Seq)
		case "parC":
			parC = string(r.Seq)
		}
	}
	ref := writeFile(t, dir, "refs.faa", ">k12|gyrA|NP_416734.1\n"+gyrA+"\n>plainref\n"+parC+"\n")
	q := writeFile(t, dir, "q.faa", ">iso1|GYRA|x\n"+gyrA[:300]+"L"+gyrA[301:]+"\n>iso2|plainref|x\n"+parC+"\n")
	code, rep, stderr := compareJSON(t, "--all-pairs", "-r", ref, q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	checkAllAgree(t, rep, 2)
	if rep.RecordList[0].Native.Reference != "k12|gyrA|NP_416734.1" || rep.RecordList[1].Native.Reference != "plainref" {
		t.Errorf("pairs: %+v", rep.RecordList)
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// splitTieHeavy writes the ref and query records of tie_heavy.faa to two
// files and a map pairing them, and returns the number of pairs. Pairs
// whose reference has an internal '*' are left out: references must not
// have one (package emboss runs those pairs through water directly).
func splitTieHeavy(t *testing.T, dir string) (refs, queries, mapFile string, n int) {
	t.Helper()
	var ids, seqs []string
	if _, err := readRecords(filepath.Join(pairsDir, "tie_heavy.faa"), func(id, seq string) {
		ids, seqs = append(ids, id), append(seqs, seq)
	}); err != nil {
		t.Fatal(err)
	}
	var r, q, m strings.Builder
	for i := 0; i+1 < len(ids); i += 2 {
		if !strings.HasSuffix(ids[i], "|ref") || !strings.HasSuffix(ids[i+1], "|query") {
			t.Fatalf("records %d, %d: not a ref/query pair", i+1, i+2)
		}
		if strings.Contains(strings.TrimSuffix(seqs[i], "*"), "*") {
			continue
		}
		fmt.Fprintf(&r, ">%s\n%s\n", ids[i], seqs[i])
		fmt.Fprintf(&q, ">%s\n%s\n", ids[i+1], seqs[i+1])
		fmt.Fprintf(&m, "%s\t%s\n", ids[i+1], ids[i])
		n++
	}
	return writeFile(t, dir, "tie_refs.faa", r.String()), writeFile(t, dir, "tie_queries.faa", q.String()),
		writeFile(t, dir, "tie.map", m.String()), n
}

// TestCompareTieHeavy: the synthetic pairs built to provoke equal-score
// alternatives agree on gap placement too, in both water output formats.
func TestCompareTieHeavy(t *testing.T) {
	needWater(t)
	refs, queries, mapFile, n := splitTieHeavy(t, t.TempDir())
	if n < 35 {
		t.Fatalf("only %d tie-heavy pairs", n)
	}
	for _, format := range []string{"markx10", "srspair"} {
		// Low floors: these synthetic pairs are about gap placement, and a
		// low_quality record would hide its alignment from the comparison.
		code, rep, stderr := compareJSON(t, "--water-format", format, "--assign", "map", "--map", mapFile,
			"--min-identity", "0", "--min-score", "0", "-r", refs, queries)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		checkAllAgree(t, rep, n)
	}
}

// TestCompareTable: the human report and the verdict.
func TestCompareTable(t *testing.T) {
	needWater(t)
	code, stdout, stderr := runCLI(t, "compare", "-r", filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa"), filepath.Join(pairsDir, "variant_ecoli_gyrA.faa"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var norm []string
	for _, l := range strings.Split(stdout, "\n") {
		norm = append(norm, strings.Join(strings.Fields(l), " "))
	}
	text := strings.Join(norm, "\n")
	for _, want := range []string{"\nrecords compared 5\n", "\naligned strings 5/5 100.00%\n", "\ncalls 5/5 100.00%\n", "\nall fields 5/5 100.00%\n", "water/native =", "verdict: AGREE", "kernel " + aligner.Kernel()} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCompareAwkwardIDs: IDs water would mangle (pipes, colons, slashes,
// spaces, 200 characters, shared prefixes) never reach it, and every result
// maps back to its own record.
func TestCompareAwkwardIDs(t *testing.T) {
	needWater(t)
	dir := t.TempDir()
	seqs := map[string]string{}
	var ids []string
	_, err := readRecords(filepath.Join(pairsDir, "variant_ecoli_gyrA.faa"), func(id, seq string) { ids = append(ids, id); seqs[id] = seq })
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 190)
	awkward := []string{
		"sp|P0AES4|GYRA_ECOLI",         // UniProt: water prints GYRA_ECOLI
		"a:b|gyrA|c/d",                 // colon and slash
		"lab|gyrA|" + long,             // 200 characters
		"lab|gyrA|" + long[:189] + "y", // same first 199 characters
		"x|y",                          // two pipe fields: EMBOSS_001 in water
		"gi|123|ref|NP_1.1|",           // NCBI style, and no gene key: skipped under name
	}
	var fa strings.Builder
	var want []string
	for i, id := range awkward {
		desc := fmt.Sprintf(" sample %d, with spaces, gene=gyrA", i+1)
		if i == len(awkward)-1 {
			desc = " no gene key here"
		}
		fa.WriteString(">" + id + desc + "\n" + seqs[ids[i%len(ids)]] + "\n")
		want = append(want, id)
	}
	q := filepath.Join(dir, "awkward.faa")
	if err := os.WriteFile(q, []byte(fa.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	// Three wild types keep the no-key case small.
	ref := filepath.Join(dir, "refs.faa")
	var rb strings.Builder
	if _, err := readRecords(filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa"), func(id, seq string) {
		for _, g := range []string{"|gyrA|", "|parC|", "|marR|"} {
			if strings.Contains(id, g) {
				rb.WriteString(">" + id + "\n" + seq + "\n")
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ref, []byte(rb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rep, stderr := compareJSON(t, "--all-pairs", "--skip-unassigned", "-j", "2", "-r", ref, q)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// gene=gyrA pairs five records with GyrA; the last has no key and is
	// skipped by both runs alike.
	checkAllAgree(t, rep, 5)
	if len(rep.RecordList) != 5 || rep.NotAligned != 1 {
		t.Fatalf("--all-pairs listed %d records, %d not aligned", len(rep.RecordList), rep.NotAligned)
	}
	seen := map[string]bool{}
	for i, p := range rep.RecordList {
		if p.QueryID != want[p.QueryIndex-1] {
			t.Errorf("pair %d: record %d has ID %q, want %q", i+1, p.QueryIndex, p.QueryID, want[p.QueryIndex-1])
		}
		if p.Native.Score == nil || p.Water.Score == nil || *p.Native.Score != *p.Water.Score {
			t.Errorf("pair %d (%s): scores differ", i+1, p.QueryID)
		}
		seen[p.QueryID] = true
	}
	if len(seen) != len(awkward)-1 {
		t.Errorf("%d distinct query IDs in the report, want %d", len(seen), len(awkward))
	}
}

// readRecords calls fn with the ID and sequence (as written) of every
// record in path.
func readRecords(path string, fn func(id, seq string)) (int, error) {
	recs, err := fasta.ReadAll(path, fasta.Options{Role: fasta.Query, AllowNucleotide: true})
	for _, r := range recs {
		fn(r.ID, string(r.Raw))
	}
	return len(recs), err
}

// TestCompareDisagreement: a water that aligns with other penalties (a
// wrapper changing -gapopen) makes compare report DISAGREE and exit 4,
// which is not the exit code of an I/O error.
func TestCompareDisagreement(t *testing.T) {
	needWater(t)
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "water")
	script := "#!/bin/bash\nargs=()\nfor a in \"$@\"; do if [ \"${prev:-}\" = -gapopen ]; then a=3; fi; args+=(\"$a\"); prev=$a; done\nexec water \"${args[@]}\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"--water-path", wrapper, "-r", filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa"), filepath.Join(pairsDir, "derived_edge_cases.faa")}
	code, rep, _ := compareJSON(t, args...)
	if code != exitDisagree || rep.Verdict != "disagree" || rep.AllAgree == rep.Compared || len(rep.Differences["score"]) == 0 {
		t.Fatalf("exit %d, verdict %q, %d/%d agree, differences %v", code, rep.Verdict, rep.AllAgree, rep.Compared, rep.Differences)
	}
	for _, p := range rep.RecordList {
		if p.Agree || len(p.Differs) == 0 || p.Native.AlignedRef == "" {
			t.Errorf("listed pair %+v", p)
		}
	}
	code, stdout, stderr := runCLI(t, append([]string{"compare"}, args...)...)
	if code != exitDisagree || !strings.Contains(stdout, "verdict: DISAGREE") || !strings.Contains(stdout, "DIFFERENCES") || !strings.Contains(stderr, "records disagree") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestCompareWaterFailures: no water, or a water that crashes, is a clear
// error with exit 1 and no report on stdout.
func TestCompareWaterFailures(t *testing.T) {
	ref := filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa")
	q := filepath.Join(pairsDir, "variant_ecoli_gyrA.faa")
	t.Run("not installed", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		t.Setenv("WTALIGN_WATER", "")
		code, stdout, stderr := runCLI(t, "compare", "-r", ref, q)
		if code != exitError || stdout != "" || !strings.Contains(stderr, "water not found on $PATH") {
			t.Errorf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
		}
	})
	for _, c := range []struct{ script, says string }{{"crash", "crashed"}, {"exit1", "exit status 1"}, {"garbage", "unparseable"}} {
		t.Run(c.script, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "compare", "--water-path", fakeWater(t, c.script), "-r", ref, q)
			if code != exitError || stdout != "" || !strings.Contains(stderr, c.says) {
				t.Errorf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
			}
		})
	}
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{"compare", q}, {"compare", "-r", ref}, {"compare", "-r", ref, "--water-format", "pair", q}, {"compare", "-r", ref, "-j", "0", q}} {
			if code, _, _ := runCLI(t, args...); code != exitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
			}
		}
	})
}

// TestCompareNonBinaryPenalties: with penalties water computes in floats
// (7.3/0.2), align's path and water agree on every field, score included.
func TestCompareNonBinaryPenalties(t *testing.T) {
	needWater(t)
	for _, pen := range [][2]string{{"7.3", "0.2"}, {"5", "0.1"}, {"15", "0.3"}} {
		code, rep, stderr := compareJSON(t, "--gapopen", pen[0], "--gapextend", pen[1], "--skip-unassigned",
			"-r", filepath.Join(pairsDir, "ref_ecoli_k12_mg1655.faa"), filepath.Join(pairsDir, "variant_ecoli_gyrA.faa"), filepath.Join(pairsDir, "derived_edge_cases.faa"))
		if code != 0 {
			t.Fatalf("%v: exit %d: %s %v", pen, code, stderr, rep.Differences)
		}
		if rep.Compared < 15 || rep.AllAgree != rep.Compared {
			t.Errorf("%v: %d of %d agree", pen, rep.AllAgree, rep.Compared)
		}
	}
}
