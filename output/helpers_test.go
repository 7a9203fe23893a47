package output

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wtalign/wtalign/report"
)

// group is one input record: its outcome and output records.
type group struct {
	outcome Outcome
	rec     *report.Record
}

// synth makes n input records of every kind: mutants with several calls,
// wild types, no hits, failures, partial hits, and awkward text.
func synth(n int) []group {
	gs := make([]group, n)
	for o := range n {
		r := &report.Record{
			SchemaVersion: report.SchemaVersion, InputFile: fmt.Sprintf("in%d.faa", o%3),
			Query:  report.Query{ID: fmt.Sprintf("q%d", o), Description: fmt.Sprintf("protein <%d>\t& co", o), Length: 100 + o%50, Index: o/3 + 1, Ordinal: o, SHA256: fmt.Sprintf("%064x", o)},
			Engine: report.Engine{Name: "native", Version: "test", Matrix: "EBLOSUM62", GapOpen: 10, GapExtend: 0.5, Assign: "best"},
			Status: report.StatusWildtype, Flags: []string{}, Mutations: []report.Mutation{}, NotCovered: []report.Region{},
		}
		g := group{rec: r}
		switch o % 7 {
		case 3:
			r.Status = report.StatusNoHit
			g.outcome.NoHit = true
		case 5:
			r.Status, r.Error = report.StatusError, fmt.Sprintf("engine failed on q%d", o)
			g.outcome = Outcome{Failed: true, Reason: r.Error}
		default:
			r.Reference = &report.Reference{ID: "ecoli|gyrA|NP_416734.1", Gene: "gyrA", Length: 875, SHA256: fmt.Sprintf("%064x", 7)}
			r.Alignment = &report.Alignment{Score: 4394 + float64(o)/2, Length: 875, Identities: 873, PercentIdentity: 99.77142857142857,
				ReferenceStart: 1, ReferenceEnd: 875, QueryStart: 1, QueryEnd: 875, ReferenceCoverage: 100, QueryCoverage: 100,
				AlignedReference: "MSD", Match: "|.|", AlignedQuery: "MLD", CIGAR: "3M"}
			for i := range o % 4 {
				r.Status = report.StatusMutant
				r.Mutations = append(r.Mutations, report.Mutation{Type: "substitution", RefStart: 83 + i, RefEnd: 83 + i, QueryStart: 83 + i, QueryEnd: 83 + i,
					Ref: "S", Alt: "L", Short: fmt.Sprintf("S%dL", 83+i), HGVS: fmt.Sprintf("p.Ser%dLeu", 83+i), Name: fmt.Sprintf("gyrA_S%dL", 83+i)})
			}
			if o%11 == 4 {
				r.Flags = []string{"partial_C"}
				r.NotCovered = []report.Region{{Start: 870, End: 875}}
				g.outcome.FallbackUsed = true
			}
			if o%13 == 6 {
				r.CopyIndex, r.Flags = 2, []string{"multiple_copies"}
			}
		}
		gs[o] = g
	}
	return gs
}

// healed returns gs with every failure replaced by a success, as a retry
// that works would produce.
func healed(gs []group) []group {
	out := make([]group, len(gs))
	for i, g := range gs {
		out[i] = g
		if g.outcome.Failed {
			r := *g.rec
			r.Status, r.Error = report.StatusWildtype, ""
			out[i] = group{rec: &r}
		}
	}
	return out
}

type env struct {
	dir, in, ref, out string
}

func newEnv(t *testing.T, format Format) *env {
	t.Helper()
	d := t.TempDir()
	e := &env{dir: d, in: filepath.Join(d, "in.faa"), ref: filepath.Join(d, "ref.faa"), out: filepath.Join(d, "out."+string(format))}
	os.WriteFile(e.in, []byte(">q1\nMSDLAREITPV\n"), 0o644)
	os.WriteFile(e.ref, []byte(">ecoli|gyrA|NP_416734.1\nMSDLAREITPV\n"), 0o644)
	return e
}

func (e *env) opts(format Format) Options {
	return Options{
		Out: e.out, Format: format, CheckpointEvery: 7, CheckpointInterval: time.Hour,
		CommandLine: []string{"wtalign", "align"}, ToolVersion: "1.2.3", ToolCommit: "abc",
		Identity: Identity{Inputs: []string{e.in}, Reference: e.ref, Config: map[string]any{"gap_open": 10.0}, Engine: "native", EngineVersion: "1.2.3"},
	}
}

// writeFrom writes groups from w.NextOrdinal() up to (not including) stop,
// honouring a shard: it mimics the pipeline's skip on resume.
func writeFrom(t *testing.T, w *Writer, gs []group, stop int) {
	t.Helper()
	for o := w.NextOrdinal(); o < stop && o < len(gs); o += w.shardN {
		if err := w.Write(o, gs[o].rec, gs[o].outcome); err != nil {
			t.Fatalf("Write(%d): %v", o, err)
		}
	}
}

// runAll writes a whole run in one session and returns the output bytes.
func runAll(t *testing.T, opt Options, gs []group) []byte {
	t.Helper()
	w, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	w.SetTotal(len(gs))
	writeFrom(t, w, gs, len(gs))
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(opt.Out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// crash drops a writer the way SIGKILL does after the kernel got some of
// its bytes: records past the checkpoint and a torn half record are in the
// partial, the manifest is not updated, the lock is released by the kernel.
func (w *Writer) crash() {
	w.out.Flush()
	w.file.Write([]byte(`{"schema_version":"1","inp`))
	w.file.Close()
	w.lock.Close()
	w.closed = true
}
