package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// apiClient calls ictindex's HTTP API through the proxy as the users do,
// retrying what a user would retry: a request that got no answer, or a
// 500, 502, 503 or 504. It records every acknowledged action and every
// retry.
type apiClient struct {
	base string
	hc   *http.Client
	st   *stats
}

// caller is a user with their API token.
type caller struct{ name, token string }

// request is one user action; body is rebuilt for every attempt.
type request struct {
	action       string // the name figures are counted under
	who          caller
	method, path string
	body         []byte
	ctype        string
}

// outcome is the answer that ended the retries. uncertain says an earlier
// attempt failed in a way that may have applied the action (the answer
// was lost): a refusal that follows may be refusing a repeat.
type outcome struct {
	status    int
	body      []byte
	uncertain bool
	start     time.Time
	attempts  int
}

// retryable reports whether a status is one a user retries.
func retryable(status int) bool {
	switch status {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// maxActionTime bounds how long one action is retried.
const maxActionTime = 5 * time.Minute

// call sends r until it gets an answer that is not retryable, or
// maxActionTime passes.
func (a *apiClient) call(ctx context.Context, r request) (outcome, error) {
	o := outcome{start: time.Now()}
	ctx, cancel := context.WithTimeout(ctx, maxActionTime)
	defer cancel()
	backoff := 200 * time.Millisecond
	var last string
	for {
		o.attempts++
		status, body, err := a.once(ctx, r)
		if err == nil && !retryable(status) {
			o.status, o.body = status, body
			return o, nil
		}
		if err != nil {
			last = err.Error()
		} else {
			last = fmt.Sprintf("%d %s", status, strings.TrimSpace(string(body)))
		}
		o.uncertain = true
		a.st.retry(r.action, last)
		select {
		case <-ctx.Done():
			return o, fmt.Errorf("%s %s %s: no answer after %d attempts in %s; last: %s", r.who.name, r.method, r.path,
				o.attempts, time.Since(o.start).Round(time.Millisecond), last)
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 2*time.Second)
	}
}

// once makes one attempt.
func (a *apiClient) once(ctx context.Context, r request) (int, []byte, error) {
	var body io.Reader = http.NoBody
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, a.base+r.path, body)
	if err != nil {
		return 0, nil, err
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.who.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.who.token)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("reading the answer: %w", err)
	}
	return resp.StatusCode, data, nil
}

// must calls r and wants status want; the answer is decoded into out when
// out is not nil. On success the action is recorded as acknowledged.
func (a *apiClient) must(ctx context.Context, r request, want int, out any) (outcome, error) {
	o, err := a.call(ctx, r)
	if err != nil {
		return o, err
	}
	if o.status != want {
		return o, fmt.Errorf("%s %s %s: %d, want %d: %s", r.who.name, r.method, r.path, o.status, want, strings.TrimSpace(string(o.body)))
	}
	if out != nil {
		if err := json.Unmarshal(o.body, out); err != nil {
			return o, fmt.Errorf("%s %s: decoding the answer: %w", r.method, r.path, err)
		}
	}
	a.st.acked(r.action, o.start, time.Now())
	a.st.noteSlow(r, o)
	return o, nil
}

// get reads path as who, retrying, and decodes the answer.
func (a *apiClient) get(ctx context.Context, who caller, path string, out any) error {
	_, err := a.must(ctx, request{action: "read", who: who, method: "GET", path: path}, http.StatusOK, out)
	return err
}

// jsonBody marshals v.
func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// stats are the rehearsal's figures: acknowledged actions, retries and
// faults.
type stats struct {
	mu         sync.Mutex
	acks       map[string]int
	spans      []span      // every acknowledged action but reads
	retryTimes []time.Time // when each retry was decided
	retries    map[string]int
	lastErrors map[string]string
	resolved   int // uncertain outcomes settled by reading the state
	faults     []*fault
	slow       []string // actions slower than slowAction
}

// slowAction is the threshold above which an action is listed by name.
const slowAction = 10 * time.Second

// noteSlow lists an action that took longer than slowAction.
func (s *stats) noteSlow(r request, o outcome) {
	d := time.Since(o.start)
	if d < slowAction {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slow = append(s.slow, fmt.Sprintf("%s %s %s: %.1f s, %d attempts, from %s",
		r.who.name, r.method, r.path, d.Seconds(), o.attempts, o.start.Format("15:04:05.000")))
}

// span is an acknowledged action: when it was first sent and when its
// success was answered.
type span struct{ start, end time.Time }

func newStats() *stats {
	return &stats{acks: map[string]int{}, retries: map[string]int{}, lastErrors: map[string]string{}}
}

func (s *stats) retry(action, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retries[action]++
	s.lastErrors[action] = why
	s.retryTimes = append(s.retryTimes, time.Now())
}

// acked records an acknowledged action that started at start and was
// answered at end.
func (s *stats) acked(action string, start, end time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acks[action]++
	if action != "read" {
		s.spans = append(s.spans, span{start, end})
	}
}

// fault is one injected failure.
type fault struct {
	name    string
	during  string
	at      time.Time // when it was injected
	down    time.Time // when the component had stopped
	restart time.Time // when it was started again (zero: not restarted)
	healthy time.Time // when it was healthy again
}

// inject records a fault beginning now.
func (s *stats) inject(name, during string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fault{name: name, during: during, at: time.Now()}
	s.faults = append(s.faults, f)
	return f
}

// stopped notes that f's component has stopped.
func (s *stats) stopped(f *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.down = time.Now()
}

// recovered notes that f's component was started again at restart and is
// healthy now.
func (s *stats) recovered(f *fault, restart time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.restart, f.healthy = restart, time.Now()
}

// faultFigures is what the users saw of one fault.
type faultFigures struct {
	firstAck time.Duration // from the stop to the first success of an action sent after it
	slowest  time.Duration // the longest acknowledged action overlapping the outage
	during   int           // actions acknowledged during the outage
	retries  int           // retries decided during the outage
}

// figures computes f's figures; the outage runs from the fault until the
// component was healthy again, or (never restarted) until the first
// success after the stop. Callers hold s.mu.
func (s *stats) figures(f *fault) faultFigures {
	var ff faultFigures
	for _, sp := range s.spans {
		if !sp.start.Before(f.down) && (ff.firstAck == 0 || sp.end.Sub(f.down) < ff.firstAck) {
			ff.firstAck = sp.end.Sub(f.down)
		}
	}
	end := f.healthy
	if end.IsZero() {
		end = f.down.Add(ff.firstAck)
	}
	for _, sp := range s.spans {
		if sp.start.Before(end) && sp.end.After(f.at) {
			ff.slowest = max(ff.slowest, sp.end.Sub(sp.start))
		}
		if sp.end.After(f.down) && !sp.end.After(end) {
			ff.during++
		}
	}
	for _, t := range s.retryTimes {
		if t.After(f.at) && t.Before(end) {
			ff.retries++
		}
	}
	return ff
}

// sortedKeys lists m's keys in order.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
