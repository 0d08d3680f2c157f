package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"ictindex/activities"
	"ictindex/workflows"
)

// TestCarryLastYearsEvidence plays two years on the real server and
// archive. In 2051 a unit submits with two documents and the appraiser
// corrects a figure. In 2052 the unit reads its 2051 record (figures as
// appraised, the documents), carries one document forward — the same
// archived version, not a copy — and confirms it; a document missing from
// the archive, one not in the record and a bad index are refused naming
// the field, and a unit new this year has no record.
func TestCarryLastYearsEvidence(t *testing.T) {
	needStack(t)
	const last, year = 2051, 2052
	openCampaign(t, last, time.Now().Add(10*time.Minute), unitB)
	admin, sub := as(uAdmin), as(uSubB)
	var st workflows.UnitState
	admin.Must(t, http.StatusOK, "PUT", unitPath(last, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	sub.Must(t, http.StatusCreated, "POST", unitPath(last, unitB, "/evidence"), fileBody("I.1", "Kế hoạch CNTT.pdf", pdfBytes(1500)), nil)
	sub.Must(t, http.StatusCreated, "POST", unitPath(last, unitB, "/evidence"), fileBody("I.1", "Quyết định 7.pdf", pdfBytes(900)), &st)
	uploaded := st.Evidence
	sub.Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/submit"), payload{}, nil)
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/corrections"),
		jsonBody(map[string]any{"figure": "steering_committee", "value": false, "reason": "Không có quyết định thành lập"}), nil)
	as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(last, unitB, "/finish"), payload{}, nil)
	admin.Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(last)+"/close", payload{}, nil)
	waitPhase(t, last, workflows.PhaseDrafted) // records archived, ranked straight away

	// A third unit's 2051 record names a document the archive no longer holds.
	gone := activities.EvidenceRef{Criterion: "I.1", Key: "2051/TPLC/I.1/mat.pdf", VersionID: "5d3a2c1e-0000-4000-8000-000000000000",
		FileName: "mất.pdf", Size: 100, SHA256: strings.Repeat("ab", 32), CarriedFrom: 0}
	rec, _ := json.Marshal(activities.UnitRecord{Evidence: []activities.EvidenceRef{gone}, Status: workflows.UnitNotSubmitted})
	if _, err := env.store.PutDocument(t.Context(), activities.RecordKey(last, "TPLC"), rec, "application/json", false); err != nil {
		t.Fatal(err)
	}

	openCampaign(t, year, time.Now().Add(10*time.Minute), unitA, unitB, "TPLC")
	var prev Previous
	sub.Must(t, http.StatusOK, "GET", unitPath(year, unitB, "/previous"), payload{}, &prev)
	if prev.Year != last || prev.Status != workflows.UnitAppraised || prev.Figures["steering_committee"] != false || len(prev.Evidence) != 2 {
		t.Fatalf("previous record: %+v", prev)
	}
	if prev.Evidence[0].Key != uploaded[0].Key || prev.Evidence[0].Carried != -1 {
		t.Fatalf("previous evidence: %+v", prev.Evidence[0])
	}
	if code, body, _ := as(uSubA).Send(t, "GET", unitPath(year, unitB, "/previous"), payload{}); code != http.StatusForbidden {
		t.Errorf("another unit's previous record: %d %s", code, body)
	}
	code, body, _ := as(uSubA).Send(t, "GET", unitPath(year, unitA, "/previous"), payload{})
	if code != http.StatusNotFound || !strings.Contains(apiError(t, body).Message, "2051") {
		t.Errorf("a unit new this year: %d %s", code, body)
	}

	carry := unitPath(year, unitB, "/evidence/carry")
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"nothing", map[string]any{}, "key"},
		{"no version", map[string]any{"key": uploaded[0].Key}, "version_id"},
		{"not in the record", map[string]any{"key": uploaded[0].Key, "version_id": "khac"}, "key"},
		{"another unit's", map[string]any{"key": gone.Key, "version_id": gone.VersionID}, "key"},
	} {
		code, body, _ := sub.Send(t, "POST", carry, jsonBody(c.body))
		if e := apiError(t, body); code != http.StatusUnprocessableEntity || len(e.Fields) == 0 || e.Fields[0].Field != c.field {
			t.Errorf("%s: %d %s", c.name, code, body)
		}
	}
	code, body, _ = admin.Send(t, "POST", unitPath(year, "TPLC", "/evidence/carry"), jsonBody(map[string]any{"key": gone.Key, "version_id": gone.VersionID}))
	if e := apiError(t, body); code != http.StatusUnprocessableEntity || !strings.Contains(e.Message, "không còn nguyên vẹn") {
		t.Errorf("a document gone from the archive: %d %s", code, body)
	}

	sub.Must(t, http.StatusCreated, "POST", carry, jsonBody(map[string]any{"key": uploaded[1].Key, "version_id": uploaded[1].VersionID}), &st)
	got := st.Evidence[0]
	if len(st.Evidence) != 1 || got.CarriedFrom != last || got.Confirmed || got.Key != uploaded[1].Key || got.VersionID != uploaded[1].VersionID || got.SHA256 != uploaded[1].SHA256 {
		t.Fatalf("carried: %+v", st.Evidence)
	}
	if code, body, _ := sub.Send(t, "POST", carry, jsonBody(map[string]any{"key": uploaded[1].Key, "version_id": uploaded[1].VersionID})); code != http.StatusUnprocessableEntity {
		t.Errorf("carried twice: %d %s", code, body)
	}
	// The same bytes, read through this year's unit.
	if b := sub.Must(t, http.StatusOK, "GET", unitPath(year, unitB, "/evidence/0?download=stream"), payload{}, nil); !bytes.Equal(b, pdfBytes(900)) {
		t.Error("the carried document's bytes differ from last year's")
	}
	sub.Must(t, http.StatusOK, "GET", unitPath(year, unitB, "/previous"), payload{}, &prev)
	if prev.Evidence[1].Carried != 0 || prev.Evidence[0].Carried != -1 {
		t.Errorf("previous evidence after carrying: %+v", prev.Evidence)
	}

	for path, want := range map[string]int{"/evidence/x/confirm": http.StatusBadRequest, "/evidence/3/confirm": http.StatusUnprocessableEntity} {
		if code, body, _ := sub.Send(t, "POST", unitPath(year, unitB, path), payload{}); code != want || apiError(t, body).Fields[0].Field == "" {
			t.Errorf("%s: %d %s", path, code, body)
		}
	}
	sub.Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/evidence/0/confirm"), payload{}, &st)
	if !st.Evidence[0].Confirmed || len(st.Unconfirmed()) != 0 {
		t.Fatalf("after confirming: %+v", st.Evidence)
	}
	if code, body, _ := sub.Send(t, "POST", unitPath(year, unitB, "/evidence/0/confirm"), payload{}); code != http.StatusUnprocessableEntity {
		t.Errorf("confirmed twice: %d %s", code, body)
	}

	// Once submitted, nothing more is carried.
	admin.Must(t, http.StatusOK, "PUT", unitPath(year, unitB, "/figures"), jsonBody(map[string]any{"figures": sample(t, unitB).Figures}), nil)
	sub.Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/submit"), payload{}, nil)
	code, body, _ = sub.Send(t, "POST", carry, jsonBody(map[string]any{"key": uploaded[0].Key, "version_id": uploaded[0].VersionID}))
	if e := apiError(t, body); code != http.StatusUnprocessableEntity || e.Fields[0].Field != "status" {
		t.Errorf("carrying after submitting: %d %s", code, body)
	}
}
