// Package report defines the JSON record wtalign writes for each query
// (schema version 1; the JSON Schema is docs/record.schema.json) and the
// encoders for the json, jsonl and tsv output formats. It never logs or
// exits.
package report
