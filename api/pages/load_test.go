package pages

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"ictindex/api"
	"ictindex/templates"
	"ictindex/workflows"
)

// BenchmarkPagesAt200RPS opens a campaign of 1,000 synthetic units (copies
// of the sample province's), then sends 200 requests a second for 20 s on
// a fixed schedule (open loop: a slow answer does not delay the next
// request), half to the dashboard and half to unit pages, and reports the
// latency percentiles measured from each request's scheduled time.
// Run: go test ./api -run '^$' -bench PagesAt200RPS -benchtime 1x
func BenchmarkPagesAt200RPS(b *testing.B) {
	if env.skip != "" {
		b.Skip(env.skip)
	}
	const (
		year     = 2060
		units    = 1000
		rate     = 200
		duration = 20 * time.Second
	)
	sample := templates.SampleProvince().Units
	var reqUnits []api.UnitRequest
	for i := range units {
		s := sample[i%len(sample)]
		reqUnits = append(reqUnits, api.UnitRequest{Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("%s (bản sao %d)", s.Unit.Name, i),
			Annex: s.Annex, Flags: s.Flags})
	}
	t := &testing.T{}
	st, body, _ := as(uAdmin).Send(t, "POST", "/api/campaigns", jsonBody(map[string]any{"year": year, "deadline": time.Now().Add(72 * time.Hour),
		"units": reqUnits, "decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}))
	if st != http.StatusCreated {
		b.Fatalf("opening: %d %s", st, body)
	}
	start := time.Now()
	for {
		var cs workflows.CampaignStatus
		if code, body, _ := as(uAdmin).Send(t, "GET", "/api/campaigns/"+itoa(year), payload{}); code == http.StatusOK {
			mustJSON(t, body, &cs)
			if cs.Phase == workflows.PhaseCollecting {
				break
			}
		}
		if time.Since(start) > 8*time.Minute {
			b.Fatal("the campaign did not start collecting in 8 minutes")
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.Logf("1,000 units collecting after %s", time.Since(start).Round(time.Second))
	admin := login(t, uAdmin)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}
	get := func(path string) (int, error) {
		req, _ := http.NewRequest("GET", env.srv.URL+path, nil)
		req.AddCookie(admin.Cookie)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		_, err = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, err
	}
	// Warm up: the first dashboard builds the unit snapshot.
	warm := time.Now()
	if code, err := get("/dot/" + itoa(year)); err != nil || code != http.StatusOK {
		b.Fatalf("warm-up dashboard: %d %v", code, err)
	}
	b.Logf("first dashboard (1,000 unit queries): %s", time.Since(warm).Round(time.Millisecond))

	for range b.N {
		n := int(duration.Seconds()) * rate
		lat := make([]time.Duration, n)
		var failed, errs int
		var mu sync.Mutex
		var wg sync.WaitGroup
		interval := time.Second / rate
		t0 := time.Now()
		b.ResetTimer()
		for i := range n {
			at := t0.Add(time.Duration(i) * interval)
			time.Sleep(time.Until(at))
			path := "/dot/" + itoa(year)
			if i%2 == 1 {
				path = fmt.Sprintf("/dot/%d/don-vi/U%04d", year, (i/2)%units)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, err := get(path)
				lat[i] = time.Since(at)
				if err != nil || code != http.StatusOK {
					mu.Lock()
					if err != nil {
						errs++
					} else {
						failed++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		b.StopTimer()
		slices.Sort(lat)
		pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(pct(1), "max-ms")
		b.ReportMetric(float64(n)/time.Since(t0).Seconds(), "req/s")
		b.ReportMetric(float64(failed+errs), "failed")
		b.Logf("%d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d non-200, %d errors", n, pct(0.5), pct(0.99), pct(1), failed, errs)
		if failed+errs > n/100 {
			b.Errorf("%d non-200 answers, %d errors of %d", failed, errs, n)
		}
	}
}
