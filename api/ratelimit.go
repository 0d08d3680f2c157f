package api

import (
	"sync"
	"time"
)

// loginLimiter counts failed logins per username and client IP within a
// sliding window; once the limit is reached further attempts are refused
// until the oldest failure leaves the window.
type loginLimiter struct {
	limit  int
	window time.Duration

	mu       sync.Mutex
	failures map[string][]time.Time
}

func newLoginLimiter(limit int, window time.Duration) *loginLimiter {
	return &loginLimiter{limit: limit, window: window, failures: map[string][]time.Time{}}
}

func limiterKey(user, ip string) string { return user + "\x00" + ip }

// recent drops failures older than the window; the caller holds mu.
func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	fs := l.failures[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.window {
		i++
	}
	fs = fs[i:]
	if len(fs) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = fs
	}
	return fs
}

// blocked reports whether the key has used up its attempts.
func (l *loginLimiter) blocked(user, ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.recent(limiterKey(user, ip), now)) >= l.limit
}

// fail records a failed attempt.
func (l *loginLimiter) fail(user, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key := limiterKey(user, ip)
	l.failures[key] = append(l.recent(key, now), now)
	if len(l.failures) > 100_000 { // a flood of names: forget the oldest state rather than grow
		for k := range l.failures {
			delete(l.failures, k)
			break
		}
	}
}

// succeed forgets the failures of a key.
func (l *loginLimiter) succeed(user, ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, limiterKey(user, ip))
}
