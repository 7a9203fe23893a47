package metrics_test

import (
	"os"
	"time"

	"github.com/wtalign/wtalign/metrics"
)

func ExampleEncode() {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	_ = metrics.Encode(os.Stdout, metrics.Run{
		Accession:      "GCF_000005845.2",
		Output:         "GCF_000005845.2_alignments.json",
		Outcome:        metrics.Success,
		Records:        map[string]int64{"wildtype": 38, "low_quality": 64, "no_hit": 4196},
		ResumedRecords: 704,
		AlignedCells:   12_600_000_000,
		Start:          start,
		End:            start.Add(6 * time.Second),
	})
	// Output:
	// # HELP wtalign_run_records Records in the run's output by status (resumed records included).
	// # TYPE wtalign_run_records gauge
	// wtalign_run_records{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",status="low_quality"} 64
	// wtalign_run_records{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",status="no_hit"} 4196
	// wtalign_run_records{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",status="wildtype"} 38
	// # HELP wtalign_run_failed_records Records of the run that failed (invalid letters, nucleotide or empty sequence, alignment errors).
	// # TYPE wtalign_run_failed_records gauge
	// wtalign_run_failed_records{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 0
	// # HELP wtalign_run_resumed_records Records taken over from an earlier session's checkpoint instead of being aligned again.
	// # TYPE wtalign_run_resumed_records gauge
	// wtalign_run_resumed_records{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 704
	// # HELP wtalign_run_aligned_cells Dynamic-programming cells (query residues x reference residues) this session aligned.
	// # TYPE wtalign_run_aligned_cells gauge
	// wtalign_run_aligned_cells{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 12600000000
	// # HELP wtalign_run_duration_seconds Wall-clock time of this session of the run.
	// # TYPE wtalign_run_duration_seconds gauge
	// wtalign_run_duration_seconds{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 6
	// # HELP wtalign_run_records_per_second Records this session processed (resumed ones not counted) per second of its duration.
	// # TYPE wtalign_run_records_per_second gauge
	// wtalign_run_records_per_second{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 599
	// # HELP wtalign_run_cells_per_second Cells this session aligned per second of its duration.
	// # TYPE wtalign_run_cells_per_second gauge
	// wtalign_run_cells_per_second{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 2100000000
	// # HELP wtalign_run_outcome 1 for the outcome of the last run (success, failed_records, failed, interrupted), 0 for the others.
	// # TYPE wtalign_run_outcome gauge
	// wtalign_run_outcome{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",outcome="success"} 1
	// wtalign_run_outcome{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",outcome="failed_records"} 0
	// wtalign_run_outcome{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",outcome="failed"} 0
	// wtalign_run_outcome{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json",outcome="interrupted"} 0
	// # HELP wtalign_run_exit_code Exit code of the last run (0 success, 1 error, 2 usage, 3 some records failed, 130/143 interrupted).
	// # TYPE wtalign_run_exit_code gauge
	// wtalign_run_exit_code{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 0
	// # HELP wtalign_run_end_timestamp_seconds Unix time at which the last run ended, whatever its outcome.
	// # TYPE wtalign_run_end_timestamp_seconds gauge
	// wtalign_run_end_timestamp_seconds{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 1796115606
	// # HELP wtalign_last_success_timestamp_seconds Unix time at which a run last finished its output (outcome success or failed_records); kept from the previous file when the last run did not.
	// # TYPE wtalign_last_success_timestamp_seconds gauge
	// wtalign_last_success_timestamp_seconds{accession="GCF_000005845.2",output="GCF_000005845.2_alignments.json"} 1796115606
}
