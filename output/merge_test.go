package output

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/manifest"
)

// shardRun writes shard k/n of gs and returns its output path.
func shardRun(t *testing.T, e *env, f Format, gs []group, k, n int) string {
	t.Helper()
	opt := e.opts(f)
	opt.Out = filepath.Join(e.dir, fmt.Sprintf("shard%dof%d.%s", k, n, f))
	opt.Identity.Shard = fmt.Sprintf("%d/%d", k, n)
	w, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	if w.NextOrdinal() != k-1 {
		t.Fatalf("shard %d/%d starts at ordinal %d", k, n, w.NextOrdinal())
	}
	writeFrom(t, w, gs, len(gs))
	w.SetTotal(w.Done())
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	return opt.Out
}

func TestMergeEqualsUnsharded(t *testing.T) {
	gs := synth(45) // with failures, to check they carry over
	for _, f := range RecordFormats {
		e := newEnv(t, f)
		want := runAll(t, e.opts(f), gs)
		wantM, _ := manifest.Load(e.out + ".manifest.json")
		for n := 1; n <= 7; n++ {
			var shards []string
			for k := n; k >= 1; k-- { // any order
				shards = append(shards, shardRun(t, e, f, gs, k, n))
			}
			out := filepath.Join(e.dir, fmt.Sprintf("merged%d.%s", n, f))
			m, err := Merge(context.Background(), MergeOptions{Out: out, Shards: shards, CommandLine: []string{"wtalign", "merge"}})
			if err != nil {
				t.Fatalf("%s N=%d: %v", f, n, err)
			}
			if got := mustRead(t, out); !bytes.Equal(got, want) {
				t.Fatalf("%s N=%d: merged output differs from the unsharded one", f, n)
			}
			got, err := manifest.Load(out + ".manifest.json")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != wantM.Status || got.Shard != "" || got.Counts.Done != len(gs) || *got.Counts.Total != len(gs) ||
				got.Counts.NoHit != wantM.Counts.NoHit || !reflect.DeepEqual(got.Failures, wantM.Failures) || len(got.MergedFrom) != n ||
				got.ConfigSHA256 != wantM.ConfigSHA256 || m.Checkpoint.OutputSHA256 != wantM.Checkpoint.OutputSHA256 {
				t.Fatalf("%s N=%d: merged manifest %+v\nunsharded %+v", f, n, got, wantM)
			}
		}
	}
}

func TestMergeRejects(t *testing.T) {
	gs := healed(synth(20))
	e := newEnv(t, JSONL)
	s := []string{shardRun(t, e, JSONL, gs, 1, 3), shardRun(t, e, JSONL, gs, 2, 3), shardRun(t, e, JSONL, gs, 3, 3)}
	other := newEnv(t, JSONL)
	o := other.opts(JSONL)
	o.Identity.Config = map[string]any{"gap_open": 11.0}
	o.Out = filepath.Join(other.dir, "x.jsonl")
	o.Identity.Shard = "2/3"
	w, _ := Open(o)
	writeFrom(t, w, gs, len(gs))
	w.Finish()
	cp := filepath.Join(e.dir, "copy.jsonl")
	os.WriteFile(cp, mustRead(t, s[1]), 0o644)
	os.WriteFile(cp+".manifest.json", mustRead(t, s[1]+".manifest.json"), 0o644)
	out := filepath.Join(e.dir, "merged.jsonl")
	for _, c := range []struct {
		name   string
		shards []string
		want   string
	}{
		{"missing", []string{s[0], s[2]}, "missing shard(s) 2/3"},
		{"duplicated", []string{s[0], s[1], cp, s[2]}, "shard 2/3 given twice"},
		{"other run", []string{s[0], o.Out, s[2]}, "configuration: gap_open: 10 -> 11"},
		{"unsharded", []string{filepath.Join(e.dir, "none")}, "no such file"},
	} {
		if _, err := Merge(context.Background(), MergeOptions{Out: out, Shards: c.shards}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a refused merge wrote %s", c.name, out)
		}
	}
	// A damaged or unfinished shard.
	b := mustRead(t, s[2])
	os.WriteFile(s[2], b[:len(b)-3], 0o644)
	if _, err := Merge(context.Background(), MergeOptions{Out: out, Shards: s}); err == nil || !strings.Contains(err.Error(), "does not match its manifest") {
		t.Errorf("damaged shard: %v", err)
	}
	u := e.opts(JSONL)
	u.Out, u.Identity.Shard = filepath.Join(e.dir, "u.jsonl"), "3/3"
	unfinished(t, u, gs, 10)
	if _, err := Merge(context.Background(), MergeOptions{Out: out, Shards: []string{s[0], s[1], u.Out}}); err == nil || !strings.Contains(err.Error(), "not complete") {
		t.Errorf("unfinished shard: %v", err)
	}
}

// TestMergeAbandonedIsNotComplete: a merge that stops before its end
// leaves a manifest that says running, not shard 1's complete.
func TestMergeAbandonedIsNotComplete(t *testing.T) {
	gs := healed(synth(20))
	e := newEnv(t, JSONL)
	s := []string{shardRun(t, e, JSONL, gs, 2, 2), shardRun(t, e, JSONL, gs, 1, 2)}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(e.dir, "merged.jsonl")
	if _, err := Merge(ctx, MergeOptions{Out: out, Shards: s}); err == nil {
		t.Fatal("a cancelled merge succeeded")
	}
	m, err := manifest.Load(out + ".manifest.json")
	if err != nil {
		t.Skipf("no manifest left: %v", err)
	}
	if m.Status.Finished() {
		t.Fatalf("abandoned merge's manifest says %s with %d records done", m.Status, m.Counts.Done)
	}
}
