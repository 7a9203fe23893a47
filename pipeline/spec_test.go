package pipeline

import (
	"errors"
	"strings"
	"testing"
)

// TestSpecSetEveryKey: Set handles every field type (a new field of an
// unhandled type would panic here, not in a user's run).
func TestSpecSetEveryKey(t *testing.T) {
	for _, k := range SpecKeys() {
		s := DefaultSpec()
		for _, v := range []string{"1", "true", "10s", "x"} {
			_ = s.Set(k, v)
		}
	}
	s := DefaultSpec()
	var fe *FieldError
	if err := s.Set("min-identity", "abc"); !errors.As(err, &fe) || fe.Key != "min-identity" || !strings.Contains(fe.Msg, "number") {
		t.Errorf("min-identity abc: %v", err)
	}
	if err := s.Set("nope", "1"); !errors.As(err, &fe) || fe.Key != "nope" {
		t.Errorf("unknown key: %v", err)
	}
}

func TestSpecValidate(t *testing.T) {
	ok := DefaultSpec()
	ok.Reference, ok.Inputs, ok.Threads = "r.faa", []string{"q.faa"}, 2
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		key  string
		edit func(*Spec)
	}{
		{"reference", func(s *Spec) { s.Reference = "" }},
		{"inputs", func(s *Spec) { s.Inputs = nil }},
		{"inputs", func(s *Spec) { s.Inputs = []string{"a", "a"} }},
		{"inputs", func(s *Spec) { s.Inputs = []string{"-", "-"} }},
		{"format", func(s *Spec) { s.Format = "csv" }},
		{"force", func(s *Spec) { s.Force, s.Resume = true, "true" }},
		{"checkpoint-every", func(s *Spec) { s.CheckpointEvery = -1 }},
		{"shard", func(s *Spec) { s.Shard = "3/2" }},
		{"assign", func(s *Spec) { s.Assign = "guess" }},
		{"map", func(s *Spec) { s.Assign = AssignMap }},
		{"key-regex", func(s *Spec) { s.KeyRegex = "gene=\\w+" }},
		{"min-identity", func(s *Spec) { s.MinIdentity = 150 }},
		{"same-gene-identity", func(s *Spec) { s.SameGeneIdentity = -1 }},
		{"min-score", func(s *Spec) { s.MinScore = -5 }},
		{"gapopen", func(s *Spec) { s.GapOpen = 101 }},
		{"gapextend", func(s *Spec) { s.GapExtend = 11 }},
		{"engine", func(s *Spec) { s.Engine = "blast" }},
		{"threads", func(s *Spec) { s.Threads = 0 }},
		{"max-length", func(s *Spec) { s.MaxLength = 0 }},
	} {
		s := ok
		c.edit(&s)
		var fe *FieldError
		if err := s.Validate(); !errors.As(err, &fe) || fe.Key != c.key || !errors.Is(err, ErrSpec) {
			t.Errorf("%s: %v", c.key, err)
		}
	}
}

func TestDecodeJSON(t *testing.T) {
	s, err := DecodeJSON([]byte(`{"min-identity": 30, "water-timeout": "2m", "assign": "best"}`), DefaultSpec())
	if err != nil || s.MinIdentity != 30 || s.WaterTimeout.String() != "2m0s" || s.Assign != AssignBest {
		t.Fatalf("%+v %v", s, err)
	}
	var fe *FieldError
	if _, err := DecodeJSON([]byte(`{"min_identity": 30}`), DefaultSpec()); !errors.As(err, &fe) || fe.Key != "min_identity" {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := DecodeJSON([]byte(`{"threads": "many"}`), DefaultSpec()); !errors.As(err, &fe) || fe.Key != "threads" {
		t.Errorf("wrong type: %v", err)
	}
}
