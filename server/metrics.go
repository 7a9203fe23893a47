package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wtalign/wtalign/api"
)

// The server's metric names and help texts, all in this one place (the
// batch .prom writer is to share the names of the records counters).
const (
	metricJobs             = "wtalign_jobs"
	metricQueueLength      = "wtalign_queue_length"
	metricThreadsInUse     = "wtalign_threads_in_use"
	metricThreadsBudget    = "wtalign_threads_budget"
	metricRecordsAligned   = "wtalign_records_aligned_total"
	metricCellsAligned     = "wtalign_cells_aligned_total"
	metricJobsFinished     = "wtalign_jobs_finished_total"
	metricJobDuration      = "wtalign_job_duration_seconds"
	metricRequestDuration  = "wtalign_http_request_duration_seconds"
	metricRateLimited      = "wtalign_rate_limited_requests_total"
	metricAuthFailures     = "wtalign_auth_failures_total"
	metricWebhookDelivered = "wtalign_webhook_deliveries_total"
	metricReloads          = "wtalign_config_reloads_total"
	metricBuildInfo        = "wtalign_build_info"
)

type metrics struct {
	reg             *prometheus.Registry
	jobs            *prometheus.GaugeVec
	queue           prometheus.Gauge
	threadsInUse    prometheus.Gauge
	threadsBudget   prometheus.Gauge
	records         prometheus.Counter
	cells           prometheus.Counter
	finished        *prometheus.CounterVec
	jobDuration     *prometheus.HistogramVec
	requestDuration *prometheus.HistogramVec
	rateLimited     *prometheus.CounterVec
	authFailures    *prometheus.CounterVec
	webhooks        *prometheus.CounterVec
	reloads         *prometheus.CounterVec
}

func newMetrics(version, commit string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		jobs: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricJobs,
			Help: "Jobs on this server by state (GA4GH WES names)."}, []string{"state"}),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Name: metricQueueLength,
			Help: "Jobs waiting for CPU threads to run (QUEUED)."}),
		threadsInUse: prometheus.NewGauge(prometheus.GaugeOpts{Name: metricThreadsInUse,
			Help: "Worker threads of the running jobs."}),
		threadsBudget: prometheus.NewGauge(prometheus.GaugeOpts{Name: metricThreadsBudget,
			Help: "Worker threads all running jobs together may use (the cpus setting)."}),
		records: prometheus.NewCounter(prometheus.CounterOpts{Name: metricRecordsAligned,
			Help: "Query records written by jobs (aligned, no_hit, skipped or failed), by this process."}),
		cells: prometheus.NewCounter(prometheus.CounterOpts{Name: metricCellsAligned,
			Help: "Dynamic-programming cells aligned by jobs (query length x reference length per pair scored), by this process."}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricJobsFinished,
			Help: "Jobs that reached a final state, by state, since this process started."}, []string{"state"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricJobDuration,
			Help:    "Time from a job's start to its end, by final state (this process's sessions of it).",
			Buckets: prometheus.ExponentialBuckets(0.1, 4, 10)}, []string{"state"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: metricRequestDuration,
			Help:    "HTTP request handling time by route, method and status code.",
			Buckets: prometheus.DefBuckets}, []string{"route", "method", "code"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricRateLimited,
			Help: "Requests refused with 429, by token name and reason (rate or queue)."}, []string{"token", "reason"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricAuthFailures,
			Help: "Requests refused with 401 or 403, by reason."}, []string{"reason"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricWebhookDelivered,
			Help: "Webhook delivery attempts by outcome (delivered, retry, failed)."}, []string{"outcome"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: metricReloads,
			Help: "SIGHUP reloads of the configuration and tokens, by result (ok, rejected)."}, []string{"result"}),
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricBuildInfo,
		Help: "Always 1; labels name the wtalign build."}, []string{"version", "commit"})
	info.WithLabelValues(version, commit).Set(1)
	m.reg.MustRegister(m.jobs, m.queue, m.threadsInUse, m.threadsBudget, m.records, m.cells, m.finished, m.jobDuration,
		m.requestDuration, m.rateLimited, m.authFailures, m.webhooks, m.reloads, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, st := range api.States {
		m.jobs.WithLabelValues(string(st)).Set(0)
	}
	return m
}
