// Package emboss runs EMBOSS water as an alignment engine and parses its
// output into the same aligner.Alignment the native engine returns.
//
// Detect finds water (an explicit path, then $WTALIGN_WATER, then $PATH) and
// checks that it is EMBOSS water 6.x. Water.Align runs one water process per
// batch of queries against one reference (never one process per pair),
// several batches in parallel, and can fall back to another aligner.Engine
// per batch when water fails. Sequences reach water only under internal IDs
// (r, q000001, ...) in a private temporary directory, and results are mapped
// back by order and checked block by block against what was written.
//
// The package never logs, never exits and never invokes a shell: water is
// started from an argv list. Temporary files are removed on success, on
// failure and on context cancellation.
package emboss
