package scoring

import (
	"strconv"
)

// Previous is a unit's result in the previous year's campaign, found by
// its unit code (a unit renamed since keeps its code and is still found).
// Rank is the rank shown last year, shared ranks included (R9); 0 means
// the unit took part but did not submit, so it had no rank.
type Previous struct {
	Year  int   `json:"year"`
	Final Fixed `json:"final"`
	Rank  int   `json:"rank"`
}

// Ranked reports whether the unit had a rank last year.
func (p *Previous) Ranked() bool { return p != nil && p.Rank > 0 }

// ChangeKind says how a unit's rank compares with last year's.
type ChangeKind string

// Kinds of change.
const (
	ChangeNone     ChangeKind = ""         // no rank this year: nothing to compare
	ChangeNew      ChangeKind = "new"      // not in last year's campaign
	ChangeUnranked ChangeKind = "unranked" // in last year's campaign without a rank
	ChangeUp       ChangeKind = "up"       // a better (smaller) rank than last year
	ChangeDown     ChangeKind = "down"     // a worse rank
	ChangeSame     ChangeKind = "same"     // the same rank
)

// Labels of the rank change, as the decision and the pages show them.
const (
	NewUnitLabel     = "mới"
	UnrankedLabel    = "chưa xếp hạng"
	SameRankLabel    = "="
	UnrankedNoteText = "đơn vị không gửi báo cáo năm trước nên chưa có thứ hạng để so sánh"
)

// Change compares a unit's place this year with last year's.
type Change struct {
	Kind ChangeKind
	// Steps is how many places the unit climbed (negative: fell), from
	// the ranks shown in both years.
	Steps int
	// Score is this year's final score minus last year's; HasScore is
	// false when either year has no score to compare.
	Score    Fixed
	HasScore bool
}

// Compare gives the change of a ranking row against the unit's previous
// result (nil: the unit is new this year). A row without a rank this
// year (not submitted) has no change.
func Compare(row RankRow, prev *Previous) Change {
	switch {
	case !row.Submitted || row.Rank == 0:
		return Change{}
	case prev == nil:
		return Change{Kind: ChangeNew}
	case !prev.Ranked():
		return Change{Kind: ChangeUnranked}
	}
	c := Change{Steps: prev.Rank - row.Rank, Score: row.Final - prev.Final, HasScore: true}
	switch {
	case c.Steps > 0:
		c.Kind = ChangeUp
	case c.Steps < 0:
		c.Kind = ChangeDown
	default:
		c.Kind = ChangeSame
	}
	return c
}

// RankLabel is the rank change as shown: "↑3", "↓1", "=", "mới",
// "chưa xếp hạng", or "" when there is nothing to compare.
func (c Change) RankLabel() string {
	switch c.Kind {
	case ChangeUp:
		return "↑" + strconv.Itoa(c.Steps)
	case ChangeDown:
		return "↓" + strconv.Itoa(-c.Steps)
	case ChangeSame:
		return SameRankLabel
	case ChangeNew:
		return NewUnitLabel
	case ChangeUnranked:
		return UnrankedLabel
	}
	return ""
}

// RankWords is the rank change in words for sentences and screen
// readers: "tăng 3 bậc", "giảm 1 bậc", "giữ nguyên thứ hạng".
func (c Change) RankWords() string {
	switch c.Kind {
	case ChangeUp:
		return "tăng " + strconv.Itoa(c.Steps) + " bậc"
	case ChangeDown:
		return "giảm " + strconv.Itoa(-c.Steps) + " bậc"
	case ChangeSame:
		return "giữ nguyên thứ hạng"
	case ChangeNew:
		return "đơn vị mới"
	case ChangeUnranked:
		return "năm trước chưa xếp hạng"
	}
	return ""
}

// ScoreLabel is the score change with its sign, Vietnamese-style:
// "+2,50", "−1,25", "0,00"; "" when there is no score to compare.
func (c Change) ScoreLabel() string {
	if !c.HasScore {
		return ""
	}
	return SignedString(c.Score)
}

// SignedString writes a change with its sign: "+2,50", "−1,25" (a true
// minus sign), "0,00".
func SignedString(f Fixed) string {
	switch {
	case f > 0:
		return "+" + f.String()
	case f < 0:
		return "−" + (-f).String()
	}
	return f.String()
}

// PreviousResults indexes last year's results by unit code and annex:
// each unit's final score and the rank shown in its ranking.
type PreviousResults struct {
	year  int
	units map[string]prevUnit
}

type prevUnit struct {
	annex string
	prev  Previous
}

// IndexPrevious reads last year's rankings. A nil results gives an empty
// index: every unit is new.
func IndexPrevious(prev *Results) *PreviousResults {
	p := &PreviousResults{units: map[string]prevUnit{}}
	if prev == nil {
		return p
	}
	p.year = prev.Year
	if p.year == 0 {
		p.year = prev.Settings.Year
	}
	for _, rk := range prev.Rankings {
		for _, row := range rk.Rows {
			u := prevUnit{annex: rk.Annex, prev: Previous{Year: p.year, Rank: row.Rank}}
			if row.Submitted {
				u.prev.Final = row.Final
			} else {
				u.prev.Rank = 0
			}
			p.units[row.Unit.Code] = u
		}
	}
	return p
}

// Of returns the unit's previous result, or nil when the unit was not
// in last year's ranking of the same annex (a unit that moved to another
// annex is compared with nobody: its old rank was among other units).
func (p *PreviousResults) Of(annex, code string) *Previous {
	if p == nil {
		return nil
	}
	u, ok := p.units[code]
	if !ok || u.annex != annex {
		return nil
	}
	prev := u.prev
	return &prev
}

// Year is the previous campaign's year (0 for an empty index).
func (p *PreviousResults) Year() int {
	if p == nil {
		return 0
	}
	return p.year
}

// AttachPrevious puts each sheet's previous result on it and the
// comparison of sections and criteria on the results. Units gone this
// year are simply absent; a nil prev leaves the results as they are.
func (r *Results) AttachPrevious(prev *Results) {
	if prev == nil {
		return
	}
	idx := IndexPrevious(prev)
	for _, sh := range r.Sheets {
		if sh != nil {
			sh.Previous = idx.Of(sh.Annex, sh.Unit.Code)
		}
	}
	r.Comparison = CompareResults(r, prev)
}

// Changes returns the change of every row of a ranking, in its order,
// from the previous results on the sheets.
func (r *Results) Changes(rk *Ranking) []Change {
	prev := make(map[string]*Previous, len(r.Sheets))
	for _, sh := range r.Sheets {
		if sh != nil && sh.Annex == rk.Annex {
			prev[sh.Unit.Code] = sh.Previous
		}
	}
	out := make([]Change, len(rk.Rows))
	for i, row := range rk.Rows {
		out[i] = Compare(row, prev[row.Unit.Code])
	}
	return out
}

// HasPrevious reports whether the results were compared with a previous
// year.
func (r *Results) HasPrevious() bool { return r.Comparison != nil }
