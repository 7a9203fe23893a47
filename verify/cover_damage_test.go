package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/verify"
	"github.com/wtalign/wtalign/verify/verifytest"
)

// editManifest rewrites the manifest of out through a generic JSON map,
// so any field can be changed the way a hand edit would.
func editManifest(t *testing.T, out string, edit func(map[string]any)) {
	t.Helper()
	p := out + verify.ManifestSuffix
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func wantAll(t *testing.T, res *verify.Result, want ...string) {
	t.Helper()
	out := text(t, res)
	if res.OK() {
		t.Errorf("verify passed:\n%s", out)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("want %q in:\n%s", w, out)
		}
	}
}

// TestDamageReported: one set of real outputs, edited in the ways a file
// or a manifest gets damaged; each is reported naming file, record and
// field (one makeOutputs for all, to keep the test short).
func TestDamageReported(t *testing.T) {
	o := makeOutputs(t)
	ref := verifytest.Path(t, refs)
	write := func(name, content string) string {
		p := filepath.Join(o.dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	t.Run("schema", func(t *testing.T) {
		p := mutate(t, o.variants, "schema.json", func(ls []string) []string {
			ls[2] = strings.Replace(ls[2], `"status":"mutant"`, `"status":"mutated"`, 1)
			ls[3] = strings.Replace(ls[3], `"ordinal":2,`, `"ordinal":"2",`, 1)
			ls[4] = strings.Replace(ls[4], `{"schema_version":"1",`, `{"schema_version":"0",`, 1)
			return ls
		})
		res := run(t, ref, p)
		wantAll(t, res,
			p+": record 2 (line 3, query ecoli_gyrA_S83A|gyrA|resfinder_test_isolate_05): /status",
			"does not match the record schema: at '/status': value must be one of 'wildtype', 'mutant',",
			p+": record 3 (line 4, query ",
			"record (cannot be decoded as a wtalign record: json: cannot unmarshal",
			p+": record 4 (line 5",
			"schema_version: stored 0, recomputed 1 (differs from the json document's schema_version)")
	})

	t.Run("manifest counts", func(t *testing.T) {
		p := mutate(t, o.edges, "counts.jsonl", func(ls []string) []string { return ls })
		m, err := manifest.Load(o.edges + verify.ManifestSuffix)
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts.Failed == 0 || len(m.Failures) == 0 || m.Counts.NoHit == 0 {
			t.Fatalf("the edge-case run has no failed or no_hit records: %+v", m.Counts)
		}
		first := m.Failures[0].Ordinal
		editManifest(t, p, func(mm map[string]any) {
			c := mm["counts"].(map[string]any)
			c["failed"], c["skipped"], c["no_hit"], c["fallback_used"], c["total"] = 1.0, 1.0, 0.0, 1.0, 10.0
			mm["failures"] = []any{map[string]any{"ordinal": 77, "id": "ghost", "reason": "x", "input_file": "x", "index": 78}}
			mm["output"].(map[string]any)["format"] = "json"
		})
		res := run(t, ref, p)
		wantAll(t, res,
			"manifest.output.format: stored json, recomputed jsonl (the file's layout)",
			"manifest.counts.total: stored 10, recomputed 9 (a finished run writes every record)",
			"manifest.counts.failed: stored 1, recomputed "+itoa(m.Counts.Failed)+" (records with status error or empty)",
			"manifest.counts.skipped: stored 1, recomputed 0",
			"manifest.counts.no_hit: stored 0, recomputed "+itoa(m.Counts.NoHit)+" (records with status no_hit)",
			"manifest.counts.fallback_used: stored 1, recomputed 0",
			"manifest.failures[ordinal 77]: stored ghost, recomputed  (listed as failed, but no failed record has this ordinal)",
			"manifest.failures: stored , recomputed ordinal "+itoa(first)+" (a failed record the manifest does not list)")
	})

	t.Run("unreadable manifest", func(t *testing.T) {
		p := mutate(t, o.variants, "badman.json", func(ls []string) []string { return ls })
		write("badman.json"+verify.ManifestSuffix, "{not json")
		res := run(t, ref, p)
		wantAll(t, res, p+": manifest (")
		if res.Files[0].Checked[verify.CheckManifest] != 0 {
			t.Errorf("an unreadable manifest counted as checked: %+v", res.Files[0])
		}
	})

	t.Run("no manifest, order inferred", func(t *testing.T) {
		// Records 1..9 of a jsonl without a manifest: drop two in a row,
		// then swap the last two.
		ls := strings.SplitAfter(read(o.edges), "\n")
		ls = ls[:len(ls)-1] // the empty string after the last newline
		if len(ls) != 9 {
			t.Fatalf("edges has %d records", len(ls))
		}
		edited := append(append([]string{}, ls[0], ls[1]), ls[4:7]...)
		edited = append(edited, ls[8], ls[7])
		p := write("nomanifest.jsonl", strings.Join(edited, ""))
		res := run(t, ref, p)
		wantAll(t, res,
			p+": record 3 (line 3, query ",
			"query.ordinal: stored 4, recomputed 2 (2 records missing (ordinals 2 to 3))",
			p+": record 7 (line 7",
			"query.ordinal: stored 7, recomputed 9 (out of input order)",
			"skipped manifest check on all records of "+p+": no manifest "+p+verify.ManifestSuffix)
	})

	t.Run("tsv damage", func(t *testing.T) {
		data := read(o.tsv)
		header, body, _ := strings.Cut(data, "\n")
		cells := write("cells.tsv", header+"\n"+"a\tb\n")
		ord := write("ordinal.tsv", header+"\n"+strings.Replace(body, "\t0\t", "\tzero\t", 1))
		other := write("other.tsv", "input_file\tquery\n")
		for _, c := range []struct {
			path string
			kind error
			want string
		}{
			{cells, verify.ErrTruncated, cells + ": line 2 (byte " + itoa(len(header)+1) + "): record 1: 2 tsv cells, want "},
			{ord, verify.ErrNotOutput, ord + ": line 2 (byte " + itoa(len(header)+1) + `): record 1: query_ordinal "zero" is not a number`},
			{other, verify.ErrNotOutput, other + ": line 1 (byte 0): a tsv header with other columns than this wtalign writes (another version?)"},
		} {
			res := run(t, "", c.path)
			wantAll(t, res, c.want)
			err := records(c.path)
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %v saying %q", c.path, err, c.kind, c.want)
			}
		}
	})

	t.Run("json layout damage", func(t *testing.T) {
		data := read(o.variants)
		header, rest, _ := strings.Cut(data, "\n")
		blank := write("blank.json", "\n"+data)
		damaged := write("header.json", strings.Replace(header, `"schema_version":"1"`, `"schema_version":1`, 1)+"\n"+rest)
		after := write("after.json", data+"{}\n")
		jsonlInJSON := write("notrecord.json", header+"\n[1,2]\n]}\n")
		for _, c := range []struct {
			path string
			kind error
			want string
		}{
			{blank, verify.ErrNotOutput, blank + ": line 1 (byte 0): blank first line: not a wtalign output"},
			{damaged, verify.ErrNotOutput, damaged + ": line 1 (byte 0): json header is damaged: "},
			{after, verify.ErrNotOutput, after + ": line 30 (byte " + itoa(len(data)) + "): data after the end of the json document"},
			{jsonlInJSON, verify.ErrNotOutput, jsonlInJSON + ": line 2 (byte " + itoa(len(header)+1) + "): record 1: not a complete JSON record"},
		} {
			err := records(c.path)
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want %v saying %q", c.path, err, c.kind, c.want)
			}
		}
	})

	t.Run("open", func(t *testing.T) {
		// The manifest's path names its output.
		out, err := verify.Open(o.variants + verify.ManifestSuffix)
		if err != nil || out.Path != o.variants || out.Format != "json" || out.SchemaVersion != "1" || out.Manifest == nil {
			t.Errorf("open by manifest: %+v, %v", out, err)
		}
		_, err = verify.Open(o.dir)
		if !errors.Is(err, verify.ErrNotOutput) || err.Error() != o.dir+": is a directory, not an output file" {
			t.Errorf("directory: %v", err)
		}
		_, err = verify.Open(filepath.Join(o.dir, "gone.json"))
		if !errors.Is(err, fs.ErrNotExist) || !strings.HasSuffix(err.Error(), "gone.json: cannot read: no such file or directory") {
			t.Errorf("missing: %v", err)
		}
		// Only the partial exists, with a manifest that has no total yet.
		p := filepath.Join(o.dir, "live.json")
		write("live.json.partial", read(o.variants)[:200])
		b := read(o.variants + verify.ManifestSuffix)
		var m map[string]any
		json.Unmarshal([]byte(b), &m)
		m["status"] = "running"
		m["counts"].(map[string]any)["total"] = nil
		m["counts"].(map[string]any)["done"] = 5
		m["checkpoint"].(map[string]any)["records"] = 5
		nb, _ := json.Marshal(m)
		write("live.json"+verify.ManifestSuffix, string(nb))
		_, err = verify.Open(p)
		if !errors.Is(err, verify.ErrUnfinished) || !strings.Contains(err.Error(), "has not finished (status running, 5 of ? records at the last checkpoint)") {
			t.Errorf("live run: %v", err)
		}
	})

	t.Run("verify arguments", func(t *testing.T) {
		if _, err := verify.Verify(context.Background(), nil, verify.Options{}); err == nil || err.Error() != "verify: no outputs given" {
			t.Errorf("no paths: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := verify.Verify(ctx, []string{o.variants}, verify.Options{}); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "verify: ") {
			t.Errorf("cancelled: %v", err)
		}
		bad := write("bad_ref.faa", ">r1\nMK*L\n")
		if _, err := verify.Verify(context.Background(), []string{o.variants}, verify.Options{References: bad}); err == nil || !strings.Contains(err.Error(), "bad_ref.faa") {
			t.Errorf("bad reference FASTA: %v", err)
		}
		// An output named twice (itself and its manifest) is verified once.
		res := run(t, ref, o.variants, o.variants+verify.ManifestSuffix)
		if len(res.Files) != 1 || !res.OK() {
			t.Errorf("output and its manifest: %+v", res.Files)
		}
	})

	t.Run("text limits", func(t *testing.T) {
		p := mutate(t, o.variants, "limits.json", func(ls []string) []string {
			for i := 2; i <= 4; i++ {
				ls[i] = strings.Replace(ls[i], `"status":"mutant"`, `"status":"mutated"`, 1)
			}
			return ls
		})
		res, err := verify.Verify(context.Background(), []string{p}, verify.Options{References: ref, MaxFailures: 2})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Truncated || len(res.Failures) != 2 {
			t.Fatalf("MaxFailures 2: truncated %v, %d failures", res.Truncated, len(res.Failures))
		}
		var b bytes.Buffer
		if err := res.WriteText(&b, 1); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(b.String()), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "FAIL "+p+": record 2 (line 3, query ecoli_gyrA_S83A|gyrA|resfinder_test_isolate_05): /status (") ||
			lines[1] != "... and 1 more failures" || lines[2] != "FAILED: 2 failures (stopped counting) in 1 files, 27 records" {
			t.Errorf("text:\n%s", b.String())
		}
		if err := res.WriteText(failWriter{}, 0); err == nil || !strings.HasPrefix(err.Error(), "verify: writing the result: disk full") {
			t.Errorf("failing writer: %v", err)
		}
	})
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func records(path string) error {
	out, err := verify.Open(path)
	if err != nil {
		return err
	}
	return out.Records(func(*verify.Rec) error { return nil })
}

func itoa(n int) string { return strconv.Itoa(n) }
