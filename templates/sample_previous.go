package templates

import (
	"encoding/json"
	"regexp"
	"strconv"
	"time"

	"ictindex/scoring"
)

// The sample province's changes from the year before to SampleYear.
const (
	// SampleNewUnit joined in SampleYear: it has no result the year before.
	SampleNewUnit = "TTXTDT"
	// SampleGoneUnit took part the year before only.
	SampleGoneUnit = "SBCVT"
	// SampleRenamedUnit had another name the year before, the same code.
	SampleRenamedUnit = "VPDDBQH"
	// SampleLateStarter did not submit the year before.
	SampleLateStarter = "BQLDLSP"
)

// SamplePreviousBatch returns the sample province as it stood the year
// before SampleYear, for comparisons: lower figures for three agencies in
// four by differing amounts (so that some climb and others fall), one
// unit not yet there, one unit since dissolved, one named differently and
// one that did not submit. Dates move back a year; settings are the
// defaults of that year.
func SamplePreviousBatch() *scoring.Batch {
	b := SampleProvince()
	b.Year, b.Settings = SampleYear-1, nil
	num := map[string]bool{}
	den := map[string]bool{}
	for _, annex := range Annexes() {
		for _, c := range MustLoad(annex).Criteria() {
			for _, k := range c.Rule.Numerator {
				num[k] = true
			}
			for _, k := range c.Rule.Denominator {
				den[k] = true
			}
		}
	}
	factors := [4][2]int64{{1, 1}, {17, 20}, {3, 4}, {19, 20}}
	units := b.Units[:0]
	var gone *scoring.Submission
	for i, u := range b.Units {
		switch u.Unit.Code {
		case SampleNewUnit:
			continue
		case SampleRenamedUnit:
			u.Unit.Name = "Văn phòng Đoàn đại biểu Quốc hội tỉnh"
		case SampleLateStarter:
			u.NotSubmitted, u.SubmittedAt, u.Appraisal = true, nil, nil
		}
		f := factors[i%4]
		figs := make(map[string]any, len(u.Figures))
		for k, v := range u.Figures {
			figs[k] = backAYear(v)
			if n, ok := wholeNumber(v); ok && num[k] && !den[k] && f[0] != f[1] {
				figs[k] = json.Number(strconv.FormatInt(n*f[0]/f[1], 10))
			}
		}
		u.Figures = figs
		if a := u.Appraisal; a != nil {
			cp := *a
			cp.Corrections = append([]scoring.Correction(nil), a.Corrections...)
			for j := range cp.Corrections {
				cp.Corrections[j].Value = backAYear(cp.Corrections[j].Value)
			}
			u.Appraisal = &cp
		}
		u.SubmittedAt, u.Deadline = timeBack(u.SubmittedAt), timeBack(u.Deadline)
		if u.Year != 0 {
			u.Year = b.Year
		}
		units = append(units, u)
		if gone == nil && u.Annex == scoring.AnnexPL01 && !u.NotSubmitted {
			g := u
			g.Unit = scoring.Unit{Code: SampleGoneUnit, Name: "Sở Bưu chính, Viễn thông"}
			gone = &g
		}
	}
	if gone != nil {
		units = append(units, *gone)
	}
	b.Units = units
	return b
}

// SamplePreviousResults scores SamplePreviousBatch.
func SamplePreviousResults() (*scoring.Results, error) { return ScoreResults(SamplePreviousBatch()) }

var isoDate = regexp.MustCompile(`^(\d{4})(-\d\d-\d\d)$`)

// backAYear moves a "YYYY-MM-DD" date a year back; other values stay.
func backAYear(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	m := isoDate.FindStringSubmatch(s)
	if m == nil {
		return v
	}
	y, _ := strconv.Atoi(m[1])
	return strconv.Itoa(y-1) + m[2]
}

func timeBack(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	b := t.AddDate(-1, 0, 0)
	return &b
}

// wholeNumber reads a figure that is a whole number.
func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}
