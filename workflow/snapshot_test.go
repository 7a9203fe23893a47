package workflow

// The nf-test snapshots of the Nextflow modules cannot be produced here by
// nf-test (no Nextflow on this machine). This test computes what each
// snapshot must contain from a real wtalign run on the same test data (and
// from running each module's stub commands), and compares it with the
// committed main.nf.test.snap; `go test ./workflow/ -run Snapshots -update`
// with WTALIGN_BIN set rewrites them.

import (
	"crypto/md5"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the nf-test snapshots from WTALIGN_BIN")

func wtalignBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("WTALIGN_BIN")
	if bin == "" {
		skipOrFail(t, "WTALIGN_BIN (path to a built wtalign) is not set")
	}
	return bin
}

// runModuleScript runs wtalign align exactly as WTALIGN_ALIGN's script does
// with no ext.args (as in the module test) and returns the alignments path.
func runAlign(t *testing.T, bin, dir, id, proteins string) string {
	t.Helper()
	out := filepath.Join(dir, id+"_alignments.json")
	cmd := exec.Command(bin, "align", "--threads", "2", "--log-format", "json", "--format", "json", "--resume", "auto",
		"--reference", "nextflow/tests/data/reference_wt.faa", "--out", out, "--manifest", filepath.Join(dir, id+"_manifest.json"), proteins)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wtalign align %s: %v\n%s", id, err, b)
	}
	return out
}

// nfFile is how nf-test snapshots a file: name:md5,<md5 of content>.
func nfFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s:md5,%x", filepath.Base(path), md5.Sum(b))
}

// runStub runs the stub: block of a module's main.nf as Nextflow would, with
// ${prefix} set, in dir.
func runStub(t *testing.T, module, prefix, dir string) {
	t.Helper()
	p, err := parseProcess(mustRead(t, filepath.Join(module, "main.nf")))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)"""\n(.*?)"""`).FindStringSubmatch(p.Stub)
	if m == nil {
		t.Fatalf("%s: no stub script", module)
	}
	// Groovy string to shell: interpolate ${prefix}, unescape \\ and \$.
	sh := strings.ReplaceAll(m[1], "${prefix}", prefix)
	sh = strings.NewReplacer(`\\`, `\`, `\$`, `$`).Replace(sh)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", sh)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("stub of %s: %v\n%s", module, err, b)
	}
}

type recordView struct {
	Query struct {
		ID string `json:"id"`
	} `json:"query"`
	Reference *struct {
		Gene string `json:"gene"`
	} `json:"reference"`
	Status    string `json:"status"`
	Mutations []struct {
		Short string `json:"short"`
	} `json:"mutations"`
}

func TestNFTestSnapshots(t *testing.T) {
	bin := wtalignBin(t)
	dir := t.TempDir()
	gyrA := runAlign(t, bin, dir, "GYRA_VARIANTS", "nextflow/tests/data/GYRA_VARIANTS_proteins.fasta")
	pmrB := runAlign(t, bin, dir, "PMRB_MULTICOPY", "nextflow/tests/data/PMRB_MULTICOPY_proteins.fasta")

	// align, real: [ [ meta, [ [id, gene, status, [shorts]] ... ] ] ]
	var doc struct {
		Records []recordView `json:"records"`
	}
	if err := json.Unmarshal([]byte(mustRead(t, gyrA)), &doc); err != nil {
		t.Fatal(err)
	}
	var recs []any
	for _, r := range doc.Records {
		var gene any
		if r.Reference != nil {
			gene = r.Reference.Gene
		}
		shorts := []any{}
		for _, m := range r.Mutations {
			shorts = append(shorts, m.Short)
		}
		recs = append(recs, []any{r.Query.ID, gene, r.Status, shorts})
	}
	meta := func(id string) map[string]any { return map[string]any{"id": id} }
	alignReal := []any{[]any{[]any{meta("GYRA_VARIANTS"), recs}}}

	// align, stub: the alignments and manifest channels.
	stubDir := filepath.Join(dir, "stub")
	_ = os.MkdirAll(stubDir, 0o755)
	runStub(t, "nextflow/modules/wtalign/align", "GYRA_VARIANTS", stubDir)
	alignStub := []any{
		[]any{[]any{meta("GYRA_VARIANTS"), nfFile(t, filepath.Join(stubDir, "GYRA_VARIANTS_alignments.json"))}},
		[]any{[]any{meta("GYRA_VARIANTS"), nfFile(t, filepath.Join(stubDir, "GYRA_VARIANTS_manifest.json"))}},
	}

	// summarize, real: the cohort table of both accessions, staged under alignments/.
	sumDir := filepath.Join(dir, "summarize")
	_ = os.MkdirAll(filepath.Join(sumDir, "alignments"), 0o755)
	var staged []string
	for _, f := range []string{gyrA, pmrB} {
		dst := filepath.Join(sumDir, "alignments", filepath.Base(f))
		if err := os.Link(f, dst); err != nil {
			t.Fatal(err)
		}
		staged = append(staged, filepath.Join("alignments", filepath.Base(f)))
	}
	cmd := exec.Command(bin, append([]string{"summarize", "--log-format", "json", "--out", "cohort_mutations.tsv", "--json-out", "cohort_summary.json"}, staged...)...)
	cmd.Dir = sumDir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wtalign summarize: %v\n%s", err, b)
	}
	summarizeReal := []any{[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(sumDir, "cohort_mutations.tsv"))}}}
	if tsv := mustRead(t, filepath.Join(sumDir, "cohort_mutations.tsv")); !strings.Contains(tsv, "\tmutant\tpresent\t99.72\t100.00\tC84R\t\t\n") {
		t.Errorf("cohort table of the module test lacks PmrB C84R:\n%s", tsv)
	}

	sumStubDir := filepath.Join(dir, "sumstub")
	_ = os.MkdirAll(sumStubDir, 0o755)
	runStub(t, "nextflow/modules/wtalign/summarize", "cohort", sumStubDir)
	summarizeStub := []any{
		[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(sumStubDir, "cohort_mutations.tsv"))}},
		[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(sumStubDir, "cohort_summary.json"))}},
	}

	repStubDir := filepath.Join(dir, "repstub")
	_ = os.MkdirAll(repStubDir, 0o755)
	runStub(t, "nextflow/modules/wtalign/report", "cohort", repStubDir)
	reportStub := []any{
		[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(repStubDir, "cohort_report.html"))}},
		[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(repStubDir, "cohort_quality.json"))}},
		[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(repStubDir, "cohort_general_stats_mqc.tsv"))}},
	}
	// report, real: the general statistics of both accessions (the page and
	// the JSON hold run times, which differ from run to run).
	repDir := filepath.Join(dir, "report")
	_ = os.MkdirAll(filepath.Join(repDir, "alignments"), 0o755)
	var repStaged []string
	for _, f := range []string{gyrA, pmrB} {
		for _, suffix := range []string{"", ".manifest.json"} {
			if _, err := os.Stat(f + suffix); err == nil {
				if err := os.Link(f+suffix, filepath.Join(repDir, "alignments", filepath.Base(f)+suffix)); err != nil {
					t.Fatal(err)
				}
			}
		}
		repStaged = append(repStaged, filepath.Join("alignments", filepath.Base(f)))
	}
	cmd = exec.Command(bin, append([]string{"report", "--log-format", "json", "--out", "cohort_report.html", "--json-out", "cohort_quality.json", "--multiqc", "."}, repStaged...)...)
	cmd.Dir = repDir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wtalign report: %v\n%s", err, b)
	}
	if err := os.Rename(filepath.Join(repDir, "wtalign_general_stats_mqc.tsv"), filepath.Join(repDir, "cohort_general_stats_mqc.tsv")); err != nil {
		t.Fatal(err)
	}
	reportReal := []any{[]any{[]any{meta("cohort"), nfFile(t, filepath.Join(repDir, "cohort_general_stats_mqc.tsv"))}}}

	want := map[string]map[string]any{
		"nextflow/modules/wtalign/report/tests/main.nf.test.snap": {
			"ecoli - two accessions - cohort":        reportReal,
			"ecoli - two accessions - cohort - stub": reportStub,
		},
		"nextflow/modules/wtalign/align/tests/main.nf.test.snap": {
			"ecoli - gyrA variants - json":        alignReal,
			"ecoli - gyrA variants - json - stub": alignStub,
		},
		"nextflow/modules/wtalign/summarize/tests/main.nf.test.snap": {
			"ecoli - two accessions - cohort":        summarizeReal,
			"ecoli - two accessions - cohort - stub": summarizeStub,
		},
	}
	for path, tests := range want {
		if *update {
			out := map[string]any{}
			for name, content := range tests {
				out[name] = map[string]any{"content": content}
			}
			b, _ := json.MarshalIndent(out, "", "    ")
			if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var got map[string]struct {
			Content any `json:"content"`
		}
		if err := json.Unmarshal([]byte(mustRead(t, path)), &got); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for name, content := range tests {
			// Compare as JSON values, the way nf-test compares snapshots.
			wb, _ := json.Marshal(content)
			var w any
			_ = json.Unmarshal(wb, &w)
			if !reflect.DeepEqual(got[name].Content, w) {
				gb, _ := json.Marshal(got[name].Content)
				t.Errorf("%s: snapshot %q is stale\n got: %s\nwant: %s\n(rerun with -update)", path, name, gb, wb)
			}
		}
		if len(got) != len(tests) {
			t.Errorf("%s: %d snapshots, want %d", path, len(got), len(tests))
		}
	}
}
