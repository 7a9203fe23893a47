//go:build !race

package aligner

const raceEnabled = false
