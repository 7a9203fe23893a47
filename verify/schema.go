package verify

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// recordSchema is a copy of docs/record.schema.json (go:embed cannot reach
// outside the package); TestEmbeddedSchemaIsCurrent keeps them equal.
//
//go:generate cp ../docs/record.schema.json record.schema.json
//go:embed record.schema.json
var recordSchema []byte

// RecordSchema returns the record JSON Schema outputs are checked against.
func RecordSchema() []byte { return append([]byte(nil), recordSchema...) }

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(recordSchema))
	if err != nil {
		return nil, fmt.Errorf("verify: embedded record schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://github.com/wtalign/wtalign/docs/record.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("verify: embedded record schema: %w", err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("verify: embedded record schema: %w", err)
	}
	return s, nil
})

// schemaProblem validates one record and describes the first violation:
// the JSON pointer of the offending value and what is wrong with it.
func schemaProblem(s *jsonschema.Schema, data []byte) (field, msg string, bad bool) {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return "record", "not JSON: " + err.Error(), true
	}
	err = s.Validate(v)
	if err == nil {
		return "", "", false
	}
	ve, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return "record", err.Error(), true
	}
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	field = "/" + strings.Join(ve.InstanceLocation, "/")
	lines := strings.Split(strings.TrimSpace(ve.Error()), "\n")
	msg = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(lines[len(lines)-1]), "- "))
	return field, msg, true
}
