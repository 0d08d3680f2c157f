package scoring

import (
	"fmt"
	"strings"
)

// SetError lists every problem found in a criteria set, each naming the
// criterion or figure it concerns.
type SetError struct {
	Annex    string
	Problems []string
}

func (e *SetError) Error() string {
	return fmt.Sprintf("criteria set %s is invalid:\n- %s", e.Annex, strings.Join(e.Problems, "\n- "))
}

// Validate checks a criteria set and derives the codes and indexes scoring
// needs. It refuses a broken set with every problem named: duplicate or
// missing codes, undeclared figures, figures of the wrong type for a rule,
// insane parameters, or maxima that do not sum to the set's total (100
// when the data names none) for every combination of unit flags.
func (s *Set) Validate() error {
	v := &setValidator{set: s}
	v.run()
	if len(v.problems) > 0 {
		return &SetError{Annex: s.Annex, Problems: v.problems}
	}
	return nil
}

type setValidator struct {
	set      *Set
	problems []string
}

func (v *setValidator) fail(where, format string, args ...any) {
	v.problems = append(v.problems, where+": "+fmt.Sprintf(format, args...))
}

func (v *setValidator) run() {
	s := v.set
	s.idx = index{
		figures: map[string]*Figure{},
		byCode:  map[string]*Criterion{},
		groups:  map[string]*Group{},
		deduct:  map[DeductionKind]*Deduction{},
	}
	if s.Annex == "" {
		v.fail("annex", "missing")
	}
	if s.Decision == "" {
		v.fail("decision", "missing")
	}
	if s.Total == 0 {
		s.Total = DefaultTotal
	}
	if s.Total < 0 {
		v.fail("total", "must be above 0, not %s", s.Total.Short())
	}
	flags := map[string]bool{}
	for _, f := range s.Flags {
		if f.Key == "" || flags[f.Key] {
			v.fail("flag "+f.Key, "empty or duplicate key")
		}
		flags[f.Key] = true
	}
	v.figures()
	v.sections(flags)
	for i := range s.Criteria() {
		v.rule(s.idx.criteria[i])
	}
	v.deductions()
	for _, ch := range s.Checks {
		for _, k := range append(append([]string{}, ch.Parts...), ch.Total) {
			if f := s.idx.figures[k]; f == nil || f.Type != TypeCount {
				v.fail("check", "figure %q is not a declared count", k)
			}
		}
	}
	if len(v.problems) == 0 {
		v.maxima()
	}
	if len(v.problems) == 0 {
		v.compile()
	}
}

// compile resolves figure keys to positions and caches, per combination of
// flags, which figures a unit must report.
func (v *setValidator) compile() {
	s := v.set
	s.idx.pos = make(map[string]int, len(s.Figures))
	for i, f := range s.Figures {
		s.idx.pos[f.Key] = i
	}
	positions := func(keys []string) []int {
		out := make([]int, len(keys))
		for i, k := range keys {
			out[i] = s.idx.pos[k]
		}
		return out
	}
	s.idx.ops = make([]ruleOps, len(s.idx.criteria))
	for i, c := range s.idx.criteria {
		r := &c.Rule
		s.idx.ops[i] = ruleOps{num: positions(r.Numerator), den: positions(r.Denominator), minus: positions(r.Minus),
			sum: positions(r.Sum), figs: positions(c.Figures), fig: s.idx.pos[r.Figure]}
		c.yesWorking = "Có → " + c.Max.Short()
	}
	s.idx.needed = map[string][]int{}
	s.idx.wanted = map[string][]bool{}
	s.idx.shown = map[string]int{}
	for mask := 0; mask < 1<<len(s.Flags); mask++ {
		var flags []string
		for i, f := range s.Flags {
			if mask&(1<<i) != 0 {
				flags = append(flags, f.Key)
			}
		}
		sortStrings(flags)
		key := strings.Join(flags, "\x00")
		s.idx.needed[key] = positions(s.neededKeys(flags))
		want := make([]bool, len(s.Figures))
		for _, p := range s.idx.needed[key] {
			want[p] = true
		}
		s.idx.wanted[key] = want
		shown := 0
		for _, c := range s.idx.criteria {
			if c.Applies(flags) {
				shown += len(c.Figures)
			}
		}
		s.idx.shown[key] = shown
	}
}

func (v *setValidator) figures() {
	s := v.set
	for i := range s.Figures {
		f := &s.Figures[i]
		where := "figure " + f.Key
		if f.Key == "" {
			v.fail("figure #"+fmt.Sprint(i+1), "missing key")
			continue
		}
		if s.idx.figures[f.Key] != nil {
			v.fail(where, "declared twice")
		}
		s.idx.figures[f.Key] = f
		if f.Label == "" {
			v.fail(where, "missing label")
		}
		switch f.Type {
		case TypeCount, TypeAmount, TypeDate, TypeBool:
			if len(f.Choices) > 0 {
				v.fail(where, "choices on a %s figure", f.Type)
			}
		case TypeChoice:
			if len(f.Choices) < 2 {
				v.fail(where, "a choice needs at least two options")
			}
		default:
			v.fail(where, "unknown type %q", f.Type)
		}
		if f.Max < 0 {
			v.fail(where, "negative max")
		}
	}
}

func (v *setValidator) sections(flags map[string]bool) {
	s := v.set
	seen := map[string]bool{}
	for si := range s.Sections {
		sec := &s.Sections[si]
		if sec.Code == "" || seen[sec.Code] {
			v.fail("section "+sec.Code, "empty or duplicate code")
		}
		seen[sec.Code] = true
		for gi := range sec.Groups {
			g := &sec.Groups[gi]
			s.idx.groups[sec.Code+"."+g.Number] = g
		}
		for ci := range sec.Criteria {
			c := &sec.Criteria[ci]
			c.Section = sec.Code
			c.Code = sec.Code + "." + c.Number
			c.Group = ""
			if head, _, ok := strings.Cut(c.Number, "."); ok {
				c.Group = sec.Code + "." + head
				if s.idx.groups[c.Group] == nil {
					v.fail(c.Code, "group %s is not declared in section %s", c.Group, sec.Code)
				}
			}
			if c.Number == "" || s.idx.byCode[c.Code] != nil {
				v.fail("criterion "+c.Code, "empty or duplicate code")
			}
			if c.Title == "" {
				v.fail(c.Code, "missing title")
			}
			if c.Max < 0 {
				v.fail(c.Code, "negative maximum")
			}
			for _, fl := range []string{c.AppliesIf, c.AppliesUnless} {
				if fl != "" && !flags[fl] {
					v.fail(c.Code, "flag %q is not declared", fl)
				}
			}
			for _, k := range c.Figures {
				if s.idx.figures[k] == nil {
					v.fail(c.Code, "figure %q is not declared", k)
				}
			}
			s.idx.byCode[c.Code] = c
			s.idx.criteria = append(s.idx.criteria, c)
			s.idx.section = append(s.idx.section, si)
		}
	}
	if len(s.idx.criteria) == 0 {
		v.fail("sections", "no criteria")
	}
}

// need checks that a rule's figures are declared, of the type, and listed
// among the criterion's figures.
func (v *setValidator) need(c *Criterion, role string, keys []string, types ...FigureType) {
	if len(keys) == 0 {
		v.fail(c.Code, "rule %s: %s is missing", c.Rule.Kind, role)
	}
	for _, k := range keys {
		f := v.set.idx.figures[k]
		switch {
		case f == nil:
			v.fail(c.Code, "rule %s: %s figure %q is not declared", c.Rule.Kind, role, k)
		case !typeIn(f.Type, types):
			v.fail(c.Code, "rule %s: %s figure %q is a %s, not %v", c.Rule.Kind, role, k, f.Type, types)
		case !contains(c.Figures, k):
			v.fail(c.Code, "rule %s: %s figure %q is not listed in the criterion's figures", c.Rule.Kind, role, k)
		}
	}
}

func typeIn(t FigureType, types []FigureType) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

func (v *setValidator) rule(c *Criterion) {
	r := &c.Rule
	percent := func(name string, p Fixed) {
		if p < 0 || p > Whole(1000) {
			v.fail(c.Code, "rule %s: %s %s%% is out of range", r.Kind, name, p.Short())
		}
	}
	one := func(role, key string, t FigureType) {
		if key == "" {
			v.fail(c.Code, "rule %s: %s is missing", r.Kind, role)
			return
		}
		v.need(c, role, []string{key}, t)
	}
	if r.Kind != KindDerived && c.Max <= 0 {
		v.fail(c.Code, "maximum must be above 0")
	}
	if r.WhenZero != "" {
		switch {
		case r.Kind != KindRatio && r.Kind != KindThreshold && r.Kind != KindAllOrNothing:
			v.fail(c.Code, "rule %s: when_zero applies only to rules with a denominator (ratio, threshold, all_or_nothing)", r.Kind)
		case r.WhenZero != WhenZeroZero:
			v.fail(c.Code, "rule %s: when_zero %q is not accepted (only %q, or leave it out)", r.Kind, r.WhenZero, WhenZeroZero)
		}
	}
	switch r.Kind {
	case KindRatio:
		v.need(c, "numerator", r.Numerator, TypeCount)
		v.need(c, "denominator", r.Denominator, TypeCount)
		if len(r.Minus) > 0 {
			v.need(c, "minus", r.Minus, TypeCount)
		}
		percent("floor", r.Floor)
		percent("full", r.Full)
		if r.Full <= 0 || r.Floor > r.Full {
			v.fail(c.Code, "rule ratio: need 0 ≤ floor ≤ full and full > 0 (floor %s, full %s)", r.Floor.Short(), r.Full.Short())
		}
	case KindThreshold:
		v.need(c, "numerator", r.Numerator, TypeCount)
		v.need(c, "denominator", r.Denominator, TypeCount)
		percent("at", r.At)
		if r.At <= 0 || r.Points <= 0 || r.Points > c.Max {
			v.fail(c.Code, "rule threshold: need at > 0 and 0 < points ≤ maximum")
		}
	case KindAllOrNothing:
		v.need(c, "numerator", r.Numerator, TypeCount)
		v.need(c, "denominator", r.Denominator, TypeCount)
	case KindCountTiers, KindAmountTiers:
		t := TypeCount
		if r.Kind == KindAmountTiers {
			t = TypeAmount
		}
		v.need(c, "sum", r.Sum, t)
		if len(r.Tiers) == 0 {
			v.fail(c.Code, "rule %s: no tiers", r.Kind)
		}
		for i, tier := range r.Tiers {
			if tier.Min <= 0 || tier.Points <= 0 || tier.Points > c.Max || (i > 0 && (tier.Min >= r.Tiers[i-1].Min || tier.Points >= r.Tiers[i-1].Points)) {
				v.fail(c.Code, "rule %s: tier %d must have min > 0, 0 < points ≤ maximum, and both below the tier before", r.Kind, i+1)
			}
		}
	case KindYesNo:
		one("figure", r.Figure, TypeBool)
	case KindPerDay:
		one("figure", r.Figure, TypeCount)
	case KindDateWindow:
		one("figure", r.Figure, TypeDate)
		if len(r.Windows) == 0 {
			v.fail(c.Code, "rule date_window: no windows")
		}
		for i, w := range r.Windows {
			if w.Month < 1 || w.Month > 12 || w.Day < 1 || w.Day > 31 || w.Points <= 0 || w.Points > c.Max ||
				(i > 0 && (w.YearOffset*10000+w.Month*100+w.Day <= r.Windows[i-1].YearOffset*10000+r.Windows[i-1].Month*100+r.Windows[i-1].Day)) {
				v.fail(c.Code, "rule date_window: window %d must be a valid day after the one before with 0 < points ≤ maximum", i+1)
			}
		}
	case KindChoice:
		one("figure", r.Figure, TypeChoice)
		if f := v.set.idx.figures[r.Figure]; f != nil && f.Type == TypeChoice {
			if len(r.Options) != len(f.Choices) {
				v.fail(c.Code, "rule choice: points must be given for each of the %d options", len(f.Choices))
			}
			for _, ch := range f.Choices {
				p, ok := r.Options[ch.Key]
				if !ok || p < 0 || p > c.Max {
					v.fail(c.Code, "rule choice: option %q needs points between 0 and the maximum", ch.Key)
				}
			}
		}
	case KindDerived:
		if c.Max != 0 {
			v.fail(c.Code, "rule derived: the maximum comes from the target groups; set max 0")
		}
		if c.AppliesIf == "" {
			v.fail(c.Code, "rule derived: must apply only under a flag (applies_if)")
		}
		for _, g := range append(append([]string{}, r.From...), r.To...) {
			if v.set.idx.groups[g] == nil {
				v.fail(c.Code, "rule derived: group %q is not declared", g)
			}
		}
		if len(r.From) == 0 || len(r.To) == 0 {
			v.fail(c.Code, "rule derived: needs from and to groups")
		}
	default:
		v.fail(c.Code, "unknown rule kind %q", r.Kind)
	}
}

func (v *setValidator) deductions() {
	s := v.set
	for i := range s.Deductions {
		d := &s.Deductions[i]
		d.Code = s.DeductSect + "." + d.Number
		switch d.Kind {
		case DeductLate, DeductQuality, DeductFreeEmail:
		default:
			v.fail("deduction "+d.Code, "unknown kind %q", d.Kind)
		}
		if s.idx.deduct[d.Kind] != nil {
			v.fail("deduction "+d.Code, "kind %q appears twice", d.Kind)
		}
		if d.Points <= 0 || d.Title == "" {
			v.fail("deduction "+d.Code, "needs points above 0 and a title")
		}
		s.idx.deduct[d.Kind] = d
	}
	if s.DeductSect == "" {
		v.fail("deduction_section", "missing")
	}
}

// maxima checks that the applicable maxima sum to the set's total for every
// combination of flags (R6 moves points between lines, never changes the
// total).
func (v *setValidator) maxima() {
	s := v.set
	n := len(s.Flags)
	if n > 8 {
		v.fail("flags", "at most 8 flags")
		return
	}
	for mask := 0; mask < 1<<n; mask++ {
		var flags []string
		for i, f := range s.Flags {
			if mask&(1<<i) != 0 {
				flags = append(flags, f.Key)
			}
		}
		var sum Fixed
		for _, c := range s.idx.criteria {
			sum += s.EffectiveMax(c, flags)
		}
		if sum != s.Total {
			v.fail("maxima", "sum to %s, not %s (the set's total), for a unit with flags %v", sum.Short(), s.Total.Short(), flags)
		}
	}
}
