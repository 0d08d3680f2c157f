package scoring_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

// yearOf ranks plain sheets (code, name, final, submitted) as one year's
// PL01 results.
func yearOf(year int, units ...*scoring.Sheet) *scoring.Results {
	for _, sh := range units {
		sh.Annex, sh.Year = scoring.AnnexPL01, year
	}
	return scoring.NewResults("3299/QĐ-UBND", scoring.Settings{Year: year}, []string{scoring.AnnexPL01}, units)
}

func unit(code, name string, final scoring.Fixed, submitted bool) *scoring.Sheet {
	return &scoring.Sheet{Unit: scoring.Unit{Code: code, Name: name}, Submitted: submitted, Final: final, AppraisedTotal: final}
}

// labels are each unit's rank change and score change this year, by code.
func labels(r *scoring.Results) map[string]string {
	out := map[string]string{}
	rk := &r.Rankings[0]
	for i, c := range r.Changes(rk) {
		out[rk.Rows[i].Unit.Code] = strings.TrimSpace(c.RankLabel() + " " + c.ScoreLabel())
	}
	return out
}

func TestPreviousYearChanges(t *testing.T) {
	last := yearOf(2025,
		unit("A", "Sở A", 9000, true),  // 1
		unit("B", "Sở B", 8500, true),  // 2
		unit("C", "Sở Cũ", 8500, true), // 2 (shared)
		unit("D", "Sở D", 8000, true),  // 4
		unit("GONE", "Sở Giải thể", 7000, true),
		unit("NS", "Sở Không gửi", 0, false), // no rank last year
	)
	this := yearOf(2026,
		unit("A", "Sở A", 8000, true),           // 4: ↓3
		unit("B", "Sở B", 9500, true),           // 1: ↑1
		unit("C", "Sở Mới Tên", 9000, true),     // 2 (shared with D): = , renamed, matched by code
		unit("D", "Sở D", 9000, true),           // 2: ↑2
		unit("NEW", "Sở Thành lập", 7525, true), // 5: new
		unit("NS", "Sở Không gửi", 7000, true),  // 6: no rank last year
		unit("LATE", "Sở Chậm", 0, false),       // no rank this year: nothing
	)
	this.AttachPrevious(last)
	got := labels(this)
	want := map[string]string{
		"A":    "↓3 −10,00",
		"B":    "↑1 +10,00",
		"C":    "= +5,00",
		"D":    "↑2 +10,00",
		"NEW":  "mới",
		"NS":   "chưa xếp hạng",
		"LATE": "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes\n got %v\nwant %v", got, want)
	}
	// A unit gone this year is simply absent.
	if this.Sheet("GONE") != nil {
		t.Error("a unit gone this year appears")
	}
	for _, row := range this.Rankings[0].Rows {
		if row.Unit.Code == "GONE" {
			t.Error("a unit gone this year is ranked")
		}
	}
	// The renamed unit keeps this year's name and last year's result.
	if c := this.Sheet("C"); c.Unit.Name != "Sở Mới Tên" || *c.Previous != (scoring.Previous{Year: 2025, Final: 8500, Rank: 2}) {
		t.Errorf("renamed unit: %+v, previous %+v", c.Unit, c.Previous)
	}
	if p := this.Sheet("NS").Previous; p == nil || p.Rank != 0 || p.Final != 0 || p.Ranked() {
		t.Errorf("a non-submitter last year: previous %+v", p)
	}
	if this.Sheet("NEW").Previous != nil {
		t.Error("a new unit has a previous result")
	}
}

func TestPreviousSharedRanksCompareDisplayedRanks(t *testing.T) {
	// Last year 1, 2, 2, 4; this year the unit shown 4th ties for 2nd:
	// it climbed 2 places, not 1 (the ranks shown, R9).
	last := yearOf(2025, unit("A", "A", 9000, true), unit("B", "B", 8000, true), unit("C", "C", 8000, true), unit("D", "D", 7000, true))
	this := yearOf(2026, unit("A", "A", 9000, true), unit("B", "B", 8000, true), unit("C", "C", 7000, true), unit("D", "D", 8000, true))
	this.AttachPrevious(last)
	got := labels(this)
	want := map[string]string{"A": "= 0,00", "B": "= 0,00", "D": "↑2 +10,00", "C": "↓2 −10,00"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	c := scoring.Compare(this.Rankings[0].Rows[2], this.Sheet("D").Previous)
	if c.RankWords() != "tăng 2 bậc" {
		t.Errorf("in words: %q", c.RankWords())
	}
}

func TestPreviousMovedAnnexIsNew(t *testing.T) {
	last := yearOf(2025, unit("A", "A", 9000, true))
	last.Rankings[0].Annex = scoring.AnnexPL02
	if p := scoring.IndexPrevious(last).Of(scoring.AnnexPL01, "A"); p != nil {
		t.Fatalf("a unit of another annex last year is compared: %+v", p)
	}
}

func TestNoPreviousLeavesResultsBytesUnchanged(t *testing.T) {
	r := yearOf(2026, unit("A", "A", 9000, true))
	before, _ := r.JSON()
	r.AttachPrevious(nil)
	after, _ := r.JSON()
	if string(before) != string(after) || strings.Contains(string(after), "previous") || strings.Contains(string(after), "comparison") {
		t.Fatalf("results without a previous year changed:\n%s", after)
	}
}

func TestPreviousReadsBackFromJSON(t *testing.T) {
	last := yearOf(2025, unit("A", "A", 9000, true))
	this := yearOf(2026, unit("A", "A", 9125, true))
	this.AttachPrevious(last)
	data, err := this.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"previous": {
        "year": 2025,
        "final": 90.00,
        "rank": 1
      }`) {
		t.Errorf("no previous on the sheet:\n%s", data)
	}
	var back scoring.Results
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	c := back.Changes(&back.Rankings[0])[0]
	if c.RankLabel() != "=" || c.ScoreLabel() != "+1,25" || !back.HasPrevious() {
		t.Errorf("read back: %+v", c)
	}
}

// TestCompareSectionsAndCriteria compares two years of real sheets: a
// perfect unit and a bottom unit last year, a perfect and a half-way
// unit this year.
func TestCompareSectionsAndCriteria(t *testing.T) {
	set := templates.MustLoad(scoring.AnnexPL01)
	st := scoring.DefaultSettings(2026)
	mk := func(year int, code string, raw map[string]any) *scoring.Sheet {
		sub := submission(set, code, "Sở "+code, nil, raw)
		sub.Year, sub.SubmittedAt = 0, nil
		s := scoring.DefaultSettings(year)
		sh, err := set.Score(sub, &s)
		if err != nil {
			t.Fatal(err)
		}
		return sh
	}
	lastRaw := bottom(set, nil)
	last := scoring.NewResults("3299/QĐ-UBND", scoring.Settings{Year: 2025}, []string{scoring.AnnexPL01},
		[]*scoring.Sheet{mk(2025, "P", perfect(set, nil)), mk(2025, "B", lastRaw)})
	// Read last year back from JSON, as the archive gives it.
	data, err := last.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var lastBack scoring.Results
	if err := json.Unmarshal(data, &lastBack); err != nil {
		t.Fatal(err)
	}
	half := perfect(set, nil)
	half["docs_in"], half["docs_in_updated"] = int64(7), int64(6) // II.1.2: 2,86 of 3
	this := scoring.NewResults("3299/QĐ-UBND", st, []string{scoring.AnnexPL01},
		[]*scoring.Sheet{mk(2026, "P", perfect(set, nil)), mk(2026, "H", half)})
	cmp := scoring.CompareResults(this, &lastBack)
	a := cmp.Annex(scoring.AnnexPL01)
	if cmp.Year != 2026 || cmp.PreviousYear != 2025 || a == nil {
		t.Fatalf("comparison %+v", cmp)
	}
	if a.Final.This.Units != 2 || a.Final.This.Average != 10000-7 || a.Final.Previous.Average != (last.Sheets[0].Final+last.Sheets[1].Final)/2 {
		t.Errorf("final: %+v / %+v", a.Final.This, a.Final.Previous)
	}
	c := a.Criterion("II.1.2")
	if c == nil || c.Section != "II" || c.This.Max != 300 || c.This.AtMax != 1 || c.This.Average != 293 || c.This.Share != scoring.RatioPercent(586, 600) {
		t.Fatalf("II.1.2 this year: %+v", c)
	}
	if c.Previous == nil || c.Previous.AtMax != 1 || c.Previous.Share != 5000 {
		t.Fatalf("II.1.2 last year: %+v", c.Previous)
	}
	if d, ok := c.ShareChange(); !ok || d != scoring.RatioPercent(586, 600)-5000 {
		t.Errorf("share change %s", d)
	}
	if got := a.Weakest; len(got) != scoring.WeakestCount || got[0] != "II.1.2" {
		t.Errorf("weakest %v", got)
	}
	// II.6 applies only to agencies without administrative procedures.
	if c := a.Criterion("II.6"); c != nil {
		t.Errorf("II.6 counted for units it does not apply to: %+v", c)
	}
	var sec *scoring.Measure
	for i := range a.Sections {
		if a.Sections[i].Code == "II" {
			sec = &a.Sections[i]
		}
	}
	if sec == nil || sec.This.AtMax != 1 || sec.This.Units != 2 || sec.Previous.AtMax != 1 || sec.Title == "" {
		t.Errorf("section II: %+v", sec)
	}
	// Pure: the same inputs give the same comparison.
	if again := scoring.CompareResults(this, &lastBack); !reflect.DeepEqual(again, cmp) {
		t.Error("two comparisons differ")
	}
}
