package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/manifest"
)

// snapshot is every file below dir with its content (links as their
// target), to compare a directory before and after a refused run.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out[rel] = "-> " + target
			return err
		}
		b, err := os.ReadFile(p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameFiles(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	var diff []string
	for k, v := range after {
		if b, ok := before[k]; !ok {
			diff = append(diff, "new "+k)
		} else if b != v {
			diff = append(diff, "changed "+k)
		}
	}
	for k := range before {
		if _, ok := after[k]; !ok {
			diff = append(diff, "removed "+k)
		}
	}
	sort.Strings(diff)
	if len(diff) > 0 {
		t.Errorf("%s: files touched: %v", what, diff)
	}
}

// clobberDir makes a working directory (the test's cwd) with the user's
// files: references, queries, a map, a sites table, a config file, each
// also reachable through a symlink (link-NAME).
func clobberDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	ref, err := os.ReadFile(filepath.Join(startDir, demoRef))
	if err != nil {
		t.Fatal(err)
	}
	q, err := os.ReadFile(filepath.Join(startDir, demoVariants))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"ref.faa": ref, "x.faa": q,
		"m.tsv":     []byte("derived_gyrA_S83L_D87N|gyrA|E.\tecoli_k12|gyrA|NP_416734.1\n"),
		"s.tsv":     []byte("gyrA\t83\n"),
		"c.yaml":    []byte("min-score: 50\n"),
		"gyrA1.faa": []byte(">derived_gyrA_S83L_D87N|gyrA|E.\n" + gyrAS83L + "\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(name, "link-"+name); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// gyrAS83L is the first 120 residues of K-12 GyrA with S83L.
const gyrAS83L = "MSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDLAVYDTIVRMAQPFSLRYMLVDGQGNFGSIDGDSAAAMR"

// startDir is the package directory, where the test binary starts.
var startDir, _ = os.Getwd()

// refuse runs args and requires exit 2 with a refusal before any work,
// and every file of dir as it was.
func refuse(t *testing.T, dir string, args ...string) {
	t.Helper()
	before := snapshot(t, dir)
	code, _, stderr := runCLI(t, args...)
	msg := messages(stderr)
	if code != exitUsage || !strings.Contains(msg, "refusing to overwrite") || strings.Contains(msg, "aligning") {
		t.Errorf("%v: exit %d, want 2 refusing before any work:\n%s", args, code, msg)
	}
	sameFiles(t, strings.Join(args, " "), before, snapshot(t, dir))
}

// spellings of a file NAME in the cwd: as is, ./NAME, through a symlink,
// and through a detour.
func spellings(name string) []string {
	return []string{name, "./" + name, "link-" + name, filepath.Join("..", filepath.Base(mustGetwd()), name)}
}

func mustGetwd() string {
	d, _ := os.Getwd()
	return d
}

// TestNeverOverwriteWhatARunReads: align and merge refuse (exit 2, before
// any work, every file unchanged, nothing left behind) an output that is
// an input, the reference, the map, sites or config file, or a shard, and
// an output that is a directory, however the path is spelt.
func TestNeverOverwriteWhatARunReads(t *testing.T) {
	dir := clobberDir(t)
	for _, format := range []string{"json", "tsv"} {
		for _, o := range spellings("x.faa") {
			refuse(t, dir, "align", "--format", format, "-r", "ref.faa", "-o", o, "x.faa")
			refuse(t, dir, "align", "--format", format, "-r", "ref.faa", "-o", "x.faa", o)
		}
	}
	for _, o := range spellings("ref.faa") {
		refuse(t, dir, "align", "-r", "ref.faa", "-o", o, "x.faa")
		refuse(t, dir, "align", "-r", o, "-o", "ref.faa", "x.faa")
		refuse(t, dir, "align", "-r", "ref.faa", "-o", "out.json", "--manifest", o, "x.faa")
	}
	for _, o := range spellings("m.tsv") {
		refuse(t, dir, "align", "-r", "ref.faa", "--assign", "map", "--map", "m.tsv", "-o", o, "gyrA1.faa")
	}
	for _, o := range spellings("s.tsv") {
		refuse(t, dir, "align", "-r", "ref.faa", "--sites", "s.tsv", "-o", o, "x.faa")
	}
	for _, o := range spellings("c.yaml") {
		refuse(t, dir, "align", "-r", "ref.faa", "--config", "c.yaml", "-o", o, "x.faa")
	}
	os.Mkdir("outdir", 0o755)
	os.Symlink("outdir", "link-outdir")
	for _, o := range []string{"outdir", "./outdir/", "link-outdir", "/tmp"} {
		refuse(t, dir, "align", "-r", "ref.faa", "-o", o, "x.faa")
		refuse(t, dir, "merge", "-o", o, "sh1.json")
	}
	for _, p := range []string{"/tmp.partial", "/tmp.manifest.json", "/tmp.lock"} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("-o /tmp left %s", p)
		}
	}

	// merge: the output or its manifest is a shard or a shard's manifest.
	for k := 1; k <= 3; k++ {
		sh := "sh" + string(rune('0'+k)) + ".json"
		if code, _, stderr := runCLI(t, "align", "-q", "-r", "ref.faa", "--shard", string(rune('0'+k))+"/3", "-o", sh, "x.faa"); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", k, code, stderr)
		}
	}
	os.Symlink("sh1.json", "link-sh1.json")
	os.Symlink("sh2.json.manifest.json", "link-sh2.json.manifest.json")
	shards := []string{"sh1.json", "sh2.json", "sh3.json"}
	for _, o := range spellings("sh1.json") {
		refuse(t, dir, append([]string{"merge", "-o", o}, shards...)...)
	}
	for _, o := range spellings("sh2.json.manifest.json") {
		refuse(t, dir, append([]string{"merge", "-o", "all.json", "--manifest", o}, shards...)...)
	}
	if code, _, stderr := runCLI(t, append([]string{"merge", "-q", "-o", "all.json"}, shards...)...); code != 0 {
		t.Fatalf("a good merge: exit %d\n%s", code, stderr)
	}

	// summarize and report: an output that is a run output they read, its
	// manifest or the reference (both replaced it and exited 0 before).
	for _, o := range spellings("sh1.json") {
		refuse(t, dir, "summarize", "-o", o, "sh1.json", "sh2.json")
		refuse(t, dir, "summarize", "--json-out", o, "sh1.json")
		refuse(t, dir, "summarize", "--genotype-out", o, "sh1.json")
		refuse(t, dir, "report", "-o", o, "sh1.json", "sh2.json")
		refuse(t, dir, "report", "-o", "r.html", "--json-out", o, "sh1.json")
	}
	for _, o := range spellings("ref.faa") {
		refuse(t, dir, "summarize", "-r", "ref.faa", "-o", o, "sh1.json")
	}
	refuse(t, dir, "report", "-o", "sh1.json.manifest.json", "sh1.json")
	refuse(t, dir, "report", "-o", "outdir", "sh1.json")
	// catalog references: an output inside the catalog folder it reads.
	pf := filepath.Join(startDir, "..", "..", "testdata", "catalogs", "pointfinder_db", "escherichia_coli")
	if err := os.CopyFS("pf", os.DirFS(pf)); err != nil {
		t.Fatal(err)
	}
	refuse(t, dir, "catalog", "references", "pf", "-o", "pf/gyrA.fsa")
	refuse(t, dir, "catalog", "references", "pf", "-o", "./pf/genes.txt")
	// align and summarize: an output inside a catalog folder, or a gene
	// alias file (neither was protected before).
	refuse(t, dir, "align", "-r", "ref.faa", "--catalog", "pf", "-o", "pf/gyrA.fsa", "x.faa")
	refuse(t, dir, "summarize", "-r", "ref.faa", "--catalog", "pf", "-o", "pf/phenotypes.txt", "sh1.json")
	if err := os.WriteFile("aliases.tsv", []byte("pmrB\tbasS\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	refuse(t, dir, "align", "-r", "ref.faa", "--catalog", "pf", "--gene-alias", "aliases.tsv", "-o", "aliases.tsv", "x.faa")
}

// TestExistingOutputReplacedOnlyAtTheEnd: a file at the -o path that no
// wtalign run made stays as it was while a run works on it, after a run
// that fails and after one that is killed; a run that completes replaces
// it by a rename (a hard link to the old file keeps the old bytes).
func TestExistingOutputReplacedOnlyAtTheEnd(t *testing.T) {
	clobberDir(t)
	mine := []byte("my own notes, not a wtalign output\n")
	os.WriteFile("out.json", mine, 0o644)
	if err := os.Link("out.json", "keep.json"); err != nil {
		t.Fatal(err)
	}
	intact := func(what string) {
		t.Helper()
		if b, _ := os.ReadFile("out.json"); !bytes.Equal(b, mine) {
			t.Fatalf("%s: out.json is now %.60q", what, b)
		}
	}
	// A run that fails on its 3rd record (a duplicate ID) after writing two.
	recs, err := fasta.ReadAll("x.faa", fasta.Options{Role: fasta.Query})
	if err != nil {
		t.Fatal(err)
	}
	var dup strings.Builder
	for _, r := range append(recs[:3:3], recs[0]) { // record 1 again as record 4
		dup.WriteString(">" + r.ID + "\n" + string(r.Raw) + "\n")
	}
	os.WriteFile("dup.faa", []byte(dup.String()), 0o644)
	if code, _, stderr := runCLI(t, "align", "-r", "ref.faa", "--checkpoint-every", "1", "-o", "out.json", "dup.faa"); code != exitError || !strings.Contains(messages(stderr), "duplicate ID") {
		t.Fatalf("failing run: exit %d\n%s", code, messages(stderr))
	}
	intact("after a failed run")

	// Runs killed at each point before and at the final rename.
	bin, err := exec.LookPath("wtalign")
	if err != nil {
		t.Fatal(err)
	}
	// Each run starts over (--force) or resumes the killed one before it.
	for _, c := range []struct{ point, mode string }{
		{"record-written:3", "--force"}, {"checkpoint-synced:2", "--resume=auto"}, {"checkpoint-synced", "--force"},
		{"record-written:9", "--resume=auto"}, {"before-final-rename", "--resume=auto"},
	} {
		cmd := exec.Command(bin, "align", c.mode, "--checkpoint-every", "2", "-r", "ref.faa", "-o", "out.json", "x.faa")
		cmd.Env = append(os.Environ(), manifest.CrashpointEnv+"="+c.point)
		if err := cmd.Run(); err == nil {
			t.Fatalf("killed at %s: the run ended normally", c.point)
		}
		intact("killed at " + c.point + " (" + c.mode + ")")
	}
	if code, _, stderr := runCLI(t, "align", "-r", "ref.faa", "-o", "out.json", "x.faa"); code != 0 {
		t.Fatalf("complete run: exit %d\n%s", code, stderr)
	}
	if b, _ := os.ReadFile("out.json"); !bytes.HasPrefix(b, []byte(`{"schema_version":"1"`)) {
		t.Fatalf("complete run did not write the output: %.60q", b)
	}
	if b, _ := os.ReadFile("keep.json"); !bytes.Equal(b, mine) {
		t.Fatalf("the old file was written over in place, not replaced by a rename: %.60q", b)
	}
}
