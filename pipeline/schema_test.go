package pipeline

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// validateRecords checks every record against the published JSON Schema.
func validateRecords(t *testing.T, jsonl []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range bytes.Split(bytes.TrimSpace(jsonl), []byte("\n")) {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			var m map[string]any
			_ = json.Unmarshal(line, &m)
			t.Errorf("record %d (%v) does not match docs/record.schema.json: %v", i, m["query"], err)
		}
	}
}

func TestRecordsMatchSchema(t *testing.T) {
	job := newJob(t, AssignName, variants)
	job.Threads = 2
	_, b := collect(t, job)
	validateRecords(t, b)

	// no_hit, low_quality and error records too.
	job = newJob(t, AssignBest, "../testdata/fasta/stops.faa", "../testdata/fasta/invalid_letters.faa")
	job.Threads = 2
	_, b = collect(t, job)
	validateRecords(t, b)
}

func TestSchemaRejectsBadRecord(t *testing.T) {
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	job := newJob(t, AssignName, variants)
	_, b := collect(t, job)
	line := bytes.SplitN(b, []byte("\n"), 2)[0]
	bad := bytes.Replace(line, []byte(`"status":"mutant"`), []byte(`"status":"mutated"`), 1)
	if bytes.Equal(bad, line) {
		t.Fatalf("first record is not a mutant: %s", line[:200])
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if sch.Validate(v) == nil {
		t.Fatal("schema accepted status \"mutated\"")
	}
}
