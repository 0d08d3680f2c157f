package api

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestSDKMetrics: the SDK's counters, gauges and timers land in the
// registry with their tags as labels; a later use with other tags keeps the
// first use's labels (missing ones empty, extra ones dropped) instead of
// failing.
func TestSDKMetrics(t *testing.T) {
	m := NewSDKMetrics()
	h := m.WithTags(map[string]string{"namespace": "default", "task_queue": "ictindex"})
	h.Counter("temporal_request").Inc(2)
	h.WithTags(map[string]string{"operation": "x"}).Counter("temporal_request").Inc(1) // an extra tag: dropped
	m.Counter("temporal_request").Inc(1)                                               // no tags: empty labels
	h.Gauge("temporal_num_pollers").Update(3)
	h.Timer("temporal_workflow_task_execution_latency").Record(40 * time.Millisecond)
	h.Counter("ictindex/notices").Inc(1)
	want := `
# HELP temporal_request Temporal SDK: temporal_request
# TYPE temporal_request counter
temporal_request{namespace="",task_queue=""} 1
temporal_request{namespace="default",task_queue="ictindex"} 3
`
	if err := testutil.GatherAndCompare(m.Gatherer(), strings.NewReader(want), "temporal_request"); err != nil {
		t.Error(err)
	}
	n, err := testutil.GatherAndCount(m.Gatherer(), "temporal_num_pollers", "temporal_workflow_task_execution_latency_seconds", "ictindex_notices")
	if err != nil || n != 3 {
		t.Errorf("gauge, timer and renamed counter: %d series, %v", n, err)
	}
}
