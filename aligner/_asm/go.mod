module github.com/wtalign/wtalign/aligner/_asm

go 1.26.8
