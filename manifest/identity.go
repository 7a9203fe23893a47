package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// HashFile returns path's size and sha256. "-" (stdin) cannot be hashed
// and is returned with an empty hash; such a run cannot be resumed.
func HashFile(path string) (File, error) {
	if path == "-" {
		return File{Path: "-"}, nil
	}
	f, err := os.Open(path) // #nosec G304 -- an input file of the run, hashed so a resume can tell it is unchanged
	if err != nil {
		return File{}, fmt.Errorf("manifest: hashing input: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, fmt.Errorf("manifest: hashing %s: %w", path, err)
	}
	return File{Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// CanonicalJSON encodes v as canonical JSON (object keys sorted, numbers as
// written, no insignificant space) and returns it with its sha256, so the
// same configuration always hashes the same.
func CanonicalJSON(v any) (json.RawMessage, string, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, "", fmt.Errorf("manifest: encoding configuration: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, "", fmt.Errorf("manifest: encoding configuration: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil {
		return nil, "", fmt.Errorf("manifest: encoding configuration: %w", err)
	}
	out := bytes.TrimRight(buf.Bytes(), "\n")
	sum := sha256.Sum256(out)
	return json.RawMessage(out), hex.EncodeToString(sum[:]), nil
}

// Diff lists, in words, how run cur differs from run old in anything that
// changes the output: tool build, format, shard, inputs, reference, map
// file, configuration and engine. Nil means a resume is safe. The shard is
// ignored when ignoreShard is set (merge compares shards with each other).
func Diff(old, cur *Manifest, ignoreShard bool) []string {
	var d []string
	add := func(format string, args ...any) { d = append(d, fmt.Sprintf(format, args...)) }
	if old.Tool.Version != cur.Tool.Version || old.Tool.Commit != cur.Tool.Commit {
		add("wtalign build: %s (%s) -> %s (%s)", old.Tool.Version, old.Tool.Commit, cur.Tool.Version, cur.Tool.Commit)
	}
	if old.Output.Format != cur.Output.Format {
		add("output format: %s -> %s", old.Output.Format, cur.Output.Format)
	}
	if !ignoreShard && old.Shard != cur.Shard {
		add("shard: %q -> %q", old.Shard, cur.Shard)
	}
	if len(old.Inputs) != len(cur.Inputs) {
		add("number of input files: %d -> %d", len(old.Inputs), len(cur.Inputs))
	} else {
		for i := range old.Inputs {
			d = append(d, diffFile(fmt.Sprintf("input %d", i+1), &old.Inputs[i], &cur.Inputs[i])...)
		}
	}
	d = append(d, diffFile("reference", &old.Reference, &cur.Reference)...)
	switch {
	case old.MapFile == nil && cur.MapFile != nil:
		add("map file: none -> %s", cur.MapFile.Path)
	case old.MapFile != nil && cur.MapFile == nil:
		add("map file: %s -> none", old.MapFile.Path)
	case old.MapFile != nil:
		d = append(d, diffFile("map file", old.MapFile, cur.MapFile)...)
	}
	if old.ConfigSHA256 != cur.ConfigSHA256 {
		changes := diffJSON(old.Config, cur.Config)
		if len(changes) == 0 {
			changes = []string{"sha256 " + short(old.ConfigSHA256) + " -> " + short(cur.ConfigSHA256)}
		}
		for _, c := range changes {
			add("configuration: %s", c)
		}
	}
	if old.Engine != cur.Engine {
		add("engine: %s %s -> %s %s", old.Engine.Name, old.Engine.Version, cur.Engine.Name, cur.Engine.Version)
	}
	return d
}

func diffFile(what string, old, cur *File) []string {
	var d []string
	if old.Path != cur.Path {
		d = append(d, fmt.Sprintf("%s path: %s -> %s", what, old.Path, cur.Path))
	}
	switch {
	case old.Path == "-" || cur.Path == "-":
		d = append(d, fmt.Sprintf("%s is standard input, which cannot be verified", what))
	case old.Size != cur.Size:
		d = append(d, fmt.Sprintf("%s (%s) size: %d -> %d bytes", what, cur.Path, old.Size, cur.Size))
	case old.SHA256 != cur.SHA256:
		d = append(d, fmt.Sprintf("%s (%s) content: sha256 %s -> %s", what, cur.Path, short(old.SHA256), short(cur.SHA256)))
	}
	return d
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// diffJSON names the changed leaves of two JSON documents ("a.b: 1 -> 2").
func diffJSON(a, b json.RawMessage) []string {
	fa, fb := map[string]string{}, map[string]string{}
	if flatten(a, fa) != nil || flatten(b, fb) != nil {
		return nil
	}
	keys := map[string]bool{}
	for k := range fa {
		keys[k] = true
	}
	for k := range fb {
		keys[k] = true
	}
	var d []string
	for k := range keys {
		va, oka := fa[k]
		vb, okb := fb[k]
		switch {
		case !oka:
			va = "(unset)"
		case !okb:
			vb = "(unset)"
		}
		if va != vb {
			d = append(d, fmt.Sprintf("%s: %s -> %s", k, va, vb))
		}
	}
	sort.Strings(d)
	return d
}

func flatten(raw json.RawMessage, out map[string]string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok && len(m) > 0 {
			for k, x := range m {
				walk(strings.TrimPrefix(prefix+"."+k, "."), x)
			}
			return
		}
		if prefix == "" {
			prefix = "(value)"
		}
		s, _ := json.Marshal(v)
		out[prefix] = string(s)
	}
	walk("", v)
	return nil
}
