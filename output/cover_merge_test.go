package output

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestMergeRefusesBeforeReading: no shards, a merged path that is a
// shard or its manifest, shards of different counts, and a merged name
// that claims another format are refused and nothing is written.
func TestMergeRefusesBeforeReading(t *testing.T) {
	gs := healed(synth(12))
	e := newEnv(t, JSONL)
	s := []string{shardRun(t, e, JSONL, gs, 1, 2), shardRun(t, e, JSONL, gs, 2, 2)}
	three := shardRun(t, e, JSONL, gs, 1, 3)
	out := filepath.Join(e.dir, "merged.jsonl")
	for _, c := range []struct {
		name string
		opt  MergeOptions
		want string
	}{
		{"no shards", MergeOptions{Out: out}, "output: merge: no shard outputs"},
		{"onto a shard", MergeOptions{Out: s[1], Shards: s}, "output: refusing to overwrite: the merged output path is the shard output " + s[1] + "; choose another merged output path"},
		{"manifest onto a shard manifest", MergeOptions{Out: out, Manifest: s[0] + ".manifest.json", Shards: s},
			"output: refusing to overwrite: the merged manifest path is the shard manifest " + s[0] + ".manifest.json; choose another merged manifest path"},
		{"other shard count", MergeOptions{Out: out, Shards: []string{s[0], three}}, "output: merge: " + three + " is shard 1/3 but " + s[0] + " is shard 1/2"},
		{"format by name", MergeOptions{Out: filepath.Join(e.dir, "merged.tsv"), Shards: s},
			"output: refusing to overwrite: the merged output " + filepath.Join(e.dir, "merged.tsv") + " is named like tsv but the shards are jsonl; name it *.jsonl"},
	} {
		_, err := Merge(context.Background(), c.opt)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s:\n got %v\nwant %s", c.name, err, c.want)
		}
		for _, p := range []string{out, out + ".manifest.json", out + ".partial", out + ".lock"} {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: a refused merge left %s", c.name, p)
			}
		}
	}
	if _, err := Merge(context.Background(), MergeOptions{Out: out, Shards: s}); !errors.Is(err, nil) {
		t.Fatalf("the good merge: %v", err)
	}
}

// TestMergeStreams: merged to stdout (or a device) the bytes are the
// unsharded run's and no manifest is written; a cancelled merge to a file
// removes its partial.
func TestMergeStreams(t *testing.T) {
	gs := synth(20)
	e := newEnv(t, JSON)
	want := runAll(t, e.opts(JSON), gs)
	s := []string{shardRun(t, e, JSON, gs, 2, 2), shardRun(t, e, JSON, gs, 1, 2)}
	var buf bytes.Buffer
	m, err := Merge(context.Background(), MergeOptions{Out: "-", Stdout: &buf, Shards: s})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("merged to stdout: %d bytes differ from the unsharded %d", buf.Len(), len(want))
	}
	if m != nil && m.Output.Path != "" {
		t.Errorf("a stream merge has a manifest for %q", m.Output.Path)
	}
	if runtime.GOOS != "windows" {
		if _, err := Merge(context.Background(), MergeOptions{Out: os.DevNull, Shards: s}); err != nil {
			t.Errorf("merge to %s: %v", os.DevNull, err)
		}
		if _, err := os.Stat(os.DevNull + ".manifest.json"); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a device got a manifest: %v", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(e.dir, "merged.json")
	if _, err := Merge(ctx, MergeOptions{Out: out, Shards: s}); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "output: merge: ") {
		t.Errorf("cancelled merge: %v", err)
	}
	for _, p := range []string{out, out + ".partial", out + ".lock"} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a cancelled merge left %s", p)
		}
	}
}
