// Package manifest reads, writes and compares the run manifest of
// `wtalign align`: a JSON file next to the output that records what a run
// was (tool, command line, configuration and its hash, engine, every input
// file with its size and sha256), how far it got (counts, failures, the
// checkpoint of fully written records with the output's byte length and
// hash) and its status. docs/manifest.md documents every field.
//
// Save is atomic (temp file in the same directory, fsync, rename, fsync of
// the directory), so a reader sees the old or the new manifest, never a
// mix. Load rejects empty, truncated or corrupt JSON and unknown schema
// versions with errors wrapping ErrCorrupt, never trusting them silently.
//
// The package never logs, never exits and never panics on bad input.
// Crashpoint is a test-only hook: it does nothing unless the
// WTALIGN_TEST_CRASHPOINT environment variable names the point.
package manifest
