package activities_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/scoring"
	"ictindex/templates"
)

// env runs the activities in the SDK's activity test environment against a
// real MinIO process.
func env(t *testing.T) (*testsuite.TestActivityEnvironment, *archive.Store) {
	t.Helper()
	srv := minioserver.StartForTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, err := archive.Open(ctx, archive.Config{Endpoint: srv.Endpoint(), AccessKey: srv.User(), SecretKey: srv.Password()})
	if err != nil {
		t.Fatal(err)
	}
	var ts testsuite.WorkflowTestSuite
	e := ts.NewTestActivityEnvironment()
	e.RegisterActivity(&activities.Activities{Archive: activities.NewArchive(store), Notifier: activities.LogNotifier{}})
	return e, store
}

func storeRecords(t *testing.T, e *testsuite.TestActivityEnvironment, b *scoring.Batch) []activities.DocumentRef {
	t.Helper()
	var refs []activities.DocumentRef
	for _, u := range b.Units {
		v, err := e.ExecuteActivity(acts.StoreRecord, activities.StoreRecordInput{Year: b.Year, Record: activities.UnitRecord{Submission: u, Status: "appraised"}})
		if err != nil {
			t.Fatal(err)
		}
		var ref activities.DocumentRef
		if err := v.Get(&ref); err != nil {
			t.Fatal(err)
		}
		refs = append(refs, ref)
	}
	return refs
}

func TestStoreRecordIsIdempotent(t *testing.T) {
	e, _ := env(t)
	b := templates.SampleProvince()
	b.Units = b.Units[:2]
	first := storeRecords(t, e, b)
	again := storeRecords(t, e, b) // a retry writes nothing new
	for i := range first {
		if first[i].VersionID != again[i].VersionID || first[i].SHA256 != again[i].SHA256 {
			t.Fatalf("retry made a new version: %+v vs %+v", first[i], again[i])
		}
	}
}

func TestRankDraftPublish(t *testing.T) {
	e, store := env(t)
	b := templates.SampleProvince()
	refs := storeRecords(t, e, b)
	st := b.Resolve()
	v, err := e.ExecuteActivity(acts.Rank, activities.RankInput{Year: b.Year, Settings: st, Records: refs})
	if err != nil {
		t.Fatal(err)
	}
	var ranked activities.RankResult
	if err := v.Get(&ranked); err != nil {
		t.Fatal(err)
	}
	// The archived results are exactly the batch's scoring.
	want, err := templates.ScoreResults(b)
	if err != nil {
		t.Fatal(err)
	}
	data, err := store.GetDocument(context.Background(), ranked.Results.Key, ranked.Results.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	wantJSON, _ := want.JSON()
	if string(data) != string(wantJSON) {
		t.Fatal("archived results differ from scoring the batch directly")
	}
	if len(ranked.Places) != len(b.Units) || ranked.Places[0].Code != "STTTT" || ranked.Places[0].Rank != 1 {
		t.Fatalf("places %+v", ranked.Places[:1])
	}
	v, err = e.ExecuteActivity(acts.DraftDecision, activities.DraftInput{Year: b.Year, Results: ranked.Results, Records: refs,
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.Date{Year: 2027, Month: 1, Day: 5}, Signer: "Trịnh Xuân Trường"}})
	if err != nil {
		t.Fatal(err)
	}
	var decision activities.DocumentRef
	if err := v.Get(&decision); err != nil {
		t.Fatal(err)
	}
	pdf, err := store.GetDocument(context.Background(), decision.Key, decision.VersionID)
	if err != nil || len(pdf) < 10_000 || string(pdf[:5]) != "%PDF-" {
		t.Fatalf("decision: %d bytes, %v", len(pdf), err)
	}
	if _, err := e.ExecuteActivity(acts.Publish, activities.PublishInput{Year: b.Year, Results: ranked.Results, Decision: decision}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []activities.DocumentRef{ranked.Results, decision} {
		doc, err := store.StatDocument(context.Background(), d.Key, d.VersionID)
		if err != nil || !doc.Locked {
			t.Fatalf("%s not locked: %+v %v", d.Key, doc, err)
		}
	}
}

func TestScoreSubmissionRefusesBadInputWithoutRetry(t *testing.T) {
	e, _ := env(t)
	sub := templates.SampleProvince().Units[0]
	sub.Figures = map[string]any{"staff": -1}
	_, err := e.ExecuteActivity(acts.ScoreSubmission, activities.ScoreInput{Settings: scoring.DefaultSettings(2026), Submission: sub})
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || !ae.NonRetryable() || ae.Type() != activities.ErrInvalidInput {
		t.Fatalf("got %v", err)
	}
	var fields []scoring.FieldError
	if !ae.HasDetails() || ae.Details(&fields) != nil || len(fields) == 0 {
		t.Fatalf("no field errors in %v", err)
	}
}

func TestIssueForms(t *testing.T) {
	e, store := env(t)
	b := templates.SampleProvince()
	var units []activities.UnitRef
	for _, u := range b.Units[:3] {
		units = append(units, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
	}
	v, err := e.ExecuteActivity(acts.IssueForms, activities.IssueFormsInput{Year: 2026, Units: units})
	if err != nil {
		t.Fatal(err)
	}
	var res activities.IssueFormsResult
	if err := v.Get(&res); err != nil || len(res.Forms) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	data, err := store.GetDocument(context.Background(), res.Forms[0].Key, res.Forms[0].VersionID)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := templates.ImportForm(data)
	if err != nil || sub.Unit.Code != units[0].Unit.Code {
		t.Fatalf("the issued form does not carry its unit: %+v %v", sub, err)
	}
}

func TestWebhookNotifier(t *testing.T) {
	n := activities.Notice{Kind: "reminder", Unit: "SNV", Subject: "Nhắc hạn"}
	got := make(chan activities.Notice, 1)
	srv := newWebhook(t, func(n activities.Notice) { got <- n }, 200)
	if err := (activities.WebhookNotifier{URL: srv}).Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	if r := <-got; r.Subject != "Nhắc hạn" {
		t.Fatalf("got %+v", r)
	}
	failing := newWebhook(t, func(activities.Notice) {}, 503)
	if err := (activities.WebhookNotifier{URL: failing}).Notify(context.Background(), n); err == nil {
		t.Fatal("a 503 was taken as delivered")
	}
}

// acts names the activities through a typed nil, as workflows do.
var acts *activities.Activities
