package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wtalign/wtalign/api"
	wm "github.com/wtalign/wtalign/metrics"
)

// The metrics' names, help texts and labels are package metrics' (one
// place for every wtalign metric, batch and service).

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
		jobs: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: wm.ServiceJobs.Name,
			Help: wm.ServiceJobs.Help}, wm.ServiceJobs.Labels),
		queue: prometheus.NewGauge(prometheus.GaugeOpts{Name: wm.ServiceQueueLength.Name,
			Help: wm.ServiceQueueLength.Help}),
		threadsInUse: prometheus.NewGauge(prometheus.GaugeOpts{Name: wm.ServiceThreadsInUse.Name,
			Help: wm.ServiceThreadsInUse.Help}),
		threadsBudget: prometheus.NewGauge(prometheus.GaugeOpts{Name: wm.ServiceThreadsBudget.Name,
			Help: wm.ServiceThreadsBudget.Help}),
		records: prometheus.NewCounter(prometheus.CounterOpts{Name: wm.ServiceRecordsAligned.Name,
			Help: wm.ServiceRecordsAligned.Help}),
		cells: prometheus.NewCounter(prometheus.CounterOpts{Name: wm.ServiceCellsAligned.Name,
			Help: wm.ServiceCellsAligned.Help}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{Name: wm.ServiceJobsFinished.Name,
			Help: wm.ServiceJobsFinished.Help}, wm.ServiceJobsFinished.Labels),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: wm.ServiceJobDuration.Name,
			Help:    wm.ServiceJobDuration.Help,
			Buckets: prometheus.ExponentialBuckets(0.1, 4, 10)}, wm.ServiceJobDuration.Labels),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: wm.ServiceRequestDuration.Name,
			Help:    wm.ServiceRequestDuration.Help,
			Buckets: prometheus.DefBuckets}, wm.ServiceRequestDuration.Labels),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: wm.ServiceRateLimited.Name,
			Help: wm.ServiceRateLimited.Help}, wm.ServiceRateLimited.Labels),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: wm.ServiceAuthFailures.Name,
			Help: wm.ServiceAuthFailures.Help}, wm.ServiceAuthFailures.Labels),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: wm.ServiceWebhooks.Name,
			Help: wm.ServiceWebhooks.Help}, wm.ServiceWebhooks.Labels),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{Name: wm.ServiceReloads.Name,
			Help: wm.ServiceReloads.Help}, wm.ServiceReloads.Labels),
	}
	info := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: wm.ServiceBuildInfo.Name,
		Help: wm.ServiceBuildInfo.Help}, wm.ServiceBuildInfo.Labels)
	info.WithLabelValues(version, commit).Set(1)
	m.reg.MustRegister(m.jobs, m.queue, m.threadsInUse, m.threadsBudget, m.records, m.cells, m.finished, m.jobDuration,
		m.requestDuration, m.rateLimited, m.authFailures, m.webhooks, m.reloads, info,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, st := range api.States {
		m.jobs.WithLabelValues(string(st)).Set(0)
	}
	return m
}
