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
	retries    map[string]int
	lastErrors map[string]string
	resolved   int // uncertain outcomes settled by reading the state
	faults     []*fault
}

func newStats() *stats {
	return &stats{acks: map[string]int{}, retries: map[string]int{}, lastErrors: map[string]string{}}
}

func (s *stats) retry(action, why string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retries[action]++
	s.lastErrors[action] = why
}

// acked records an acknowledged action that started at start and was
// answered at end, and what it tells about the faults: the first success
// of an action started after a fault, and the slowest action spanning it.
func (s *stats) acked(action string, start, end time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.acks[action]++
	if action == "read" {
		return
	}
	for _, f := range s.faults {
		if !start.Before(f.at) && f.firstAck == 0 {
			f.firstAck = end.Sub(f.at)
		}
		if start.Before(f.at) && end.After(f.at) {
			f.slowest = max(f.slowest, end.Sub(start))
		}
	}
}

// fault is one injected failure.
type fault struct {
	name     string
	during   string
	at       time.Time
	firstAck time.Duration // from the fault to the first acknowledged action started after it
	slowest  time.Duration // the longest acknowledged action in flight at the fault
	restart  time.Time     // when the component was started again (zero: not restarted)
	back     time.Duration // from the restart until the component was healthy
	downFor  time.Duration // from the fault until the component was healthy again
}

func (s *stats) inject(name, during string) *fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &fault{name: name, during: during, at: time.Now()}
	s.faults = append(s.faults, f)
	return f
}

// recovered notes that f's component was restarted at restart and healthy
// now.
func (s *stats) recovered(f *fault, restart time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.restart = restart
	f.back = time.Since(restart)
	f.downFor = time.Since(f.at)
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
