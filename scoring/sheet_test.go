package scoring_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"ictindex/scoring"
	"ictindex/templates"
)

func score(t *testing.T, set *scoring.Set, sub *scoring.Submission) *scoring.Sheet {
	t.Helper()
	st := scoring.DefaultSettings(2026)
	sh, err := set.Score(sub, &st)
	if err != nil {
		t.Fatal(err)
	}
	sh.Explain()
	return sh
}

func TestScoreThenExplain(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	st := scoring.DefaultSettings(2026)
	raw := perfect(set, nil)
	raw["docs_in"], raw["docs_in_updated"] = int64(7), int64(6)
	sh, err := set.Score(submission(set, "A", "A", nil, raw), &st)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Lines != nil || sh.SelfTotal != 10000-14 { // 2,86 of 3 on II.1.2
		t.Fatalf("before Explain: %d lines, total %s", len(sh.Lines), sh.SelfTotal)
	}
	js, err := sh.JSON() // the JSON always carries the working
	if err != nil || !bytes.Contains(js, []byte("6/7 = 85,71% ≥ 70% → 85,71 × 3 / 90 = 2,86")) {
		t.Fatalf("JSON without working: %v", err)
	}
	l := sh.Lines[6] // II.1.2
	if l.Code != "II.1.2" || l.Self.Points != 286 || l.Self.Ratio != "85,71%" || len(l.Figures) != 2 || l.Figures[0].Value != "7" {
		t.Fatalf("after Explain: %+v", l)
	}
}

func TestPerfectUnitScoresExactly100(t *testing.T) {
	for _, set := range sets(t) {
		flagSets := [][]string{nil}
		for _, f := range set.Flags {
			flagSets = append(flagSets, []string{f.Key})
		}
		for _, flags := range flagSets {
			sh := score(t, set, submission(set, "P", "Perfect", flags, perfect(set, flags)))
			if sh.SelfTotal != scoring.Whole(100) || sh.AppraisedTotal != scoring.Whole(100) || sh.Final != scoring.Whole(100) {
				for _, l := range sh.Lines {
					if l.Self.Points != l.Max {
						t.Logf("%s %s: %s of %s (%s)", set.Annex, l.Code, l.Self.Points, l.Max, l.Self.Working)
					}
				}
				t.Errorf("%s flags %v: total %s, want 100,00", set.Annex, flags, sh.SelfTotal)
			}
			if got := sh.SelfTotal.String(); got != "100,00" {
				t.Errorf("shown as %q", got)
			}
		}
	}
}

func TestBottomUnitScoresExactly0(t *testing.T) {
	for _, set := range sets(t) {
		sh := score(t, set, submission(set, "Z", "Zero", nil, bottom(set, nil)))
		if sh.SelfTotal != 0 || sh.Final != 0 {
			for _, l := range sh.Lines {
				if l.Self.Points != 0 {
					t.Logf("%s %s: %s (%s)", set.Annex, l.Code, l.Self.Points, l.Self.Working)
				}
			}
			t.Errorf("%s: total %s, want 0,00", set.Annex, sh.SelfTotal)
		}
	}
}

func TestR2_AllZeroFiguresNameEveryZeroDenominator(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	raw := bottom(set, nil)
	for k, v := range raw {
		if _, ok := v.(int64); ok {
			raw[k] = int64(0)
		}
	}
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(submission(set, "Z", "Zero", nil, raw), &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v, want a validation error", err)
	}
	fields := map[string]bool{}
	for _, fe := range ve.Errors {
		if fe.Code != scoring.ErrZeroDenominator {
			t.Errorf("unexpected %s on %s", fe.Code, fe.Field)
		}
		fields[fe.Field] = true
	}
	for _, want := range []string{"figures.staff", "figures.desktops", "figures.units", "figures.depts", "figures.procedures"} {
		if !fields[want] {
			t.Errorf("no error names %s", want)
		}
	}
	// R11: documents and applications can truly be none in a year
	for _, arose := range []string{"figures.docs_in", "figures.docs_out", "figures.docs_internal", "figures.apps_l3", "figures.staff_mailbox", "figures.plan_tasks"} {
		if fields[arose] {
			t.Errorf("%s is named, but R11 lets it be 0", arose)
		}
	}
}

func TestValidationCollectsEveryFieldError(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	raw := perfect(set, nil)
	raw["staff"] = int64(-3)
	raw["docs_in"] = "nhiều"
	delete(raw, "docs_out")
	raw["training"] = "sometimes"
	raw["it_plan_date"] = "31/02/2026"
	raw["steering_committee"] = "maybe"
	raw["stafff"] = int64(3)
	sub := submission(set, "", "", []string{"unknown_flag"}, raw)
	sub.Annex = "PL01"
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(sub, &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("got %v", err)
	}
	want := map[string]string{
		"figures.staff": scoring.ErrNegative, "figures.docs_in": scoring.ErrNotNumber, "figures.docs_out": scoring.ErrRequired,
		"figures.training": scoring.ErrNotChoice, "figures.it_plan_date": scoring.ErrNotDate, "figures.steering_committee": scoring.ErrNotBool,
		"figures.stafff": scoring.ErrUnknown, "unit.code": scoring.ErrRequired, "unit.name": scoring.ErrRequired, "flags": scoring.ErrUnknown,
	}
	got := map[string]string{}
	for _, fe := range ve.Errors {
		got[fe.Field] = fe.Code
		if fe.Message == "" || fe.MessageEN == "" {
			t.Errorf("%s: a message is missing", fe.Field)
		}
	}
	for f, code := range want {
		if got[f] != code {
			t.Errorf("%s: got %q, want %q", f, got[f], code)
		}
	}
	if !strings.Contains(err.Error(), "figures.staff: không được là số âm") {
		t.Errorf("message: %s", err)
	}
}

func TestNumeratorAboveDenominatorIsRefused(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	raw := perfect(set, nil)
	raw["docs_in_updated"] = int64(101)
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(submission(set, "A", "A", nil, raw), &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "figures.docs_in_updated" || ve.Errors[0].Code != scoring.ErrExceeds {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(ve.Errors[0].Message, "101 > 100") {
		t.Errorf("message %q", ve.Errors[0].Message)
	}
}

func TestConsistencyCheckITStaffByDegree(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	raw := perfect(set, nil)
	raw["it_staff"] = int64(2)
	raw["it_staff_postgrad"], raw["it_staff_university"], raw["it_staff_college"] = int64(1), int64(1), int64(1)
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(submission(set, "A", "A", nil, raw), &st)
	if codeOf(err) != scoring.ErrExceeds {
		t.Fatalf("3 degrees among 2 IT staff accepted: %v", err)
	}
}

func TestR6_AgencyWithoutProcedures(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	flags := []string{"no_procedures"}
	raw := perfect(set, flags)
	raw["docs_in_updated"] = int64(80) // II.1.2: 80/100 → 80 × 3 / 90 = 2,67
	raw["units_docsoft"] = int64(0)    // II.1.1: 0
	sh := score(t, set, submission(set, "N", "No procedures", flags, raw))
	var ii1 scoring.Fixed
	for _, l := range sh.Lines {
		switch {
		case strings.HasPrefix(l.Code, "II.4.") || strings.HasPrefix(l.Code, "II.5."):
			if l.Applicable || l.Self.Points != 0 || l.Max != 0 || l.Self.Working != scoring.NotApplicable {
				t.Errorf("%s applies to an agency without procedures", l.Code)
			}
		case l.Group == "II.1":
			ii1 += l.Self.Points
		}
	}
	if ii1 != 267+300+300+200+200 { // 12,67 of 16
		t.Fatalf("II.1 = %s", ii1)
	}
	var ii6 scoring.Line
	for _, l := range sh.Lines {
		if l.Code == "II.6" {
			ii6 = l
		}
	}
	// 12,67 / 16 × 21 = 16,629375 → 16,63
	if ii6.Self.Points != 1663 || ii6.Max != scoring.Whole(21) || !ii6.Applicable {
		t.Fatalf("II.6 = %s of %s (%s)", ii6.Self.Points, ii6.Max, ii6.Self.Working)
	}
	if want := "II.1: 12,67 / 16 × 21 = 16,63"; ii6.Self.Working != want {
		t.Errorf("working %q, want %q", ii6.Self.Working, want)
	}
	// An agency with procedures: II.6 does not apply.
	sh = score(t, set, submission(set, "P", "Procedures", nil, perfect(set, nil)))
	for _, l := range sh.Lines {
		if l.Code == "II.6" && (l.Applicable || l.Self.Points != 0) {
			t.Errorf("II.6 applies to an agency with procedures")
		}
	}
}

func TestR7_Deductions(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	st := scoring.DefaultSettings(2026)
	deadline := st.Deadline
	cases := []struct {
		name string
		at   time.Time
		days int
	}{
		{"on the deadline", deadline, 0},
		{"one second late", deadline.Add(time.Second), 1},
		{"exactly a day late", deadline.Add(24 * time.Hour), 1},
		{"a day and a second late", deadline.Add(24*time.Hour + time.Second), 2},
		{"early", deadline.Add(-72 * time.Hour), 0},
	}
	for _, c := range cases {
		if got := scoring.LateDays(c.at, deadline); got != c.days {
			t.Errorf("%s: %d days, want %d", c.name, got, c.days)
		}
	}
	if deadline.Format(time.RFC3339) != "2026-11-20T23:59:59+07:00" {
		t.Errorf("default deadline %s", deadline.Format(time.RFC3339))
	}

	sub := submission(set, "L", "Late", nil, perfect(set, nil))
	late := deadline.Add(50 * time.Hour) // 3 days
	sub.SubmittedAt = &late
	sub.Appraisal = &scoring.Appraisal{
		QualityFlags: []scoring.QualityFlag{{Criterion: "II.1.2", Reason: "không khớp phần mềm"}, {Criterion: "I.1", Reason: "thiếu danh sách"}},
		FreeEmail:    "công văn gửi từ gmail",
	}
	sh := score(t, set, sub)
	// 3 × 0,5 + 2 × 0,5 + 2 = 4,5
	if sh.DeductionTotal != 450 || sh.Final != 9550 || len(sh.Deductions) != 4 {
		t.Fatalf("deductions %s (%d lines), final %s", sh.DeductionTotal, len(sh.Deductions), sh.Final)
	}
	for _, d := range sh.Deductions {
		if d.Reason == "" || d.Code == "" {
			t.Errorf("deduction without reason or code: %+v", d)
		}
	}
	if !strings.Contains(sh.Deductions[0].Reason, "muộn 3 ngày") || sh.Deductions[0].Code != "V.1" {
		t.Errorf("late reason %q", sh.Deductions[0].Reason)
	}

	// The final score never goes below 0.
	sub = submission(set, "Z", "Zero", nil, bottom(set, nil))
	sub.SubmittedAt = &late
	sub.Appraisal = &scoring.Appraisal{FreeEmail: "gmail"}
	sh = score(t, set, sub)
	if sh.Final != 0 || sh.DeductionTotal != 350 {
		t.Errorf("final %s, deductions %s", sh.Final, sh.DeductionTotal)
	}
	// PL02 deductions are section VI.
	pl02 := templates.MustLoad(scoring.AnnexPL02)
	sub = submission(pl02, "D", "District", nil, perfect(pl02, nil))
	sub.SubmittedAt = &late
	if sh := score(t, pl02, sub); sh.Deductions[0].Code != "VI.1" {
		t.Errorf("PL02 late deduction code %s", sh.Deductions[0].Code)
	}
}

func TestR8_AppraisedScoreFromCorrectedFigures(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	sub := submission(set, "A", "A", nil, perfect(set, nil))
	sub.Appraisal = &scoring.Appraisal{Corrections: []scoring.Correction{
		{Figure: "docs_in_updated", Value: 80, Reason: "đối chiếu phần mềm QLVB"},
	}}
	sh := score(t, set, sub)
	if sh.SelfTotal != scoring.Whole(100) || sh.AppraisedTotal != 10000-33 || sh.Final != 10000-33 {
		t.Fatalf("self %s, appraised %s, final %s", sh.SelfTotal, sh.AppraisedTotal, sh.Final)
	}
	for _, l := range sh.Lines {
		if l.Code != "II.1.2" {
			continue
		}
		if l.Self.Points != 300 || l.Appraised.Points != 267 {
			t.Errorf("II.1.2 self %s appraised %s", l.Self.Points, l.Appraised.Points)
		}
		for _, f := range l.Figures {
			if f.Key == "docs_in_updated" && (f.Value != "80" || f.Original != "100") {
				t.Errorf("shown %+v", f)
			}
		}
	}
	// A correction needs a reason and a valid value; both are refused before scoring.
	sub.Appraisal.Corrections = []scoring.Correction{{Figure: "docs_in_updated", Value: -1}, {Figure: "nope", Value: 1, Reason: "x"}}
	st := scoring.DefaultSettings(2026)
	_, err := set.Score(sub, &st)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 3 {
		t.Fatalf("got %v", err)
	}
}

func TestScoringIsDeterministic(t *testing.T) {
	render := func() []byte {
		res, err := templates.ScoreResults(templates.SampleProvince())
		if err != nil {
			t.Fatal(err)
		}
		b, err := res.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := render(), render()
	if !bytes.Equal(a, b) {
		t.Fatal("two scorings of the sample province differ")
	}
	if len(a) < 100_000 {
		t.Fatalf("results JSON suspiciously small: %d bytes", len(a))
	}
}

func TestCheckFiguresAcceptsPartialDrafts(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	if err := set.CheckFigures(map[string]any{"staff": 10, "it_plan_date": nil}); err != nil {
		t.Fatalf("a partial draft refused: %v", err)
	}
	err := set.CheckFigures(map[string]any{"staff": -1, "nope": 1, "training": "x"})
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 3 {
		t.Fatalf("got %v", err)
	}
	if set.CheckFlags([]string{"no_procedures"}) != nil || set.CheckFlags([]string{"x"}) == nil {
		t.Fatal("CheckFlags")
	}
}
