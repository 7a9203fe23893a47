//go:build race

package aligner

const raceEnabled = true
