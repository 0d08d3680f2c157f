package templates

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"ictindex/scoring"
)

// r11Criteria are, per annex, the criteria whose denominator R11 lists as
// something a real unit can lack in a year, with that denominator.
var r11Criteria = map[string]map[string]string{
	scoring.AnnexPL01: {
		"II.1.2": "docs_in", "II.1.3": "docs_out", "II.1.4": "docs_out", "II.1.5": "docs_internal", "II.1.6": "docs_out",
		"II.9.2": "docs_out", "II.2.4": "staff_mailbox",
		"II.4.2": "procedures_l34", "II.4.3": "apps_l3", "II.4.4": "apps_l4",
		"II.5.1": "procedures_bcci", "II.5.2": "apps_total", "II.5.3": "results_total",
		"IV.2.2": "plan_tasks",
	},
	scoring.AnnexPL02: {
		"II.1.2": "docs_in", "II.1.3": "docs_out", "II.1.4": "docs_out", "II.1.5": "docs_internal", "II.1.6": "docs_out",
		"II.8.2": "docs_out", "V.5.2": "commune_docs_in", "V.5.3": "commune_docs_out", "V.8.2": "commune_docs_out",
		"II.2.4": "staff_mailbox", "V.6.4": "commune_staff_mailbox",
		"II.4.2": "procedures_l34", "II.4.3": "apps_l3", "II.4.4": "apps_l4",
		"II.5.1": "procedures_bcci", "II.5.2": "apps_total", "II.5.3": "results_total", "V.7.2": "commune_apps",
		"II.3": "meetings_communes", "IV.2.2": "plan_tasks",
		"V.2": "commune_computers", "V.3": "commune_computers",
	},
}

// r11Unit returns a complete, valid submission of the annex from the sample
// province (a unit with administrative procedures, so II.4 and II.5
// apply) and the campaign's settings.
func r11Unit(t *testing.T, annex string) (*scoring.Set, *scoring.Submission, scoring.Settings) {
	t.Helper()
	b := SampleProvince()
	st := b.Resolve()
	set := MustLoad(annex)
	for i := range b.Units {
		sub := &b.Units[i]
		if sub.Annex != annex || sub.NotSubmitted || len(sub.Flags) > 0 || sub.Appraisal != nil {
			continue
		}
		if _, err := set.Score(sub, &st); err != nil {
			t.Fatalf("sample unit %s: %v", sub.Unit.Code, err)
		}
		return set, sub, st
	}
	t.Fatalf("no plain submitted %s unit in the sample", annex)
	return nil, nil, st
}

// nothingArose sets every R11 denominator of the annex to 0, with the
// numerators (and anything subtracted) of those criteria.
func nothingArose(set *scoring.Set, sub *scoring.Submission) {
	for code := range r11Criteria[set.Annex] {
		r := set.Criterion(code).Rule
		for _, keys := range [][]string{r.Numerator, r.Denominator, r.Minus} {
			for _, k := range keys {
				sub.Figures[k] = 0
			}
		}
	}
}

func TestR11_TheSetsMarkExactlyTheListedDenominators(t *testing.T) {
	for annex, want := range r11Criteria {
		set := MustLoad(annex)
		var marked []string
		for _, c := range set.Criteria() {
			if c.Rule.WhenZero != "" {
				marked = append(marked, c.Code)
			}
		}
		var codes []string
		for code, den := range want {
			codes = append(codes, code)
			c := set.Criterion(code)
			if c == nil {
				t.Errorf("%s %s: no such criterion", annex, code)
				continue
			}
			if len(c.Rule.Denominator) == 0 || c.Rule.Denominator[0] != den {
				t.Errorf("%s %s: denominator %v, R11 names %s", annex, code, c.Rule.Denominator, den)
			}
			if c.Rule.WhenZero != scoring.WhenZeroZero {
				t.Errorf("%s %s: when_zero %q, want %q", annex, code, c.Rule.WhenZero, scoring.WhenZeroZero)
			}
			if !strings.Contains(c.Ruling, "R11") {
				t.Errorf("%s %s: the ruling text does not carry R11", annex, code)
			}
		}
		sort.Strings(codes)
		sort.Strings(marked)
		if strings.Join(marked, " ") != strings.Join(codes, " ") {
			t.Errorf("%s: when_zero on %v, R11 lists %v", annex, marked, codes)
		}
		if set.Total != scoring.Whole(100) {
			t.Errorf("%s: total %s, want 100", annex, set.Total)
		}
	}
}

func TestR11_AUnitWithNothingArisenCanSubmit(t *testing.T) {
	for _, annex := range []string{scoring.AnnexPL01, scoring.AnnexPL02} {
		t.Run(annex, func(t *testing.T) {
			set, sub, st := r11Unit(t, annex)
			nothingArose(set, sub)
			sh, err := set.Score(sub, &st)
			if err != nil {
				t.Fatalf("R11: the unit must be able to submit: %v", err)
			}
			sh.Explain()
			seen := 0
			for _, l := range sh.Lines {
				if _, ok := r11Criteria[annex][l.Code]; !ok {
					continue
				}
				seen++
				if !l.Applicable {
					t.Errorf("%s: not applicable", l.Code)
				}
				if l.Self.Points != 0 || l.Appraised.Points != 0 {
					t.Errorf("%s: %s / %s points, want 0", l.Code, l.Self.Points, l.Appraised.Points)
				}
				if !strings.Contains(l.Self.Working, "không phát sinh") || l.Self.Working != "0/0 — không phát sinh → 0" {
					t.Errorf("%s: working %q", l.Code, l.Self.Working)
				}
			}
			if seen != len(r11Criteria[annex]) {
				t.Errorf("%d of the %d R11 criteria on the sheet", seen, len(r11Criteria[annex]))
			}
			if sh.Max != scoring.Whole(100) {
				t.Errorf("sheet maximum %s, want the set's total 100", sh.Max)
			}
		})
	}
}

func TestR11_DenominatorsEveryUnitHasStayErrors(t *testing.T) {
	cases := map[string][]string{
		scoring.AnnexPL01: {"staff", "units", "depts", "desktops"},
		scoring.AnnexPL02: {"staff", "commune_staff", "offices", "communes"},
	}
	for annex, keys := range cases {
		for _, key := range keys {
			t.Run(annex+"/"+key, func(t *testing.T) {
				set, sub, st := r11Unit(t, annex)
				nothingArose(set, sub)
				sub.Figures[key] = 0
				if key == "desktops" {
					sub.Figures["laptops"] = 0
				}
				_, err := set.Score(sub, &st)
				var ve *scoring.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("%s = 0: got %v, want a validation error", key, err)
				}
				found := false
				for _, fe := range ve.Errors {
					if fe.Field == "figures."+key && fe.Code == scoring.ErrZeroDenominator {
						found = true
						if fe.Label == "" || fe.Label != set.Figure(key).Label || len(fe.Criteria) == 0 {
							t.Errorf("the error does not name the field: %+v", fe)
						}
					}
				}
				if !found {
					t.Errorf("no zero-denominator error names figures.%s: %v", key, err)
				}
			})
		}
	}
}
