package api

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"ictindex/activities"
	"ictindex/workflows"
)

// preliminary opens a campaign with an objection window, has both units
// save their sample figures and submit, the appraiser finish them, and
// collection close: the campaign publishes its preliminary results.
func preliminary(t *testing.T, year int) workflows.CampaignStatus {
	t.Helper()
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{
		"year": year, "deadline": time.Now().Add(10 * time.Minute), "sample_units": []string{unitA, unitB}, "objection_days": 5,
		"decision": map[string]string{"signer": "Trịnh Xuân Trường"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)
	for _, code := range []string{unitA, unitB} {
		as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, code, "/figures"), jsonBody(map[string]any{"figures": sample(t, code).Figures}), nil)
		as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, code, "/submit"), payload{}, nil)
		as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(year, code, "/finish"), payload{}, nil)
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	return waitPhase(t, year, workflows.PhasePreliminary)
}

// objectionForm is a multipart objection with one file.
func objectionForm(fields map[string]string, name string, file []byte) payload {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range []string{"kind", "target", "figure", "value", "explanation"} {
		if v, ok := fields[k]; ok {
			_ = mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	return payload{R: &buf, CType: mw.FormDataContentType()}
}

// TestObjectionsThroughTheAPI: a unit objects with a file and with JSON;
// bad objections are refused naming the field; the other unit sees none of
// them; an appraiser accepts one (the record is corrected) and rejects the
// other; the admin ends the window early and the final ranking follows.
func TestObjectionsThroughTheAPI(t *testing.T) {
	needStack(t)
	const year = 2042
	y := itoa(year)
	st := preliminary(t, year)
	if st.Window == nil || st.Window.Days != 5 || st.Preliminary == nil {
		t.Fatalf("preliminary: window %+v, results %+v", st.Window, st.Preliminary)
	}
	obj := unitPath(year, unitA, "/objections")
	for _, c := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"kind": "criterion", "target": "IX.9", "explanation": "x"}, "target"},
		{map[string]any{"kind": "criterion", "target": "III.4", "figure": "no_such", "value": 1, "explanation": "x"}, "figure"},
		{map[string]any{"kind": "criterion", "target": "III.4", "figure": "online_meetings", "explanation": "x"}, "value"},
		{map[string]any{"kind": "deduction", "target": "late", "explanation": " "}, "explanation"},
		{map[string]any{"kind": "other", "target": "late", "explanation": "x"}, "kind"},
	} {
		code, body, _ := as(uSubA).Send(t, "POST", obj, jsonBody(c.body))
		if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"field":"`+c.field+`"`) {
			t.Errorf("%v: %d %s, want 422 naming %s", c.body, code, body, c.field)
		}
	}
	if code, _, _ := as(uSubB).Send(t, "POST", obj, jsonBody(map[string]any{"kind": "deduction", "target": "late", "explanation": "x"})); code != http.StatusForbidden {
		t.Errorf("unit B objecting for unit A: %d", code)
	}
	as(uSubA).Must(t, http.StatusCreated, "POST", obj, objectionForm(map[string]string{"kind": "criterion", "target": "III.4",
		"figure": "online_meetings", "value": "12", "explanation": "Đơn vị đã tổ chức 12 cuộc họp trực tuyến, biên bản kèm theo"},
		"Biên bản họp.pdf", pdfBytes(1500)), &st)
	as(uApprA).Must(t, http.StatusCreated, "POST", obj, jsonBody(map[string]any{"kind": "deduction", "target": "late",
		"explanation": "Đường truyền gián đoạn ngày cuối"}), &st)
	if len(st.Objections) != 2 {
		t.Fatalf("objections: %+v", st.Objections)
	}
	o := st.Objections[0]
	if o.Unit != unitA || o.Name == "" || o.By != uSubA || len(o.Evidence) != 1 || o.Evidence[0].FileName != "Biên bản họp.pdf" || o.Value != float64(12) {
		t.Fatalf("the first objection: %+v", o)
	}
	// Its file: to the unit and the department, not to another unit.
	body := as(uAppraiser).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y+"/objections/1/evidence/0?download=stream", payload{}, nil)
	if !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Errorf("the objection's file starts %q", body[:8])
	}
	as(uSubA).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y+"/objections/1/evidence/0?download=stream", payload{}, nil)
	as(uSubB).Must(t, http.StatusForbidden, "GET", "/api/campaigns/"+y+"/objections/1/evidence/0", payload{}, nil)
	// Unit B's status holds no objection of unit A, nor the preliminary results of all.
	var seen workflows.CampaignStatus
	as(uSubB).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y, payload{}, &seen)
	if len(seen.Objections) != 0 || seen.Preliminary != nil || seen.Window == nil {
		t.Errorf("unit B sees objections %+v, preliminary %+v, window %+v", seen.Objections, seen.Preliminary, seen.Window)
	}

	ans := "/api/campaigns/" + y + "/objections/"
	code, body, _ := as(uAppraiser).Send(t, "POST", ans+"1/answer", jsonBody(map[string]any{"accept": true}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"reason"`) {
		t.Errorf("an answer without a reason: %d %s", code, body)
	}
	as(uSubA).Must(t, http.StatusForbidden, "POST", ans+"1/answer", jsonBody(map[string]any{"reason": "x"}), nil)
	as(uAppraiser).Must(t, http.StatusOK, "POST", ans+"1/answer", jsonBody(map[string]any{"accept": true, "reason": "Biên bản họp khớp lịch công tác"}), &st)
	a := st.Objections[0].Answer
	if a == nil || !a.Accepted || a.Figure != "online_meetings" || a.After <= a.Before {
		t.Fatalf("the accepted answer: %+v", a)
	}
	as(uAppraiser).Must(t, http.StatusOK, "POST", ans+"2/answer", jsonBody(map[string]any{"reason": "Hệ thống ghi nhận đúng giờ nhận"}), &st)
	as(uAdmin).Must(t, http.StatusOK, "POST", ans+"extend", jsonBody(map[string]any{"days": 2, "reason": "Đơn vị đề nghị"}), &st)
	if st.Window.Days != 7 {
		t.Errorf("the window after the extension: %+v", st.Window)
	}
	code, body, _ = as(uAdmin).Send(t, "POST", ans+"close", jsonBody(map[string]any{"reason": ""}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"reason"`) {
		t.Errorf("an early close without a reason: %d %s", code, body)
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", ans+"close", jsonBody(map[string]any{"reason": "Các đơn vị đã xác nhận không còn ý kiến"}), nil)
	st = waitPhase(t, year, workflows.PhaseDrafted)
	if st.Results == nil || st.Preliminary == nil || st.Results.VersionID == st.Preliminary.VersionID {
		t.Errorf("the final results %+v are the preliminary %+v", st.Results, st.Preliminary)
	}
	var rec activities.UnitRecord
	doc, err := env.store.GetDocument(t.Context(), activities.RecordKey(year, unitA), "")
	if err == nil {
		err = json.Unmarshal(doc, &rec)
	}
	if err != nil {
		t.Fatal(err)
	}
	if ap := rec.Submission.Appraisal; ap == nil || len(ap.Corrections) != 1 || !strings.Contains(ap.Corrections[0].Reason, "phản hồi số 1") {
		t.Errorf("unit A's record after the accepted objection: %+v", rec.Submission.Appraisal)
	}
	code, _, _ = as(uSubA).Send(t, "POST", obj, jsonBody(map[string]any{"kind": "deduction", "target": "late", "explanation": "x"}))
	if code != http.StatusUnprocessableEntity {
		t.Errorf("an objection after the window: %d", code)
	}
}
