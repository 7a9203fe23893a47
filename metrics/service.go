package metrics

// The HTTP service's metrics (`wtalign serve`, /metrics), written down here
// beside the batch ones so that one place names every wtalign metric. The
// service's are counters and gauges of the process; a histogram's Type is
// its Prometheus type name.
var (
	ServiceJobs = Desc{"wtalign_jobs", Gauge,
		"Jobs on this server by state (GA4GH WES names).", []string{"state"}}
	ServiceQueueLength = Desc{"wtalign_queue_length", Gauge,
		"Jobs waiting for CPU threads to run (QUEUED).", nil}
	ServiceThreadsInUse = Desc{"wtalign_threads_in_use", Gauge,
		"Worker threads of the running jobs.", nil}
	ServiceThreadsBudget = Desc{"wtalign_threads_budget", Gauge,
		"Worker threads all running jobs together may use (the cpus setting).", nil}
	ServiceRecordsAligned = Desc{"wtalign_records_aligned_total", Counter,
		"Query records written by jobs (aligned, no_hit, skipped or failed), by this process.", nil}
	ServiceCellsAligned = Desc{"wtalign_cells_aligned_total", Counter,
		"Dynamic-programming cells (query residues x reference residues) aligned by jobs, by this process; the per-run gauge is " + RunAlignedCells.Name + ".", nil}
	ServiceJobsFinished = Desc{"wtalign_jobs_finished_total", Counter,
		"Jobs that reached a final state, by state, since this process started.", []string{"state"}}
	ServiceJobDuration = Desc{"wtalign_job_duration_seconds", "histogram",
		"Time from a job's start to its end, by final state (this process's sessions of it).", []string{"state"}}
	ServiceRequestDuration = Desc{"wtalign_http_request_duration_seconds", "histogram",
		"HTTP request handling time by route, method and status code.", []string{"route", "method", "code"}}
	ServiceRateLimited = Desc{"wtalign_rate_limited_requests_total", Counter,
		"Requests refused with 429, by token name and reason (rate or queue).", []string{"token", "reason"}}
	ServiceAuthFailures = Desc{"wtalign_auth_failures_total", Counter,
		"Requests refused with 401 or 403, by reason.", []string{"reason"}}
	ServiceWebhooks = Desc{"wtalign_webhook_deliveries_total", Counter,
		"Webhook delivery attempts by outcome (delivered, retry, failed).", []string{"outcome"}}
	ServiceReloads = Desc{"wtalign_config_reloads_total", Counter,
		"SIGHUP reloads of the configuration and tokens, by result (ok, rejected).", []string{"result"}}
	ServiceBuildInfo = Desc{"wtalign_build_info", Gauge,
		"Always 1; labels name the wtalign build.", []string{"version", "commit"}}
)

// ServiceDescs lists the service's metrics.
func ServiceDescs() []Desc {
	return []Desc{ServiceJobs, ServiceQueueLength, ServiceThreadsInUse, ServiceThreadsBudget, ServiceRecordsAligned,
		ServiceCellsAligned, ServiceJobsFinished, ServiceJobDuration, ServiceRequestDuration, ServiceRateLimited,
		ServiceAuthFailures, ServiceWebhooks, ServiceReloads, ServiceBuildInfo}
}
