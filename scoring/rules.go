package scoring

import (
	"fmt"
	"strconv"
	"strings"
)

// Result is one criterion's points for one set of figures, with the working
// an appraiser can check by hand.
type Result struct {
	Points  Fixed  `json:"points"`
	Ratio   string `json:"ratio,omitempty"` // "85,71%", for ratio rules
	Working string `json:"working"`         // "6/7 = 85,71% ≥ 70% → 85,71 × 3 / 90 = 2,86"
}

// figures is a parsed set of figure values for one unit.
type figures map[string]Value

func (f figures) sum(keys []string) int64 {
	var n int64
	for _, k := range keys {
		n += f[k].Int
	}
	return n
}

// ruleError builds the field error of a rule that cannot be evaluated.
func (s *Set) ruleError(c *Criterion, key, code, vi, en string) *FieldError {
	fe := &FieldError{Field: "figures." + key, Code: code, Criteria: []string{c.Code}, Message: vi, MessageEN: en}
	if f := s.idx.figures[key]; f != nil {
		fe.Label = f.Label
	}
	return fe
}

// evaluate scores one applicable, non-derived criterion.
func (s *Set) evaluate(c *Criterion, f figures, st *Settings) (Result, *FieldError) {
	r := &c.Rule
	switch r.Kind {
	case KindRatio, KindThreshold, KindAllOrNothing:
		n, d, fe := s.fraction(c, f)
		if fe != nil {
			return Result{}, fe
		}
		switch r.Kind {
		case KindRatio:
			return ratioRule(c, n, d), nil
		case KindThreshold:
			return thresholdRule(c, n, d), nil
		}
		return allOrNothingRule(c, n, d), nil
	case KindCountTiers, KindAmountTiers:
		return tiersRule(c, f.sum(r.Sum)), nil
	case KindYesNo:
		if f[r.Figure].Bool {
			return Result{Points: c.Max, Working: "Có → " + c.Max.Short()}, nil
		}
		return Result{Working: "Không → 0"}, nil
	case KindPerDay:
		if st.WorkingDays <= 0 {
			return Result{}, &FieldError{Field: "settings.working_days", Code: ErrInvalid, Criteria: []string{c.Code},
				Message: "số ngày làm việc của đợt đánh giá phải lớn hơn 0", MessageEN: "the campaign's working days must be above 0"}
		}
		return perDayRule(c, f[r.Figure].Int, int64(st.WorkingDays)), nil
	case KindDateWindow:
		return dateRule(c, f[r.Figure], st.Year), nil
	case KindChoice:
		v := f[r.Figure]
		p := min(r.Options[v.Choice], c.Max)
		return Result{Points: p, Working: v.Display(s.idx.figures[r.Figure]) + " → " + p.Short()}, nil
	}
	return Result{}, &FieldError{Field: c.Code, Code: ErrInvalid, Message: "quy tắc không hỗ trợ", MessageEN: "unsupported rule"}
}

// fraction returns Σnumerator and Σdenominator − Σminus, refusing a zero
// denominator and, unless allowed, a numerator above it (R2).
func (s *Set) fraction(c *Criterion, f figures) (int64, int64, *FieldError) {
	r := &c.Rule
	n := f.sum(r.Numerator)
	d := f.sum(r.Denominator) - f.sum(r.Minus)
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
			fmt.Sprintf("must not exceed %s (%d > %d)", r.Denominator[0], n, d))
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

func fractionText(n, d int64) (string, Fixed) {
	ratio := RatioPercent(n, d)
	return GroupThousands(n) + "/" + GroupThousands(d) + " = " + ratio.String() + "%", ratio
}

// ratioRule is R2: at or above full → max; from floor → ratio × max / full; below → 0.
func ratioRule(c *Criterion, n, d int64) Result {
	r := &c.Rule
	text, ratio := fractionText(n, d)
	res := Result{Ratio: ratio.String() + "%"}
	switch {
	case n*10000 >= int64(r.Full)*d:
		res.Points = c.Max
		res.Working = fmt.Sprintf("%s ≥ %s%% → %s", text, r.Full.Short(), c.Max.Short())
	case n*10000 >= int64(r.Floor)*d:
		res.Points = min(Fixed(roundDiv(10000*n*int64(c.Max), d*int64(r.Full))), c.Max)
		cmp := fmt.Sprintf("≥ %s%%", r.Floor.Short())
		if r.Floor == 0 {
			cmp = fmt.Sprintf("< %s%%", r.Full.Short())
		}
		res.Working = fmt.Sprintf("%s %s → %s × %s / %s = %s", text, cmp, ratio.String(), c.Max.Short(), r.Full.Short(), res.Points.String())
	default:
		res.Working = fmt.Sprintf("%s < %s%% → 0", text, r.Floor.Short())
	}
	return res
}

func thresholdRule(c *Criterion, n, d int64) Result {
	r := &c.Rule
	text, ratio := fractionText(n, d)
	res := Result{Ratio: ratio.String() + "%"}
	if n*10000 >= int64(r.At)*d {
		res.Points = min(r.Points, c.Max)
		res.Working = fmt.Sprintf("%s ≥ %s%% → %s", text, r.At.Short(), res.Points.Short())
	} else {
		res.Working = fmt.Sprintf("%s < %s%% → 0", text, r.At.Short())
	}
	return res
}

func allOrNothingRule(c *Criterion, n, d int64) Result {
	text, ratio := fractionText(n, d)
	res := Result{Ratio: ratio.String() + "%"}
	if n >= d {
		res.Points = c.Max
		res.Working = fmt.Sprintf("%s → %s", text, c.Max.Short())
	} else {
		res.Working = text + " < 100% → 0"
	}
	return res
}

func tiersRule(c *Criterion, v int64) Result {
	r := &c.Rule
	show := func(x int64) string {
		if r.Kind == KindAmountTiers {
			return GroupThousands(x) + " đ"
		}
		if r.Noun != "" {
			return GroupThousands(x) + " " + r.Noun
		}
		return GroupThousands(x)
	}
	for _, t := range r.Tiers {
		if v >= t.Min {
			p := min(t.Points, c.Max)
			return Result{Points: p, Working: fmt.Sprintf("%s ≥ %s → %s", show(v), strconv.FormatInt(t.Min, 10), p.Short())}
		}
	}
	last := r.Tiers[len(r.Tiers)-1].Min
	if r.Kind == KindAmountTiers {
		return Result{Working: fmt.Sprintf("%s → 0", show(v))}
	}
	return Result{Working: fmt.Sprintf("%s < %d → 0", show(v), last)}
}

// perDayRule is R4: count ÷ working days; below 1 → 0; capped at the maximum.
func perDayRule(c *Criterion, count, days int64) Result {
	rate := Fixed(roundDiv(count*100, days))
	text := fmt.Sprintf("%s lần / %s ngày làm việc = %s", GroupThousands(count), GroupThousands(days), rate.String())
	switch {
	case count < days:
		return Result{Working: text + " < 1 → 0"}
	case count*100 >= int64(c.Max)*days:
		return Result{Points: c.Max, Working: fmt.Sprintf("%s ≥ %s → %s", text, c.Max.Short(), c.Max.Short())}
	}
	return Result{Points: rate, Working: text + " → " + rate.String()}
}

// dateRule awards the points of the first window the date falls in.
func dateRule(c *Criterion, v Value, year int) Result {
	if v.Empty {
		return Result{Working: "không ban hành → 0"}
	}
	var end Date
	for _, w := range c.Rule.Windows {
		end = Date{year + w.YearOffset, w.Month, w.Day}
		if !end.Before(v.Date) {
			p := min(w.Points, c.Max)
			return Result{Points: p, Working: fmt.Sprintf("%s, %s (đến %s) → %s", v.Date, w.Label, end, p.Short())}
		}
	}
	return Result{Working: fmt.Sprintf("%s sau %s → 0", v.Date, end)}
}

// derivedRule is R6: (points of From ÷ maximum of From) × maximum of To.
func (s *Set) derivedRule(c *Criterion, lines []Line, appraised bool) Result {
	var got Fixed
	for _, l := range lines {
		if contains(c.Rule.From, l.Group) {
			if appraised {
				got += l.Appraised.Points
			} else {
				got += l.Self.Points
			}
		}
	}
	fromMax := s.groupsMax(c.Rule.From)
	toMax := s.groupsMax(c.Rule.To)
	p := Fixed(roundDiv(int64(got)*int64(toMax), int64(fromMax)))
	p = min(p, toMax)
	return Result{Points: p, Working: fmt.Sprintf("%s: %s / %s × %s = %s", joinCodes(c.Rule.From), got.String(), fromMax.Short(), toMax.Short(), p.String())}
}

func joinCodes(codes []string) string {
	s := ""
	for i, c := range codes {
		if i > 0 {
			s += " + "
		}
		s += c
	}
	return s
}
