package scoring

import "sort"

// Comparison sets the province's results per section and per criterion
// against the previous year's, for the leaders: how much of each maximum
// the units reached on average, how many reached it in full, and which
// criteria are the weakest. Only submitted units count, with their
// appraised points (column 6); deductions are not per section.
type Comparison struct {
	Year         int               `json:"year"`
	PreviousYear int               `json:"previous_year"`
	Annexes      []AnnexComparison `json:"annexes"`
}

// AnnexComparison is the comparison of one annex's units.
type AnnexComparison struct {
	Annex string `json:"annex"`
	// Final is the units' final scores: Average over submitted units,
	// Share of the annex's total.
	Final    Measure   `json:"final"`
	Sections []Measure `json:"sections"`
	Criteria []Measure `json:"criteria"`
	// Weakest are the codes of the criteria with the lowest share this
	// year, weakest first (at most WeakestCount).
	Weakest []string `json:"weakest,omitempty"`
}

// WeakestCount is how many weakest criteria a comparison names.
const WeakestCount = 5

// Measure is one section or criterion in both years; Previous is nil when
// last year had no such code or no unit it applied to.
type Measure struct {
	Code     string `json:"code"`
	Section  string `json:"section,omitempty"`
	Title    string `json:"title"`
	This     Tally  `json:"this"`
	Previous *Tally `json:"previous,omitempty"`
}

// Tally sums one section or criterion over the units it applies to.
type Tally struct {
	Units   int   `json:"units"`   // submitted units it applies to
	Max     Fixed `json:"max"`     // one unit's maximum (the largest)
	Average Fixed `json:"average"` // average points, rounded half-up
	Share   Fixed `json:"share"`   // Σ points ÷ Σ maxima × 100, in percent
	AtMax   int   `json:"at_max"`  // units that reached their maximum
}

// ShareChange is this year's share minus last year's, in percentage
// points; false when last year has no share.
func (m *Measure) ShareChange() (Fixed, bool) {
	if m.Previous == nil || m.Previous.Units == 0 {
		return 0, false
	}
	return m.This.Share - m.Previous.Share, true
}

// Criterion returns the criterion's measure, or nil.
func (a *AnnexComparison) Criterion(code string) *Measure {
	for i := range a.Criteria {
		if a.Criteria[i].Code == code {
			return &a.Criteria[i]
		}
	}
	return nil
}

// Annex returns the comparison of an annex, or nil.
func (c *Comparison) Annex(annex string) *AnnexComparison {
	if c == nil {
		return nil
	}
	for i := range c.Annexes {
		if c.Annexes[i].Annex == annex {
			return &c.Annexes[i]
		}
	}
	return nil
}

// CompareResults compares this year's results with last year's, annex
// by annex in this year's order; sections and criteria are matched by
// code.
func CompareResults(cur, prev *Results) *Comparison {
	if cur == nil || prev == nil {
		return nil
	}
	c := &Comparison{Year: cur.Year, PreviousYear: prev.Year}
	if c.Year == 0 {
		c.Year = cur.Settings.Year
	}
	if c.PreviousYear == 0 {
		c.PreviousYear = prev.Settings.Year
	}
	for _, rk := range cur.Rankings {
		this, last := tallyAnnex(cur, rk.Annex), tallyAnnex(prev, rk.Annex)
		ac := AnnexComparison{Annex: rk.Annex, Final: this.final.measure("", "", "", last.final)}
		for _, k := range this.sections.order {
			t := this.sections.by[k]
			ac.Sections = append(ac.Sections, t.measure(k, "", t.title, last.sections.by[k]))
		}
		for _, k := range this.criteria.order {
			t := this.criteria.by[k]
			ac.Criteria = append(ac.Criteria, t.measure(k, t.section, t.title, last.criteria.by[k]))
		}
		ac.Weakest = weakest(ac.Criteria, WeakestCount)
		c.Annexes = append(c.Annexes, ac)
	}
	return c
}

// weakest names the n criteria with the lowest share, in order; ties go
// in the annex's order.
func weakest(ms []Measure, n int) []string {
	idx := make([]int, 0, len(ms))
	for i := range ms {
		if ms[i].This.Units > 0 && ms[i].This.Max > 0 {
			idx = append(idx, i)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return ms[idx[a]].This.Share < ms[idx[b]].This.Share })
	var out []string
	for _, i := range idx[:min(n, len(idx))] {
		out = append(out, ms[i].Code)
	}
	return out
}

// acc accumulates one section or criterion over units.
type acc struct {
	title, section string
	units, atMax   int
	max            Fixed
	points, maxima int64
}

func (a *acc) add(points, max Fixed) {
	a.units++
	a.points += int64(points)
	a.maxima += int64(max)
	a.max = maxFixed(a.max, max)
	if max > 0 && points >= max {
		a.atMax++
	}
}

func (a *acc) tally() Tally {
	t := Tally{Units: a.units, Max: a.max, AtMax: a.atMax}
	if a.units > 0 {
		t.Average = Fixed(roundDiv(a.points, int64(a.units)))
	}
	if a.maxima > 0 {
		t.Share = RatioPercent(a.points, a.maxima)
	}
	return t
}

func (a *acc) measure(code, section, title string, last *acc) Measure {
	m := Measure{Code: code, Section: section, Title: title, This: a.tally()}
	if last != nil && last.units > 0 {
		t := last.tally()
		m.Previous = &t
	}
	return m
}

func maxFixed(a, b Fixed) Fixed {
	if a > b {
		return a
	}
	return b
}

// accs keeps accumulators by code in first-seen order.
type accs struct {
	order []string
	by    map[string]*acc
}

func (s *accs) get(code string) *acc {
	if s.by == nil {
		s.by = map[string]*acc{}
	}
	a := s.by[code]
	if a == nil {
		a = &acc{}
		s.by[code] = a
		s.order = append(s.order, code)
	}
	return a
}

type annexTally struct {
	final              *acc
	sections, criteria accs
}

// tallyAnnex sums the submitted sheets of one annex.
func tallyAnnex(r *Results, annex string) *annexTally {
	t := &annexTally{final: &acc{}}
	for _, sh := range r.Sheets {
		if sh == nil || sh.Annex != annex || !sh.Submitted {
			continue
		}
		t.final.add(sh.Final, sh.Max)
		for _, s := range sh.Sections {
			a := t.sections.get(s.Code)
			if a.title == "" {
				a.title = s.Title
			}
			a.add(s.Appraised, s.Max)
		}
		sh.eachLine(func(l lineScore) {
			if !l.applicable {
				return
			}
			a := t.criteria.get(l.code)
			if a.title == "" {
				a.title, a.section = l.title, l.section
			}
			a.add(l.appraised, l.max)
		})
	}
	return t
}

// lineScore is one criterion's appraised points on a sheet.
type lineScore struct {
	code, section, title string
	max, appraised       Fixed
	applicable           bool
}

// eachLine calls fn for every criterion of the sheet: from the points of
// a sheet just scored, or from the lines of one explained or read back.
func (sh *Sheet) eachLine(fn func(lineScore)) {
	if sh.set != nil && sh.points != nil {
		for i, c := range sh.set.idx.criteria {
			p := &sh.points[i]
			fn(lineScore{code: c.Code, section: c.Section, title: c.Title, max: p.max, appraised: p.appraised, applicable: p.applicable})
		}
		return
	}
	for i := range sh.Lines {
		l := &sh.Lines[i]
		fn(lineScore{code: l.Code, section: l.Section, title: l.Title, max: l.Max, appraised: l.Appraised.Points, applicable: l.Applicable})
	}
}
