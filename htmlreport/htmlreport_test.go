package htmlreport_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/htmlreport"
	"github.com/wtalign/wtalign/quality"
	"github.com/wtalign/wtalign/verify/verifytest"
)

func TestMain(m *testing.M) { verifytest.Main(m) }

// annotatedCohort aligns testdata/quality (clean and planted) with the
// demo's catalogs (PointFinder knows D87N and S83A of GyrA, among
// others) and adds the GyrA QRDR (67-106) as a record-level region, which
// no wtalign stage writes.
func annotatedCohort(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	var fastas []string
	for _, sub := range []string{"clean", "planted"} {
		m, _ := filepath.Glob(filepath.Join(verifytest.Path(t, "testdata/quality"), sub, "*.faa"))
		sort.Strings(m)
		for _, p := range m {
			fastas = append(fastas, filepath.Join("testdata/quality", sub, filepath.Base(p)))
		}
	}
	outs := verifytest.Cohort(t, dir, verifytest.DemoCatalogs(t), fastas...)
	for _, o := range outs {
		data, err := os.ReadFile(o)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.ReplaceAll(string(data), `"reference":{"id":"ecoli_k12|gyrA|`, `"catalog":{"regions":[{"name":"QRDR","start":67,"end":106}]},"reference":{"id":"ecoli_k12|gyrA|`)
		if err := os.WriteFile(o, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return outs
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is not installed (Debian package chromium)")
	return ""
}

// headless runs chromium on the page with extra flags and returns stdout
// and stderr.
func headless(t *testing.T, bin, page string, flags ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0"}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

var consoleLine = regexp.MustCompile(`(?m)^.*CONSOLE.*$`)

func TestRenderInChromium(t *testing.T) {
	bin := chromium(t)
	outs := annotatedCohort(t)
	rep, err := quality.Analyze(context.Background(), outs, quality.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := htmlreport.WriteFile(page, rep, htmlreport.Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(page)

	// Nothing is loaded from anywhere: no src, no external href.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*"([^"#][^"]*)"`).FindAllSubmatch(html, -1); len(m) > 0 {
		t.Errorf("the page references %d external resources, first %s", len(m), m[0][0])
	}

	dom := cleanDOM(t, bin, page)

	// Every plot is there.
	count := func(class string) int { return strings.Count(dom, `class="plot `+class+`"`) }
	genes, withCalls := 0, 0
	for _, g := range rep.Genes {
		if g.Records > 0 {
			genes++
		}
		if len(g.Mutations) > 0 {
			withCalls++
		}
	}
	for class, want := range map[string]int{"plot-status": 1, "plot-scatter": genes, "plot-lollipop": withCalls, "plot-heatmap": 1} {
		if got := count(class); got != want || want == 0 {
			t.Errorf("%d %s plots, want %d", got, class, want)
		}
	}
	if n := strings.Count(dom, "<svg"); n != 2+genes+withCalls {
		t.Errorf("%d svg elements, want %d", n, 2+genes+withCalls)
	}
	// The planted outliers are in the outlier table, labelled on the
	// scatter, and the QRDR is labelled on the GyrA lollipop.
	table := section(t, dom, `id="outlier-table"`, "</table>")
	for _, q := range []string{"edit_gyrA_fragment", "edit_parC_named_gyrA", "edit_gyrA_identity70", "ecoli_gyrA_D87N|gyrA", "ecoli_gyrA_S83A|gyrA", "derived_gyrA_X83-87", "edit_gyrA_divergent_tail"} {
		if !strings.Contains(table, q) {
			t.Errorf("the outlier table does not list %s", q)
		}
	}
	if n := strings.Count(table, "<tr>"); n != 8 { // header + 7 outliers
		t.Errorf("outlier table has %d rows, want 8", n)
	}
	for _, acc := range []string{"acc09_fragment", "acc10_paralog", "acc11_homolog70", "acc12_copies ×2", "acc13_ambiguous", "acc14_tail"} {
		if !strings.Contains(dom, `class="olbl">`+acc+`<`) {
			t.Errorf("no scatter label %q", acc)
		}
	}
	if !strings.Contains(dom, `class="region">QRDR 67-106<`) {
		t.Error("the GyrA lollipop has no QRDR label")
	}
	heat := section(t, dom, `class="plot plot-heatmap"`, "</svg>")
	for _, k := range []string{"gyrA_D87N", "gyrA_S83A"} {
		if !strings.Contains(heat, ">"+k+"<") {
			t.Errorf("the heatmap has no column %s", k)
		}
	}

	// Sorting works: a script appended to a copy clicks the identity
	// header and reports the first row.
	probe := strings.Replace(string(html), "</body>", `<script>
document.querySelectorAll("#outlier-table th")[4].click();
document.body.setAttribute("data-first", document.querySelector("#outlier-table tbody tr").cells[4].textContent);
</script></body>`, 1)
	probePage := filepath.Join(dir, "probe.html")
	os.WriteFile(probePage, []byte(probe), 0o644)
	dom, _ = headless(t, bin, probePage, "--dump-dom")
	if !strings.Contains(dom, `data-first="33"`) {
		t.Errorf("sorting by identity did not put the paralog (33%%) first: %s", firstMatch(dom, `data-first="[^"]*"`))
	}

	screenshot(t, bin, page, "quality-cohort", 5200)
}

// screenshot takes a full-page screenshot of page as NAME.png, beside a
// copy of the page, in $WTALIGN_SCREENSHOT_DIR when set (to keep and look
// at them) or else in the test's temporary directory, and logs the path.
func screenshot(t *testing.T, bin, page, name string, height int) {
	t.Helper()
	dir := os.Getenv("WTALIGN_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, name+".png")
	_, stderr := headless(t, bin, page, "--screenshot="+shot, fmt.Sprintf("--window-size=1280,%d", height), "--hide-scrollbars")
	for _, l := range consoleLine.FindAllString(stderr, -1) {
		t.Errorf("console message while taking the screenshot: %s", l)
	}
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 50_000 {
		t.Fatalf("screenshot %s: %v (%d bytes)", shot, err, sizeOf(st))
	}
	html, err := os.ReadFile(page)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, name+".html"), html, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
}

// TestDemoReportInChromium renders the report of the demo cohort (the
// shipped example variants and K-12 proteome, aligned as `make demo`
// does) in headless Chromium: no console message, the calls carry their
// drug classes and verdicts, GyrA 83 stands at one accession, and a
// screenshot is kept.
func TestDemoReportInChromium(t *testing.T) {
	bin := chromium(t)
	rep, err := quality.Analyze(context.Background(), verifytest.Demo(t, t.TempDir()), quality.Options{})
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "report.html")
	if err := htmlreport.WriteFile(page, rep, htmlreport.Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	dom := cleanDOM(t, bin, page)
	calls := section(t, dom, `id="call-table"`, "</table>")
	for _, c := range []struct{ gene, change, verdict, drugs string }{
		{"gyrA", "S83L", "known", "Quinolone"}, {"gyrA", "D87N", "known", "Quinolone"}, {"basS", "C84R", "known", "COLISTIN"},
		{"nfsA", "K141*", "known", "NITROFURAN"}, {"gyrA", "S83X", "ambiguous", ""},
	} {
		row := firstMatch(calls, `<tr><td>`+c.gene+`</td><td>`+regexp.QuoteMeta(c.change)+`</td>.*?</tr>`)
		if want := ">" + c.verdict + "</td><td>" + c.drugs + "</td></tr>"; !strings.HasSuffix(row, want) {
			t.Errorf("calls table: %s %s is %q, want it to end %q", c.gene, c.change, row, want)
		}
	}
	if !strings.Contains(dom, "position 83: 1 accession, 3 changes: S83A (1), S83L (1), S83X (1)") {
		t.Error("the GyrA lollipop does not draw position 83 as one accession with three changes")
	}
	if strings.Contains(dom, `class="region"`) {
		t.Error("a region is drawn, but the demo's records name none")
	}
	heat := section(t, dom, `class="plot plot-heatmap"`, "</svg>")
	for _, k := range []string{"basS_C84R", "gyrA_S83L", "nfsA_K141*"} {
		if !strings.Contains(heat, ">"+k+"<") {
			t.Errorf("the heatmap has no column %s", k)
		}
	}
	screenshot(t, bin, page, "demo", 4200)
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}

func firstMatch(s, re string) string { return regexp.MustCompile(re).FindString(s) }

func section(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	if i < 0 {
		t.Fatalf("no %s in the page", start)
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		t.Fatalf("no %s after %s", end, start)
	}
	return s[i : i+j]
}

// bigReport is a cohort of 1,000 accessions with 38 genes each, built
// directly as a quality.Report (aligning 1,000 genomes would take minutes).
func bigReport() *quality.Report {
	r := &quality.Report{SchemaVersion: quality.SchemaVersion, Rules: quality.DefaultRules,
		Overview: quality.Overview{Status: map[string]int{}, FailureReasons: map[string]int{"invalid_letters": 300}},
		Catalog:  quality.Catalog{Present: true}}
	const nAcc, nGenes = 1000, 38
	for g := 0; g < nGenes; g++ {
		gene := quality.Gene{Gene: fmt.Sprintf("gene%02d", g), ReferenceID: fmt.Sprintf("ref|gene%02d|X", g), ReferenceLength: 300 + 20*g,
			Accessions: nAcc, Records: nAcc, Regions: []quality.Region{{Name: "site", Start: 60, End: 100}}}
		for b := 0; b < 25; b++ {
			gene.Points = append(gene.Points, quality.Point{Identity: 100 - 0.25*float64(b%8), Coverage: 100 - 0.25*float64(b/8), Records: 40})
		}
		for m := 0; m < 40; m++ {
			v := ""
			if m%5 == 0 {
				v = "known"
			}
			gene.Mutations = append(gene.Mutations, quality.Mutation{Short: fmt.Sprintf("S%dL", 10+7*m), Name: fmt.Sprintf("gene%02d_S%dL", g, 10+7*m),
				HGVS: "p.Ser10Leu", Type: "substitution", RefStart: 10 + 7*m, RefEnd: 10 + 7*m, Accessions: 1 + (m*37)%nAcc, PositionAccessions: 1 + (m*37)%nAcc, Frequency: 0.1, Verdict: v})
		}
		r.Genes = append(r.Genes, gene)
	}
	for a := 0; a < nAcc; a++ {
		acc := quality.Accession{Accession: fmt.Sprintf("GCA_%09d.1", a), Records: 4300, Hits: 100, Status: map[string]int{"wildtype": 30, "mutant": 8, "no_hit": 4200}}
		for k := 0; k < 5; k++ {
			acc.Genotype = append(acc.Genotype, fmt.Sprintf("gene%02d_S%dL", (a+k)%nGenes, 10+35*((a*k)%8)))
		}
		acc.Mutations = acc.Genotype
		r.Accessions = append(r.Accessions, acc)
		r.Runs = append(r.Runs, quality.Run{Accession: acc.Accession, Output: acc.Accession + "_alignments.json", Records: 4300, ElapsedSeconds: 10, RecordsPerSecond: 430, Sessions: 1})
		if a%7 == 0 {
			r.Outliers = append(r.Outliers, quality.Outlier{Accession: acc.Accession, Gene: "gene03", QueryID: "q" + acc.Accession, Identity: 70, Coverage: 100,
				Reasons: []quality.Reason{{Rule: "low_identity", Text: "70.0% identity, below 80%: a homolog, a paralog or the wrong reference, not a variant"}}})
		}
		if a%3 == 0 {
			r.Failures = append(r.Failures, quality.Failure{Accession: acc.Accession, QueryID: "bad", Status: "error", Kind: "invalid_letters", Reason: "fasta: invalid letter '@' at position 14"})
		}
	}
	for _, k := range []string{"wildtype", "mutant", "no_hit"} {
		r.Overview.Status[k] = map[string]int{"wildtype": 30000, "mutant": 8000, "no_hit": 4200000}[k]
	}
	for g := 0; g < nGenes; g++ {
		for m := 0; m < 40; m += 5 {
			r.Catalog.KnownMutations = append(r.Catalog.KnownMutations, quality.KnownMutation{Name: fmt.Sprintf("gene%02d_S%dL", g, 10+7*m), Gene: fmt.Sprintf("gene%02d", g), RefStart: 10 + 7*m})
		}
	}
	r.Overview.Accessions, r.Overview.Outputs = nAcc, nAcc
	return r
}

func TestSizeAt1000Accessions(t *testing.T) {
	var b bytes.Buffer
	if err := htmlreport.Render(&b, bigReport(), htmlreport.Options{}); err != nil {
		t.Fatal(err)
	}
	const limit = 2 << 20
	if b.Len() > limit {
		t.Errorf("the page for 1,000 accessions is %d bytes, over %d", b.Len(), limit)
	}
	page := b.String()
	var again bytes.Buffer
	htmlreport.Render(&again, bigReport(), htmlreport.Options{})
	if again.String() != page {
		t.Error("two renderings of one report differ")
	}
	if !strings.Contains(page, "The first 500 of 1000") {
		t.Error("the runs table is not cut at 500 rows with a note")
	}
	if !strings.Contains(page, "accessions grouped by the changes they carry") {
		t.Error("the heatmap does not group 1,000 accessions")
	}
	if n := strings.Count(page, `class="plot plot-lollipop"`); n != 38 {
		t.Errorf("%d lollipops, want 38", n)
	}
	t.Logf("1,000 accessions: %d bytes", b.Len())
}

func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	os.WriteFile(path, []byte("old report"), 0o644)
	if err := htmlreport.WriteFile(path, bigReport(), htmlreport.Options{}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("files left beside the report: %v", ents)
	}
	data, _ := os.ReadFile(path)
	if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) || !bytes.HasSuffix(bytes.TrimSpace(data), []byte("</html>")) {
		t.Error("the report is not a whole page")
	}
	// A directory that cannot be written: an error, and the old file stays.
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o555)
	os.WriteFile(filepath.Join(ro, "r.html"), []byte("old"), 0o444)
	if os.Geteuid() != 0 { // root writes anywhere
		if err := htmlreport.WriteFile(filepath.Join(ro, "r.html"), bigReport(), htmlreport.Options{}); err == nil {
			t.Error("no error writing into a read-only directory")
		}
		if b, _ := os.ReadFile(filepath.Join(ro, "r.html")); string(b) != "old" {
			t.Error("the old report was damaged")
		}
	}
}

// cleanDOM loads page in headless Chromium and returns its DOM, failing
// the test on any console message, a script that did not finish, or a
// script error shown on the page.
func cleanDOM(t *testing.T, bin, page string) string {
	t.Helper()
	dom, stderr := headless(t, bin, page, "--dump-dom")
	for _, l := range consoleLine.FindAllString(stderr, -1) {
		t.Errorf("console message: %s", l)
	}
	if !strings.Contains(dom, `data-js="ready"`) {
		t.Error("the page's script did not finish (no data-js=\"ready\" on body)")
	}
	if m := regexp.MustCompile(`<pre id="js-errors"[^>]*>([^<]*)</pre>`).FindStringSubmatch(dom); m == nil || m[1] != "" {
		t.Errorf("script errors on the page: %v", m)
	}
	return dom
}
