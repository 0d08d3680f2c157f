package scoring_test

import (
	"errors"
	"fmt"
	"math/big"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

func sets(t testing.TB) []*scoring.Set {
	t.Helper()
	return []*scoring.Set{templates.MustLoad(scoring.AnnexPL01), templates.MustLoad(scoring.AnnexPL02)}
}

var settings2026 = scoring.DefaultSettings(2026)

// oracle computes R2 independently of the engine with big rationals:
// ratio ≥ full → max; ratio ≥ floor → ratio × max / full rounded half-up to
// two places; else 0.
func oracle(n, d int64, floor, full, maxPts scoring.Fixed) scoring.Fixed {
	ratio := new(big.Rat).SetFrac64(n*100, d)
	fl := new(big.Rat).SetFrac64(int64(floor), 100)
	fu := new(big.Rat).SetFrac64(int64(full), 100)
	m := new(big.Rat).SetFrac64(int64(maxPts), 100)
	switch {
	case ratio.Cmp(fu) >= 0:
		return maxPts
	case ratio.Cmp(fl) >= 0:
		p := new(big.Rat).Mul(ratio, m)
		p.Quo(p, fu)
		p.Mul(p, big.NewRat(100, 1))
		p.Add(p, big.NewRat(1, 2)) // half up, p ≥ 0
		q := new(big.Int).Quo(p.Num(), p.Denom())
		return scoring.Fixed(q.Int64())
	}
	return 0
}

// fractionFigures sets the first numerator and denominator figures and
// zeroes the rest of the rule's figures.
func fractionFigures(c *scoring.Criterion, n, d int64) map[string]any {
	r := c.Rule
	raw := map[string]any{}
	for _, k := range c.Figures {
		raw[k] = int64(0)
	}
	for i, k := range r.Numerator {
		raw[k] = int64(0)
		if i == 0 {
			raw[k] = n
		}
	}
	for i, k := range r.Denominator {
		if _, shared := raw[k]; !shared {
			raw[k] = int64(0)
		}
		if i == 0 {
			raw[k] = d
		}
	}
	for _, k := range r.Minus {
		raw[k] = int64(0)
	}
	return raw
}

func codeOf(err error) string {
	var ve *scoring.ValidationError
	if errors.As(err, &ve) && len(ve.Errors) > 0 {
		return ve.Errors[0].Code
	}
	return ""
}

func TestR2_EveryRatioCriterionAtItsBoundaries(t *testing.T) {
	const d = 10000 // 1 figure = 0,01 %
	for _, set := range sets(t) {
		for _, c := range set.Criteria() {
			if c.Rule.Kind != scoring.KindRatio {
				continue
			}
			r := c.Rule
			floorN := int64(r.Floor) // floor% of 10000
			fullN := int64(r.Full)
			cases := map[string]int64{
				"at floor": floorN,
				"between":  (floorN+fullN)/2 + 7,
				"at full":  fullN,
				"zero":     0,
			}
			if floorN > 0 {
				cases["below floor"] = floorN - 1
			}
			if fullN > 0 {
				cases["just below full"] = fullN - 1
			}
			if fullN < d {
				cases["above full"] = min(d, fullN+123)
			}
			if r.AllowOver {
				cases["above 100%"] = d + 2500
			}
			for name, n := range cases {
				t.Run(fmt.Sprintf("%s/%s/%s", set.Annex, c.Code, name), func(t *testing.T) {
					got, err := set.Evaluate(c.Code, fractionFigures(c, n, d), &settings2026)
					if err != nil {
						t.Fatal(err)
					}
					if want := oracle(n, d, r.Floor, r.Full, c.Max); got.Points != want {
						t.Errorf("%d/%d: got %s, want %s (%s)", n, d, got.Points, want, got.Working)
					}
					if got.Points > c.Max || got.Points < 0 {
						t.Errorf("points %s outside 0..%s", got.Points, c.Max)
					}
				})
			}
			t.Run(fmt.Sprintf("%s/%s/zero denominator", set.Annex, c.Code), func(t *testing.T) {
				got, err := set.Evaluate(c.Code, fractionFigures(c, 0, 0), &settings2026)
				if r.WhenZero == scoring.WhenZeroZero {
					// R11: nothing arose in the year
					if err != nil || got.Points != 0 || got.Working != "0/0 — không phát sinh → 0" {
						t.Fatalf("got %v %q %v, want 0 with the working 0/0 — không phát sinh → 0", got.Points, got.Working, err)
					}
					return
				}
				if codeOf(err) != scoring.ErrZeroDenominator {
					t.Fatalf("got %v, want a zero_denominator error", err)
				}
			})
			t.Run(fmt.Sprintf("%s/%s/numerator above denominator", set.Annex, c.Code), func(t *testing.T) {
				res, err := set.Evaluate(c.Code, fractionFigures(c, d+1, d), &settings2026)
				if r.AllowOver {
					if err != nil || res.Points != c.Max {
						t.Fatalf("R2 allows more computers than staff: got %v %v", res.Points, err)
					}
					return
				}
				if codeOf(err) != scoring.ErrExceeds {
					t.Fatalf("got %v, want an exceeds error", err)
				}
			})
		}
	}
}

func TestR2_WorkingLineShowsTheFormula(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	got, err := set.Evaluate("II.1.2", map[string]any{"docs_in": 7, "docs_in_updated": 6}, &settings2026)
	if err != nil {
		t.Fatal(err)
	}
	want := "6/7 = 85,71% ≥ 70% → 85,71 × 3 / 90 = 2,86"
	if got.Working != want || got.Points != 286 || got.Ratio != "85,71%" {
		t.Fatalf("got %q (%s, %s), want %q", got.Working, got.Points, got.Ratio, want)
	}
}

func TestR2_RulingsOnOddCriteria(t *testing.T) {
	pl01 := templates.MustLoad(scoring.AnnexPL01)
	pl02 := templates.MustLoad(scoring.AnnexPL02)
	cases := []struct {
		set         *scoring.Set
		code        string
		floor, full int64
	}{
		{pl01, "I.5", 50, 80},
		{pl01, "II.5.2", 0, 10},
		{pl01, "II.5.3", 0, 15},
		{pl02, "II.5.2", 0, 10},
		{pl02, "II.5.3", 0, 15},
		{pl02, "II.3", 0, 80},
		{pl01, "III.5", 0, 100},
		{pl02, "III.5", 0, 100},
		{pl02, "V.7.3", 60, 100},
		{pl02, "V.4", 50, 70},
		{pl02, "II.1.3", 70, 90},
	}
	for _, c := range cases {
		r := c.set.Criterion(c.code).Rule
		if r.Kind != scoring.KindRatio || r.Floor != scoring.Whole(c.floor) || r.Full != scoring.Whole(c.full) {
			t.Errorf("%s %s: %s floor %s full %s, want ratio %d/%d", c.set.Annex, c.code, r.Kind, r.Floor, r.Full, c.floor, c.full)
		}
	}
}

func TestR1_MaximumWinsOverTheSeedsHigherFigure(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	// II.5.3: "Đạt từ 15% trở lên: 4" but the maximum is 3,0.
	got, err := set.Evaluate("II.5.3", map[string]any{"results_total": 100, "results_post": 40}, &settings2026)
	if err != nil || got.Points != scoring.Whole(3) {
		t.Fatalf("got %v, %v; want 3", got.Points, err)
	}
}

func TestR3_InternetRatioExcludesClassifiedComputers(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	raw := map[string]any{"computers_internet": 95, "desktops": 80, "laptops": 20, "computers_classified": 5}
	got, err := set.Evaluate("I.2", raw, &settings2026)
	if err != nil || got.Points != scoring.Whole(3) {
		t.Fatalf("95 of 100−5 computers is 100%%: got %v %v (%s)", got.Points, err, got.Working)
	}
	raw["computers_classified"] = 100
	if _, err := set.Evaluate("I.2", raw, &settings2026); codeOf(err) != scoring.ErrZeroDenominator {
		t.Fatalf("all computers classified: got %v", err)
	}
}

func TestR4_PerWorkingDay(t *testing.T) {
	st := settings2026
	st.WorkingDays = 200
	for _, set := range sets(t) {
		cases := map[int64]scoring.Fixed{0: 0, 199: 0, 200: 100, 301: 151, 399: 200, 400: 200, 599: 200, 600: 200, 5000: 200}
		for n, want := range cases {
			got, err := set.Evaluate("II.2.5", map[string]any{"mailbox_accesses": n}, &st)
			if err != nil || got.Points != want {
				t.Errorf("%s %d accesses / 200 days: got %v %v, want %v", set.Annex, n, got.Points, err, want)
			}
		}
		st0 := st
		st0.WorkingDays = 0
		if _, err := set.Evaluate("II.2.5", map[string]any{"mailbox_accesses": 10}, &st0); err == nil {
			t.Errorf("%s: zero working days accepted", set.Annex)
		}
	}
}

func TestR4_DefaultWorkingDays(t *testing.T) {
	// 2026: 1 January (Thursday) to 15 November (Sunday) has 227 weekdays;
	// 1/1, 30/4, 1/5 and 2/9 all fall on weekdays.
	if got := scoring.WorkingDays(2026, scoring.Date{Year: 2026, Month: 11, Day: 15}, nil); got != 227 {
		t.Errorf("weekdays = %d, want 227", got)
	}
	if got := scoring.DefaultSettings(2026).WorkingDays; got != 223 {
		t.Errorf("default working days = %d, want 223", got)
	}
	// A holiday on a Saturday (2026-08-01) changes nothing.
	if got := scoring.WorkingDays(2026, scoring.Date{Year: 2026, Month: 11, Day: 15}, []scoring.Date{{Year: 2026, Month: 8, Day: 1}}); got != 227 {
		t.Errorf("a Saturday holiday removed a working day: %d", got)
	}
}

func TestR5_StepTierAndYesNoRules(t *testing.T) {
	pl01 := templates.MustLoad(scoring.AnnexPL01)
	pl02 := templates.MustLoad(scoring.AnnexPL02)
	type tc struct {
		set  *scoring.Set
		code string
		raw  map[string]any
		want scoring.Fixed
	}
	cases := []tc{
		{pl02, "I.5.2", map[string]any{"offices": 10, "offices_firewall": 3}, 100},
		{pl02, "I.5.2", map[string]any{"offices": 1000, "offices_firewall": 299}, 0},
		{pl01, "II.3", map[string]any{"online_meetings": 0}, 0},
		{pl01, "II.3", map[string]any{"online_meetings": 1}, 100},
		{pl01, "II.3", map[string]any{"online_meetings": 2}, 200},
		{pl01, "II.3", map[string]any{"online_meetings": 40}, 200},
		{pl01, "II.4.1", map[string]any{"procedures": 120, "procedures_l12": 120}, 300},
		{pl01, "II.4.1", map[string]any{"procedures": 120, "procedures_l12": 119}, 0},
		{pl02, "II.4.1", map[string]any{"procedures": 80, "procedures_l12": 80}, 200},
		{pl01, "II.8", map[string]any{"open_source": 1}, 0},
		{pl01, "II.8", map[string]any{"open_source": 2}, 100},
		{pl01, "II.8", map[string]any{"open_source": 3}, 200},
		{pl02, "II.7", map[string]any{"open_source": 2}, 100},
		{pl02, "II.7", map[string]any{"open_source": 3}, 200},
		{pl01, "III.1", map[string]any{"it_officer": true, "it_staff": 1}, 200},
		{pl01, "III.1", map[string]any{"it_officer": "Không", "it_staff": 0}, 0},
		{pl01, "III.2", map[string]any{"security_officer": false}, 0},
		{pl01, "III.3", map[string]any{"it_staff_postgrad": 0, "it_staff_university": 1, "it_staff_college": 0, "it_staff_vocational": 0}, 100},
		{pl01, "III.3", map[string]any{"it_staff_postgrad": 1, "it_staff_university": 0, "it_staff_college": 0, "it_staff_vocational": 0}, 100},
		{pl01, "III.3", map[string]any{"it_staff_postgrad": 0, "it_staff_university": 0, "it_staff_college": 2, "it_staff_vocational": 1}, 0},
		{pl01, "III.4", map[string]any{"training": "full"}, 200},
		{pl01, "III.4", map[string]any{"training": "partial"}, 100},
		{pl01, "III.4", map[string]any{"training": "Không tham gia"}, 0},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": "2025-12-31"}, 400},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": "2025-10-01"}, 400},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": "01/01/2026"}, 200},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": "2026-01-31"}, 200},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": "2026-02-01"}, 0},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": nil}, 0},
		{pl01, "IV.2.1", map[string]any{"it_plan_date": ""}, 0},
		{pl01, "IV.4", map[string]any{"it_budget": 200_000_000}, 200},
		{pl01, "IV.4", map[string]any{"it_budget": 199_999_999}, 100},
		{pl01, "IV.4", map[string]any{"it_budget": 1}, 100},
		{pl01, "IV.4", map[string]any{"it_budget": 0}, 0},
		{pl02, "IV.4", map[string]any{"it_budget": 499_999_999}, 100},
		{pl02, "IV.4", map[string]any{"it_budget": 500_000_000}, 200},
		{pl02, "I.5.1", map[string]any{"district_firewall": true}, 200},
		{pl01, "IV.1", map[string]any{"steering_committee": true}, 300},
		{pl01, "IV.3", map[string]any{"it_in_reform_plan": true}, 200},
		{pl01, "II.7", map[string]any{"specialised_software": true}, 100},
	}
	for _, c := range cases {
		got, err := c.set.Evaluate(c.code, c.raw, &settings2026)
		if err != nil || got.Points != c.want {
			t.Errorf("%s %s %v: got %v %v, want %v (%s)", c.set.Annex, c.code, c.raw, got.Points, err, c.want, got.Working)
		}
	}
}

func TestR5_RuleKindsMatchTheRulings(t *testing.T) {
	want := map[string]scoring.RuleKind{
		"PL01 III.1": scoring.KindYesNo, "PL01 III.2": scoring.KindYesNo, "PL01 IV.1": scoring.KindYesNo,
		"PL01 IV.3": scoring.KindYesNo, "PL01 II.7": scoring.KindYesNo, "PL02 I.5.1": scoring.KindYesNo,
		"PL02 I.5.2": scoring.KindThreshold, "PL01 II.3": scoring.KindCountTiers, "PL01 II.4.1": scoring.KindAllOrNothing,
		"PL02 II.4.1": scoring.KindAllOrNothing, "PL01 II.8": scoring.KindCountTiers, "PL02 II.7": scoring.KindCountTiers,
		"PL01 III.3": scoring.KindCountTiers, "PL01 III.4": scoring.KindChoice, "PL01 IV.2.1": scoring.KindDateWindow,
		"PL01 IV.4": scoring.KindAmountTiers, "PL02 IV.4": scoring.KindAmountTiers, "PL01 II.2.5": scoring.KindPerDay,
		"PL02 II.2.5": scoring.KindPerDay, "PL02 II.6": scoring.KindYesNo, "PL01 II.6": scoring.KindDerived,
	}
	for _, set := range sets(t) {
		for _, c := range set.Criteria() {
			if k, ok := want[set.Annex+" "+c.Code]; ok && c.Rule.Kind != k {
				t.Errorf("%s %s: kind %s, want %s", set.Annex, c.Code, c.Rule.Kind, k)
			}
			if c.Rule.Kind == scoring.KindRatio || c.Rule.Kind == scoring.KindDerived {
				continue
			}
			if _, ok := want[set.Annex+" "+c.Code]; !ok && c.Section != "III" && c.Section != "IV" {
				t.Errorf("%s %s: rule %s is not covered by this test", set.Annex, c.Code, c.Rule.Kind)
			}
		}
	}
}

func TestEvaluateRefusesBadFigures(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	cases := map[string]struct {
		raw  map[string]any
		code string
	}{
		"negative":   {map[string]any{"docs_in": -1, "docs_in_updated": 0}, scoring.ErrNegative},
		"not number": {map[string]any{"docs_in": "nhiều", "docs_in_updated": 0}, scoring.ErrNotNumber},
		"fraction":   {map[string]any{"docs_in": 10.5, "docs_in_updated": 0}, scoring.ErrNotNumber},
		"missing":    {map[string]any{"docs_in_updated": 3}, scoring.ErrRequired},
		"too large":  {map[string]any{"docs_in": int64(2_000_000_000), "docs_in_updated": 0}, scoring.ErrTooLarge},
	}
	for name, c := range cases {
		_, err := set.Evaluate("II.1.2", c.raw, &settings2026)
		if codeOf(err) != c.code {
			t.Errorf("%s: got %v, want %s", name, err, c.code)
		}
	}
	if _, err := set.Evaluate("II.6", nil, &settings2026); err == nil {
		t.Error("derived criterion evaluated alone")
	}
	if _, err := set.Evaluate("IX.9", nil, &settings2026); err == nil {
		t.Error("unknown criterion evaluated")
	}
}

func TestTierWorkingLines(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	cases := map[string]struct {
		code string
		raw  map[string]any
		want string
	}{
		"amount above":  {"IV.4", map[string]any{"it_budget": 314_000_000}, "314.000.000 đ ≥ 200.000.000 đ → 2"},
		"amount some":   {"IV.4", map[string]any{"it_budget": 5_000_000}, "5.000.000 đ > 0 đ → 1"},
		"amount none":   {"IV.4", map[string]any{"it_budget": 0}, "0 đ → 0"},
		"meetings":      {"II.3", map[string]any{"online_meetings": 1}, "1 cuộc họp ≥ 1 → 1"},
		"meetings none": {"II.3", map[string]any{"online_meetings": 0}, "0 cuộc họp < 1 → 0"},
		"per day":       {"II.2.5", map[string]any{"mailbox_accesses": 300}, "300 lần / 223 ngày làm việc = 1,35 → 1,35"},
	}
	for name, c := range cases {
		got, err := set.Evaluate(c.code, c.raw, &settings2026)
		if err != nil || got.Working != c.want {
			t.Errorf("%s: %q %v, want %q", name, got.Working, err, c.want)
		}
	}
}
