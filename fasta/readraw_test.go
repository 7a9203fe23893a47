package fasta

import (
	"errors"
	"testing"
)

// TestReadRaw: every record comes back, those a run reports as errors
// included, with the sequence as written; a fatal problem still stops it.
func TestReadRaw(t *testing.T) {
	recs, err := ReadRaw("../testdata/fasta/invalid_letters.faa")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 3 || recs[0].ID != "ok" || recs[1].ID != "at_sign" || string(recs[1].Raw) != "MKVLAMKVLAMKV@AMKV?A" || recs[1].Description != "desc" {
		t.Fatalf("records: %d, second %+v", len(recs), recs[1])
	}
	if _, err := ReadAll("../testdata/fasta/invalid_letters.faa", Options{Role: Query}); err == nil {
		t.Fatal("ReadAll accepted the invalid letters ReadRaw reads")
	}
	if _, err := ReadRaw("../testdata/fasta/truncated.faa.gz"); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated gzip: %v", err)
	}
	if _, err := ReadRaw("../testdata/fasta/fastq.fq"); err == nil {
		t.Fatal("FASTQ read as FASTA")
	}
}
