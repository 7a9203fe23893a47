package fasta

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// decompress returns a reader of the decompressed text of r, choosing the
// format by its magic bytes: gzip (also multi-member and bgzip), bzip2, xz,
// zstd, or plain text. A UTF-8 byte order mark is dropped. The returned
// function releases the decompressor.
//
// We do not use xopen.Buf here: it returns its parallel gzip readers to a
// pool without stopping them, and after a few damaged or partly read gzip
// inputs a later gzip input hangs forever (seen in FuzzReader). The decoders
// below run in the caller's goroutine, so nothing outlives Close.
func decompress(r io.Reader) (io.Reader, func(), error) {
	b := bufio.NewReaderSize(r, 64<<10)
	magic, _ := b.Peek(10) // short input: fewer bytes, plain text
	var (
		dec     io.Reader
		release = func() {}
		err     error
	)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		dec, err = gzip.NewReader(b)
	case isBzip2(magic):
		dec = bzip2.NewReader(b)
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X', 'Z', 0x00}):
		dec, err = xz.NewReader(b)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		var z *zstd.Decoder
		z, err = zstd.NewReader(b, zstd.WithDecoderConcurrency(1))
		if err == nil {
			dec, release = z, z.Close
		}
	default:
		dec = b
	}
	if err != nil {
		return nil, nil, err
	}
	text := bufio.NewReaderSize(dec, 64<<10)
	if bom, _ := text.Peek(3); bytes.Equal(bom, []byte{0xef, 0xbb, 0xbf}) {
		_, _ = text.Discard(3)
	}
	return text, release, nil
}

// isBzip2 checks "BZh", a block size digit, then the magic of a first block
// or of an empty stream's end, so that text starting with "BZh" stays text.
func isBzip2(m []byte) bool {
	return len(m) == 10 && bytes.HasPrefix(m, []byte("BZh")) && m[3] >= '1' && m[3] <= '9' &&
		(bytes.Equal(m[4:], []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) || bytes.Equal(m[4:], []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90}))
}
