//go:build amd64 && !noasm

package aligner

//go:generate sh -c "cd _asm && go run . -out ../kernel_amd64.s -goout ../kernel_layout_amd64.go"

// The structs the kernels read (interArgs, interState) are generated too,
// in kernel_layout_amd64.go, from the generator's one layout table.

//go:noescape
func interAVX512W16(a *interArgs)

//go:noescape
func interAVX512W32(a *interArgs)

//go:noescape
func interAVX2W16(a *interArgs)

//go:noescape
func interAVX2W32(a *interArgs)

//go:noescape
func interAVX512W16Trace(a *interArgs)

//go:noescape
func interAVX2W16Trace(a *interArgs)

//go:noescape
func interAVX512W16Score(a *interArgs)

//go:noescape
func interAVX2W16Score(a *interArgs)

//go:noescape
func interAVX512W8Score(a *interArgs)

//go:noescape
func interAVX2W8Score(a *interArgs)
