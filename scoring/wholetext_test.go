package scoring_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// TestParseWholeText covers the Vietnamese ways of typing a whole number
// (R1: dot for thousands) and the ones refused.
func TestParseWholeText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int64
		code string
	}{
		{"1250", 1250, ""}, {"1.250", 1250, ""}, {"1 250", 1250, ""}, {"1.250.000", 1_250_000, ""},
		{"1 250 000", 1_250_000, ""}, {"1\u00a0250", 1250, ""}, {"1\u202f250", 1250, ""}, {" 45 ", 45, ""},
		{"0", 0, ""}, {"12,0", 12, ""}, {"1.250,00", 1250, ""}, {"+7", 7, ""}, {"1e3", 1000, ""},
		{"999.999.999.999.999.999", 999_999_999_999_999_999, ""},
		{"1.25", 0, scoring.ErrNotNumber}, {"1.2500", 0, scoring.ErrNotNumber}, {"12.0", 0, scoring.ErrNotNumber},
		{"1250.000", 0, scoring.ErrNotNumber}, {"1..250", 0, scoring.ErrNotNumber}, {".250", 0, scoring.ErrNotNumber},
		{"1.", 0, scoring.ErrNotNumber}, {"1.250 000", 0, scoring.ErrNotNumber}, {"1,250", 0, scoring.ErrNotNumber},
		{"1,250,000", 0, scoring.ErrNotNumber}, {"12,5", 0, scoring.ErrNotNumber}, {"abc", 0, scoring.ErrNotNumber},
		{"1.2a0", 0, scoring.ErrNotNumber}, {"", 0, scoring.ErrNotNumber}, {"  ", 0, scoring.ErrNotNumber},
		{"-1.250", 0, scoring.ErrNegative}, {"-3", 0, scoring.ErrNegative}, {"-0", 0, ""},
		{"99.999.999.999.999.999.999", 0, scoring.ErrTooLarge},
	} {
		n, we := scoring.ParseWholeText(tc.in)
		code := ""
		if we != nil {
			code = we.Code
			if we.Message == "" || we.MessageEN == "" {
				t.Errorf("%q: error without both messages: %+v", tc.in, we)
			}
		}
		if code != tc.code || (code == "" && n != tc.n) {
			t.Errorf("ParseWholeText(%q) = %d %q, want %d %q", tc.in, n, code, tc.n, tc.code)
		}
	}
	// A misplaced dot is explained, not silently read as 125.
	if _, we := scoring.ParseWholeText("1.25"); we == nil || !strings.Contains(we.Message, "đúng 3 chữ số") || !strings.Contains(we.Message, "1.250") {
		t.Errorf("1.25: %+v, want a message about groups of three digits", we)
	}
	if _, we := scoring.ParseWholeText("1,250"); we == nil || !strings.Contains(we.Message, "dấu chấm") {
		t.Errorf("1,250: %+v, want the dot suggested", we)
	}
}

// TestGroupedFigures: counts and amounts typed with Vietnamese grouping
// score as the plain numbers; JSON numbers keep the decimal point.
func TestGroupedFigures(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	plain, err := set.Evaluate("IV.4", map[string]any{"it_budget": 314_000_000}, &settings2026)
	if err != nil {
		t.Fatal(err)
	}
	for _, typed := range []any{"314.000.000", "314 000 000", "314000000"} {
		got, err := set.Evaluate("IV.4", map[string]any{"it_budget": typed}, &settings2026)
		if err != nil || got.Points != plain.Points || got.Working != plain.Working {
			t.Errorf("it_budget %q: %+v %v, want %+v", typed, got, err, plain)
		}
	}
	got, err := set.Evaluate("II.1.2", map[string]any{"docs_in": "1.250", "docs_in_updated": "1.000"}, &settings2026)
	if err != nil || !strings.Contains(got.Working, "1.000/1.250") {
		t.Errorf("grouped documents: %+v %v", got, err)
	}
	// A dot that does not group thousands is refused with the field named.
	_, err = set.Evaluate("II.1.2", map[string]any{"docs_in": "1.25", "docs_in_updated": 0}, &settings2026)
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 1 || ve.Errors[0].Field != "figures.docs_in" ||
		ve.Errors[0].Code != scoring.ErrNotNumber || !strings.Contains(ve.Errors[0].Message, "đúng 3 chữ số") {
		t.Errorf("1.25: %v", err)
	}
	if err := set.CheckFigures(map[string]any{"docs_in": "1.25"}); codeOf(err) != scoring.ErrNotNumber {
		t.Errorf("a draft with 1.25: %v", err)
	}
	if err := set.CheckFigures(map[string]any{"docs_in": "1.250", "it_budget": "1 000 000"}); err != nil {
		t.Errorf("a draft with grouped figures: %v", err)
	}
	// JSON numbers are not typed text: 12.0 is twelve, 1.000 is one.
	for in, want := range map[string]string{"12.0": "12", "1.000": "1"} {
		got, err := set.Evaluate("II.3", map[string]any{"online_meetings": json.Number(in)}, &settings2026)
		if err != nil || !strings.HasPrefix(got.Working, want+" cuộc họp") {
			t.Errorf("json.Number(%s): %q %v", in, got.Working, err)
		}
	}
}
