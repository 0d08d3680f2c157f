package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestGrafanaDashboardMetrics: every metric the department's Grafana
// dashboard (deploy/grafana) queries is one the server exposes on
// /metrics, so that no panel stays empty.
func TestGrafanaDashboardMetrics(t *testing.T) {
	raw, err := os.ReadFile("../deploy/grafana/ictindex-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	m := newMetrics(nil)
	m.observeUpdate("submit", time.Millisecond, nil)
	m.observeUpdate("submit", time.Millisecond, errors.New("down"))
	m.requests.WithLabelValues("GET", "/", "200").Inc()
	m.duration.WithLabelValues("GET", "/", "200").Observe(0.01)
	// What the SDK and the Notify activity emit through SDKMetrics.
	sdk := NewSDKMetrics()
	sdk.WithTags(map[string]string{"workflow_type": "Campaign"}).Timer("temporal_workflow_task_execution_latency").Record(time.Millisecond)
	sdk.WithTags(map[string]string{"activity_type": "Rank"}).Timer("temporal_activity_execution_latency").Record(time.Millisecond)
	sdk.WithTags(map[string]string{"kind": "reminder", "result": "error"}).Counter("ictindex_notices").Inc(1)
	m.extra = sdk.Gatherer()
	fams, err := prometheus.Gatherers{m.reg, m.extra}.Gather()
	if err != nil {
		t.Fatal(err)
	}
	exposed := map[string]bool{}
	for _, f := range fams {
		exposed[f.GetName()] = true
	}
	name := regexp.MustCompile(`(ictindex|temporal)_[a-z_]+`)
	seen := 0
	for _, p := range d.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				base := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(n, "_bucket"), "_sum"), "_count")
				if !exposed[base] {
					t.Errorf("panel %q queries %s, which /metrics does not expose", p.Title, n)
				}
				seen++
			}
		}
	}
	if seen == 0 {
		t.Fatal("the dashboard queries no ictindex metric")
	}
}
