package verify_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/verify"
	"github.com/wtalign/wtalign/verify/verifytest"
)

func TestMain(m *testing.M) { verifytest.Main(m) }

const (
	refs     = "testdata/demo/ref_ecoli_k12_mg1655.faa"
	variants = "testdata/demo/variants.faa"
	edges    = "testdata/fasta/stops.faa"
	invalid  = "testdata/fasta/invalid_letters.faa"
)

// outputs runs the real binary once per test on the demo variants (name
// mode, json), the edge cases with stops and invalid letters (best mode,
// jsonl: no_hit, error and truncated records), two shards and their merge,
// and a tsv.
type outputs struct {
	dir                                                 string
	variants, edges, shard1, shard2, merged, tsv, sites string
}

func makeOutputs(t *testing.T) outputs {
	t.Helper()
	dir := t.TempDir()
	p := func(rel string) string { return verifytest.Path(t, rel) }
	o := outputs{dir: dir,
		variants: filepath.Join(dir, "variants.json"),
		edges:    filepath.Join(dir, "edges.jsonl"),
		shard1:   filepath.Join(dir, "part1.jsonl"),
		shard2:   filepath.Join(dir, "part2.jsonl"),
		merged:   filepath.Join(dir, "merged.jsonl"),
		tsv:      filepath.Join(dir, "variants.tsv"),
		sites:    filepath.Join(dir, "sites.jsonl"),
	}
	verifytest.Align(t, "-r", p(refs), "-o", o.variants, p(variants))
	verifytest.Align(t, "-r", p(refs), "--assign", "best", "--format", "jsonl", "-o", o.edges, p(edges), p(invalid))
	for i, s := range []string{o.shard1, o.shard2} {
		verifytest.Align(t, "-r", p(refs), "--format", "jsonl", "--shard", []string{"1/2", "2/2"}[i], "-o", s, p(variants))
	}
	verifytest.Run(t, "merge", "--quiet", "-o", o.merged, o.shard1, o.shard2)
	verifytest.Align(t, "-r", p(refs), "--format", "tsv", "-o", o.tsv, p(variants))
	// Sites of interest and complete proteins (a short query is a premature stop).
	sitesFile := filepath.Join(dir, "sites.tsv")
	if err := os.WriteFile(sitesFile, []byte("gyrA\t83\ngyrA\t87\nnfsA\t141\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	verifytest.Align(t, "-r", p(refs), "--format", "jsonl", "--sites", sitesFile, "--complete-proteins", "-o", o.sites, p(variants))
	return o
}

func run(t *testing.T, ref string, paths ...string) *verify.Result {
	t.Helper()
	res, err := verify.Verify(context.Background(), paths, verify.Options{References: ref})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func text(t *testing.T, res *verify.Result) string {
	var b bytes.Buffer
	if err := res.WriteText(&b, 0); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestPassesOnRealOutputs(t *testing.T) {
	o := makeOutputs(t)
	ref := verifytest.Path(t, refs)
	res := run(t, ref, o.variants, o.edges, o.shard1, o.shard2, o.merged, o.tsv, o.sites)
	if !res.OK() {
		t.Fatalf("verify failed on real outputs:\n%s", text(t, res))
	}
	byPath := map[string]verify.FileResult{}
	for _, f := range res.Files {
		byPath[f.Path] = f
	}
	v := byPath[o.variants]
	if v.Records != 27 {
		t.Errorf("variants: %d records checked, want 27", v.Records)
	}
	// Every aligned record's calls were re-derived: some from the aligned
	// query alone, the rest (fragments, overhangs) from the input FASTA.
	for _, check := range []string{verify.CheckSchema, verify.CheckScore, verify.CheckStatistics, verify.CheckCalls, verify.CheckOrder} {
		if v.Checked[check] == 0 {
			t.Errorf("variants: check %s made on no record", check)
		}
	}
	for _, s := range res.Skipped {
		if s.File == o.variants && s.Check == verify.CheckCalls {
			t.Errorf("variants: calls skipped on %d records: %s", s.Records, s.Reason)
		}
	}
	if data, _ := os.ReadFile(o.sites); !bytes.Contains(data, []byte(`"sites":[{"ref_pos":83`)) || byPath[o.sites].Checked[verify.CheckCalls] == 0 {
		t.Errorf("the sites output has no sites or no checked calls: %+v", byPath[o.sites])
	}
	if e := byPath[o.edges]; e.Checked[verify.CheckManifest] != 1 || e.Records == 0 {
		t.Errorf("edges: %+v", e)
	}

	var last verify.Progress
	if _, err := verify.Verify(context.Background(), []string{o.variants, o.edges}, verify.Options{Progress: func(p verify.Progress) { last = p }}); err != nil {
		t.Fatal(err)
	}
	if last.FilesDone != 2 || last.Files != 2 || last.Records != 27+9 { // 27 variants, 9 records of stops.faa and invalid_letters.faa
		t.Errorf("last progress %+v", last)
	}

	// Without the reference FASTA the call check is skipped, and says why.
	res = run(t, "", o.variants)
	if !res.OK() {
		t.Fatalf("verify without -r failed:\n%s", text(t, res))
	}
	if !strings.Contains(text(t, res), "skipped calls check on all records of "+o.variants+": no reference FASTA") {
		t.Errorf("no skipped calls check reported:\n%s", text(t, res))
	}
}

// mutate writes a copy of path (and its manifest) with one change.
func mutate(t *testing.T, path, name string, edit func([]string) []string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	out := filepath.Join(filepath.Dir(path), name)
	if err := os.WriteFile(out, []byte(strings.Join(edit(lines), "")), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(path + verify.ManifestSuffix)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out+verify.ManifestSuffix, m, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFailsNamingRecordAndField(t *testing.T) {
	o := makeOutputs(t)
	ref := verifytest.Path(t, refs)
	// The json layout: line 1 is the header, line k+1 is record k.
	replaceIn := func(line int, old, new string) func([]string) []string {
		return func(ls []string) []string {
			if !strings.Contains(ls[line], old) {
				t.Fatalf("line %d has no %q: %.200s", line+1, old, ls[line])
			}
			ls[line] = strings.Replace(ls[line], old, new, 1)
			return ls
		}
	}
	recordLine := func(ls []string, id string) int {
		for i, l := range ls {
			if strings.Contains(l, `"id":"`+id) {
				return i
			}
		}
		t.Fatalf("no record %s", id)
		return 0
	}
	data, _ := os.ReadFile(o.variants)
	lines := strings.SplitAfter(string(data), "\n")
	d87n := recordLine(lines, "ecoli_gyrA_D87N") // record 1
	if d87n != 1 {
		t.Fatalf("D87N is on line %d", d87n+1)
	}
	cases := []struct {
		name string
		edit func([]string) []string
		file string // verify this instead of the edited variants copy
		want []string
	}{
		{"score", replaceIn(1, `"score":4400,`, `"score":4401,`), "",
			[]string{"record 1 (line 2, query ecoli_gyrA_D87N", "alignment.score: stored 4401, recomputed 4400"}},
		{"residue", func(ls []string) []string {
			// D87N's query has N at alignment column 87: make it D (wild type).
			l := ls[1]
			i := strings.Index(l, `"aligned_query":"`) + len(`"aligned_query":"`) + 86
			if l[i] != 'N' {
				t.Fatalf("column 87 of the aligned query is %c", l[i])
			}
			ls[1] = l[:i] + "D" + l[i+1:]
			return ls
		}, "", []string{"record 1 (line 2, query ecoli_gyrA_D87N", "alignment.score: stored 4400, recomputed", "alignment.identities: stored 874, recomputed 875", "query.sha256"}},
		{"deleted", func(ls []string) []string {
			return append(ls[:3:3], ls[4:]...) // record 3 (ordinal 2) gone
		}, "", []string{"record 3 (line 4", "query.ordinal: stored 3, recomputed 2 (record with ordinal 2 is missing)", "manifest.counts.done: stored 27, recomputed 26", "manifest.checkpoint.output_sha256"}},
		{"duplicated", func(ls []string) []string {
			dup := ls[3]
			return append(ls[:4:4], append([]string{dup}, ls[4:]...)...)
		}, "", []string{"record 4 (line 5", "query.ordinal: stored 2, recomputed a new ordinal (duplicated record: ordinal 2 is also record 3)", "manifest.counts.done: stored 27, recomputed 28"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := mutate(t, o.variants, c.name+".json", c.edit)
			res := run(t, ref, p)
			out := text(t, res)
			if res.OK() {
				t.Fatalf("verify passed an output with a %s change", c.name)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("the failures do not say %q:\n%s", w, out)
				}
			}
		})
	}

	t.Run("manifest checksum", func(t *testing.T) {
		p := mutate(t, o.variants, "checksum.json", func(ls []string) []string { return ls })
		m, err := manifest.Load(p + verify.ManifestSuffix)
		if err != nil {
			t.Fatal(err)
		}
		stored := m.Checkpoint.OutputSHA256
		m.Checkpoint.OutputSHA256 = strings.Repeat("0", 64)
		if err := m.Save(p + verify.ManifestSuffix); err != nil {
			t.Fatal(err)
		}
		res := run(t, ref, p)
		want := "manifest.checkpoint.output_sha256: stored " + strings.Repeat("0", 64) + ", recomputed " + stored
		if res.OK() || !strings.Contains(text(t, res), want) {
			t.Fatalf("want %q in:\n%s", want, text(t, res))
		}
		if len(res.Failures) != 1 {
			t.Errorf("only the checksum differs, got %d failures:\n%s", len(res.Failures), text(t, res))
		}
	})

	t.Run("merged and shard", func(t *testing.T) {
		p := mutate(t, o.merged, "merged_dup.jsonl", func(ls []string) []string {
			return append(ls[:5:5], ls[4:]...)
		})
		s := mutate(t, o.shard2, "part2_del.jsonl", func(ls []string) []string {
			return append(ls[:2:2], ls[3:]...)
		})
		res := run(t, ref, p, s)
		out := text(t, res)
		for _, w := range []string{
			p + ": record 6 (line 6", "duplicated record: ordinal 4 is also record 5",
			s + ": record 3 (line 3", "query.ordinal: stored 7, recomputed 5 (record with ordinal 5 is missing)",
		} {
			if !strings.Contains(out, w) {
				t.Errorf("want %q in:\n%s", w, out)
			}
		}
	})
}

func TestCallsReDerived(t *testing.T) {
	o := makeOutputs(t)
	ref := verifytest.Path(t, refs)
	// S83L+D87N: rename the stored call; the score and statistics stay right.
	data, _ := os.ReadFile(o.variants)
	if !bytes.Contains(data, []byte(`"short":"S83L"`)) {
		t.Fatal("no S83L call in the variants output")
	}
	p := mutate(t, o.variants, "calls.json", func(ls []string) []string {
		for i, l := range ls {
			if strings.Contains(l, `"short":"S83L"`) {
				ls[i] = strings.Replace(l, `"short":"S83L"`, `"short":"S83W"`, 1)
				break
			}
		}
		return ls
	})
	res := run(t, ref, p)
	out := text(t, res)
	if !strings.Contains(out, "mutations[0]: stored S83W, recomputed S83L") {
		t.Errorf("the renamed call is not reported:\n%s", out)
	}
	// A different reference FASTA: the sha256 check names it.
	other := filepath.Join(o.dir, "other.faa")
	refData, _ := os.ReadFile(ref)
	// GyrA's second residue S becomes T.
	at := bytes.Index(refData, []byte("|gyrA|"))
	nl := at + bytes.IndexByte(refData[at:], '\n')
	if refData[nl+2] != 'S' {
		t.Fatalf("GyrA starts %q", refData[nl+1:nl+5])
	}
	edited := append([]byte{}, refData...)
	edited[nl+2] = 'T'
	if err := os.WriteFile(other, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	res = run(t, other, o.variants)
	if !strings.Contains(text(t, res), "reference.sha256") {
		t.Errorf("a changed reference is not reported:\n%s", text(t, res))
	}
}

func TestBadInputs(t *testing.T) {
	o := makeOutputs(t)
	dir := o.dir
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	data, _ := os.ReadFile(o.variants)
	truncated := write("cut_alignments.json", string(data[:len(data)/2]))
	notOutput := write("notes.json", "hello, world\n")
	empty := write("empty.json", "")
	partial := write("run.json.partial", string(data[:100]))
	cases := []struct {
		path string
		kind error
		want string
	}{
		{truncated, verify.ErrTruncated, truncated + ": line "},
		{notOutput, verify.ErrNotOutput, notOutput + `: line 1 (byte 0): starts with "hello, world": not a wtalign output`},
		{empty, verify.ErrNotOutput, "empty file"},
		{partial, verify.ErrUnfinished, "has not finished"},
		{filepath.Join(dir, "missing.json"), nil, "no such file"},
	}
	for _, c := range cases {
		_, openErr := verify.Open(c.path)
		if openErr == nil {
			out, err := verify.Open(c.path)
			if err == nil {
				openErr = out.Records(func(*verify.Rec) error { return nil })
			}
		}
		if openErr == nil || !strings.Contains(openErr.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.path, openErr, c.want)
		}
		if c.kind != nil && !errors.Is(openErr, c.kind) {
			t.Errorf("%s: error %v is not %v", c.path, openErr, c.kind)
		}
		res := run(t, "", c.path)
		if res.OK() {
			t.Errorf("%s: verify passed", c.path)
		}
	}
	// An unfinished run: the manifest says running.
	p := mutate(t, o.variants, "running.json", func(ls []string) []string { return ls })
	m, _ := manifest.Load(p + verify.ManifestSuffix)
	m.Status = manifest.StatusRunning
	m.Save(p + verify.ManifestSuffix)
	_, err := verify.Open(p)
	if !errors.Is(err, verify.ErrUnfinished) || !strings.Contains(err.Error(), "wtalign status "+p+".manifest.json") {
		t.Errorf("running manifest: %v", err)
	}
}

func TestEmbeddedSchemaIsCurrent(t *testing.T) {
	docs, err := os.ReadFile(verifytest.Path(t, "docs/record.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docs, verify.RecordSchema()) {
		t.Fatal("verify/record.schema.json differs from docs/record.schema.json: run go generate ./verify")
	}
}
