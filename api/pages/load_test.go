package pages

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"ictindex/api"
	"ictindex/templates"
	"ictindex/workflows"
)

// loadCampaign opens a campaign of n synthetic units (copies of the sample
// province's, codes U0000…) and waits until it collects.
func loadCampaign(b *testing.B, year, n int) {
	b.Helper()
	sample := templates.SampleProvince().Units
	var reqUnits []api.UnitRequest
	for i := range n {
		s := sample[i%len(sample)]
		reqUnits = append(reqUnits, api.UnitRequest{Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("%s (bản sao %d)", s.Unit.Name, i),
			Annex: s.Annex, Flags: s.Flags})
	}
	st, body, _ := as(uAdmin).Send(b, "POST", "/api/campaigns", jsonBody(map[string]any{"year": year, "deadline": time.Now().Add(72 * time.Hour),
		"units": reqUnits, "decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}))
	if st != http.StatusCreated {
		b.Fatalf("opening: %d %s", st, body)
	}
	start := time.Now()
	for {
		var cs workflows.CampaignStatus
		if code, body, _ := as(uAdmin).Send(b, "GET", "/api/campaigns/"+itoa(year), payload{}); code == http.StatusOK {
			mustJSON(b, body, &cs)
			if cs.Phase == workflows.PhaseCollecting {
				break
			}
		}
		if time.Since(start) > 8*time.Minute {
			b.Fatal("the campaign did not start collecting in 8 minutes")
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.Logf("%d units collecting after %s", n, time.Since(start).Round(time.Second))
}

// getter is an admin's browser: GET a page, answer its status and size.
func getter(b *testing.B) func(path string) (int, int, error) {
	admin := login(b, uAdmin)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}}
	return func(path string) (int, int, error) {
		req, _ := http.NewRequest("GET", env.srv.URL+path, nil)
		req.AddCookie(admin.Cookie)
		resp, err := client.Do(req)
		if err != nil {
			return 0, 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, int(n), err
	}
}

// openLoop sends rate requests a second for duration on a fixed schedule
// (open loop: a slow answer does not delay the next request) to path(i),
// and reports the latency percentiles measured from each request's
// scheduled time.
func openLoop(b *testing.B, get func(string) (int, int, error), rate int, duration time.Duration, path func(i int) string) {
	for range b.N {
		n := int(duration.Seconds()) * rate
		lat := make([]time.Duration, n)
		var failed, errs int
		var mu sync.Mutex
		var wg sync.WaitGroup
		interval := time.Second / time.Duration(rate)
		t0 := time.Now()
		b.ResetTimer()
		for i := range n {
			at := t0.Add(time.Duration(i) * interval)
			time.Sleep(time.Until(at))
			p := path(i)
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, _, err := get(p)
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

// BenchmarkPagesAt200RPS: 1,000 units, 200 requests a second for 20 s,
// half to the dashboard and half to unit pages.
// Run: go test ./api/pages -run '^$' -bench PagesAt200RPS -benchtime 1x
func BenchmarkPagesAt200RPS(b *testing.B) {
	if env.skip != "" {
		b.Skip(env.skip)
	}
	const year, units = 2060, 1000
	loadCampaign(b, year, units)
	get := getter(b)
	warm := time.Now()
	if code, _, err := get("/dot/" + itoa(year)); err != nil || code != http.StatusOK {
		b.Fatalf("warm-up dashboard: %d %v", code, err)
	}
	b.Logf("first dashboard (1,000 unit queries): %s", time.Since(warm).Round(time.Millisecond))
	openLoop(b, get, 200, 20*time.Second, func(i int) string {
		if i%2 == 1 {
			return fmt.Sprintf("/dot/%d/don-vi/U%04d", year, (i/2)%units)
		}
		return "/dot/" + itoa(year)
	})
}

// BenchmarkUnitPagePL02At200RPS: the unit page of PL02 units (82 figures)
// in a 1,000-unit campaign at 200 requests a second for 20 s, and the
// page's weight: its HTML plus the CSS and JavaScript it links.
// Run: go test ./api/pages -run '^$' -bench UnitPagePL02 -benchtime 1x
func BenchmarkUnitPagePL02At200RPS(b *testing.B) {
	if env.skip != "" {
		b.Skip(env.skip)
	}
	const year, units = 2061, 1000
	loadCampaign(b, year, units)
	sample := templates.SampleProvince().Units
	var pl02 []string
	for i := range units {
		if sample[i%len(sample)].Annex == "PL02" {
			pl02 = append(pl02, fmt.Sprintf("/dot/%d/don-vi/U%04d", year, i))
		}
	}
	get := getter(b)
	for _, p := range pl02 { // every unit read once, as a sweep would
		if code, _, err := get(p); err != nil || code != http.StatusOK {
			b.Fatalf("warm-up %s: %d %v", p, code, err)
		}
	}
	b.ReportMetric(float64(pageWeight(b, pl02[0])), "page-bytes")
	openLoop(b, get, 200, 20*time.Second, func(i int) string { return pl02[i%len(pl02)] })
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/tai-nguyen/[^"]+\.(?:css|js))"`)

// pageWeight is a page's HTML plus every stylesheet and script it links.
func pageWeight(b *testing.B, path string) int {
	b.Helper()
	_, body, _ := login(b, uAdmin).Send(b, "GET", path, payload{})
	total := len(body)
	for _, m := range assetRef.FindAllStringSubmatch(string(body), -1) {
		_, asset, _ := anonymous.Send(b, "GET", m[1], payload{})
		total += len(asset)
	}
	b.Logf("%s: %d bytes with its CSS and JavaScript", path, total)
	return total
}
