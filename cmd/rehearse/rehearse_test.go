package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestFaultFigures checks the outage figures on a made-up timeline.
func TestFaultFigures(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	st := newStats()
	st.spans = []span{
		{at(0), at(1)},     // before the fault
		{at(9), at(15)},    // in flight at the fault: 6 s
		{at(10.5), at(11)}, // the first sent after the stop
		{at(12), at(12.2)}, // during the outage
		{at(30), at(31)},   // after it
	}
	st.retryTimes = []time.Time{at(10.2), at(25)}
	f := &fault{at: at(10), down: at(10.4), restart: at(20), healthy: at(21)}
	got := st.figures(f)
	want := faultFigures{firstAck: 600 * time.Millisecond, slowest: 6 * time.Second, during: 3, retries: 1}
	if got != want {
		t.Errorf("figures = %+v, want %+v", got, want)
	}
	// Never restarted: the outage ends at the first success after the stop.
	f = &fault{at: at(10), down: at(10.4)}
	got = st.figures(f)
	if got.firstAck != 600*time.Millisecond || got.during != 1 || got.retries != 1 {
		t.Errorf("not restarted: %+v", got)
	}
}

func TestFiguresEqual(t *testing.T) {
	a := map[string]any{"staff": 139, "training": "full", "it_plan_date": "2025-12-20", "ok": true}
	b := map[string]any{"staff": 139.0, "training": "full", "it_plan_date": "2025-12-20", "ok": true}
	if eq, diff := figuresEqual(a, b); !eq {
		t.Errorf("equal figures differ: %s", diff)
	}
	b["staff"] = 140.0
	if eq, _ := figuresEqual(a, b); eq {
		t.Error("a changed figure is not noticed")
	}
	delete(b, "staff")
	b["extra"] = 1
	if eq, _ := figuresEqual(a, b); eq {
		t.Error("a missing figure is not noticed")
	}
}

func TestCountFailovers(t *testing.T) {
	log := filepath.Join(t.TempDir(), "access.log")
	lines := "2026-12-07T16:39:18+00:00 POST /a 201 up=127.0.0.1:1 upstatus=201 rt=0.1\n" +
		"2026-12-07T16:39:18+00:00 POST /b 201 up=127.0.0.1:2, 127.0.0.1:1 upstatus=502, 201 rt=0.2\n" +
		"2026-12-07T16:39:18+00:00 GET /c 502 up=127.0.0.1:2 upstatus=502 rt=0.0\n"
	if err := os.WriteFile(log, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if n := countFailovers(log); n != 1 {
		t.Errorf("countFailovers = %d, want 1", n)
	}
}

func TestFreePorts(t *testing.T) {
	ports, err := freePorts(5, 20000, 32000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < 20000 || p >= 32000 || seen[p] {
			t.Errorf("port %d out of range or repeated: %v", p, ports)
		}
		seen[p] = true
	}
}

// TestOptionDefaults checks the defaults of the sample and of synthetic
// units, and that given values stay.
func TestOptionDefaults(t *testing.T) {
	for _, c := range []struct{ in, want options }{
		{options{}, options{parallel: 4, uploads: 2}},
		{options{units: 1000}, options{units: 1000, parallel: 16, uploads: 1}},
		{options{units: 1000, parallel: 8, uploads: 3}, options{units: 1000, parallel: 8, uploads: 3}},
	} {
		got := c.in
		got.defaults()
		if got != c.want {
			t.Errorf("%+v: defaults %+v, want %+v", c.in, got, c.want)
		}
	}
}

// TestForEach checks that every index runs once and the first error is
// answered.
func TestForEach(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	err := forEach(context.Background(), 100, 8, func(i int) error {
		mu.Lock()
		defer mu.Unlock()
		seen[i]++
		if i == 42 {
			return errors.New("boom")
		}
		return nil
	})
	if err == nil || err.Error() != "boom" {
		t.Errorf("error %v, want boom", err)
	}
	for i := range 100 {
		if seen[i] != 1 {
			t.Errorf("index %d ran %d times", i, seen[i])
		}
	}
}
