// Package server is wtalign's HTTP job service (`wtalign serve`): an
// authenticated REST API under /v1 (docs/openapi.yaml), a scheduler that
// runs each job through pipeline.Prepare/Execute with align's
// checkpointed output (so a job's results are the bytes `wtalign align`
// writes, and a killed server resumes every job from its manifest), a
// dashboard page, Prometheus metrics, an audit log and signed webhooks.
//
// Jobs live on disk, one directory each under <data-dir>/jobs (see
// jobs.go); the server's memory only caches them. Tokens are read from a
// file of SHA-256 hashes; a token sees only its owner's jobs.
//
// The package never exits, never reads flags and never writes to stderr:
// it logs through the zerolog.Logger in Options and appends audit events
// to the configured audit file. Its errors are wrapped and prefixed
// "server: ".
package server
