package manifest

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestDiffEveryChange: each thing that changes the output is named with
// its old and new value, one line each, and nothing else is reported.
func TestDiffEveryChange(t *testing.T) {
	other := strings.Repeat("ab", 32)
	for _, c := range []struct {
		edit func(old, cur *Manifest)
		want []string
	}{
		{func(_, c *Manifest) { c.Tool.Commit = "def" }, []string{"wtalign build: 1.0.0 (abc) -> 1.0.0 (def)"}},
		{func(_, c *Manifest) { c.Output.Format = "tsv" }, []string{"output format: jsonl -> tsv"}},
		{func(_, c *Manifest) { c.Inputs[0].Path = "other.faa" }, []string{"input 1 path: in.faa -> other.faa"}},
		{func(_, c *Manifest) { c.Inputs[0].Size = 7 }, []string{"input 1 (in.faa) size: 3 -> 7 bytes"}},
		{func(_, c *Manifest) { c.Reference.SHA256 = other }, []string{"reference (ref.faa) content: sha256 e3b0c44298fc… -> abababababab…"}},
		{func(o, _ *Manifest) { o.Reference.Path = "-" }, []string{"reference path: - -> ref.faa", "reference is standard input, which cannot be verified"}},
		{func(o, _ *Manifest) { o.MapFile = &File{Path: "m.tsv"} }, []string{"map file: m.tsv -> none"}},
		{func(o, c *Manifest) { o.MapFile, c.MapFile = &File{"m.tsv", 1, emptySHA}, &File{"m.tsv", 1, other} },
			[]string{"map file (m.tsv) content: sha256 e3b0c44298fc… -> abababababab…"}},
		{func(o, c *Manifest) { o.MapFile, c.MapFile = &File{"m.tsv", 1, emptySHA}, &File{"m.tsv", 1, emptySHA} }, nil},
		{func(_, c *Manifest) {
			c.Config, c.ConfigSHA256, _ = CanonicalJSON(map[string]any{"gap_open": 10, "assign": map[string]any{"mode": "best"}, "threshold": 0.5})
		}, []string{`configuration: matrix: "EBLOSUM62" -> (unset)`, "configuration: threshold: (unset) -> 0.5"}},
		// A configuration that is not JSON (a damaged manifest) still shows
		// that it changed.
		{func(_, c *Manifest) { c.Config, c.ConfigSHA256 = json.RawMessage("{"), other }, []string{"configuration: sha256 "}},
		{func(_, c *Manifest) { c.Engine = Engine{"water", "6.6.0.0"} }, []string{"engine: native 1.0.0 -> water 6.6.0.0"}},
	} {
		old, cur := sample(t), sample(t)
		c.edit(old, cur)
		got := Diff(old, cur, false)
		if len(got) != len(c.want) {
			t.Errorf("got %q, want %q", got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] && !(strings.HasSuffix(c.want[i], " ") && strings.HasPrefix(got[i], c.want[i])) {
				t.Errorf("got %q, want %q", got[i], c.want[i])
			}
		}
	}
}

// TestCanonicalJSONForm: keys sorted at every depth, numbers exactly as
// written, no HTML escaping, no space; an unencodable value is an error.
func TestCanonicalJSONForm(t *testing.T) {
	raw, sum, err := CanonicalJSON(json.RawMessage(`{"b": 1.50, "a": {"z": "<x>", "y": [3, 1e2]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"a":{"y":[3,1e2],"z":"<x>"},"b":1.50}` {
		t.Errorf("canonical form %s", raw)
	}
	_, again, _ := CanonicalJSON(map[string]any{"b": json.Number("1.50"), "a": map[string]any{"z": "<x>", "y": []any{3, json.Number("1e2")}}})
	if again != sum || len(sum) != 64 {
		t.Errorf("the same configuration hashes %s and %s", sum, again)
	}
	if _, _, err := CanonicalJSON(make(chan int)); err == nil || err.Error() != "manifest: encoding configuration: json: unsupported type: chan int" {
		t.Errorf("unencodable: %v", err)
	}
}

func TestHashFileSpecial(t *testing.T) {
	f, err := HashFile("-")
	if err != nil || f != (File{Path: "-"}) {
		t.Errorf("stdin: %+v %v", f, err)
	}
	dir := t.TempDir()
	if _, err := HashFile(dir); err == nil || !strings.HasPrefix(err.Error(), "manifest: hashing "+dir+": ") {
		t.Errorf("a directory: %v", err)
	}
}

func TestCountsClone(t *testing.T) {
	total := 3
	c := Counts{Total: &total, Done: 2, Statuses: map[string]int{"mutant": 1, "wildtype": 1}}
	d := c.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("clone %+v of %+v", d, c)
	}
	d.Statuses["mutant"] = 5
	d.Done = 9
	if c.Statuses["mutant"] != 1 || c.Done != 2 {
		t.Errorf("the clone shares its statuses with the original: %+v", c)
	}
	if e := (Counts{Done: 1}).Clone(); e.Statuses != nil || e.Done != 1 {
		t.Errorf("clone without statuses: %+v", e)
	}
}

// TestWriteFileAtomicErrors: a failed write names the file and leaves no
// temporary file behind; the old content is kept.
func TestWriteFileAtomicErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nodir", "m.json")
	if err := WriteFileAtomic(missing, []byte("x")); !errors.Is(err, fs.ErrNotExist) || !strings.HasPrefix(err.Error(), "writing "+missing+": ") {
		t.Errorf("missing directory: %v", err)
	}
	if err := sample(t).Save(missing); err == nil || !strings.HasPrefix(err.Error(), "manifest: writing "+missing) {
		t.Errorf("Save into a missing directory: %v", err)
	}
	// The target is a directory: refused before a temporary file exists.
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := WriteFileAtomic(target, []byte("new"))
	if err == nil || err.Error() != "writing "+target+": it is a directory" {
		t.Errorf("write over a directory: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".taken.tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	// A bare file name is written in the working directory.
	t.Chdir(dir)
	if err := WriteFileAtomic("plain.json", []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "plain.json")); err != nil || string(b) != "{}\n" {
		t.Errorf("plain.json: %q %v", b, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "plain.json")); err == nil && runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	if err := SyncDir(filepath.Join(dir, "nodir")); err == nil || !strings.HasPrefix(err.Error(), "syncing directory "+filepath.Join(dir, "nodir")+": ") {
		t.Errorf("SyncDir of a missing directory: %v", err)
	}
}

// TestCrashpointCounting: NAME:N fires at the N-th hit of NAME only; other
// points and a malformed count (the whole value is the name, count 1) are
// read as documented. The kill itself is proven by TestCrashDuringSave in
// a child process.
func TestCrashpointCounting(t *testing.T) {
	reset := func() {
		crash.once = sync.Once{}
		crash.name, crash.left = "", 0
	}
	t.Cleanup(reset)
	for _, c := range []struct {
		env, name string
		left      int
	}{
		{"record-written:3", "record-written", 3},
		{"record-written", "record-written", 1},
		{"a:b:2", "a:b", 2},
		{"x:0", "x:0", 1},
		{"x:many", "x:many", 1},
	} {
		reset()
		t.Setenv(CrashpointEnv, c.env)
		Crashpoint("some-other-point")
		if crash.name != c.name || crash.left != c.left {
			t.Errorf("%s: name %q left %d, want %q %d", c.env, crash.name, crash.left, c.name, c.left)
		}
	}
	reset()
	t.Setenv(CrashpointEnv, "cover-point:3")
	Crashpoint("cover-point")
	Crashpoint("elsewhere")
	Crashpoint("cover-point")
	if crash.left != 1 {
		t.Errorf("after two hits of a :3 point, %d left, want 1 (the next one fires)", crash.left)
	}
	reset()
	t.Setenv(CrashpointEnv, "")
	Crashpoint("cover-point")
	if crash.name != "" {
		t.Errorf("no crashpoint set, name %q", crash.name)
	}
}

// TestUsage: the process's CPU time and peak RSS are plausible.
func TestUsage(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("rusage is unix")
	}
	cpu, rss := Usage()
	if cpu <= 0 || cpu > 1e6 {
		t.Errorf("cpu %v s", cpu)
	}
	if rss < 1<<20 || rss > 1<<40 {
		t.Errorf("peak RSS %d bytes", rss)
	}
}

func TestProgressOfNoFailures(t *testing.T) {
	m := sample(t)
	m.Failures = nil
	if s := ProgressOf("m.json", m); s.Failures == nil || len(s.Failures) != 0 {
		t.Errorf("failures %#v, want an empty list (JSON [])", s.Failures)
	}
}
