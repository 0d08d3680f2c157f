package scoring

import (
	"testing"
	"time"
)

func TestAddWorkingDays(t *testing.T) {
	at := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 10, 0, 0, 0, Vietnam) }
	end := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 23, 59, 59, 0, Vietnam) }
	for _, c := range []struct {
		name     string
		from     time.Time
		n        int
		holidays []Date
		want     time.Time
	}{
		{"nine from a Friday", at(2026, 12, 4), 9, nil, end(2026, 12, 17)},
		{"nine from a Monday", at(2026, 12, 7), 9, nil, end(2026, 12, 18)},
		{"a campaign holiday inside", at(2026, 12, 7), 9, []Date{{2026, 12, 10}}, end(2026, 12, 21)},
		{"New Year of the next year", at(2026, 12, 30), 2, nil, end(2027, 1, 4)},
		{"one from a Saturday", at(2026, 12, 5), 1, nil, end(2026, 12, 7)},
		{"none", at(2026, 12, 5), 0, nil, end(2026, 12, 5)},
	} {
		if got := AddWorkingDays(c.from, c.n, c.holidays); !got.Equal(c.want) {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
	// UTC late evening is the next day in Vietnam.
	if got := AddWorkingDays(time.Date(2026, 12, 3, 20, 0, 0, 0, time.UTC), 1, nil); !got.Equal(end(2026, 12, 7)) {
		t.Errorf("from Friday in Vietnam: %s", got)
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	closes := time.Date(2026, 12, 17, 23, 59, 59, 0, Vietnam)
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 12, 4, 10, 0, 0, 0, Vietnam), 9},
		{time.Date(2026, 12, 5, 10, 0, 0, 0, Vietnam), 9}, // Saturday
		{time.Date(2026, 12, 16, 8, 0, 0, 0, Vietnam), 1},
		{time.Date(2026, 12, 17, 8, 0, 0, 0, Vietnam), 0}, // the last day
		{time.Date(2026, 12, 18, 8, 0, 0, 0, Vietnam), 0},
	} {
		if got := WorkingDaysLeft(c.now, closes, nil); got != c.want {
			t.Errorf("at %s: %d, want %d", c.now, got, c.want)
		}
	}
}
