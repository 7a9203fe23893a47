package pipeline

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// TestSpecValidateMessages: each rule of Validate gives its *FieldError
// (ErrSpec) with the exact text a user sees.
func TestSpecValidateMessages(t *testing.T) {
	ok := DefaultSpec()
	ok.Reference, ok.Inputs, ok.Threads = "r.faa", []string{"q.faa"}, 2
	for _, c := range []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Reference = "" }, "reference: required: a FASTA of wild-type reference proteins"},
		{func(s *Spec) { s.Inputs = []string{"a", ""} }, `inputs "": empty file name`},
		{func(s *Spec) { s.Inputs = []string{"a", "a"} }, `inputs "a": given twice; each input file is one genome and is read once`},
		{func(s *Spec) { s.Inputs = []string{"-", "a", "-"} }, `inputs "-": stdin can be given only once`},
		{func(s *Spec) { s.Out = "" }, "out: empty output path (use - for stdout)"},
		{func(s *Spec) { s.Format = "csv" }, `format "csv": want json, jsonl, tsv or hamronization`},
		{func(s *Spec) { s.Resume = "maybe" }, `resume "maybe": want auto, true or false`},
		{func(s *Spec) { s.Force, s.Resume = true, "true" }, "force: --force (start over) and --resume=true (must resume) contradict each other"},
		{func(s *Spec) { s.CheckpointEvery = 0 }, "checkpoint-every 0: want at least 1 record"},
		{func(s *Spec) { s.CheckpointInterval = 0 }, `checkpoint-interval "0s": want a positive duration, e.g. 10s`},
		{func(s *Spec) { s.Shard = "0/4" }, `shard "0/4": want K/N with 1 <= K <= N, e.g. 2/8`},
		{func(s *Spec) { s.MetricsFile = "run.txt" }, `metrics-file "run.txt": the name must end in .prom (node_exporter's textfile collector reads only those)`},
		{func(s *Spec) { s.Assign = "guess" }, `assign "guess": want auto, name, map or best`},
		{func(s *Spec) { s.Assign = AssignMap }, "map: --assign map needs a map file (query_id<TAB>reference_id)"},
		{func(s *Spec) { s.Map = "m.tsv" }, `map "m.tsv": a map file is used only with --assign map`},
		{func(s *Spec) { s.KeyRegex = "gene=(" }, "key-regex \"gene=(\": error parsing regexp: missing closing ): `gene=(`"},
		{func(s *Spec) { s.KeyRegex = `gene=\w+` }, `key-regex "gene=\\w+": needs a capture group for the gene key, e.g. 'gene=(\w+)'`},
		{func(s *Spec) { s.InputType = "dna" }, `input-type "dna": want protein or cds`},
		{func(s *Spec) { s.GeneticCode = 7 }, "genetic-code 7: "},
		{func(s *Spec) { s.Catalogs, s.CatalogFormat = []string{"c.tsv"}, "csv" }, `catalog-format "csv": want pointfinder, amrfinder, wtalign or sites`},
		{func(s *Spec) { s.Catalogs = []string{"c.tsv", ""} }, `catalog "": empty path`},
		{func(s *Spec) { s.Format = "hamronization" }, `format "hamronization": hAMRonization rows are the calls on catalogued genes: give a --catalog`},
		{func(s *Spec) { s.CatalogTaxgroup = "Escherichia" }, "catalog: --catalog-format, --catalog-taxgroup and --catalog-lenient need a --catalog"},
		{func(s *Spec) { s.CatalogLenient = true }, "catalog: --catalog-format, --catalog-taxgroup and --catalog-lenient need a --catalog"},
		{func(s *Spec) { s.MaxLength = 0 }, "max-length 0: want at least 1 residue"},
		{func(s *Spec) { s.MinIdentity = math.NaN() }, "min-identity NaN: want a percentage from 0 to 100"},
		{func(s *Spec) { s.MinRefCoverage = 100.5 }, "min-ref-coverage 100.5: want a percentage from 0 to 100"},
		{func(s *Spec) { s.MinScore = math.Inf(1) }, "min-score +Inf: want a water score of 0 or more"},
		{func(s *Spec) { s.Matrix = "" }, "matrix: empty: give a built-in EMBOSS matrix name (EBLOSUM62) or a matrix file"},
		{func(s *Spec) { s.GapOpen = -1 }, "gapopen -1: "},
		{func(s *Spec) { s.GapExtend = -1 }, "gapextend -1: "},
		{func(s *Spec) { s.Engine = "blast" }, `engine "blast": want native, water or auto`},
		{func(s *Spec) { s.WaterFormat = "pair" }, `water-format "pair": want markx10 or srspair`},
		{func(s *Spec) { s.Fallback = "water" }, `fallback "water": want none or native`},
		{func(s *Spec) { s.WaterTimeout = -1 }, `water-timeout "-1ns": want a positive duration, e.g. 10m`},
		{func(s *Spec) { s.Threads = -3 }, "threads -3: want at least 1"},
	} {
		s := ok
		c.edit(&s)
		err := s.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || !errors.Is(err, ErrSpec) {
			t.Errorf("%s: %v is not a FieldError", c.want, err)
			continue
		}
		if got := err.Error(); got != c.want && !(strings.HasSuffix(c.want, ": ") && strings.HasPrefix(got, c.want) && len(got) > len(c.want)) {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	// Valid edge values.
	for _, edit := range []func(*Spec){
		func(s *Spec) { s.Inputs = []string{"-"} },
		func(s *Spec) { s.Inputs, s.InfileList = nil, "list.txt" },
		func(s *Spec) { s.MinIdentity, s.MinRefCoverage, s.SameGeneIdentity, s.MinScore = 0, 100, 100, 0 },
		func(s *Spec) { s.Shard = "4/4" },
		func(s *Spec) { s.Assign, s.Map = AssignMap, "m.tsv" },
		func(s *Spec) { s.KeyRegex = `gene=(\w+)` },
		func(s *Spec) { s.InputType, s.GeneticCode = InputCDS, 11 },
		func(s *Spec) { s.Catalogs, s.Format, s.CatalogFormat = []string{"c"}, "hamronization", "pointfinder" },
		func(s *Spec) { s.MetricsFile = "m.prom" },
	} {
		s := ok
		edit(&s)
		if err := s.Validate(); err != nil {
			t.Errorf("%+v: %v", s, err)
		}
	}
}

func TestOrList(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a or b"}, {[]string{"a", "b", "c"}, "a, b or c"}} {
		if got := orList(c.in); got != c.want {
			t.Errorf("orList(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDuration: a Duration is Go duration text in JSON and on the command
// line, and a bad one says what it wants.
func TestDuration(t *testing.T) {
	d := Duration(90 * time.Second)
	b, err := json.Marshal(struct{ D Duration }{d})
	if err != nil || string(b) != `{"D":"1m30s"}` {
		t.Errorf("marshal: %s %v", b, err)
	}
	var back struct{ D Duration }
	if err := json.Unmarshal([]byte(`{"D":"2h5m"}`), &back); err != nil || time.Duration(back.D) != 2*time.Hour+5*time.Minute {
		t.Errorf("unmarshal: %v %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"10"}`), &back); err == nil || !strings.Contains(err.Error(), `want a duration such as 30s or 10m, got "10"`) {
		t.Errorf("unmarshal 10: %v", err)
	}
	var f Duration
	if err := f.Set("250ms"); err != nil || time.Duration(f) != 250*time.Millisecond || f.String() != "250ms" {
		t.Errorf("Set: %v %v", f, err)
	}
	if err := f.Set("soon"); err == nil || time.Duration(f) != 250*time.Millisecond {
		t.Errorf("Set soon: %v, value %v (must be kept)", err, f)
	}
	if f.Type() != "duration" {
		t.Errorf("Type %q", f.Type())
	}
	// A config file's duration goes through Spec.Set.
	s := DefaultSpec()
	if err := s.Set("water-timeout", " 90s "); err != nil || s.WaterTimeout != d {
		t.Errorf("Set water-timeout: %v %v", s.WaterTimeout, err)
	}
	var fe *FieldError
	if err := s.Set("checkpoint-interval", "often"); !errors.As(err, &fe) || err.Error() != `checkpoint-interval "often": want a duration such as 30s or 10m` {
		t.Errorf("Set checkpoint-interval often: %v", err)
	}
}

// TestSpecSetValues: Set parses each kind of value and names the key and
// the wanted kind when it cannot.
func TestSpecSetValues(t *testing.T) {
	s := DefaultSpec()
	for _, kv := range [][2]string{{"inputs", "a.faa"}, {"inputs", "b.faa"}, {"force", "true"}, {"threads", " 4 "}, {"gapopen", "12.5"}, {"matrix", "EPAM250"}} {
		if err := s.Set(kv[0], kv[1]); err != nil {
			t.Fatalf("%s=%s: %v", kv[0], kv[1], err)
		}
	}
	if strings.Join(s.Inputs, ",") != "a.faa,b.faa" || !s.Force || s.Threads != 4 || s.GapOpen != 12.5 || s.Matrix != "EPAM250" {
		t.Errorf("%+v", s)
	}
	for _, c := range []struct{ key, text, want string }{
		{"force", "yes please", `force "yes please": want true or false`},
		{"threads", "4.5", `threads "4.5": want a whole number`},
		{"gapopen", "ten", `gapopen "ten": want a number`},
		{"min_identity", "1", "min_identity: unknown key (keys are the long flag names of 'wtalign align', e.g. matrix, gapopen, min-identity)"},
	} {
		if err := s.Set(c.key, c.text); err == nil || err.Error() != c.want {
			t.Errorf("Set(%q, %q): %v, want %q", c.key, c.text, err, c.want)
		}
	}
	if keys := SpecKeys(); keys[0] != "inputs" || keys[len(keys)-1] != "threads" || len(keys) != len(specFields(&s)) {
		t.Errorf("SpecKeys %v", keys)
	}
}

// TestDecodeJSONErrors: the service's JSON parameters.
func TestDecodeJSONErrors(t *testing.T) {
	base := DefaultSpec()
	base.Threads = 3
	s, err := DecodeJSON([]byte(`{"catalog": ["a", "b"], "force": true}`), base)
	if err != nil || strings.Join(s.Catalogs, ",") != "a,b" || !s.Force || s.Threads != 3 {
		t.Errorf("%+v %v", s, err)
	}
	for _, c := range []struct{ in, want string }{
		{`[1, 2]`, "parameters: want a JSON object of parameter names to values, not array"},
		{`{"threads": 2, "zzz": 1}`, "zzz: unknown parameter (names are the flag names of 'wtalign align')"},
		{`{"water-timeout": "forever"}`, `water-timeout: wrong type: want a duration such as 30s or 10m, got "forever"`},
	} {
		got, err := DecodeJSON([]byte(c.in), base)
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.in, err, c.want)
		}
		if got.Threads != 3 || got.Force {
			t.Errorf("%s: a refused decode returns %+v, not the base", c.in, got)
		}
	}
}

func TestFieldErrorText(t *testing.T) {
	if got := (&FieldError{Key: "threads", Msg: "want at least 1"}).Error(); got != "threads: want at least 1" {
		t.Error(got)
	}
	if got := (&FieldError{Key: "threads", Value: "0", Msg: "want at least 1"}).Error(); got != "threads 0: want at least 1" {
		t.Error(got)
	}
	if !errors.Is(&FieldError{}, ErrSpec) {
		t.Error("a FieldError is not ErrSpec")
	}
}

func TestParseShard(t *testing.T) {
	for _, c := range []struct {
		in   string
		k, n int
		ok   bool
	}{{"", 1, 1, true}, // the whole input
		{"1/1", 1, 1, true}, {"2/8", 2, 8, true}, {"9/8", 0, 0, false}, {"a/b", 0, 0, false}, {"2", 0, 0, false}} {
		k, n, err := ParseShard(c.in)
		if k != c.k || n != c.n || (err == nil) != c.ok {
			t.Errorf("ParseShard(%q) = %d, %d, %v", c.in, k, n, err)
		}
		if err != nil && !errors.Is(err, ErrSpec) {
			t.Errorf("ParseShard(%q): %v is not ErrSpec", c.in, err)
		}
	}
}
