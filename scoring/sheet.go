package scoring

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Sheet is one unit's score sheet: the seed's columns (3) figures, (4)
// maximum, (5) self score, (6) appraised result and (7) notes, per
// criterion, with section subtotals, deductions and the final score.
type Sheet struct {
	Decision       string          `json:"decision"`
	Annex          string          `json:"annex"`
	Year           int             `json:"year"`
	Unit           Unit            `json:"unit"`
	Flags          []string        `json:"flags,omitempty"`
	Submitted      bool            `json:"submitted"`
	SubmittedAt    *time.Time      `json:"submitted_at,omitempty"`
	Lines          []Line          `json:"lines,omitempty"`
	Sections       []SectionTotal  `json:"sections,omitempty"`
	Max            Fixed           `json:"max"`
	SelfTotal      Fixed           `json:"self_total"`      // column (5)
	AppraisedTotal Fixed           `json:"appraised_total"` // column (6)
	Appraised      bool            `json:"appraised"`       // an appraisal was recorded
	Corrections    []Correction    `json:"corrections,omitempty"`
	Deductions     []DeductionLine `json:"deductions,omitempty"`
	DeductionTotal Fixed           `json:"deduction_total"`
	Final          Fixed           `json:"final"` // max(0, appraised − deductions)
	// Previous is the unit's result in last year's campaign, found by its
	// code; nil when there was no previous campaign or the unit is new.
	Previous *Previous `json:"previous,omitempty"`

	// What Explain needs to write the working lines and column (3); nil
	// once explained or when read from JSON.
	set             *Set
	st              Settings
	self, appraised *figures
	touched         []bool
	points          []linePoints
}

// linePoints is a criterion's result in a sheet before Explain writes its
// Line: no pointers, so ranking thousands of sheets costs the collector
// little.
type linePoints struct {
	max, self, appraised Fixed
	applicable, flagged  bool
}

// Line is one criterion of a sheet.
type Line struct {
	Code       string       `json:"code"`
	Section    string       `json:"section"`
	Group      string       `json:"group,omitempty"`
	Title      string       `json:"title"`
	Max        Fixed        `json:"max"` // effective maximum for this unit
	Applicable bool         `json:"applicable"`
	Figures    []ShownValue `json:"figures,omitempty"`
	Self       Result       `json:"self"`      // column (5)
	Appraised  Result       `json:"appraised"` // column (6)
	Note       string       `json:"note,omitempty"`
	Ruling     string       `json:"ruling,omitempty"`
	Flagged    bool         `json:"flagged,omitempty"` // data-quality flag (R7)
}

// ShownValue is one figure as shown on a sheet, with the unit's original
// when the appraiser corrected it.
type ShownValue struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Value    string `json:"value"`
	Unit     string `json:"unit,omitempty"`
	Original string `json:"original,omitempty"` // the unit's value before correction
}

// SectionTotal sums a section's rounded criterion points (R1: no re-rounding).
type SectionTotal struct {
	Code      string `json:"code"`
	Title     string `json:"title"`
	Max       Fixed  `json:"max"`
	Self      Fixed  `json:"self"`
	Appraised Fixed  `json:"appraised"`
}

// NotApplicable is the working shown for a criterion that does not apply (R6).
const NotApplicable = "không áp dụng"

// Score computes a unit's sheet. Every problem with the submission is
// returned at once as a *ValidationError; nothing is scored then.
func (s *Set) Score(sub *Submission, st *Settings) (*Sheet, error) {
	var errs errorList
	s.checkHeader(sub, st, &errs)
	sh := &Sheet{
		Decision: s.Decision, Annex: s.Annex, Year: st.Year, Unit: sub.Unit,
		Flags: sortedCopy(sub.Flags), Submitted: !sub.NotSubmitted, SubmittedAt: sub.SubmittedAt,
		Max: s.Total,
	}
	if sub.NotSubmitted {
		return sh, errs.err()
	}
	known := sh.Flags[:0:0]
	for _, f := range sh.Flags {
		if s.hasFlag(f) {
			known = append(known, f) // an undeclared flag is reported by checkHeader
		}
	}
	sh.Flags = known
	self := s.parseFigures(sub.Figures, sh.Flags, "figures.", &errs)
	appraised, touched := self, []bool(nil)
	if a := sub.Appraisal; a != nil {
		sh.Appraised = true
		if len(a.Corrections) > 0 {
			appraised, touched = s.applyCorrections(sub.Figures, a, sh.Flags, &errs)
		}
		sh.Corrections = a.Corrections
	}
	if len(errs.errs) > 0 {
		return nil, errs.err()
	}
	s.checkConsistency(self, "figures.", &errs)
	if appraised != self {
		s.checkConsistency(appraised, "appraisal.", &errs)
	}
	sh.points = s.points(sh.Flags, self, appraised, touched, st, &errs)
	if sub.Appraisal != nil {
		s.flagPoints(sh.points, sub.Appraisal, &errs)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	s.total(sh)
	s.deduct(sh, sub, st)
	sh.set, sh.st, sh.self, sh.appraised, sh.touched = s, *st, self, appraised, touched
	return sh, nil
}

// Explain writes the sheet's Lines: every criterion's working and figures
// (column 3). Score computes points only, so that ranking thousands of
// units does not pay for text; the JSON encoding, ScoreBatch and the
// documents explain. It is idempotent and must not run concurrently on one
// sheet.
func (sh *Sheet) Explain() {
	s := sh.set
	if s == nil {
		return
	}
	sh.Lines = make([]Line, len(sh.points))
	shownPool := make([]ShownValue, 0, s.idx.shown[flagKey(sh.Flags)])
	for i, c := range s.idx.criteria {
		p, l := &sh.points[i], &sh.Lines[i]
		*l = Line{Code: c.Code, Section: c.Section, Group: c.Group, Title: c.Title, Ruling: c.Ruling, Note: c.Note,
			Max: p.max, Applicable: p.applicable, Flagged: p.flagged}
		if !l.Applicable {
			l.Self.Working, l.Appraised.Working = NotApplicable, NotApplicable
			continue
		}
		ops := &s.idx.ops[i]
		start := len(shownPool)
		shownPool = s.shown(shownPool, ops, sh.self, sh.appraised)
		l.Figures = shownPool[start:len(shownPool):len(shownPool)]
		if c.Rule.Kind == KindDerived {
			l.Self = s.derivedRule(c, sh.points, false, true)
			l.Appraised = s.derivedRule(c, sh.points, true, true)
			continue
		}
		l.Self, _ = s.evaluate(i, sh.self, &sh.st, true)
		l.Appraised = l.Self
		if touchedAny(sh.touched, ops.figs) {
			l.Appraised, _ = s.evaluate(i, sh.appraised, &sh.st, true)
		}
	}
	sh.set, sh.self, sh.appraised, sh.touched, sh.points = nil, nil, nil, nil, nil
}

// MarshalJSON explains the sheet first, so its JSON always carries the working.
func (sh *Sheet) MarshalJSON() ([]byte, error) {
	sh.Explain()
	type plain Sheet
	return json.Marshal((*plain)(sh))
}

// checkHeader checks the unit, annex and flags of a submission.
func (s *Set) checkHeader(sub *Submission, st *Settings, errs *errorList) {
	if sub.Unit.Code == "" {
		errs.addf("unit.code", "Mã đơn vị", ErrRequired, "", "chưa có mã đơn vị", "the unit code is missing")
	}
	if sub.Unit.Name == "" {
		errs.addf("unit.name", "Tên đơn vị", ErrRequired, "", "chưa có tên đơn vị", "the unit name is missing")
	}
	if sub.Annex != s.Annex {
		errs.addf("annex", "Phụ lục", ErrInvalid, "", fmt.Sprintf("phụ lục %q không khớp bộ tiêu chí %s", sub.Annex, s.Annex),
			fmt.Sprintf("annex %q does not match criteria set %s", sub.Annex, s.Annex))
	}
	if sub.Year != 0 && sub.Year != st.Year {
		errs.addf("year", "Năm báo cáo", ErrInvalid, "", fmt.Sprintf("năm %d khác năm của đợt đánh giá %d", sub.Year, st.Year),
			fmt.Sprintf("year %d differs from the campaign's %d", sub.Year, st.Year))
	}
	if err := st.Check(); err != nil {
		errs.addf("settings", "Thiết lập đợt đánh giá", ErrInvalid, "", err.Error(), "invalid campaign settings: "+err.Error())
	}
	for _, f := range sub.Flags {
		if !s.hasFlag(f) {
			errs.addf("flags", "Thuộc tính đơn vị", ErrUnknown, "", fmt.Sprintf("thuộc tính %q không có trong bộ tiêu chí", f),
				fmt.Sprintf("flag %q is not declared by the criteria set", f))
		}
	}
}

// neededKeys returns the figure keys a unit with the flags must report, in
// declaration order.
func (s *Set) neededKeys(flags []string) []string {
	want := map[string]bool{}
	for _, c := range s.idx.criteria {
		if c.Applies(flags) {
			for _, k := range c.Figures {
				want[k] = true
			}
		}
	}
	for _, ch := range s.Checks {
		if want[ch.Total] {
			for _, p := range ch.Parts {
				want[p] = true
			}
		}
	}
	var keys []string
	for _, f := range s.Figures {
		if want[f.Key] {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// flagKey is the cache key of a sorted flag list.
func flagKey(flags []string) string {
	switch len(flags) {
	case 0:
		return ""
	case 1:
		return flags[0]
	}
	return strings.Join(flags, "\x00")
}

// neededPositions returns the positions of the figures a unit with the
// (sorted, declared) flags must report.
func (s *Set) neededPositions(flags []string) []int { return s.idx.needed[flagKey(flags)] }

// Needed returns the figure keys a unit with the flags must report.
func (s *Set) Needed(flags []string) []string {
	flags = sortedCopy(flags)
	var keys []string
	for _, p := range s.neededPositions(flags) {
		keys = append(keys, s.Figures[p].Key)
	}
	return keys
}

// parseFigures parses every needed figure and refuses unknown keys, in one
// pass over the raw figures.
func (s *Set) parseFigures(raw map[string]any, flags []string, prefix string, errs *errorList) *figures {
	out := s.newFigures()
	needed := s.neededPositions(flags)
	want := s.idx.wanted[flagKey(flags)]
	var unknown []string
	found := 0
	for k, v := range raw {
		p, ok := s.idx.pos[k]
		if !ok {
			unknown = append(unknown, k)
			continue
		}
		if !want[p] {
			continue // a figure of a criterion that does not apply: ignored
		}
		found++
		val, fe := parseValue(&s.Figures[p], v)
		if fe != nil {
			fe.Field = prefix + k
			out.bad = append(out.bad, *fe)
			continue
		}
		out.vals[p] = val
	}
	for _, p := range needed {
		if found == len(needed) && len(out.bad) == 0 {
			break
		}
		if out.vals[p].Present {
			continue
		}
		if fe := out.badAt(prefix + s.Figures[p].Key); fe != nil {
			errs.add(*fe)
			continue
		}
		_, fe := parseValue(&s.Figures[p], nil) // missing: the required error, or an empty optional date
		if fe != nil {
			fe.Field = prefix + s.Figures[p].Key
			errs.add(*fe)
			continue
		}
		out.vals[p] = Value{Present: true, Empty: true}
	}
	out.bad = nil
	sortStrings(unknown)
	for _, k := range unknown {
		errs.addf(prefix+k, "", ErrUnknown, "", fmt.Sprintf("số liệu %q không có trong bộ tiêu chí %s", k, s.Annex),
			fmt.Sprintf("figure %q is not declared by criteria set %s", k, s.Annex))
	}
	return out
}

// applyCorrections parses the unit's figures with the appraiser's
// corrections applied, and reports which figure positions they touched.
func (s *Set) applyCorrections(raw map[string]any, a *Appraisal, flags []string, errs *errorList) (*figures, []bool) {
	merged := make(map[string]any, len(raw))
	for k, v := range raw {
		merged[k] = v
	}
	touched := make([]bool, len(s.Figures))
	for i, c := range a.Corrections {
		field := fmt.Sprintf("appraisal.corrections[%d]", i)
		p, ok := s.idx.pos[c.Figure]
		if !ok {
			errs.addf(field+".figure", "", ErrUnknown, "", fmt.Sprintf("số liệu %q không có trong bộ tiêu chí", c.Figure),
				fmt.Sprintf("figure %q is not declared", c.Figure))
			continue
		}
		if c.Reason == "" {
			errs.addf(field+".reason", "Lý do điều chỉnh", ErrRequired, "", "điều chỉnh số liệu phải có lý do", "a correction needs a reason")
		}
		merged[c.Figure] = c.Value
		touched[p] = true
	}
	var local errorList
	out := s.parseFigures(merged, flags, "appraisal.figures.", &local)
	for _, e := range local.errs {
		if e.Code != ErrUnknown { // unknown keys were reported for the unit's own figures
			errs.add(e)
		}
	}
	return out, touched
}

// checkConsistency applies the set's checks between figures.
func (s *Set) checkConsistency(f *figures, prefix string, errs *errorList) {
	for _, ch := range s.Checks {
		tp := s.idx.pos[ch.Total]
		if !f.vals[tp].Present {
			continue
		}
		var parts int64
		for _, k := range ch.Parts {
			parts += f.vals[s.idx.pos[k]].Int
		}
		if total := f.vals[tp].Int; parts > total {
			errs.addf(prefix+ch.Parts[0], s.idx.figures[ch.Parts[0]].Label, ErrExceeds, "",
				fmt.Sprintf("tổng %s không được lớn hơn «%s» (%s)", GroupThousands(parts), s.idx.figures[ch.Total].Label, GroupThousands(total)),
				fmt.Sprintf("the parts sum to %d, more than %s (%d)", parts, ch.Total, total))
		}
	}
}

// points evaluates every criterion for the self and appraised figures.
// Criteria whose figures the appraiser did not touch keep the self result.
func (s *Set) points(flags []string, self, appraised *figures, touched []bool, st *Settings, errs *errorList) []linePoints {
	pts := make([]linePoints, len(s.idx.criteria))
	for i, c := range s.idx.criteria {
		p := &pts[i]
		p.max, p.applicable = s.EffectiveMax(c, flags), c.Applies(flags)
		if !p.applicable || c.Rule.Kind == KindDerived {
			continue
		}
		res, fe := s.evaluate(i, self, st, false)
		if fe != nil {
			errs.add(*fe) // the appraised figures are the same or corrected: one report is enough
			continue
		}
		p.self, p.appraised = res.Points, res.Points
		if touchedAny(touched, s.idx.ops[i].figs) {
			if res, fe = s.evaluate(i, appraised, st, false); fe != nil {
				fe.Field = "appraisal." + fe.Field
				errs.add(*fe)
			}
			p.appraised = res.Points
		}
	}
	for i, c := range s.idx.criteria {
		if c.Rule.Kind == KindDerived && pts[i].applicable {
			pts[i].self = s.derivedRule(c, pts, false, false).Points
			pts[i].appraised = s.derivedRule(c, pts, true, false).Points
		}
	}
	return pts
}

func touchedAny(touched []bool, ps []int) bool {
	if touched == nil {
		return false
	}
	for _, p := range ps {
		if touched[p] {
			return true
		}
	}
	return false
}

// shown appends a criterion's figures for column (3).
func (s *Set) shown(out []ShownValue, ops *ruleOps, self, appraised *figures) []ShownValue {
	for _, p := range ops.figs {
		f := &s.Figures[p]
		sv := ShownValue{Key: f.Key, Label: f.Label, Unit: f.Unit, Value: appraised.display(p)}
		if self != appraised {
			if orig := self.display(p); orig != sv.Value {
				sv.Original = orig
			}
		}
		out = append(out, sv)
	}
	return out
}

// flagLines marks the criteria the appraiser flagged for data quality.
func (s *Set) flagPoints(pts []linePoints, a *Appraisal, errs *errorList) {
	for i, q := range a.QualityFlags {
		field := fmt.Sprintf("appraisal.quality_flags[%d]", i)
		found := false
		if c := s.idx.byCode[q.Criterion]; c != nil {
			for j := range pts {
				if s.idx.criteria[j] == c {
					found, pts[j].flagged = true, true
				}
			}
		}
		if !found {
			errs.addf(field+".criterion", "Tiêu chí", ErrUnknown, "", fmt.Sprintf("tiêu chí %q không có trong bộ tiêu chí %s", q.Criterion, s.Annex),
				fmt.Sprintf("criterion %q is not in criteria set %s", q.Criterion, s.Annex))
		}
		if q.Reason == "" {
			errs.addf(field+".reason", "Lý do", ErrRequired, q.Criterion, "đánh dấu số liệu không đảm bảo chất lượng phải có lý do",
				"a data-quality flag needs a reason")
		}
	}
}

// total fills the section subtotals and totals from rounded line points.
func (s *Set) total(sh *Sheet) {
	sh.Sections = make([]SectionTotal, len(s.Sections))
	for i := range s.Sections {
		sh.Sections[i].Code, sh.Sections[i].Title = s.Sections[i].Code, s.Sections[i].Title
	}
	for i := range sh.points {
		p, t := &sh.points[i], &sh.Sections[s.idx.section[i]]
		t.Max += p.max
		t.Self += p.self
		t.Appraised += p.appraised
	}
	for _, t := range sh.Sections {
		sh.SelfTotal += t.Self
		sh.AppraisedTotal += t.Appraised
	}
}

// JSON returns the sheet as indented JSON; the same sheet always gives the
// same bytes.
func (sh *Sheet) JSON() ([]byte, error) {
	sh.Explain()
	return json.MarshalIndent(sh, "", "  ")
}

func sortedCopy(in []string) []string {
	if len(in) == 0 {
		return nil
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func sortStrings(list []string) {
	if len(list) > 1 {
		sort.Strings(list)
	}
}

// Evaluate scores one criterion from raw figures alone, as a form does
// while a unit types (column 5 live). Only the criterion's own figures are
// read; a derived criterion (R6) needs a whole sheet and is refused.
func (s *Set) Evaluate(code string, raw map[string]any, st *Settings) (Result, error) {
	c := s.idx.byCode[code]
	if c == nil {
		return Result{}, fmt.Errorf("no criterion %q in %s", code, s.Annex)
	}
	if c.Rule.Kind == KindDerived {
		return Result{}, fmt.Errorf("criterion %s is derived from other criteria: score the whole sheet", code)
	}
	i := 0
	for s.idx.criteria[i] != c {
		i++
	}
	var errs errorList
	f := s.newFigures()
	for _, p := range s.idx.ops[i].figs {
		v, fe := parseValue(&s.Figures[p], raw[s.Figures[p].Key])
		if fe != nil {
			fe.Criteria = []string{code}
			errs.add(*fe)
			continue
		}
		f.vals[p] = v
	}
	if err := errs.err(); err != nil {
		return Result{}, err
	}
	res, fe := s.evaluate(i, f, st, true)
	if fe != nil {
		errs.add(*fe)
		return Result{}, errs.err()
	}
	return res, nil
}

// hasFlag reports whether the set declares the flag.
func (s *Set) hasFlag(key string) bool {
	for _, d := range s.Flags {
		if d.Key == key {
			return true
		}
	}
	return false
}
