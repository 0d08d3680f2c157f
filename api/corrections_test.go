package api

import (
	"net/http"
	"strings"
	"testing"

	"ictindex/workflows"
)

// TestCorrectedReissue: after publication the leader issues a corrected
// decision: it takes the register's next number, names the one it
// replaces on page 1 and in its record, is signed and locked, and becomes
// the published decision; the replaced one stays locked and readable. A
// correction without a reason is refused naming the field; closing the
// year ends corrections.
func TestCorrectedReissue(t *testing.T) {
	needStack(t)
	const year = 2038
	y := itoa(year)
	drafted(t, year)
	var cs workflows.CampaignStatus
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+y+"/publish", payload{}, &cs)
	first := cs.Issuances[0]
	firstPDF := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y+"/decision.pdf", payload{}, nil)

	code, body, _ := as(uLeader).Send(t, "POST", "/api/campaigns/"+y+"/reissue", jsonBody(map[string]string{"reason": " "}))
	if code != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"reason"`) || !strings.Contains(string(body), "lý do") {
		t.Fatalf("a correction without a reason: %d %s", code, body)
	}
	if code, _, _ := as(uAdmin).Send(t, "POST", "/api/campaigns/"+y+"/reissue", jsonBody(map[string]string{"reason": "x"})); code != http.StatusForbidden {
		t.Errorf("an admin's correction: %d", code)
	}
	const reason = "Sai tên đơn vị tại Phụ lục 01"
	as(uLeader).Must(t, http.StatusOK, "POST", "/api/campaigns/"+y+"/reissue", jsonBody(map[string]string{"reason": reason}), &cs)
	if len(cs.Issuances) != 2 || cs.Phase != workflows.PhasePublished {
		t.Fatalf("after the correction: %s, %d issuances", cs.Phase, len(cs.Issuances))
	}
	second := cs.Issuances[1]
	if second.NumberYear != first.NumberYear || second.Seq != first.Seq+1 || second.Number == first.Number {
		t.Errorf("the correction's number %s (seq %d) does not follow %s (seq %d)", second.Number, second.Seq, first.Number, first.Seq)
	}
	if second.Replaces == nil || second.Replaces.Number != first.Number || second.Reason != reason || second.Signed == nil {
		t.Fatalf("the correction's record: %+v", second)
	}
	if cs.Decision == nil || cs.Decision.Key != second.Signed.Key {
		t.Errorf("the decision in force is %+v, not the correction", cs.Decision)
	}
	signed := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y+"/decision.pdf", payload{}, nil)
	if rep := poppler(t, "pdfsig", signed); !strings.Contains(rep, "Signature is Valid") {
		t.Errorf("pdfsig of the correction:\n%s", rep)
	}
	text := strings.Join(strings.Fields(poppler(t, "pdftotext", signed)), " ")
	if !strings.Contains(text, second.Number) || !strings.Contains(text, "thay thế Quyết định số "+first.Number) {
		t.Errorf("the correction does not name %s as replaced:\n%s", first.Number, text)
	}
	// The replaced decision: locked, and readable by its issuance.
	for _, is := range []struct {
		idx  string
		want []byte
	}{{"1", firstPDF}, {"2", signed}} {
		got := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+y+"/issuances/"+is.idx+"/decision.pdf", payload{}, nil)
		if string(got) != string(is.want) {
			t.Errorf("issuance %s's PDF differs from the one issued", is.idx)
		}
	}
	if doc, err := env.store.StatDocument(t.Context(), first.Signed.Key, first.Signed.VersionID); err != nil || !doc.Locked {
		t.Errorf("the replaced decision is not locked: %+v %v", doc, err)
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+y+"/close-year", payload{}, &cs)
	if !cs.Closed {
		t.Error("the year is not closed")
	}
	if code, _, _ := as(uLeader).Send(t, "POST", "/api/campaigns/"+y+"/reissue", jsonBody(map[string]string{"reason": reason})); code < 400 {
		t.Errorf("a correction after the year closed: %d", code)
	}
	// The actions are counted on /metrics, refusals apart.
	_, m, _ := as(uAdmin).Send(t, "GET", "/metrics", payload{})
	for _, want := range []string{`ictindex_workflow_updates_total{result="ok",update="reissue"}`, `ictindex_workflow_updates_total{result="refused",update="reissue"}`,
		`ictindex_workflow_update_duration_seconds_bucket{update="close-year",le="`} {
		if !strings.Contains(string(m), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
