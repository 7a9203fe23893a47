package metrics

// Type is a Prometheus metric type as written on a # TYPE line.
type Type string

const (
	Gauge   Type = "gauge"
	Counter Type = "counter"
)

// Desc describes one metric: the only place its name, type, help text and
// label names are written down.
type Desc struct {
	Name   string
	Type   Type
	Help   string
	Labels []string
}

// The labels every batch-run metric carries: which accession and which output
// file the run was for (a run is identified by its output; one accession can
// have several, e.g. shards).
var runLabels = []string{"accession", "output"}

// The metrics of one batch run (`wtalign align --metrics-file`). They are
// gauges: each file describes the last run for its output, and node_exporter
// exports whatever the file says now.
var (
	RunRecords = Desc{"wtalign_run_records", Gauge,
		"Records in the run's output by status (resumed records included).",
		append(runLabels[:len(runLabels):len(runLabels)], "status")}
	RunFailedRecords = Desc{"wtalign_run_failed_records", Gauge,
		"Records of the run that failed (invalid letters, nucleotide or empty sequence, alignment errors).",
		runLabels}
	RunResumedRecords = Desc{"wtalign_run_resumed_records", Gauge,
		"Records taken over from an earlier session's checkpoint instead of being aligned again.",
		runLabels}
	RunAlignedCells = Desc{"wtalign_run_aligned_cells", Gauge,
		"Dynamic-programming cells (query residues x reference residues) this session aligned.",
		runLabels}
	RunDuration = Desc{"wtalign_run_duration_seconds", Gauge,
		"Wall-clock time of this session of the run.",
		runLabels}
	RunRecordsPerSecond = Desc{"wtalign_run_records_per_second", Gauge,
		"Records this session processed (resumed ones not counted) per second of its duration.",
		runLabels}
	RunCellsPerSecond = Desc{"wtalign_run_cells_per_second", Gauge,
		"Cells this session aligned per second of its duration.",
		runLabels}
	RunOutcome = Desc{"wtalign_run_outcome", Gauge,
		"1 for the outcome of the last run (success, failed_records, failed, interrupted), 0 for the others.",
		append(runLabels[:len(runLabels):len(runLabels)], "outcome")}
	RunExitCode = Desc{"wtalign_run_exit_code", Gauge,
		"Exit code of the last run (0 success, 1 error, 2 usage, 3 some records failed, 130/143 interrupted).",
		runLabels}
	RunEnd = Desc{"wtalign_run_end_timestamp_seconds", Gauge,
		"Unix time at which the last run ended, whatever its outcome.",
		runLabels}
	LastSuccess = Desc{"wtalign_last_success_timestamp_seconds", Gauge,
		"Unix time at which a run last finished its output (outcome success or failed_records); kept from the previous file when the last run did not.",
		runLabels}
)

// Descs lists every metric of this package in the order the batch file
// writes them.
func Descs() []Desc {
	return []Desc{RunRecords, RunFailedRecords, RunResumedRecords, RunAlignedCells, RunDuration,
		RunRecordsPerSecond, RunCellsPerSecond, RunOutcome, RunExitCode, RunEnd, LastSuccess}
}
