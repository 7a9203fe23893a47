// Package resume holds the end-to-end crash, interrupt, lock and sharding
// tests of `wtalign align` and `wtalign merge`: they build the real binary
// once and run it as a subprocess, killing it with SIGKILL at named points
// (through the test-only WTALIGN_TEST_CRASHPOINT hook, see package
// manifest) and with SIGTERM/SIGINT, then resume it and require the final
// output to equal an uninterrupted run byte for byte. No library code.
package resume
