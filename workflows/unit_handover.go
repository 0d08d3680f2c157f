package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// The steps inside a unit and the appraiser's taking of a submission, as
// provinces run them: the unit's preparer (chuyên viên) fills in and hands
// the report over; the unit's approver (lãnh đạo đơn vị) submits it or
// returns it with a note; a submitted report may be withdrawn to edit it
// until an appraiser takes it. Lateness counts from the final submission
// (R7: submit sets SubmittedAt each time it is accepted from a draft).
//
// These are handlers added to the Unit workflow: they issue no command of
// their own (no activity, timer or child), so histories recorded before
// them replay unchanged.

// NoteArgs is an action with an optional note (required where said).
type NoteArgs struct {
	By   string `json:"by"`
	Note string `json:"note,omitempty"`
}

// HandOver.

func (u *unit) validateHandOver(ctx workflow.Context, a NoteArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.editable(); err != nil {
		return err
	}
	return u.complete()
}

// complete refuses a report the scorer cannot score yet (figures missing
// or wrong), with every field error.
func (u *unit) complete() error {
	sub := u.submission()
	sub.Appraisal = nil
	if _, err := u.set.Score(&sub, &u.in.Settings); err != nil {
		return refuseErr(err)
	}
	return nil
}

func (u *unit) handOver(ctx workflow.Context, a NoteArgs) (UnitState, error) {
	u.handedFrom = u.state.Status
	u.state.Status = UnitAwaitingApproval
	u.state.ReturnNote = ""
	u.log(ctx, a.By, "chuyển lãnh đạo đơn vị duyệt", a.Note)
	return u.view(), nil
}

// ReturnToPreparer.

func (u *unit) validateReturnToPreparer(ctx workflow.Context, a NoteArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if u.state.Status != UnitAwaitingApproval {
		return wrongState("báo cáo không ở trạng thái chờ lãnh đạo đơn vị duyệt", "the report is not awaiting the unit's approval")
	}
	if a.Note == "" {
		return required("note", "trả lại chuyên viên phải kèm ghi chú nêu việc cần sửa", "returning the report needs a note")
	}
	return nil
}

func (u *unit) returnToPreparer(ctx workflow.Context, a NoteArgs) (UnitState, error) {
	u.state.Status = u.origin()
	u.state.ReturnNote = a.Note
	u.log(ctx, a.By, "trả lại chuyên viên", a.Note)
	return u.view(), nil
}

// origin is the status a report awaiting approval came from.
func (u *unit) origin() string {
	if u.handedFrom == UnitRevisionRequested {
		return UnitRevisionRequested
	}
	return UnitDraft
}

// Withdraw.

func (u *unit) validateWithdraw(ctx workflow.Context, a NoteArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	switch {
	case u.state.Status != UnitSubmitted:
		return wrongState("chỉ rút lại được báo cáo đã gửi mà thẩm định viên chưa bắt đầu", "only a submitted report that no appraiser has started can be withdrawn")
	case u.closed:
		return wrongState("đã khóa thu thập báo cáo, không thể rút lại", "collection is closed: the report cannot be withdrawn")
	}
	return nil
}

func (u *unit) withdraw(ctx workflow.Context, a NoteArgs) (UnitState, error) {
	u.state.Status = UnitDraft
	u.state.SubmittedAt, u.state.LateDays, u.state.Self = nil, 0, nil
	u.log(ctx, a.By, "rút lại báo cáo để chỉnh sửa", a.Note)
	if !u.reminding {
		workflow.Go(ctx, u.remind) // the reminders before the deadline apply again
	}
	return u.view(), nil
}

// TakeForAppraisal.

func (u *unit) validateTake(ctx workflow.Context, a ActorArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	return u.appraisable()
}

func (u *unit) take(ctx workflow.Context, a ActorArgs) (UnitState, error) {
	u.hold(ctx, a.By)
	u.state.Status = UnitUnderAppraisal
	return u.view(), nil
}

// hold records who appraises the report, the first time someone does.
func (u *unit) hold(ctx workflow.Context, by string) {
	if u.state.Appraiser == by {
		return
	}
	now := workflow.Now(ctx)
	u.state.Appraiser, u.state.TakenAt = by, &now
	u.log(ctx, by, "nhận thẩm định", "")
}
