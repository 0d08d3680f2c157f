package scoring

import "time"

// AddWorkingDays is the end (23:59:59, Vietnam time) of the n-th working
// day after the day of from: Monday to Friday, less the holidays given and
// the solar-calendar holidays (FixedHolidays) of every year it crosses.
// A window "of 9 working days" opened on a Friday thus ends on the
// Wednesday of the second week after, later when a holiday falls inside.
// n < 1 is the end of from's own day.
func AddWorkingDays(from time.Time, n int, holidays []Date) time.Time {
	off := map[Date]bool{}
	for _, h := range holidays {
		off[h] = true
	}
	seen := map[int]bool{}
	day := DateOf(from.In(Vietnam)).Time(Vietnam)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if y := day.Year(); !seen[y] {
			seen[y] = true
			for _, h := range FixedHolidays(y) {
				off[h] = true
			}
		}
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday || off[DateOf(day)] {
			continue
		}
		n--
	}
	return day.Add(24*time.Hour - time.Second)
}

// WorkingDaysLeft counts the working days after the day of now up to and
// including the day of end, as AddWorkingDays counts them: what a window
// ending at end has left (0 once its last day has come).
func WorkingDaysLeft(now, end time.Time, holidays []Date) int {
	n := 0
	for !AddWorkingDays(now, n+1, holidays).After(end) {
		n++
	}
	return n
}
