package workflows

import (
	"testing"
	"time"
)

// TestUnitTwoStepsWithdrawAndTake: the preparer hands over, the approver
// returns it with a note, the preparer fixes and hands over again, the
// approver submits, withdraws, edits and submits again late (lateness from
// the final submission); once an appraiser takes it, it cannot be
// withdrawn.
func TestUnitTwoStepsWithdrawAndTake(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SNV")
	staff := figs["staff"]
	delete(figs, "staff")
	h.update(time.Hour, "", "save partial", UpdateSaveFigures, SaveFiguresArgs{By: "chuyen-vien", Figures: figs})
	h.update(2*time.Hour, "", "hand over incomplete", UpdateHandOver, NoteArgs{By: "chuyen-vien"})
	h.update(3*time.Hour, "", "save rest", UpdateSaveFigures, SaveFiguresArgs{By: "chuyen-vien", Figures: map[string]any{"staff": staff}})
	h.update(4*time.Hour, "", "hand over", UpdateHandOver, NoteArgs{By: "chuyen-vien", Note: "kính trình"})
	h.update(5*time.Hour, "", "edit while awaiting", UpdateSaveFigures, SaveFiguresArgs{By: "chuyen-vien", Figures: map[string]any{"staff": 1}})
	h.update(6*time.Hour, "", "return without note", UpdateReturnToPreparer, NoteArgs{By: "lanh-dao"})
	h.update(7*time.Hour, "", "return", UpdateReturnToPreparer, NoteArgs{By: "lanh-dao", Note: "kiểm tra lại số máy tính"})
	h.update(8*time.Hour, "", "hand over again", UpdateHandOver, NoteArgs{By: "chuyen-vien"})
	h.update(9*time.Hour, "", "submit", UpdateSubmit, ActorArgs{By: "lanh-dao"})
	h.update(10*time.Hour, "", "withdraw", UpdateWithdraw, NoteArgs{By: "lanh-dao", Note: "bổ sung số liệu"})
	h.update(11*time.Hour, "", "edit after withdraw", UpdateSaveFigures, SaveFiguresArgs{By: "chuyen-vien", Figures: map[string]any{"staff": staff}})
	// The deadline is 96 h after start: 121 h is two days late.
	h.update(121*time.Hour, "", "submit late", UpdateSubmit, ActorArgs{By: "lanh-dao"})
	h.update(122*time.Hour, "", "take", UpdateTake, ActorArgs{By: appraiser})
	h.update(123*time.Hour, "", "withdraw taken", UpdateWithdraw, NoteArgs{By: "lanh-dao"})
	h.update(124*time.Hour, "", "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var awaiting, returned, withdrawn, taken UnitState
	h.env.RegisterDelayedCallback(func() { awaiting = h.state() }, 4*time.Hour+time.Minute)
	h.env.RegisterDelayedCallback(func() { returned = h.state() }, 7*time.Hour+time.Minute)
	h.env.RegisterDelayedCallback(func() { withdrawn = h.state() }, 10*time.Hour+time.Minute)
	h.env.RegisterDelayedCallback(func() { taken = h.state() }, 122*time.Hour+time.Minute)
	h.env.ExecuteWorkflow(Unit, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("save partial", "save rest", "hand over", "return", "hand over again", "submit", "withdraw", "edit after withdraw", "submit late", "take", "finish")
	h.refused("hand over incomplete", "figures.staff")
	h.refused("edit while awaiting", "status")
	h.refused("return without note", "note")
	h.refused("withdraw taken", "status")
	if awaiting.Status != UnitAwaitingApproval {
		t.Errorf("after hand-over: %s", awaiting.Status)
	}
	if returned.Status != UnitDraft || returned.ReturnNote != "kiểm tra lại số máy tính" {
		t.Errorf("after return: %s %q", returned.Status, returned.ReturnNote)
	}
	if withdrawn.Status != UnitDraft || withdrawn.SubmittedAt != nil || withdrawn.Self != nil {
		t.Errorf("after withdraw: %+v", withdrawn)
	}
	if taken.Status != UnitUnderAppraisal || taken.Appraiser != appraiser || taken.TakenAt == nil ||
		taken.LateDays != 2 || !taken.SubmittedAt.Equal(start.Add(121*time.Hour)) {
		t.Errorf("after take: status %s appraiser %q late %d submitted %v", taken.Status, taken.Appraiser, taken.LateDays, taken.SubmittedAt)
	}
}

// TestUnitAwaitingApprovalWhenCollectionCloses: a report still waiting for
// the unit's approver when collection closes was never submitted.
func TestUnitAwaitingApprovalWhenCollectionCloses(t *testing.T) {
	h := newHarness(t)
	in, figs := unitInput(t, "SNV")
	h.update(time.Hour, "", "save", UpdateSaveFigures, SaveFiguresArgs{By: "chuyen-vien", Figures: figs})
	h.update(2*time.Hour, "", "hand over", UpdateHandOver, NoteArgs{By: "chuyen-vien"})
	h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(SignalCollectionClosed, nil) }, 3*time.Hour)
	h.env.ExecuteWorkflow(Unit, in)
	h.ok("save", "hand over")
	var res UnitResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Status != UnitNotSubmitted {
		t.Fatalf("result %+v %v", res, err)
	}
}
