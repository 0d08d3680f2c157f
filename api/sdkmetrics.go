package api

import (
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// SDKMetrics takes the Temporal SDK's metrics — workflow task latency,
// activity execution and failures, pollers, sticky cache, and the counters
// activities add (the notices sent and failed) — into a Prometheus
// registry, so that /metrics serves them beside the app's own (serve,
// dev), or a worker's own listener does (ICTINDEX_METRICS_ADDR). It is a
// client.MetricsHandler: give it to client.Options.
//
// Prometheus wants a fixed set of labels per metric while the SDK tags a
// metric as it goes: each metric keeps the label names of its first use;
// a later use fills a label it does not set with "" and drops a tag the
// first use did not have.
type SDKMetrics struct {
	reg  *prometheus.Registry
	tags map[string]string
	m    *sdkVecs
}

// sdkVecs are the vectors made so far, shared by every tagged handler.
type sdkVecs struct {
	mu       sync.Mutex
	counters map[string]*labelled[*prometheus.CounterVec]
	gauges   map[string]*labelled[*prometheus.GaugeVec]
	timers   map[string]*labelled[*prometheus.HistogramVec]
}

// labelled is a vector with its label names.
type labelled[V any] struct {
	vec    V
	labels []string
}

// NewSDKMetrics makes an empty registry for the SDK's metrics.
func NewSDKMetrics() *SDKMetrics {
	return &SDKMetrics{reg: prometheus.NewRegistry(), m: &sdkVecs{counters: map[string]*labelled[*prometheus.CounterVec]{},
		gauges: map[string]*labelled[*prometheus.GaugeVec]{}, timers: map[string]*labelled[*prometheus.HistogramVec]{}}}
}

// Gatherer is the registry, for a /metrics handler.
func (s *SDKMetrics) Gatherer() prometheus.Gatherer { return s.reg }

// WithTags is a handler whose metrics carry these tags too.
func (s *SDKMetrics) WithTags(tags map[string]string) client.MetricsHandler {
	t := maps.Clone(s.tags)
	if t == nil {
		t = map[string]string{}
	}
	maps.Copy(t, tags)
	return &SDKMetrics{reg: s.reg, tags: t, m: s.m}
}

// Counter is the named counter with the handler's tags.
func (s *SDKMetrics) Counter(name string) client.MetricsCounter {
	l := vecOf(s, s.m.counters, name, func(labels []string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Name: promName(name), Help: "Temporal SDK: " + name}, labels)
	})
	if l == nil {
		return nopCounter{}
	}
	c := l.vec.WithLabelValues(labelValues(l.labels, s.tags)...)
	return counterFunc(func(d int64) { c.Add(float64(d)) })
}

// Gauge is the named gauge with the handler's tags.
func (s *SDKMetrics) Gauge(name string) client.MetricsGauge {
	l := vecOf(s, s.m.gauges, name, func(labels []string) *prometheus.GaugeVec {
		return prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: promName(name), Help: "Temporal SDK: " + name}, labels)
	})
	if l == nil {
		return nopGauge{}
	}
	return gaugeFunc(l.vec.WithLabelValues(labelValues(l.labels, s.tags)...).Set)
}

// Timer is the named timer, a histogram in seconds, with the handler's
// tags.
func (s *SDKMetrics) Timer(name string) client.MetricsTimer {
	l := vecOf(s, s.m.timers, name, func(labels []string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: promName(name) + "_seconds", Help: "Temporal SDK: " + name,
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}}, labels)
	})
	if l == nil {
		return nopTimer{}
	}
	h := l.vec.WithLabelValues(labelValues(l.labels, s.tags)...)
	return timerFunc(func(d time.Duration) { h.Observe(d.Seconds()) })
}

// vecOf is the metric's vector, made and registered at its first use with
// the handler's tags as its labels; nil when the registry refuses it (a
// name already taken by a metric of another kind).
func vecOf[V prometheus.Collector](s *SDKMetrics, vecs map[string]*labelled[V], name string, mk func(labels []string) V) *labelled[V] {
	s.m.mu.Lock()
	defer s.m.mu.Unlock()
	if l, ok := vecs[name]; ok {
		return l
	}
	labels := labelNames(s.tags)
	v := mk(labels)
	if s.reg.Register(v) != nil {
		return nil
	}
	l := &labelled[V]{v, labels}
	vecs[name] = l
	return l
}

// promName makes an SDK metric name a Prometheus one: "temporal_request"
// stays, other characters than letters, digits and _ become _.
func promName(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, name)
}

// labelNames are the tags' keys as label names, sorted.
func labelNames(tags map[string]string) []string {
	out := make([]string, 0, len(tags))
	for k := range tags {
		out = append(out, promName(k))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// labelValues are the tags' values in the order of labels ("" for one a
// use does not set).
func labelValues(labels []string, tags map[string]string) []string {
	byName := make(map[string]string, len(tags))
	for k, v := range tags {
		byName[promName(k)] = v
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = byName[l]
	}
	return out
}

type counterFunc func(int64)

func (f counterFunc) Inc(d int64) { f(d) }

type gaugeFunc func(float64)

func (f gaugeFunc) Update(v float64) { f(v) }

type timerFunc func(time.Duration)

func (f timerFunc) Record(d time.Duration) { f(d) }

type nopCounter struct{}

func (nopCounter) Inc(int64) {}

type nopGauge struct{}

func (nopGauge) Update(float64) {}

type nopTimer struct{}

func (nopTimer) Record(time.Duration) {}
