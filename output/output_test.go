package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/report"
)

func TestFormatsWellFormed(t *testing.T) {
	gs := synth(60)
	nrecs, nrows := 0, 0
	for _, g := range gs {
		nrecs++
		nrows += max(1, len(g.rec.Mutations))
	}
	for _, n := range []int{0, 1, 60} {
		e := newEnv(t, JSON)
		var doc struct {
			SchemaVersion  string          `json:"schema_version"`
			WtalignVersion string          `json:"wtalign_version"`
			Records        []report.Record `json:"records"`
		}
		b := runAll(t, e.opts(JSON), gs[:n])
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("json with %d records is not valid JSON: %v\n%s", n, err, b)
		}
		if doc.SchemaVersion != report.SchemaVersion || doc.WtalignVersion != "1.2.3" || (n == 60 && len(doc.Records) != nrecs) {
			t.Fatalf("json document: version %q/%q, %d records", doc.SchemaVersion, doc.WtalignVersion, len(doc.Records))
		}
	}
	e := newEnv(t, JSONL)
	b := runAll(t, e.opts(JSONL), gs)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != nrecs {
		t.Fatalf("jsonl has %d lines, want %d", len(lines), nrecs)
	}
	for i, l := range lines {
		var r report.Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("jsonl line %d: %v", i+1, err)
		}
		if i == 0 && (!strings.Contains(l, `protein <0>\t& co`) || r.Query.Description != "protein <0>\t& co") {
			t.Fatalf("text not kept readably: %s", l)
		}
	}
	e = newEnv(t, TSV)
	b = runAll(t, e.opts(TSV), gs)
	rows := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if rows[0] != strings.Join(TSVColumns, "\t") || len(rows)-1 != nrows {
		t.Fatalf("tsv: header %q, %d rows, want %d", rows[0], len(rows)-1, nrows)
	}
	col := map[string]int{}
	for i, c := range TSVColumns {
		col[c] = i
	}
	for i, row := range rows[1:] {
		cells := strings.Split(row, "\t")
		if len(cells) != len(TSVColumns) {
			t.Fatalf("tsv row %d has %d cells, want %d: %q", i+1, len(cells), len(TSVColumns), row)
		}
	}
	// Ordinal 2 has two substitutions: two rows, each naming one.
	var got []string
	for _, row := range rows[1:] {
		c := strings.Split(row, "\t")
		if c[col["query_ordinal"]] == "2" {
			got = append(got, c[col["mutation"]]+" "+c[col["hgvs_p"]]+" "+c[col["mutation_ref_start"]])
		}
		if c[col["query_ordinal"]] == "3" && (c[col["status"]] != "no_hit" || c[col["mutation"]] != "" || c[col["score"]] != "") {
			t.Fatalf("no-hit row: %q", row)
		}
		if c[col["query_ordinal"]] == "4" && c[col["not_covered"]] != "870-875" {
			t.Fatalf("not_covered: %q", row)
		}
	}
	if strings.Join(got, ",") != "S83L p.Ser83Leu 83,S84L p.Ser84Leu 84" {
		t.Fatalf("rows of ordinal 2: %q", got)
	}
}

func TestStdoutSameBytes(t *testing.T) {
	gs := synth(40)
	for _, f := range Formats {
		e := newEnv(t, f)
		want := runAll(t, e.opts(f), gs)
		var buf bytes.Buffer
		opt := e.opts(f)
		opt.Out, opt.Stdout = "-", &buf
		w, err := Open(opt)
		if err != nil {
			t.Fatal(err)
		}
		writeFrom(t, w, gs, len(gs))
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("%s: stdout differs from the file output", f)
		}
		if _, err := os.Stat(opt.Out + ".manifest.json"); err == nil {
			t.Fatal("stdout run wrote a manifest")
		}
	}
}

// TestResumeByteIdentical crashes (or interrupts) runs at many points and
// resumes them; the result must equal an uninterrupted run byte for byte.
func TestResumeByteIdentical(t *testing.T) {
	gs := healed(synth(50))
	rng := rand.New(rand.NewSource(1))
	for _, f := range Formats {
		want := runAll(t, newEnv(t, f).opts(f), gs)
		for trial := range 6 {
			e := newEnv(t, f)
			opt := e.opts(f)
			sessions := 0
			for {
				w, err := Open(opt)
				if errors.Is(err, ErrComplete) {
					break
				}
				if err != nil {
					t.Fatalf("%s trial %d session %d: %v", f, trial, sessions, err)
				}
				sessions++
				w.SetTotal(len(gs))
				if sessions > 8 {
					writeFrom(t, w, gs, len(gs))
					if err := w.Finish(); err != nil {
						t.Fatal(err)
					}
					continue
				}
				stop := w.NextOrdinal() + rng.Intn(25)
				writeFrom(t, w, gs, stop)
				switch {
				case stop >= len(gs) && trial%2 == 0:
					if err := w.Finish(); err != nil {
						t.Fatal(err)
					}
				case trial%3 == 0:
					if err := w.Interrupt(); err != nil {
						t.Fatal(err)
					}
					m, err := manifest.Load(e.out + ".manifest.json")
					if err != nil || m.Status != manifest.StatusInterrupted || m.Counts.Done != min(stop, len(gs)) {
						t.Fatalf("after Interrupt: %+v %v", m, err)
					}
				default:
					w.crash()
				}
			}
			got, err := os.ReadFile(e.out)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s trial %d: resumed output differs from an uninterrupted run (%v)", f, trial, err)
			}
			m, err := manifest.Load(e.out + ".manifest.json")
			if err != nil || m.Status != manifest.StatusComplete || m.Counts.Done != len(gs) || *m.Counts.Total != len(gs) || m.Sessions < 2 && sessions > 1 {
				t.Fatalf("%s trial %d: final manifest %+v %v", f, trial, m, err)
			}
			for _, p := range []string{e.out + ".partial", e.out + ".lock"} {
				if _, err := os.Stat(p); err == nil {
					t.Fatalf("%s left behind", p)
				}
			}
		}
	}
}

func TestFailuresRetriedOnResume(t *testing.T) {
	gs := synth(40) // ordinals 5, 12, 19, ... fail
	for _, f := range RecordFormats {
		clean := runAll(t, newEnv(t, f).opts(f), healed(gs))
		e := newEnv(t, f)
		opt := e.opts(f)
		first := runAll(t, opt, gs)
		m, err := manifest.Load(e.out + ".manifest.json")
		if err != nil || m.Status != manifest.StatusPartialFail || m.Counts.Failed != 5 || len(m.Failures) != 5 ||
			m.Failures[0] != (manifest.Failure{Ordinal: 5, InputFile: "in2.faa", RecordIndex: 2, ID: "q5", Reason: "engine failed on q5"}) {
			t.Fatalf("%s: manifest after failures: %+v %v", f, m, err)
		}
		if !bytes.Contains(first, []byte("engine failed on q5")) {
			t.Fatal("failed record missing from the output")
		}
		w, err := Open(opt)
		if err != nil {
			t.Fatal(err)
		}
		if w.NextOrdinal() != 5 || w.Counts().Failed != 0 {
			t.Fatalf("%s: resume of a run with failures starts at %d (failed %d), want 5", f, w.NextOrdinal(), w.Counts().Failed)
		}
		if _, err := os.Stat(e.out); err == nil {
			t.Fatal("the output with failures stays in place during the retry")
		}
		writeFrom(t, w, healed(gs), len(gs))
		if err := w.Finish(); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(e.out)
		if !bytes.Equal(got, clean) {
			t.Fatalf("%s: retried output differs from a clean run", f)
		}
		if m, _ := manifest.Load(e.out + ".manifest.json"); m.Status != manifest.StatusComplete || m.Counts.Failed != 0 || m.Sessions != 2 {
			t.Fatalf("%s: manifest after retry: %+v", f, m)
		}
	}
}

func TestAlreadyComplete(t *testing.T) {
	gs := healed(synth(10))
	e := newEnv(t, JSONL)
	opt := e.opts(JSONL)
	want := runAll(t, opt, gs)
	if _, err := Open(opt); !errors.Is(err, ErrComplete) {
		t.Fatalf("rerun of a complete run: %v, want ErrComplete", err)
	}
	if _, err := os.Stat(e.out + ".lock"); err == nil {
		t.Fatal("ErrComplete left the lock file")
	}
	// A damaged output is redone, not trusted.
	os.WriteFile(e.out, append(want[:len(want)-2:len(want)-2], "X\n"...), 0o644)
	w, err := Open(opt)
	if err != nil || w.NextOrdinal() != 0 {
		t.Fatalf("damaged complete output: %v, next %d", err, w.NextOrdinal())
	}
	if _, err := os.Stat(e.out); err == nil {
		t.Fatal("a fresh run must remove the old output first")
	}
	writeFrom(t, w, gs, len(gs))
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(e.out); !bytes.Equal(got, want) {
		t.Fatal("redone output differs")
	}
	// --resume=false always redoes a complete run.
	opt.Resume = "false"
	w, err = Open(opt)
	if err != nil || w.NextOrdinal() != 0 {
		t.Fatalf("--resume=false on a complete run: %v", err)
	}
	w.Interrupt()
}
