package templates

import (
	"errors"
	"strings"
	"testing"

	"ictindex/scoring"
)

func pl01Source(t *testing.T) string {
	t.Helper()
	b, err := setFiles.ReadFile("sets/3299-PL01.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseSetRefusesBrokenSets(t *testing.T) {
	src := pl01Source(t)
	cases := []struct {
		name, old, new, want string
	}{
		{"duplicate code", `number: "1.3"`, `number: "1.2"`, "II.1.2: empty or duplicate code"},
		{"undeclared figure", `numerator: [docs_in_updated]`, `numerator: [docs_in_updatd]`, `numerator figure "docs_in_updatd" is not declared`},
		{"maxima not 100", "title: \"Tỷ lệ văn bản đến được cập nhật vào phần mềm\"\n        max: 3", "title: \"Tỷ lệ văn bản đến được cập nhật vào phần mềm\"\n        max: 4", "maxima: sum to 101, not 100"},
		{"floor above full", `floor: 70, full: 90}`, `floor: 95, full: 90}`, "need 0 ≤ floor ≤ full"},
		{"unknown kind", `kind: per_day`, `kind: per_week`, `unknown rule kind "per_week"`},
		{"misspelt parameter", `allow_over: true`, `alow_over: true`, `unknown field "alow_over"`},
		{"wrong figure type", `rule: {kind: yes_no, figure: specialised_software}`, `rule: {kind: yes_no, figure: open_source}`, `figure "open_source" is a count`},
		{"undeclared flag", `applies_if: no_procedures`, `applies_if: no_procedure`, `flag "no_procedure" is not declared`},
		{"tier above maximum", `tiers: [{min: 2, points: 2}, {min: 1, points: 1}]`, `tiers: [{min: 2, points: 5}, {min: 1, points: 1}]`, "tier 1 must have"},
		{"duplicate figure", `- {key: laptops,`, `- {key: desktops,`, "figure desktops: declared twice"},
		{"not YAML", "sections:", "sections: [", "not valid YAML"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(src, c.old) {
				t.Fatalf("fixture text %q not found", c.old)
			}
			_, err := ParseSet([]byte(strings.Replace(src, c.old, c.new, 1)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v\nwant an error containing %q", err, c.want)
			}
		})
	}
	if _, err := ParseSet([]byte(src)); err != nil {
		t.Fatalf("the unmodified set: %v", err)
	}
}

func TestSetCarriesTheSeedsTextAndRulings(t *testing.T) {
	for _, annex := range Annexes() {
		set := MustLoad(annex)
		for _, c := range set.Criteria() {
			if c.Title == "" || (len(c.Levels) == 0 && c.Rule.Kind != scoring.KindDerived) {
				t.Errorf("%s %s: title or levels missing", annex, c.Code)
			}
		}
		for _, code := range []string{"I.2", "II.2.5", "IV.2.1"} {
			if c := set.Criterion(code); c == nil || !strings.HasPrefix(c.Ruling, "R") {
				t.Errorf("%s %s: no ruling text", annex, code)
			}
		}
	}
	pl01 := MustLoad("PL01")
	if got := pl01.Criterion("II.1.2").Evidence; len(got) != 2 || !strings.Contains(got[1], "có quét văn bản") {
		t.Errorf("II.1.2 evidence %q", got)
	}
	if pl01.Figure("staff").Label != "Tổng số cán bộ công chức viên chức (CBCCVC) trong cơ quan, đơn vị trực thuộc" {
		t.Errorf("staff label %q", pl01.Figure("staff").Label)
	}
	if c := MustLoad("PL02").Criterion("V.7.3"); c == nil || !strings.Contains(c.Title, "BCCI") {
		t.Error("PL02 V.7.3 (the seed's second 7.2) missing")
	}
}

func TestParseInputErrorsNameTheField(t *testing.T) {
	cases := map[string]struct{ in, field string }{
		"not JSON":      {`{"unit": `, "document"},
		"not an object": {`[1, 2]`, "document"},
		"wrong type":    {`{"unit": {"code": "A", "name": "B"}, "annex": "PL01", "year": "năm nay"}`, "year"},
		"unknown field": {`{"unit": {"code": "A", "name": "B"}, "annex": "PL01", "figurs": {}}`, "figurs"},
		"bad batch":     {`{"year": 2026, "units": {"a": 1}}`, "units"},
	}
	for name, c := range cases {
		_, err := ParseInput([]byte(c.in), 2026)
		var ve *scoring.ValidationError
		if !errors.As(err, &ve) || ve.Errors[0].Field != c.field {
			t.Errorf("%s: got %v, want an error on %q", name, err, c.field)
		}
	}
}

func TestParseInputYAMLAndNFC(t *testing.T) {
	// "Sở Nội vụ" written decomposed (NFD) is stored composed (NFC).
	nfd := "So\u031b\u0309 No\u0302\u0323i vu\u0323"
	in := "unit: {code: SNV, name: \"" + nfd + "\"}\nannex: PL01\nfigures: {staff: 12, it_plan_date: 2025-12-20}\n"
	b, err := ParseInput([]byte(in), 2026)
	if err != nil {
		t.Fatal(err)
	}
	u := b.Units[0]
	if u.Unit.Name != "Sở Nội vụ" {
		t.Errorf("name %q is not NFC", u.Unit.Name)
	}
	if b.Year != 2026 || u.Figures["staff"] == nil || u.Figures["it_plan_date"] != "2025-12-20" {
		t.Errorf("parsed %+v", u)
	}
}

func TestScoreBatchPrefixesErrorsWithTheUnit(t *testing.T) {
	in := `{"year": 2026, "units": [
	  {"unit": {"code": "A", "name": "A"}, "annex": "PL01", "figures": {"staff": -1}},
	  {"unit": {"code": "B", "name": "B"}, "annex": "PL09"}]}`
	b, err := ParseInput([]byte(in), 2026)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ScoreBatch(b)
	if err == nil || !strings.Contains(err.Error(), "units[0](A).figures.staff") || !strings.Contains(err.Error(), "units[1](B).annex") {
		t.Fatalf("got %v", err)
	}
}
