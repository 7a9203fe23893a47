// Package metrics holds the names, types and help texts of wtalign's
// Prometheus metrics in one place (Descs), and writes the totals of one batch
// run in the text format that node_exporter's textfile collector reads
// (WriteFile: temp file in the same directory, fsync, rename), so a lab can
// alert on runs that failed or did not happen.
//
// The batch writer and the HTTP service's /metrics use the same Desc values,
// so a metric that means the same thing has the same name in both.
//
// The package never logs, never exits and reads no flags; a Run is a plain
// struct of totals that the caller fills.
package metrics
