package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
)

// healthz says the process is alive.
func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz says whether Temporal and the archive answer.
func (s *Server) readyz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
	defer cancel()
	checks := gin.H{"temporal": "ok", "archive": "ok"}
	ready := true
	if _, err := s.temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		checks["temporal"], ready = "unavailable", false
		s.log.Warn("readiness: Temporal", "err", err)
	}
	if err := s.store.Ping(ctx); err != nil {
		checks["archive"], ready = "unavailable", false
		s.log.Warn("readiness: archive", "err", err)
	}
	if !ready {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "checks": checks})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok", "checks": checks})
}

// metrics counts requests and their durations by route and status, in a
// registry of the server's own.
type metrics struct {
	reg      *prometheus.Registry
	extra    prometheus.Gatherer // the SDK's, when given
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// The campaign's actions, by workflow update ("submit",
	// "finish-appraisal", "attach-evidence", "approve-publish", …) and
	// result: ok, refused (a validator's or handler's field error) or
	// error; and how long the update took to complete, the latency users
	// see of the workflow's tasks.
	updates        *prometheus.CounterVec
	updateDuration *prometheus.HistogramVec
}

func newMetrics(extra prometheus.Gatherer) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(), extra: extra,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ictindex_http_requests_total",
			Help: "HTTP requests by method, route and status."}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ictindex_http_request_duration_seconds",
			Help: "HTTP request duration by method, route and status.", Buckets: prometheus.DefBuckets}, []string{"method", "route", "status"}),
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "ictindex_workflow_updates_total",
			Help: "Workflow updates (users' actions) by update name and result: ok, refused, error."}, []string{"update", "result"}),
		updateDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "ictindex_workflow_update_duration_seconds",
			Help:    "Time from sending a workflow update to its completion, by update name.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}}, []string{"update"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.updates, m.updateDuration,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// observe is the middleware recording each request; unmatched paths count
// under one label so that scanners cannot blow up the series.
func (m *metrics) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	status := strconv.Itoa(c.Writer.Status())
	m.requests.WithLabelValues(c.Request.Method, route, status).Inc()
	m.duration.WithLabelValues(c.Request.Method, route, status).Observe(time.Since(start).Seconds())
}

// observeUpdate records one workflow update's result and duration.
func (m *metrics) observeUpdate(name string, took time.Duration, err error) {
	result := "ok"
	switch {
	case err == nil:
	case toError(err).status < http.StatusInternalServerError:
		result = "refused"
	default:
		result = "error"
	}
	m.updates.WithLabelValues(name, result).Inc()
	m.updateDuration.WithLabelValues(name).Observe(took.Seconds())
}

func (m *metrics) handler() http.Handler {
	var g prometheus.Gatherer = m.reg
	if m.extra != nil {
		g = prometheus.Gatherers{m.reg, m.extra}
	}
	return promhttp.HandlerFor(g, promhttp.HandlerOpts{Registry: m.reg})
}
