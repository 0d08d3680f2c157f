package scoring_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ictindex/scoring"
)

// tinySet is a small valid set of one annex: a ratio, a threshold and an
// all-or-nothing rule over their own figures, with maxima summing to total.
// Its annex code is neither PL01 nor PL02: annex codes are data.
func tinySet(total scoring.Fixed, whenZero string) *scoring.Set {
	count := func(key string) scoring.Figure {
		return scoring.Figure{Key: key, Label: "Số " + key, Type: scoring.TypeCount}
	}
	third := total / 4
	return &scoring.Set{
		Decision: "1/QĐ-UBND", Annex: "PL09", Total: total, DeductSect: "II", DeductTitle: "TRỪ ĐIỂM",
		Figures: []scoring.Figure{count("staff"), count("trained"), count("docs"), count("docs_done"),
			count("apps"), count("apps_post"), count("procs"), count("procs_online"), count("reserved")},
		Deductions: []scoring.Deduction{{Number: "1", Kind: scoring.DeductLate, Points: 50, Title: "Gửi muộn"}},
		Sections: []scoring.Section{{Code: "I", Title: "MỤC", Criteria: []scoring.Criterion{
			{Number: "1", Title: "Tỷ lệ cán bộ được đào tạo", Max: third, Figures: []string{"staff", "trained"},
				Rule: scoring.Rule{Kind: scoring.KindRatio, Numerator: []string{"trained"}, Denominator: []string{"staff"}, Full: scoring.Whole(100)}},
			{Number: "2", Title: "Tỷ lệ văn bản xử lý", Max: third, Figures: []string{"docs", "docs_done", "reserved"},
				Rule: scoring.Rule{Kind: scoring.KindRatio, Numerator: []string{"docs_done"}, Denominator: []string{"docs"}, Minus: []string{"reserved"},
					Floor: scoring.Whole(50), Full: scoring.Whole(90), WhenZero: whenZero}},
			{Number: "3", Title: "Tỷ lệ hồ sơ qua bưu chính", Max: third, Figures: []string{"apps", "apps_post"},
				Rule: scoring.Rule{Kind: scoring.KindThreshold, Numerator: []string{"apps_post"}, Denominator: []string{"apps"},
					At: scoring.Whole(30), Points: third, WhenZero: whenZero}},
			{Number: "4", Title: "Thủ tục trực tuyến", Max: total - 3*third, Figures: []string{"procs", "procs_online"},
				Rule: scoring.Rule{Kind: scoring.KindAllOrNothing, Numerator: []string{"procs_online"}, Denominator: []string{"procs"}, WhenZero: whenZero}},
		}}},
	}
}

func tinySubmission(figures map[string]any) *scoring.Submission {
	at := time.Date(2026, 11, 18, 9, 0, 0, 0, scoring.Vietnam)
	return &scoring.Submission{Unit: scoring.Unit{Code: "X", Name: "Đơn vị X"}, Annex: "PL09", Year: 2026, Figures: figures, SubmittedAt: &at}
}

// nothingArose has the R11 denominators at 0 and the staff ratio complete.
func nothingArose() map[string]any {
	return map[string]any{"staff": 10, "trained": 10, "docs": 0, "docs_done": 0, "reserved": 0,
		"apps": 0, "apps_post": 0, "procs": 0, "procs_online": 0}
}

func TestR11_WhenZeroScoresZeroWithItsWorking(t *testing.T) {
	set := tinySet(scoring.Whole(100), scoring.WhenZeroZero)
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	st := scoring.DefaultSettings(2026)
	sh, err := set.Score(tinySubmission(nothingArose()), &st)
	if err != nil {
		t.Fatalf("R11: a unit with nothing arisen must be able to submit: %v", err)
	}
	sh.Explain()
	for _, l := range sh.Lines {
		if l.Code == "I.1" {
			if l.Self.Points != scoring.Whole(25) {
				t.Errorf("I.1: got %s, want 25", l.Self.Points)
			}
			continue
		}
		if l.Self.Points != 0 || l.Appraised.Points != 0 {
			t.Errorf("%s: got %s / %s, want 0", l.Code, l.Self.Points, l.Appraised.Points)
		}
		if want := "0/0 — không phát sinh → 0"; l.Self.Working != want || l.Appraised.Working != want {
			t.Errorf("%s: working %q, want %q", l.Code, l.Self.Working, want)
		}
		if l.Self.Ratio != "" {
			t.Errorf("%s: ratio %q for 0/0", l.Code, l.Self.Ratio)
		}
	}
	if sh.SelfTotal != scoring.Whole(25) {
		t.Errorf("total %s, want 25", sh.SelfTotal)
	}
	// The live score of one criterion says the same.
	res, err := set.Evaluate("I.3", map[string]any{"apps": 0, "apps_post": 0}, &st)
	if err != nil || res.Points != 0 || !strings.Contains(res.Working, "không phát sinh") {
		t.Fatalf("Evaluate: got %v %q %v", res.Points, res.Working, err)
	}
	// The effective denominator counts: all documents reserved is 0 too.
	res, err = set.Evaluate("I.2", map[string]any{"docs": 7, "docs_done": 0, "reserved": 7}, &st)
	if err != nil || res.Points != 0 || res.Working != "0/0 — không phát sinh → 0" {
		t.Fatalf("7 − 7: got %v %q %v", res.Points, res.Working, err)
	}
	// Something above nothing is still an input error, naming the numerator.
	_, err = set.Evaluate("I.3", map[string]any{"apps": 0, "apps_post": 3}, &st)
	if fe := firstError(err); fe == nil || fe.Code != scoring.ErrExceeds || fe.Field != "figures.apps_post" {
		t.Fatalf("3 of 0: got %v", err)
	}
	// A negative effective denominator is not "nothing arose".
	_, err = set.Evaluate("I.2", map[string]any{"docs": 3, "docs_done": 0, "reserved": 5}, &st)
	if codeOf(err) != scoring.ErrZeroDenominator {
		t.Fatalf("3 − 5: got %v, want a zero_denominator error", err)
	}
	// A rule without when_zero is unchanged in the same set.
	raw := nothingArose()
	raw["staff"], raw["trained"] = 0, 0
	_, err = set.Score(tinySubmission(raw), &st)
	if fe := firstError(err); fe == nil || fe.Code != scoring.ErrZeroDenominator || fe.Field != "figures.staff" {
		t.Fatalf("staff 0: got %v", err)
	}
}

func TestR11_WithoutWhenZeroAZeroDenominatorStaysAnError(t *testing.T) {
	set := tinySet(scoring.Whole(100), "")
	if err := set.Validate(); err != nil {
		t.Fatal(err)
	}
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(tinySubmission(nothingArose()), &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	named := map[string]bool{}
	for _, fe := range ve.Errors {
		if fe.Code != scoring.ErrZeroDenominator {
			t.Errorf("unexpected %s on %s", fe.Code, fe.Field)
		}
		named[fe.Field] = true
	}
	for _, f := range []string{"figures.docs", "figures.apps", "figures.procs"} {
		if !named[f] {
			t.Errorf("no error names %s", f)
		}
	}
}

func TestR11_ValidateRefusesBadWhenZero(t *testing.T) {
	set := tinySet(scoring.Whole(100), "skip")
	err := set.Validate()
	if err == nil {
		t.Fatal("when_zero: skip was accepted")
	}
	for _, code := range []string{"I.2", "I.3", "I.4"} {
		if !strings.Contains(err.Error(), code+`: rule `) || !strings.Contains(err.Error(), `when_zero "skip" is not accepted`) {
			t.Errorf("the error does not name %s: %v", code, err)
		}
	}

	set = tinySet(scoring.Whole(100), "")
	set.Figures = append(set.Figures, scoring.Figure{Key: "plan", Label: "Có kế hoạch", Type: scoring.TypeBool})
	c := &set.Sections[0].Criteria[3]
	c.Figures = []string{"plan"}
	c.Rule = scoring.Rule{Kind: scoring.KindYesNo, Figure: "plan", WhenZero: scoring.WhenZeroZero}
	err = set.Validate()
	if err == nil || !strings.Contains(err.Error(), "I.4: rule yes_no: when_zero applies only to rules with a denominator") {
		t.Fatalf("when_zero on yes_no: got %v", err)
	}
}

func TestSetTotalIsData(t *testing.T) {
	set := tinySet(scoring.Whole(1000), scoring.WhenZeroZero)
	if err := set.Validate(); err != nil {
		t.Fatalf("a set of 1000 points: %v", err)
	}
	st := scoring.DefaultSettings(2026)
	raw := map[string]any{"staff": 10, "trained": 10, "docs": 10, "docs_done": 9, "reserved": 0,
		"apps": 10, "apps_post": 3, "procs": 4, "procs_online": 4}
	sh, err := set.Score(tinySubmission(raw), &st)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Max != scoring.Whole(1000) || sh.SelfTotal != scoring.Whole(1000) || sh.Final != scoring.Whole(1000) {
		t.Fatalf("max %s, self %s, final %s; want 1000 each", sh.Max, sh.SelfTotal, sh.Final)
	}

	set = tinySet(scoring.Whole(1000), "")
	set.Sections[0].Criteria[0].Max += scoring.Whole(1)
	err = set.Validate()
	if err == nil || !strings.Contains(err.Error(), "maxima: sum to 1.001, not 1.000 (the set's total)") {
		t.Fatalf("maxima off by one: got %v", err)
	}

	// Absent, the total is 100: older files keep loading.
	set = tinySet(scoring.Whole(100), "")
	set.Total = 0
	if err := set.Validate(); err != nil || set.Total != scoring.Whole(100) {
		t.Fatalf("no total: %v, total %s", err, set.Total)
	}
	set = tinySet(scoring.Whole(100), "")
	set.Total = scoring.Whole(90)
	if err := set.Validate(); err == nil || !strings.Contains(err.Error(), "sum to 100, not 90 (the set's total)") {
		t.Fatalf("total 90 with maxima of 100: got %v", err)
	}
	set = tinySet(scoring.Whole(100), "")
	set.Total = -scoring.Whole(100)
	if err := set.Validate(); err == nil || !strings.Contains(err.Error(), "total: must be above 0") {
		t.Fatalf("negative total: got %v", err)
	}
}

func firstError(err error) *scoring.FieldError {
	var ve *scoring.ValidationError
	if errors.As(err, &ve) && len(ve.Errors) > 0 {
		return &ve.Errors[0]
	}
	return nil
}
