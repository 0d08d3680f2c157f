package workflows

import (
	"strings"
	"testing"
	"time"

	"ictindex/activities"
)

// carried is a document of SNV's 2025 record for criterion II.1.2.
func carried() activities.EvidenceRef {
	return activities.EvidenceRef{Criterion: "II.1.2", Key: "2025/SNV/II.1.2/so-van-ban.pdf", VersionID: "v7", FileName: "so-van-ban.pdf",
		Size: 2048, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Uploader: "snv", CarriedFrom: 2025}
}

// TestUnitCarriesLastYearsEvidence carries a document of the unit's 2025
// record into its 2026 report, refuses what is not last year's document of
// this unit and criterion, confirms it, and keeps the marks in the record.
func TestUnitCarriesLastYearsEvidence(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SNV")
	ev := carried()
	other := ev
	other.Key = "2025/SYT/II.1.2/so-van-ban.pdf"
	older := ev
	older.CarriedFrom, older.Key = 2024, "2024/SNV/II.1.2/so-van-ban.pdf"
	wrongCrit := ev
	wrongCrit.Criterion = "II.1.3"
	noVersion := ev
	noVersion.VersionID = ""
	preConfirmed := ev
	preConfirmed.Confirmed = true
	h.update(time.Minute, "", "attach as carried", UpdateAttachEvidence, AttachEvidenceArgs{By: "snv", Evidence: ev})
	h.update(2*time.Minute, "", "other unit", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: other})
	h.update(3*time.Minute, "", "older year", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: older})
	h.update(4*time.Minute, "", "criterion not in key", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: wrongCrit})
	h.update(5*time.Minute, "", "no version", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: noVersion})
	h.update(6*time.Minute, "", "no by", UpdateCarryEvidence, CarryEvidenceArgs{Evidence: ev})
	h.update(7*time.Minute, "", "carry", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: preConfirmed})
	h.update(8*time.Minute, "", "carry twice", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: ev})
	h.update(9*time.Minute, "", "upload", UpdateAttachEvidence, AttachEvidenceArgs{By: "snv", Evidence: activities.EvidenceRef{
		Criterion: "II.1.3", Key: "2026/SNV/II.1.3/a.pdf", VersionID: "v1", FileName: "a.pdf", Size: 10, SHA256: ev.SHA256}})
	h.update(10*time.Minute, "", "confirm upload", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: 1})
	h.update(11*time.Minute, "", "confirm bad index", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: 2})
	h.update(12*time.Minute, "", "confirm negative", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: -1})
	h.update(13*time.Minute, "", "confirm", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: 0})
	h.update(14*time.Minute, "", "confirm twice", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: 0})
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: figs})
	h.update(2*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "snv"})
	h.update(3*time.Hour, "", "carry after submit", UpdateCarryEvidence, CarryEvidenceArgs{By: "snv", Evidence: func() activities.EvidenceRef {
		e := ev
		e.Key = "2025/SNV/II.1.2/khac.pdf"
		return e
	}()})
	h.update(3*time.Hour+time.Minute, "", "confirm after submit", UpdateConfirmEvidence, ConfirmEvidenceArgs{By: "snv", Index: 0})
	h.update(4*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var carriedState UnitState
	h.env.RegisterDelayedCallback(func() { carriedState = h.state() }, 7*time.Minute+30*time.Second)
	h.env.ExecuteWorkflow(Unit, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("carry", "upload", "confirm", "save", "submit", "finish")
	for label, field := range map[string]string{
		"attach as carried": "evidence.carried_from", "other unit": "evidence.key", "older year": "evidence.carried_from",
		"criterion not in key": "evidence.key", "no version": "evidence.key", "no by": "by", "carry twice": "evidence",
		"confirm upload": "index", "confirm bad index": "index", "confirm negative": "index", "confirm twice": "index",
		"carry after submit": "status", "confirm after submit": "status",
	} {
		h.refused(label, field)
	}
	if n := len(carriedState.Evidence); n != 1 || carriedState.Evidence[0].Confirmed || len(carriedState.Unconfirmed()) != 1 {
		t.Fatalf("after carrying: %+v", carriedState.Evidence)
	}
	rec := h.records[0]
	if len(rec.Evidence) != 2 {
		t.Fatalf("record evidence %+v", rec.Evidence)
	}
	if got := rec.Evidence[0]; got.CarriedFrom != 2025 || !got.Confirmed || got.Key != ev.Key || got.VersionID != "v7" {
		t.Errorf("carried evidence in the record: %+v", got)
	}
	if got := rec.Evidence[1]; got.CarriedFrom != 0 || got.Confirmed {
		t.Errorf("uploaded evidence in the record: %+v", got)
	}
	logged := 0
	for _, e := range h.state().History {
		if strings.Contains(e.Action, "tài liệu năm trước") {
			logged++
		}
	}
	if logged != 2 {
		t.Errorf("%d carry events in the history, want 2", logged)
	}
}
