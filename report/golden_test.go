package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"ictindex/scoring"
	"ictindex/templates"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	goldenInput = "testdata/golden-results.json"
	goldenPDF   = "testdata/decision.golden.pdf"
)

// goldenUnits are the sample's units in the small fixed input: an agency
// with a corrected figure and a data-quality flag, one that never
// submitted, and a district.
var goldenUnits = map[string]bool{"SNV": true, "BTG": true, "HSMC": true}

// writeGoldenInput scores the golden units of the sample province and
// writes their results: the input is kept in testdata so that the golden
// file does not move when the sample does.
func writeGoldenInput(t *testing.T) {
	b := templates.SampleProvince()
	units := b.Units[:0]
	for _, u := range b.Units {
		if goldenUnits[u.Unit.Code] {
			units = append(units, u)
		}
	}
	b.Units = units
	res, err := templates.ScoreResults(b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := res.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenInput, append(data, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goldenDecision is the decision of the golden input.
func goldenDecision(t *testing.T) *Decision {
	t.Helper()
	data, err := os.ReadFile(goldenInput)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	var res scoring.Results
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	d := NewDecision(&res, sampleSets())
	d.Number, d.Date, d.Signer = "7/QĐ-UBND", scoring.Date{Year: 2027, Month: 2, Day: 3}, "Trịnh Xuân Trường"
	d.Evidence = map[string][]EvidenceItem{
		"SNV":  {{Criterion: "II.2.5", FileName: "nhật-ký-truy-cập.csv", Size: 20_480, SHA256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		"HSMC": {{Criterion: "I.1", FileName: "may-tinh.xlsx", Size: 7, SHA256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}},
	}
	return d
}

// TestGolden compares the decision for a small fixed input with the
// golden file byte for byte. After an intended change to the layout,
// regenerate it with: go test ./report -run TestGolden -update
func TestGolden(t *testing.T) {
	if *update {
		writeGoldenInput(t)
	}
	got, err := Render(goldenDecision(t))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(goldenPDF, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPDF)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		out := filepath.Join(t.TempDir(), "decision.pdf")
		_ = os.WriteFile(out, got, 0o644)
		t.Errorf("the decision differs from %s (%d bytes, want %d); written to %s", goldenPDF, len(got), len(want), out)
	}
	checkGlyphs(t, got)
}

// TestRenderTwiceSameBytes renders the sample province twice: maps in the
// input (sets, evidence) are iterated in a new order each time, so any
// order leaking into the output shows here.
func TestRenderTwiceSameBytes(t *testing.T) {
	first, _ := samplePDF(t)
	d, _ := sampleDecision(t)
	second, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("two renderings differ (%d and %d bytes)", len(first), len(second))
	}
}
