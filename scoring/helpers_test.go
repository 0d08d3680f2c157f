package scoring_test

import (
	"time"

	"ictindex/scoring"
)

// roles classifies a set's figures by how rules use them.
func roles(set *scoring.Set) (num, den map[string]bool) {
	num, den = map[string]bool{}, map[string]bool{}
	for _, c := range set.Criteria() {
		for _, k := range c.Rule.Numerator {
			num[k] = true
		}
		for _, k := range c.Rule.Denominator {
			den[k] = true
		}
	}
	return num, den
}

// perfect returns figures that reach every criterion's maximum.
func perfect(set *scoring.Set, flags []string) map[string]any {
	raw := map[string]any{}
	for _, k := range set.Needed(flags) {
		f := set.Figure(k)
		switch f.Type {
		case scoring.TypeCount:
			raw[k] = int64(100)
			if f.Max > 0 {
				raw[k] = f.Max
			}
		case scoring.TypeAmount:
			raw[k] = int64(1_000_000_000)
		case scoring.TypeBool:
			raw[k] = true
		case scoring.TypeDate:
			raw[k] = "2025-12-01"
		case scoring.TypeChoice:
			raw[k] = f.Choices[0].Key
		}
	}
	for _, c := range set.Criteria() {
		for _, k := range c.Rule.Minus {
			raw[k] = int64(0)
		}
		for _, k := range c.Rule.Denominator[min(1, len(c.Rule.Denominator)):] {
			raw[k] = int64(0) // a sum of totals: the first carries it
		}
		if c.Rule.Kind == scoring.KindPerDay {
			raw[c.Rule.Figure] = int64(1_000_000)
		}
	}
	for _, ch := range set.Checks {
		for i, p := range ch.Parts {
			raw[p] = int64(0)
			if i == 0 {
				raw[p] = raw[ch.Total]
			}
		}
	}
	return raw
}

// bottom returns figures that score 0 on every criterion: totals large,
// achievements none, answers no.
func bottom(set *scoring.Set, flags []string) map[string]any {
	num, den := roles(set)
	raw := map[string]any{}
	for _, k := range set.Needed(flags) {
		f := set.Figure(k)
		switch f.Type {
		case scoring.TypeCount:
			switch {
			case num[k] && den[k]:
				raw[k] = int64(1) // a subset that is itself a total: tiny, not empty
			case den[k]:
				raw[k] = int64(1000)
			default:
				raw[k] = int64(0)
			}
		case scoring.TypeAmount:
			raw[k] = int64(0)
		case scoring.TypeBool:
			raw[k] = false
		case scoring.TypeDate:
			raw[k] = nil
		case scoring.TypeChoice:
			raw[k] = f.Choices[len(f.Choices)-1].Key
		}
	}
	return raw
}

func submission(set *scoring.Set, code, name string, flags []string, raw map[string]any) *scoring.Submission {
	at := time.Date(2026, 11, 18, 9, 0, 0, 0, scoring.Vietnam)
	return &scoring.Submission{Unit: scoring.Unit{Code: code, Name: name}, Annex: set.Annex, Year: 2026,
		Flags: flags, Figures: raw, SubmittedAt: &at}
}
