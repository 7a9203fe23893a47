package pipeline

import (
	"bytes"
	"context"
	"testing"
)

// TestEncodedBuffersReused: the records of a work unit are encoded into one
// buffer that is reused once the unit is emitted. Every record's bytes must
// still be its own when emit sees them, at any thread count, with many
// small units (so that buffers go round many times) and records of very
// different sizes (so that buffers grow while in use).
func TestEncodedBuffersReused(t *testing.T) {
	sample := everyNth(t, proteome, 8)
	var first []byte
	for _, th := range []int{1, 2, 4} {
		job := newJob(t, AssignBest, variants, sample)
		job.Threads, job.BatchSize = th, 5
		var all []byte
		n := 0
		_, err := Run(context.Background(), job, func(r Result) error {
			want, err := job.Encode(nil, r.Record)
			if err != nil {
				return err
			}
			if !bytes.Equal(r.Encoded, want) {
				t.Fatalf("threads %d, record %d (%s): encoded bytes are not the record's own", th, r.Ordinal, r.Record.Query.ID)
			}
			all = append(append(all, r.Encoded...), '\n')
			n++
			return nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if n < 500 {
			t.Fatalf("threads %d: %d records", th, n)
		}
		if first == nil {
			first = all
		} else if !bytes.Equal(all, first) {
			t.Fatalf("threads %d: output differs from one thread's", th)
		}
	}
}
