package pipeline

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/report"
)

// fakeWater is one of the scripts in testdata/emboss/fake that answer
// -version and -help like EMBOSS water 6.6 and then misbehave.
func fakeWater(t *testing.T, name string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake water scripts are bash")
	}
	p, err := filepath.Abs(filepath.Join("../testdata/emboss/fake", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEngineGating: --engine water needs a working water and says how to
// get one; --engine auto falls back to native with a note when water is
// missing, and uses water (with a note) when it is found.
func TestEngineGating(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "water")
	s := scanSpec(AssignName, variants)
	s.Engine, s.WaterPath = EngineWater, missing
	err := prepareErr(t, s)
	if !errors.Is(err, emboss.ErrNotFound) || !strings.HasPrefix(err.Error(), "--engine water: ") ||
		!strings.HasSuffix(err.Error(), "(install EMBOSS: scripts/install-emboss.sh, or use --engine native)") || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing water: %q", err)
	}

	var notes []Note
	env := Env{Notify: func(n Note) { notes = append(notes, n) }, ToolVersion: "v-test"}
	s.Engine = EngineAuto
	p, err := Prepare(context.Background(), s, env)
	if err != nil {
		t.Fatal(err)
	}
	if p.Water() != nil || p.Kernel() == "" || p.Kernel() != aligner.Kernel() || p.Job.EngineInfo.Name != EngineNative || p.Job.EngineInfo.Version != "v-test" {
		t.Errorf("auto without water: water %v, kernel %q, engine %+v", p.Water(), p.Kernel(), p.Job.EngineInfo)
	}
	if len(notes) != 1 || notes[0].Warn || notes[0].Msg != "--engine auto: EMBOSS water not available, using the native engine" ||
		notes[0].Attrs[0] != (Attr{Key: "engine", Value: "native"}) || notes[0].Attrs[1].Key != "reason" {
		t.Errorf("notes %+v", notes)
	}

	notes = nil
	s.WaterPath = fakeWater(t, "exit1")
	p, err = Prepare(context.Background(), s, env)
	if err != nil {
		t.Fatal(err)
	}
	if p.Water() == nil || p.Water().Version != "6.6.0.0" || p.Water().Path != s.WaterPath || p.Kernel() != "" ||
		p.Job.EngineInfo != (report.Engine{Name: EngineWater, Version: "6.6.0.0", Matrix: "EBLOSUM62", GapOpen: 10, GapExtend: 0.5}) || p.Job.BatchSize != waterBatch {
		t.Errorf("auto with water: %+v, kernel %q, engine %+v, batch %d", p.Water(), p.Kernel(), p.Job.EngineInfo, p.Job.BatchSize)
	}
	if len(notes) != 1 || notes[0].Msg != "--engine auto: using EMBOSS water" || notes[0].Attrs[2] != (Attr{Key: "version", Value: "6.6.0.0"}) {
		t.Errorf("notes %+v", notes)
	}
	// Another EMBOSS program is refused by --engine water, and auto does
	// not take it either.
	t.Setenv("FAKE_HELP", "Needleman-Wunsch global alignment of two sequences")
	s.Engine = EngineWater
	if err := prepareErr(t, s); !errors.Is(err, emboss.ErrNotWater) || !strings.Contains(err.Error(), `is EMBOSS 6.6.0.0 but not water: its -help says "Needleman-Wunsch global alignment of two sequences"`) {
		t.Errorf("not water: %v", err)
	}
	s.Engine = EngineAuto
	if p, err := Prepare(context.Background(), s, Env{}); err != nil || p.Water() != nil || p.Job.EngineInfo.Name != EngineNative {
		t.Errorf("auto with a program that is not water: %v", err)
	}
}

// TestWaterFallback: when every water batch fails, --fallback native
// aligns the records with the native engine, marks them fallback_used and
// warns once per failed batch; the records equal a native run but for the
// engine; without a fallback the run stops with water's error.
func TestWaterFallback(t *testing.T) {
	in := "../testdata/pairs/variant_ecoli_gyrA.faa"
	native := runSpec(t, scanSpec(AssignName, in))

	var notes []Note
	s := scanSpec(AssignName, in)
	s.Engine, s.WaterPath, s.Fallback = EngineWater, fakeWater(t, "exit1"), EngineNative
	p, err := Prepare(context.Background(), s, Env{Notify: func(n Note) { notes = append(notes, n) }})
	if err != nil {
		t.Fatal(err)
	}
	var res []Result
	st, err := p.Records(context.Background(), func(r Result) error { res = append(res, r); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(native) || st.Emitted != len(native) {
		t.Fatalf("%d records, want %d", len(res), len(native))
	}
	for _, r := range res {
		want := native[r.Record.Query.ID]
		if !r.FallbackUsed || !r.Record.Engine.FallbackUsed || r.Record.Engine.Name != EngineWater {
			t.Errorf("%s: fallback %v/%v, engine %q", r.Record.Query.ID, r.FallbackUsed, r.Record.Engine.FallbackUsed, r.Record.Engine.Name)
		}
		if r.Record.Status != want.Status || r.Record.Alignment.CIGAR != want.Alignment.CIGAR || r.Record.Alignment.Score != want.Alignment.Score {
			t.Errorf("%s: %s %v, native %s %v", r.Record.Query.ID, r.Record.Status, r.Record.Alignment.Score, want.Status, want.Alignment.Score)
		}
	}
	if len(notes) == 0 {
		t.Fatal("no warning about the failed water batch")
	}
	for _, n := range notes {
		if !n.Warn || n.Msg != "water batch failed; aligned it with the native engine (fallback_used)" || n.Attrs[0] != (Attr{Key: "queries", Value: len(native)}) {
			t.Errorf("note %+v", n)
		}
	}

	s.Fallback = "none"
	p, err = Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	_, err = p.Records(context.Background(), func(Result) error { n++; return nil })
	if err == nil || n != 0 || !strings.Contains(err.Error(), "Bad value for '-bsequence'") {
		t.Errorf("no fallback: %d records, err %v", n, err)
	}
}
