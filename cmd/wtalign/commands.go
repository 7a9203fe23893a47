package main

import "github.com/spf13/cobra"

// extraCommands lists the commands beyond align, config and version, in the
// order help shows them. Each lives in its own file with its options struct.
func extraCommands(a *app) []*cobra.Command {
	return []*cobra.Command{
		newSummarizeCommand(a),
		newEnginesCommand(a),
		newCompareCommand(a),
		newStatusCommand(a),
		newMergeCommand(a),
	}
}
