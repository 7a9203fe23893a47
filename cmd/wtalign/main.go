// Command wtalign aligns proteins against their wild-type references with
// the exact semantics of EMBOSS water and reports the amino-acid changes.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], stdStreams())) }
