// Package report defines the JSON record wtalign writes for each query
// (Record, schema version SchemaVersion; the JSON Schema is
// docs/record.schema.json). It holds the record's types only: the json,
// jsonl and tsv encoders are in package output (output/format.go). It
// never logs or exits.
package report
