package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
)

// TestRankComparesWithThePreviousYear ranks the sample province with the
// year before in the archive: each sheet carries last year's result, the
// results carry the comparison, and a malformed previous year stops the
// ranking with a message naming it.
func TestRankComparesWithThePreviousYear(t *testing.T) {
	e, store := env(t)
	ctx := context.Background()
	b := templates.SampleProvince()
	refs := storeRecords(t, e, b)
	prev, err := templates.SamplePreviousResults()
	if err != nil {
		t.Fatal(err)
	}
	prevJSON, err := prev.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.PutDocument(ctx, activities.ResultsKey(b.Year-1), prevJSON, "application/json", true); err != nil {
		t.Fatal(err)
	}
	v, err := e.ExecuteActivity(acts.Rank, activities.RankInput{Year: b.Year, Settings: b.Resolve(), Records: refs})
	if err != nil {
		t.Fatal(err)
	}
	var ranked activities.RankResult
	if err := v.Get(&ranked); err != nil {
		t.Fatal(err)
	}
	data, err := store.GetDocument(ctx, ranked.Results.Key, ranked.Results.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	var res scoring.Results
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	// Exactly the batch's scoring compared with last year's results.
	want, err := templates.ScoreResults(b)
	if err != nil {
		t.Fatal(err)
	}
	want.AttachPrevious(prev)
	wantJSON, _ := want.JSON()
	if string(data) != string(wantJSON) {
		t.Fatal("archived results differ from the batch's scoring compared with last year")
	}
	if p := res.Sheet("STTTT").Previous; p == nil || p.Year != b.Year-1 || p.Rank != prev.Rankings[0].Rows[rankOf(prev, "STTTT")].Rank {
		t.Errorf("STTTT previous %+v", p)
	}
	if res.Sheet(templates.SampleNewUnit).Previous != nil {
		t.Error("the new unit has a previous result")
	}
	if res.Sheet(templates.SampleGoneUnit) != nil {
		t.Error("the dissolved unit is in this year's results")
	}
	if res.Comparison == nil || res.Comparison.PreviousYear != b.Year-1 || len(res.Comparison.Annexes) != 2 {
		t.Fatalf("comparison %+v", res.Comparison)
	}

	// A malformed previous year is a clear, final error.
	// Last year ranked again finds the year before it unreadable.
	if _, err := store.PutDocument(ctx, activities.ResultsKey(b.Year-2), []byte("{"), "application/json", false); err != nil {
		t.Fatal(err)
	}
	refs = storeRecords(t, e, templates.SamplePreviousBatch())
	_, err = e.ExecuteActivity(acts.Rank, activities.RankInput{Year: b.Year - 1, Settings: scoring.DefaultSettings(b.Year - 1), Records: refs})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || !strings.Contains(err.Error(), "results of 2024") || !strings.Contains(err.Error(), "2024/results.json") {
		t.Fatalf("malformed previous year: %v", err)
	}
}

// rankOf is the position of a unit in the first ranking.
func rankOf(r *scoring.Results, code string) int {
	for i, row := range r.Rankings[0].Rows {
		if row.Unit.Code == code {
			return i
		}
	}
	return -1
}
