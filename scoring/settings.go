package scoring

import (
	"fmt"
	"time"
)

// Vietnam is the campaign's time zone (Asia/Ho_Chi_Minh, UTC+7, no daylight
// saving), fixed so that no time-zone database is needed.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Settings are a campaign's parameters that scoring depends on (R4, R7, R10).
type Settings struct {
	Year        int       `json:"year"`
	Deadline    time.Time `json:"deadline"`     // R7: by default 23:59:59 on 20/11, Vietnam time
	CutOff      Date      `json:"cut_off"`      // R10: figures as of this date, by default 15/11
	Holidays    []Date    `json:"holidays"`     // public holidays that are not working days
	WorkingDays int       `json:"working_days"` // R4: Monday–Friday from 1/1 to CutOff, minus Holidays
}

// FixedHolidays returns the solar-calendar public holidays of a year (New
// Year, Reunification Day, Labour Day, National Day). Lunar holidays (Tết,
// Hùng Kings) move every year: a campaign lists them itself.
func FixedHolidays(year int) []Date {
	return []Date{{year, 1, 1}, {year, 4, 30}, {year, 5, 1}, {year, 9, 2}}
}

// DefaultSettings returns the settings the rulings give for a report year:
// deadline 23:59:59 on 20 November, cut-off 15 November, the solar holidays.
func DefaultSettings(year int) Settings {
	st := Settings{
		Year:     year,
		Deadline: time.Date(year, time.November, 20, 23, 59, 59, 0, Vietnam),
		CutOff:   Date{year, 11, 15},
		Holidays: FixedHolidays(year),
	}
	st.WorkingDays = WorkingDays(year, st.CutOff, st.Holidays)
	return st
}

// WorkingDays counts Monday–Friday days from 1 January of the year to the
// cut-off date inclusive, less the holidays that fall on those days (R4).
func WorkingDays(year int, cutOff Date, holidays []Date) int {
	off := map[Date]bool{}
	for _, h := range holidays {
		off[h] = true
	}
	n := 0
	end := cutOff.Time(time.UTC)
	if last := time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC); end.After(last) {
		end = last // figures are counted within the report year only
	}
	for t := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC); !t.After(end); t = t.AddDate(0, 0, 1) {
		if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday || off[DateOf(t)] {
			continue
		}
		n++
	}
	return n
}

// Check reports settings that cannot be scored with.
func (st *Settings) Check() error {
	switch {
	case st.Year < 2000 || st.Year > 2200:
		return fmt.Errorf("năm báo cáo %d không hợp lệ", st.Year)
	case st.WorkingDays <= 0 || st.WorkingDays > 366:
		return fmt.Errorf("số ngày làm việc %d không hợp lệ", st.WorkingDays)
	case st.Deadline.IsZero():
		return fmt.Errorf("chưa có hạn gửi báo cáo")
	case st.CutOff.Year != st.Year:
		return fmt.Errorf("ngày chốt số liệu %s không thuộc năm báo cáo %d", st.CutOff, st.Year)
	}
	return nil
}
