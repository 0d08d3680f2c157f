package api

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	"ictindex/workflows"
)

// TestHappyPath plays a small campaign entirely through the JSON API on
// the real Temporal server and MinIO: open, fill in, upload evidence,
// submit, correct, finish, close, wait for the draft, publish, download.
func TestHappyPath(t *testing.T) {
	needStack(t)
	const year = 2031
	codes := []string{unitA, unitB, "TPLC"}
	openCampaign(t, year, time.Now().Add(10*time.Minute), codes...)

	// The submitter of unit A works through a cookie session.
	subA := login(t, uSubA)
	for _, code := range codes {
		who := as(uAdmin)
		if code == unitA {
			who = subA
		}
		sub := sample(t, code)
		var st workflows.UnitState
		who.Must(t, http.StatusOK, "PUT", unitPath(year, code, "/figures"), jsonBody(map[string]any{"figures": sub.Figures}), &st)
		if code == unitA {
			who.Must(t, http.StatusCreated, "POST", unitPath(year, code, "/evidence"), fileBody("I.1", "Quyết định 12.pdf", pdfBytes(2000)), &st)
			if len(st.Evidence) != 1 || st.Evidence[0].Uploader != uSubA || st.Evidence[0].FileName != "Quyết định 12.pdf" {
				t.Fatalf("evidence after upload: %+v", st.Evidence)
			}
		}
		if code == unitA { // unit A has an approver: the preparer hands over, the approver submits
			subA.Must(t, http.StatusForbidden, "POST", unitPath(year, code, "/submit"), payload{}, nil)
			subA.Must(t, http.StatusOK, "POST", unitPath(year, code, "/hand-over"), jsonBody(map[string]string{"note": "Kính trình"}), &st)
			if st.Status != workflows.UnitAwaitingApproval {
				t.Fatalf("after hand-over: %s", st.Status)
			}
			who = as(uApprA)
		}
		who.Must(t, http.StatusOK, "POST", unitPath(year, code, "/submit"), payload{}, &st)
		if st.Status != workflows.UnitSubmitted || st.History[len(st.History)-1].By != who.Name {
			t.Fatalf("%s after submit: %s by %s", code, st.Status, st.History[len(st.History)-1].By)
		}
	}
	// The evidence is downloadable through a short-lived link.
	_, _, resp := as(uAppraiser).Send(t, "GET", unitPath(year, unitA, "/evidence/0"), payload{})
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") == "" {
		t.Fatalf("evidence link: %d", resp.StatusCode)
	}
	link, err := http.Get(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	link.Body.Close()
	if link.StatusCode != http.StatusOK {
		t.Fatalf("presigned link: %d", link.StatusCode)
	}
	body := as(uLeader).Must(t, http.StatusOK, "GET", unitPath(year, unitA, "/evidence/0?download=stream"), payload{}, nil)
	if !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("streamed evidence starts %q", body[:8])
	}

	// The appraiser corrects one figure, then finishes every unit.
	app := as(uAppraiser)
	var st workflows.UnitState
	app.Must(t, http.StatusOK, "POST", unitPath(year, unitB, "/corrections"),
		jsonBody(map[string]any{"figure": "steering_committee", "value": false, "reason": "Không có quyết định thành lập"}), &st)
	if len(st.Appraisal.Corrections) != 1 || st.Appraisal.Corrections[0].By != uAppraiser {
		t.Fatalf("correction: %+v", st.Appraisal.Corrections)
	}
	for _, code := range codes {
		app.Must(t, http.StatusOK, "POST", unitPath(year, code, "/finish"), payload{}, &st)
		if st.Status != workflows.UnitAppraised {
			t.Fatalf("%s after finish: %s", code, st.Status)
		}
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)

	// The draft is readable before publication; the leader publishes
	// through a cookie session.
	pdf := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/decision.pdf", payload{}, nil)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("draft decision starts %q", pdf[:8])
	}
	leader := login(t, uLeader)
	var cs workflows.CampaignStatus
	leader.Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/publish", jsonBody(map[string]string{"note": "Đồng ý ban hành"}), &cs)
	if cs.Phase != workflows.PhasePublished {
		t.Fatalf("after publish: %s", cs.Phase)
	}
	var approvedBy string
	for _, e := range cs.History {
		if e.Action == "phê duyệt ban hành" {
			approvedBy = e.By
		}
	}
	if approvedBy != uLeader {
		t.Errorf("publish recorded by %q, want %q", approvedBy, uLeader)
	}
	pdf = leader.Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/decision.pdf", payload{}, nil)
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("published decision starts %q", pdf[:8])
	}
	var results struct {
		Sheets []any `json:"sheets"`
	}
	leader.Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/results.json", payload{}, &results)
	if len(results.Sheets) != len(codes) {
		t.Errorf("results: %d sheets, want %d", len(results.Sheets), len(codes))
	}
	// The submitter sees only their own line of the campaign.
	subA.Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year), payload{}, &cs)
	if len(cs.Units) != 1 || cs.Units[0].Unit.Code != unitA || len(cs.Places) != 1 {
		t.Errorf("submitter's view: %d units, %d places", len(cs.Units), len(cs.Places))
	}
	// Opening the same year again is a conflict.
	_, body, _ = as(uAdmin).Send(t, "POST", "/api/campaigns", jsonBody(map[string]any{"year": year, "sample_units": codes,
		"decision": map[string]string{"number": "1", "signer": "A"}}))
	if e := apiError(t, body); e.Code != CodeConflict {
		t.Errorf("reopening: %+v", e)
	}
}
