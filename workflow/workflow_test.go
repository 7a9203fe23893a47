package workflow

import (
	"bufio"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// requireTools is set by test.sh: a missing tool is then a failure, not a skip.
var requireTools = os.Getenv("WTALIGN_REQUIRE_TOOLS") == "1"

func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if requireTools {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (run workflow/test.sh, which installs it)", args...)
}

var modules = []string{"nextflow/modules/wtalign/align", "nextflow/modules/wtalign/summarize", "nextflow/modules/wtalign/report"}

func TestNextflowModuleConventions(t *testing.T) {
	for _, m := range modules {
		t.Run(filepath.Base(m), func(t *testing.T) {
			for _, err := range checkModule(m) {
				t.Error(err)
			}
		})
	}
}

func TestNextflowPipelineIncludesModules(t *testing.T) {
	src, err := os.ReadFile("nextflow/main.nf")
	if err != nil {
		t.Fatal(err)
	}
	inc := regexp.MustCompile(`(?m)^include \{ (\w+)\s*\} from '(\./modules/[^']+)'`).FindAllStringSubmatch(string(src), -1)
	if len(inc) != len(modules) {
		t.Fatalf("main.nf should include the %d wtalign modules, includes %v", len(modules), inc)
	}
	for _, m := range inc {
		p, err := parseProcess(mustRead(t, filepath.Join("nextflow", m[2]+".nf")))
		if err != nil {
			t.Fatal(err)
		}
		if p.Name != m[1] {
			t.Errorf("include %s from %s, which defines %s", m[1], m[2], p.Name)
		}
	}
	cfg := mustRead(t, "nextflow/nextflow.config")
	for _, prof := range []string{"local", "slurm", "test", "conda", "docker", "singularity"} {
		if !regexp.MustCompile(`(?m)^    ` + prof + ` \{`).MatchString(cfg) {
			t.Errorf("nextflow.config has no %s profile", prof)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mutation breaks one file of a copy of workflow/nextflow.
type mutation struct {
	name, file, old, new string
	want                 string // in a convention error; "" for syntax-only breaks
}

var conventionBreaks = []mutation{
	{"emit renamed", "modules/wtalign/align/main.nf", "emit: alignments", "emit: alignment", "outputs are"},
	{"no versions topic", "modules/wtalign/align/main.nf", "topic: versions, ", "", "topic: versions"},
	// Groovy parses this (a command chain), Nextflow would not: only the conventions check sees it.
	{"missing comma in tuple", "modules/wtalign/align/main.nf", "tuple val(meta), path(proteins)", "tuple val(meta) path(proteins)", "first input"},
	{"tag", "modules/wtalign/align/main.nf", `tag "${meta.id}"`, `tag "${meta}"`, `tag "${meta.id}"`},
	{"label", "modules/wtalign/align/main.nf", "label 'process_medium'", "label 'medium'", "resource label"},
	{"process name", "modules/wtalign/align/main.nf", "process WTALIGN_ALIGN {", "process WTALIGN_ALIGNER {", "want WTALIGN_ALIGN"},
	{"threads", "modules/wtalign/align/main.nf", "--threads ${task.cpus}", "--threads 4", "--threads ${task.cpus}"},
	{"when", "modules/wtalign/align/main.nf", "task.ext.when == null || task.ext.when", "true", "when:"},
	{"no stub", "modules/wtalign/align/main.nf", "    stub:\n", "", "sections are"},
	{"stub misses output", "modules/wtalign/align/main.nf", "> ${prefix}_manifest.json", "> ${prefix}_manifest.txt", "stub: creates no file"},
	{"conda", "modules/wtalign/summarize/main.nf", `conda "${moduleDir}/environment.yml"`, `conda "bioconda::wtalign"`, "conda"},
	{"meta.yml input", "modules/wtalign/align/meta.yml", "    - proteins:", "    - protein:", "input 1 is"},
	{"meta.yml pattern", "modules/wtalign/align/meta.yml", `pattern: "*_manifest.json"`, `pattern: "*.json"`, "pattern"},
	{"meta.yml output missing", "modules/wtalign/summarize/meta.yml", "  summary:\n", "  summaries:\n", "outputs are"},
	{"environment", "modules/wtalign/align/environment.yml", "bioconda::wtalign=0.1.0", "wtalign", "pinned dependency"},
	{"nf-test data", "modules/wtalign/summarize/tests/main.nf.test", "tests/data/PMRB_MULTICOPY_proteins.fasta", "tests/data/PMRB_proteins.fasta", "test data tests/data/PMRB_proteins.fasta"},
	{"nf-test name", "modules/wtalign/align/tests/main.nf.test", `test("ecoli - gyrA variants - json - stub")`, `test("stub")`, "no snapshot"},
}

var syntaxBreaks = []mutation{
	{"unterminated string", "modules/wtalign/align/main.nf", `tag "${meta.id}"`, `tag "${meta.id}`, ""},
	{"missing brace", "modules/wtalign/summarize/main.nf", "        --json-out ${prefix}_summary.json \\\\\n        ${alignments}\n    \"\"\"\n", "        --json ${prefix}_summary.json \\\\\n        ${alignments}\n    \"\"\"\n    if (true) {\n", ""},
	{"pipeline paren", "main.nf", ".map { meta, json -> json }", ".map( { meta, json -> json }", ""},
	{"config brace", "nextflow.config", "    local {\n", "    local {\n    {\n", ""},
}

// copyTree copies workflow/nextflow to a temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func (m mutation) apply(t *testing.T, root string) {
	t.Helper()
	p := filepath.Join(root, m.file)
	src := mustRead(t, p)
	if strings.Count(src, m.old) != 1 {
		t.Fatalf("%s: %q occurs %d times in %s; the mutation is stale", m.name, m.old, strings.Count(src, m.old), m.file)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(src, m.old, m.new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNextflowBrokenModulesFailConventions(t *testing.T) {
	for _, m := range conventionBreaks {
		t.Run(m.name, func(t *testing.T) {
			root := copyTree(t, "nextflow")
			m.apply(t, root)
			parts := strings.SplitN(m.file, "/", 4) // modules/wtalign/<name>/...
			errs := checkModule(filepath.Join(root, parts[0], parts[1], parts[2]))
			found := false
			for _, err := range errs {
				if strings.Contains(err.Error(), m.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("broken copy (%s) passed the conventions check; errors: %v", m.name, errs)
			}
		})
	}
}

// groovyJar finds the Groovy 4 jar bundled in npm-groovy-lint.
func groovyJar() string {
	if j := os.Getenv("WTALIGN_GROOVY_JAR"); j != "" {
		return j
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "wtalign", "groovy-lint", "node_modules", "npm-groovy-lint", "lib", "java", "groovy", "lib", "groovy-4.0.26.jar")
}

// groovyParse parses files with nfparse.groovy and returns per-file results.
func groovyParse(t *testing.T, files []string) map[string]bool {
	t.Helper()
	jar := groovyJar()
	if _, err := os.Stat(jar); err != nil {
		skipOrFail(t, "Groovy 4 jar not found at %s", jar)
	}
	if _, err := exec.LookPath("java"); err != nil {
		skipOrFail(t, "java not on PATH")
	}
	script, _ := filepath.Abs("nextflow/tests/nfparse.groovy")
	cmd := exec.Command("java", append([]string{"-cp", jar, "groovy.ui.GroovyMain", script}, files...)...)
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running Groovy: %v\n%s", err, out)
	}
	res := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if f, ok := strings.CutPrefix(line, "ok "); ok {
			res[f] = true
		} else if f, ok := strings.CutPrefix(line, "FAIL "); ok {
			res[strings.TrimSuffix(strings.SplitN(f, ": ", 2)[0], ":")] = false
		}
	}
	for _, f := range files {
		if _, ok := res[f]; !ok {
			t.Fatalf("Groovy said nothing about %s:\n%s", f, out)
		}
	}
	if testing.Verbose() || t.Failed() {
		t.Logf("groovy:\n%s", out)
	}
	return res
}

// nextflowFiles lists every Nextflow script and config under root.
func nextflowFiles(t *testing.T, root string) []string {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		n := d.Name()
		if !d.IsDir() && (strings.HasSuffix(n, ".nf") || strings.HasSuffix(n, ".config") || strings.HasSuffix(n, ".nf.test")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("only %d Nextflow files under %s", len(files), root)
	}
	return files
}

// TestNextflowGroovySyntax parses every Nextflow file, then broken copies:
// each syntax break must fail the parse, and a copy broken both ways must
// fail both checks.
func TestNextflowGroovySyntax(t *testing.T) {
	files := nextflowFiles(t, "nextflow")

	root := copyTree(t, "nextflow")
	var broken []string
	for i, m := range syntaxBreaks {
		dir := filepath.Join(root, "..", "b"+string(rune('0'+i)))
		if err := os.Rename(copyTree(t, "nextflow"), dir); err != nil {
			t.Fatal(err)
		}
		m.apply(t, dir)
		broken = append(broken, filepath.Join(dir, m.file))
	}
	// One copy broken in syntax and in conventions at once.
	both := filepath.Join(root, "..", "both")
	if err := os.Rename(copyTree(t, "nextflow"), both); err != nil {
		t.Fatal(err)
	}
	syntaxBreaks[0].apply(t, both)
	conventionBreaks[0].apply(t, both)
	broken = append(broken, filepath.Join(both, syntaxBreaks[0].file))

	res := groovyParse(t, append(append([]string{}, files...), broken...))
	for _, f := range files {
		if !res[f] {
			t.Errorf("%s does not parse", f)
		}
	}
	for i, f := range broken {
		if res[f] {
			name := "syntax+conventions"
			if i < len(syntaxBreaks) {
				name = syntaxBreaks[i].name
			}
			t.Errorf("broken copy (%s) %s parsed without error", name, f)
		}
	}
	if errs := checkModule(filepath.Join(both, "modules/wtalign/align")); len(errs) == 0 {
		t.Error("the copy broken both ways passed the conventions check")
	}
}

// snakemakeCopy copies the Snakemake workflow to a temporary tree laid out
// like the repository (.test's sample sheet points at ../../../testdata).
func snakemakeCopy(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("snakemake"); err != nil {
		skipOrFail(t, "snakemake not on PATH")
	}
	root := t.TempDir()
	wf := filepath.Join(root, "workflow")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(copyTree(t, "snakemake"), filepath.Join(wf, "snakemake")); err != nil {
		t.Fatal(err)
	}
	for _, l := range [][2]string{{"../testdata", "testdata"}, {"snakemake-wrappers", "workflow/snakemake-wrappers"}} {
		abs, _ := filepath.Abs(l[0])
		if err := os.Symlink(abs, filepath.Join(root, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	// A copy must not carry state of an earlier run in the repository.
	for _, d := range []string{"results", "resume", "logs", "benchmarks", ".snakemake"} {
		os.RemoveAll(filepath.Join(wf, "snakemake", ".test", d))
	}
	return filepath.Join(wf, "snakemake")
}

func snakemake(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("snakemake", append([]string{"--directory", ".test"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestSnakemakeLint(t *testing.T) {
	dir := snakemakeCopy(t)
	out, err := snakemake(t, dir, "--lint")
	if err != nil || !strings.Contains(out, "Congratulations") {
		t.Fatalf("snakemake --lint is not clean (%v):\n%s", err, out)
	}
	// The same linter must catch a rule without a log directive.
	m := mutation{"no log", "workflow/rules/summarize.smk", "    log:\n        \"logs/wtalign_summarize.log\",\n", "", ""}
	m.apply(t, dir)
	m2 := mutation{"no log", "workflow/rules/summarize.smk", " 2> {log}", "", ""}
	m2.apply(t, dir)
	out, err = snakemake(t, dir, "--lint")
	if err == nil || !strings.Contains(out, "No log directive") {
		t.Fatalf("snakemake --lint accepted a rule without log (%v):\n%s", err, out)
	}
}

func TestSnakemakeDryRun(t *testing.T) {
	dir := snakemakeCopy(t)
	out, err := snakemake(t, dir, "-n", "--cores", "2")
	if err != nil {
		t.Fatalf("dry run failed: %v\n%s", err, out)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^wtalign_align\s+3\s`),
		regexp.MustCompile(`(?m)^wtalign_summarize\s+1\s`),
		regexp.MustCompile(`(?m)^stage_proteins\s+3\s`),
		regexp.MustCompile(`resources: .*mem_mb=500.*runtime=5`),
		regexp.MustCompile(`output: results/alignments/GCF_000005845\.2_alignments\.json, results/manifests/GCF_000005845\.2_manifest\.json`),
	} {
		if !want.MatchString(out) {
			t.Errorf("dry run output lacks %s:\n%s", want, out)
		}
	}
	// A bad accession in the sample sheet is rejected by the schema.
	sheet := filepath.Join(dir, ".test", "config", "samples.tsv")
	if err := os.WriteFile(sheet, []byte("accession\tproteins\nbad/acc\tx.faa\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = snakemake(t, dir, "-n", "--cores", "1")
	if err == nil || !strings.Contains(out, "does not match") {
		t.Errorf("a sample sheet with accession bad/acc was accepted (%v):\n%s", err, out)
	}
	// An unknown config key is rejected by the schema.
	out, err = snakemake(t, dir, "-n", "--cores", "1", "--config", "refernce=x.faa")
	if err == nil || !strings.Contains(out, "refernce") {
		t.Errorf("a misspelled config key was accepted (%v):\n%s", err, out)
	}
}
