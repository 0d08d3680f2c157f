package workflows

import (
	"fmt"
	"testing"
	"time"

	"ictindex/activities"
)

const appraiser = "tham-dinh@stttt"

func unitInput(t *testing.T, code string) (UnitInput, map[string]any) {
	ref, figs := sample(t, code)
	return UnitInput{Year: 2026, Ref: ref, Settings: settings()}, figs
}

func (h *harness) state() UnitState {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var st UnitState
	if err := v.Get(&st); err != nil {
		h.t.Fatal(err)
	}
	return st
}

func TestUnitOnTimeThroughAppraisal(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SNV")
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: figs})
	h.update(2*time.Hour, "", "evidence", UpdateAttachEvidence, AttachEvidenceArgs{By: "snv", Evidence: activities.EvidenceRef{
		Criterion: "II.1.2", Key: "2026/SNV/II.1.2/so-van-ban.pdf", VersionID: "v1", FileName: "so-van-ban.pdf", Size: 1024,
		SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}})
	h.update(3*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "snv"})
	h.update(4*time.Hour, "", "edit after submit", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: map[string]any{"staff": 1}})
	h.update(200*time.Hour, "", "correct", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "docs_in_updated", Value: 100, Reason: "đối chiếu phần mềm"})
	h.update(201*time.Hour, "", "flag", UpdateFlagQuality, QualityFlagArgs{By: appraiser, Criterion: "II.2.5", Reason: "không có nhật ký"})
	h.update(202*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var mid UnitState
	h.env.RegisterDelayedCallback(func() { mid = h.state() }, 5*time.Hour)
	h.env.ExecuteWorkflow(Unit, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("save", "evidence", "submit", "correct", "flag", "finish")
	h.refused("edit after submit", "status")
	if mid.Status != UnitSubmitted || mid.LateDays != 0 || mid.Self == nil || mid.SubmittedAt == nil || !mid.SubmittedAt.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("after submit: %+v", mid)
	}
	var res UnitResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Status != UnitAppraised || res.Code != "SNV" {
		t.Fatalf("result %+v %v", res, err)
	}
	rec := h.records[0]
	if rec.Submission.Appraisal == nil || len(rec.Submission.Appraisal.Corrections) != 1 || len(rec.Evidence) != 1 || rec.Submission.SubmittedAt == nil {
		t.Fatalf("record %+v", rec)
	}
	if len(h.notices) != 0 {
		t.Errorf("reminders sent to a unit that submitted: %v", h.notices)
	}
}

func TestUnitDeadlineLateDaysAndReminders(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SXD")
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "sxd", Figures: figs})
	// The deadline is 96 h after start; submitting at 96 h + 25 h is 2 days late.
	h.update(121*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "sxd"})
	h.update(122*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var st UnitState
	h.env.RegisterDelayedCallback(func() { st = h.state() }, 121*time.Hour+time.Minute)
	h.env.ExecuteWorkflow(Unit, in)
	h.ok("save", "submit", "finish")
	if st.LateDays != 2 || st.Self == nil || st.Self.DeductionTotal != 100 {
		t.Fatalf("late days %d, self %+v", st.LateDays, st.Self)
	}
	// Reminders at 72 h and 24 h before the deadline, none after it.
	if len(h.notices) != 2 || !h.notices[0].At.Equal(start.Add(24*time.Hour)) || !h.notices[1].At.Equal(start.Add(72*time.Hour)) {
		t.Fatalf("notices %+v", h.notices)
	}
}

func TestUnitExtensionMovesDeadlineAndReminders(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SDL")
	newDeadline := start.Add(240 * time.Hour)
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "sdl", Figures: figs})
	h.update(80*time.Hour, "", "extend", UpdateExtendDeadline, ExtendArgs{By: "admin", Deadline: newDeadline, Reason: "mất điện kéo dài"})
	h.update(81*time.Hour, "", "extend earlier", UpdateExtendDeadline, ExtendArgs{By: "admin", Deadline: start, Reason: "x"})
	h.update(82*time.Hour, "", "extend no reason", UpdateExtendDeadline, ExtendArgs{By: "admin", Deadline: newDeadline.Add(time.Hour)})
	h.update(200*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "sdl"}) // after the first deadline, before the new one
	h.update(201*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.env.ExecuteWorkflow(Unit, in)
	h.ok("save", "extend", "submit", "finish")
	h.refused("extend earlier", "deadline")
	h.refused("extend no reason", "reason")
	rec := h.records[0]
	if rec.Submission.Deadline == nil || !rec.Submission.Deadline.Equal(newDeadline) {
		t.Fatalf("record deadline %v", rec.Submission.Deadline)
	}
	// Both reminders before the first deadline (24 h and 72 h), then 72 h
	// before the new one (168 h); the unit submitted before the last.
	want := []time.Duration{24 * time.Hour, 72 * time.Hour, 168 * time.Hour}
	if len(h.notices) != 3 || !h.notices[0].At.Equal(start.Add(want[0])) || !h.notices[1].At.Equal(start.Add(want[1])) || !h.notices[2].At.Equal(start.Add(want[2])) {
		for _, n := range h.notices {
			t.Logf("notice at %v", n.At.Sub(start))
		}
		t.Fatalf("got %d notices", len(h.notices))
	}
}

func TestUnitRevisionLoop(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "STP")
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "stp", Figures: figs})
	h.update(2*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "stp"})
	h.update(100*time.Hour, "", "revision", UpdateRequestRevision, RevisionArgs{By: appraiser, Reason: "thiếu quyết định thành lập BCĐ", Deadline: start.Add(148 * time.Hour)})
	h.update(101*time.Hour, "", "finish during revision", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.update(110*time.Hour, "", "fix", UpdateSaveFigures, SaveFiguresArgs{By: "stp", Figures: map[string]any{"steering_committee": true}})
	h.update(111*time.Hour, "", "resubmit", UpdateSubmit, ActorArgs{By: "stp"})
	// A second round that the unit lets expire: appraisal goes on.
	h.update(120*time.Hour, "", "revision 2", UpdateRequestRevision, RevisionArgs{By: appraiser, Reason: "bổ sung kế hoạch", Deadline: start.Add(144 * time.Hour)})
	h.update(121*time.Hour, "", "revision past", UpdateRequestRevision, RevisionArgs{By: appraiser, Reason: "x", Deadline: start})
	var afterResubmit, afterExpiry UnitState
	h.env.RegisterDelayedCallback(func() { afterResubmit = h.state() }, 112*time.Hour)
	h.env.RegisterDelayedCallback(func() { afterExpiry = h.state() }, 145*time.Hour)
	h.update(146*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.env.ExecuteWorkflow(Unit, in)
	h.ok("save", "submit", "revision", "fix", "resubmit", "revision 2", "finish")
	h.refused("finish during revision", "status")
	h.refused("revision past", "status") // already in revision
	if afterResubmit.Status != UnitUnderAppraisal || afterResubmit.LateDays != 0 || !afterResubmit.SubmittedAt.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("after resubmission: %s, late %d, at %v", afterResubmit.Status, afterResubmit.LateDays, afterResubmit.SubmittedAt)
	}
	if afterExpiry.Status != UnitUnderAppraisal || afterExpiry.RevisionDeadline != nil {
		t.Fatalf("after the revision deadline: %s", afterExpiry.Status)
	}
	if h.records[0].Submission.Figures["steering_committee"] != true {
		t.Fatal("the revised figure was not kept")
	}
}

func TestUnitValidatorsRefuseBadInput(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SYT")
	h.update(time.Minute, "", "no by", UpdateSaveFigures, SaveFiguresArgs{Figures: map[string]any{"staff": 1}})
	h.update(2*time.Minute, "", "negative", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Figures: map[string]any{"staff": -5}})
	h.update(3*time.Minute, "", "unknown", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Figures: map[string]any{"staf": 5}})
	h.update(4*time.Minute, "", "bad flag", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Flags: &[]string{"nope"}})
	h.update(5*time.Minute, "", "submit empty", UpdateSubmit, ActorArgs{By: "syt"})
	h.update(6*time.Minute, "", "correct draft", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "staff", Value: 1, Reason: "x"})
	h.update(7*time.Minute, "", "bad evidence", UpdateAttachEvidence, AttachEvidenceArgs{By: "syt", Evidence: activities.EvidenceRef{Criterion: "II.1.2", Key: "k", FileName: "a.pdf", Size: 1, SHA256: "xyz"}})
	h.update(8*time.Minute, "", "evidence bad criterion", UpdateAttachEvidence, AttachEvidenceArgs{By: "syt", Evidence: activities.EvidenceRef{Criterion: "IX.1"}})
	h.update(9*time.Minute, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Figures: figs})
	h.update(10*time.Minute, "", "break", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Figures: map[string]any{"docs_in_updated": 999999}})
	h.update(11*time.Minute, "", "submit broken", UpdateSubmit, ActorArgs{By: "syt"})
	h.update(12*time.Minute, "", "repair", UpdateSaveFigures, SaveFiguresArgs{By: "syt", Figures: map[string]any{"docs_in_updated": figs["docs_in_updated"]}})
	h.update(13*time.Minute, "", "submit", UpdateSubmit, ActorArgs{By: "syt"})
	h.update(14*time.Minute, "", "correct no reason", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "staff", Value: 1})
	h.update(15*time.Minute, "", "correct bad value", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "staff", Value: "nhiều", Reason: "x"})
	h.update(16*time.Minute, "", "correct breaks ratio", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "docs_in", Value: 1, Reason: "x"})
	h.update(17*time.Minute, "", "finish broken", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.update(18*time.Minute, "", "correct back", UpdateCorrectFigure, CorrectionArgs{By: appraiser, Figure: "docs_in", Value: figs["docs_in"], Reason: "nhập lại"})
	h.update(19*time.Minute, "", "flag twice 1", UpdateFlagQuality, QualityFlagArgs{By: appraiser, Criterion: "I.1", Reason: "x"})
	h.update(20*time.Minute, "", "flag twice 2", UpdateFlagQuality, QualityFlagArgs{By: appraiser, Criterion: "I.1", Reason: "x"})
	h.update(21*time.Minute, "", "email no reason", UpdateFlagFreeEmail, FreeEmailArgs{By: appraiser})
	h.update(22*time.Minute, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var final UnitState
	h.env.RegisterDelayedCallback(func() { final = h.state() }, 16*time.Minute+30*time.Second)
	h.env.ExecuteWorkflow(Unit, in)
	for label, field := range map[string]string{
		"no by": "by", "negative": "figures.staff", "unknown": "figures.staf", "bad flag": "flags", "submit empty": "figures.staff",
		"correct draft": "status", "bad evidence": "evidence", "evidence bad criterion": "evidence.criterion", "submit broken": "figures.docs_in_updated",
		"correct no reason": "reason", "correct bad value": "figures.staff", "finish broken": "appraisal.figures.docs_in_updated",
		"flag twice 2": "criterion", "email no reason": "reason",
	} {
		h.refused(label, field)
	}
	h.ok("save", "break", "repair", "submit", "correct breaks ratio", "correct back", "flag twice 1", "finish")
	// Refused updates left nothing behind: the draft kept the accepted figures only.
	if fmt.Sprint(final.Figures["staff"]) != fmt.Sprint(figs["staff"]) {
		t.Errorf("staff = %v", final.Figures["staff"])
	}
	if len(final.History) == 0 {
		t.Error("no audit trail")
	}
}

func TestUnitWithoutProcedures(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "DPTTH")
	h.update(time.Hour, "", "evidence II.4", UpdateAttachEvidence, AttachEvidenceArgs{By: "dptth", Evidence: activities.EvidenceRef{
		Criterion: "II.4.1", Key: "k", FileName: "a.pdf", Size: 1, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}})
	h.update(2*time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "dptth", Figures: figs})
	h.update(3*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "dptth"})
	h.update(4*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.env.ExecuteWorkflow(Unit, in)
	h.ok("save", "submit", "finish")
	h.refused("evidence II.4", "evidence.criterion") // II.4 does not apply (R6)
	if got := h.records[0].Submission.Flags; len(got) != 1 || got[0] != "no_procedures" {
		t.Fatalf("flags %v", got)
	}
}

func TestUnitNeverSubmitted(t *testing.T) {
	h := newHarness(t)
	in, _ := unitInput(t, "BTG")
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCollectionClosed, nil) }, 150*time.Hour)
	h.update(151*time.Hour, "", "submit after close", UpdateSubmit, ActorArgs{By: "btg"})
	h.env.ExecuteWorkflow(Unit, in)
	var res UnitResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Status != UnitNotSubmitted {
		t.Fatalf("%+v %v", res, err)
	}
	if !h.records[0].Submission.NotSubmitted || h.records[0].Submission.Figures != nil {
		t.Fatalf("record %+v", h.records[0].Submission)
	}
	if len(h.notices) != 2 {
		t.Fatalf("reminders %d", len(h.notices))
	}
}
