package scoring

import (
	"fmt"
	"strings"
)

// Result is one criterion's points for one set of figures, with the working
// an appraiser can check by hand.
type Result struct {
	Points  Fixed  `json:"points"`
	Ratio   string `json:"ratio,omitempty"` // "85,71%", for ratio rules
	Working string `json:"working"`         // "6/7 = 85,71% ≥ 70% → 85,71 × 3 / 90 = 2,86"
}

// ruleOps are a criterion's figure references resolved to positions in
// Set.Figures, so scoring reads slices instead of maps.
type ruleOps struct {
	num, den, minus, sum, figs []int
	fig                        int
}

// figures is a parsed set of figure values for one unit, by position in
// Set.Figures, with their display text made once on demand.
type figures struct {
	set  *Set
	vals []Value
	disp []string
	bad  []FieldError // parse errors, reported in declaration order
}

func (f *figures) badAt(field string) *FieldError {
	for i := range f.bad {
		if f.bad[i].Field == field {
			return &f.bad[i]
		}
	}
	return nil
}

func (s *Set) newFigures() *figures {
	return &figures{set: s, vals: make([]Value, len(s.Figures))}
}

func (f *figures) sum(ps []int) int64 {
	var n int64
	for _, p := range ps {
		n += f.vals[p].Int
	}
	return n
}

func (f *figures) display(p int) string {
	if f.disp == nil {
		f.disp = make([]string, len(f.vals))
	}
	if f.disp[p] == "" {
		f.disp[p] = f.vals[p].Display(&f.set.Figures[p])
	}
	return f.disp[p]
}

// ruleError builds the field error of a rule that cannot be evaluated.
func (s *Set) ruleError(c *Criterion, key, code, vi, en string) *FieldError {
	fe := &FieldError{Field: "figures." + key, Code: code, Criteria: []string{c.Code}, Message: vi, MessageEN: en}
	if f := s.idx.figures[key]; f != nil {
		fe.Label = f.Label
	}
	return fe
}

// evaluate scores one applicable, non-derived criterion (the i-th). With
// explain it also writes the working line; without, only the points.
func (s *Set) evaluate(i int, f *figures, st *Settings, explain bool) (Result, *FieldError) {
	c, ops := s.idx.criteria[i], &s.idx.ops[i]
	r := &c.Rule
	switch r.Kind {
	case KindRatio, KindThreshold, KindAllOrNothing:
		n, d, fe := s.fraction(c, ops, f)
		if fe != nil {
			return Result{}, fe
		}
		if d == 0 {
			return nothingArose(explain), nil // R11: fraction allowed it
		}
		switch r.Kind {
		case KindRatio:
			return ratioRule(c, n, d, explain), nil
		case KindThreshold:
			return thresholdRule(c, n, d, explain), nil
		}
		return allOrNothingRule(c, n, d, explain), nil
	case KindCountTiers, KindAmountTiers:
		return tiersRule(c, f.sum(ops.sum), explain), nil
	case KindYesNo:
		if f.vals[ops.fig].Bool() {
			return Result{Points: c.Max, Working: c.yesWorking}, nil
		}
		return Result{Working: "Không → 0"}, nil
	case KindPerDay:
		if st.WorkingDays <= 0 {
			return Result{}, &FieldError{Field: "settings.working_days", Code: ErrInvalid, Criteria: []string{c.Code},
				Message: "số ngày làm việc của đợt đánh giá phải lớn hơn 0", MessageEN: "the campaign's working days must be above 0"}
		}
		return perDayRule(c, f.vals[ops.fig].Int, int64(st.WorkingDays), explain), nil
	case KindDateWindow:
		return dateRule(c, f.vals[ops.fig], st.Year, explain), nil
	case KindChoice:
		res := Result{Points: min(r.Options[s.Figures[ops.fig].Choices[f.vals[ops.fig].Int].Key], c.Max)}
		if explain {
			var buf [96]byte
			res.Working = newLine(buf[:]).s(f.display(ops.fig)).s(" → ").short(res.Points).String()
		}
		return res, nil
	}
	return Result{}, &FieldError{Field: c.Code, Code: ErrInvalid, Message: "quy tắc không hỗ trợ", MessageEN: "unsupported rule"}
}

// fraction returns Σnumerator and Σdenominator − Σminus, refusing a zero
// denominator and, unless allowed, a numerator above it (R2). A rule with
// when_zero: zero accepts a denominator of exactly 0 with a numerator of 0:
// nothing arose in the year (R11).
func (s *Set) fraction(c *Criterion, ops *ruleOps, f *figures) (int64, int64, *FieldError) {
	r := &c.Rule
	n := f.sum(ops.num)
	d := f.sum(ops.den) - f.sum(ops.minus)
	if d == 0 && r.WhenZero == WhenZeroZero {
		if n > 0 {
			return 0, 0, s.ruleError(c, r.Numerator[0], ErrExceeds,
				fmt.Sprintf("không được lớn hơn %s (%s > 0)", s.denominatorText(r), GroupThousands(n)),
				fmt.Sprintf("must not exceed %s (%d > 0)", strings.Join(r.Denominator, " + "), n))
		}
		return 0, 0, nil
	}
	if d <= 0 {
		if len(r.Minus) > 0 {
			return 0, 0, s.ruleError(c, r.Denominator[0], ErrZeroDenominator,
				fmt.Sprintf("mẫu số của tỷ lệ phải lớn hơn 0 (hiện là %s sau khi trừ «%s»)", GroupThousands(d), s.idx.figures[r.Minus[0]].Label),
				fmt.Sprintf("the ratio's denominator must be above 0 (it is %d after subtracting %s)", d, r.Minus[0]))
		}
		return 0, 0, s.ruleError(c, r.Denominator[0], ErrZeroDenominator,
			"phải lớn hơn 0 vì là mẫu số của tỷ lệ", "must be above 0: it is the denominator of a ratio")
	}
	if n > d && !r.AllowOver {
		return 0, 0, s.ruleError(c, r.Numerator[0], ErrExceeds,
			fmt.Sprintf("không được lớn hơn %s (%s > %s)", s.denominatorText(r), GroupThousands(n), GroupThousands(d)),
			fmt.Sprintf("must not exceed %s (%d > %d)", strings.Join(r.Denominator, " + "), n, d))
	}
	return n, d, nil
}

// denominatorText names a ratio's denominator by its figures' labels.
func (s *Set) denominatorText(r *Rule) string {
	var b strings.Builder
	for i, k := range r.Denominator {
		if i > 0 {
			b.WriteString(" + ")
		}
		b.WriteString("«" + s.idx.figures[k].Label + "»")
	}
	for _, k := range r.Minus {
		b.WriteString(" − «" + s.idx.figures[k].Label + "»")
	}
	return b.String()
}

// fraction writes "n/d = r%" and returns the ratio and where its text is.
func (l *line) fraction(n, d int64) (Fixed, int, int) {
	ratio := RatioPercent(n, d)
	l.n(n).s("/").n(d).s(" = ")
	start := len(l.b)
	l.fx(ratio).s("%")
	return ratio, start, len(l.b)
}

// finish returns the working line and the ratio text sliced from it.
func (l *line) finish(start, end int) (string, string) {
	w := l.String()
	return w, w[start:end]
}

// nothingAroseWorking is the working of a criterion whose denominator
// counts something that did not arise in the year (R11).
const nothingAroseWorking = "0/0 — không phát sinh → 0"

// nothingArose is R11: a zero denominator the rule accepts scores 0.
func nothingArose(explain bool) Result {
	if !explain {
		return Result{}
	}
	return Result{Working: nothingAroseWorking}
}

// ratioRule is R2: at or above full → max; from floor → ratio × max / full; below → 0.
func ratioRule(c *Criterion, n, d int64, explain bool) Result {
	r := &c.Rule
	var res Result
	branch := 0
	switch {
	case n*10000 >= int64(r.Full)*d:
		res.Points = c.Max
	case n*10000 >= int64(r.Floor)*d:
		res.Points = min(Fixed(roundDiv(10000*n*int64(c.Max), d*int64(r.Full))), c.Max)
		branch = 1
	default:
		branch = 2
	}
	if !explain {
		return res
	}
	var buf [128]byte
	l := newLine(buf[:])
	ratio, a, b := l.fraction(n, d)
	switch branch {
	case 0:
		l.s(" ≥ ").short(r.Full).s("% → ").short(c.Max)
	case 1:
		if r.Floor == 0 {
			l.s(" < ").short(r.Full).s("%")
		} else {
			l.s(" ≥ ").short(r.Floor).s("%")
		}
		l.s(" → ").fx(ratio).s(" × ").short(c.Max).s(" / ").short(r.Full).s(" = ").fx(res.Points)
	default:
		l.s(" < ").short(r.Floor).s("% → 0")
	}
	res.Working, res.Ratio = l.finish(a, b)
	return res
}

func thresholdRule(c *Criterion, n, d int64, explain bool) Result {
	r := &c.Rule
	var res Result
	hit := n*10000 >= int64(r.At)*d
	if hit {
		res.Points = min(r.Points, c.Max)
	}
	if !explain {
		return res
	}
	var buf [96]byte
	l := newLine(buf[:])
	_, a, b := l.fraction(n, d)
	if hit {
		l.s(" ≥ ").short(r.At).s("% → ").short(res.Points)
	} else {
		l.s(" < ").short(r.At).s("% → 0")
	}
	res.Working, res.Ratio = l.finish(a, b)
	return res
}

func allOrNothingRule(c *Criterion, n, d int64, explain bool) Result {
	var res Result
	if n >= d {
		res.Points = c.Max
	}
	if !explain {
		return res
	}
	var buf [96]byte
	l := newLine(buf[:])
	_, a, b := l.fraction(n, d)
	if n >= d {
		l.s(" → ").short(c.Max)
	} else {
		l.s(" < 100% → 0")
	}
	res.Working, res.Ratio = l.finish(a, b)
	return res
}

func tiersRule(c *Criterion, v int64, explain bool) Result {
	r := &c.Rule
	tier := -1
	for i, t := range r.Tiers {
		if v >= t.Min {
			tier = i
			break
		}
	}
	var res Result
	if tier >= 0 {
		res.Points = min(r.Tiers[tier].Points, c.Max)
	}
	if !explain {
		return res
	}
	var buf [96]byte
	l := newLine(buf[:]).n(v)
	if r.Kind == KindAmountTiers {
		l.s(" đ")
	} else if r.Noun != "" {
		l.s(" ").s(r.Noun)
	}
	switch {
	case tier >= 0 && r.Kind == KindAmountTiers && r.Tiers[tier].Min == 1:
		l.s(" > 0")
		if r.Kind == KindAmountTiers {
			l.s(" đ")
		}
		l.s(" → ").short(res.Points)
	case tier >= 0:
		l.s(" ≥ ").n(r.Tiers[tier].Min)
		if r.Kind == KindAmountTiers {
			l.s(" đ")
		}
		l.s(" → ").short(res.Points)
	case r.Kind == KindAmountTiers:
		l.s(" → 0")
	default:
		l.s(" < ").n(r.Tiers[len(r.Tiers)-1].Min).s(" → 0")
	}
	res.Working = l.String()
	return res
}

// perDayRule is R4: count ÷ working days; below 1 → 0; capped at the maximum.
func perDayRule(c *Criterion, count, days int64, explain bool) Result {
	rate := Fixed(roundDiv(count*100, days))
	var res Result
	branch := 0
	switch {
	case count < days:
	case count*100 >= int64(c.Max)*days:
		res.Points, branch = c.Max, 1
	default:
		res.Points, branch = rate, 2
	}
	if !explain {
		return res
	}
	var buf [128]byte
	l := newLine(buf[:]).n(count).s(" lần / ").n(days).s(" ngày làm việc = ").fx(rate)
	switch branch {
	case 0:
		l.s(" < 1 → 0")
	case 1:
		l.s(" ≥ ").short(c.Max).s(" → ").short(c.Max)
	default:
		l.s(" → ").fx(rate)
	}
	res.Working = l.String()
	return res
}

// dateRule awards the points of the first window the date falls in.
func dateRule(c *Criterion, v Value, year int, explain bool) Result {
	if v.Empty {
		return Result{Working: "không ban hành → 0"}
	}
	var end Date
	date := v.Date()
	for _, w := range c.Rule.Windows {
		end = Date{year + w.YearOffset, w.Month, w.Day}
		if !end.Before(date) {
			res := Result{Points: min(w.Points, c.Max)}
			if explain {
				res.Working = fmt.Sprintf("%s, %s (đến %s) → %s", date, w.Label, end, res.Points.Short())
			}
			return res
		}
	}
	if !explain {
		return Result{}
	}
	return Result{Working: fmt.Sprintf("%s sau %s → 0", date, end)}
}

// derivedRule is R6: (points of From ÷ maximum of From) × maximum of To.
func (s *Set) derivedRule(c *Criterion, pts []linePoints, appraised, explain bool) Result {
	var got Fixed
	for i, p := range pts {
		if contains(c.Rule.From, s.idx.criteria[i].Group) {
			if appraised {
				got += p.appraised
			} else {
				got += p.self
			}
		}
	}
	fromMax := s.groupsMax(c.Rule.From)
	toMax := s.groupsMax(c.Rule.To)
	p := min(Fixed(roundDiv(int64(got)*int64(toMax), int64(fromMax))), toMax)
	if !explain {
		return Result{Points: p}
	}
	var buf [96]byte
	w := newLine(buf[:]).s(strings.Join(c.Rule.From, " + ")).s(": ").fx(got).s(" / ").short(fromMax).s(" × ").short(toMax).s(" = ").fx(p)
	return Result{Points: p, Working: w.String()}
}
