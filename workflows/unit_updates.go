package workflows

import (
	"fmt"
	"regexp"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/scoring"
)

// register installs the unit's query and update handlers.
func (u *unit) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (UnitState, error) { return u.view(), nil }); err != nil {
		return err
	}
	updates := []struct {
		name      string
		handler   any
		validator any
	}{
		{UpdateSaveFigures, u.saveFigures, u.validateSaveFigures},
		{UpdateAttachEvidence, u.attachEvidence, u.validateAttachEvidence},
		{UpdateSubmit, u.submit, u.validateSubmit},
		{UpdateExtendDeadline, u.extendDeadline, u.validateExtendDeadline},
		{UpdateRequestRevision, u.requestRevision, u.validateRequestRevision},
		{UpdateCorrectFigure, u.correctFigure, u.validateCorrectFigure},
		{UpdateFlagQuality, u.flagQuality, u.validateFlagQuality},
		{UpdateFlagFreeEmail, u.flagFreeEmail, u.validateFlagFreeEmail},
		{UpdateFinishAppraisal, u.finishAppraisal, u.validateFinishAppraisal},
		{UpdateHandOver, u.handOver, u.validateHandOver},
		{UpdateReturnToPreparer, u.returnToPreparer, u.validateReturnToPreparer},
		{UpdateWithdraw, u.withdraw, u.validateWithdraw},
		{UpdateTake, u.take, u.validateTake},
		{UpdateCarryEvidence, u.carryEvidence, u.validateCarryEvidence},
		{UpdateConfirmEvidence, u.confirmEvidence, u.validateConfirmEvidence},
	}
	for _, up := range updates {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, up.name, up.handler, workflow.UpdateHandlerOptions{Validator: up.validator}); err != nil {
			return err
		}
	}
	return nil
}

// editable: the unit may change its figures and evidence.
func (u *unit) editable() error {
	switch {
	case u.state.Status == UnitDraft && !u.closed:
		return nil
	case u.state.Status == UnitRevisionRequested:
		return nil
	}
	return wrongState("báo cáo đang ở trạng thái «"+statusLabel(u.state.Status)+"», không thể sửa", "the submission is "+u.state.Status+": it cannot be edited")
}

// appraisable: the appraiser may work on the submission.
func (u *unit) appraisable() error {
	if u.state.Status == UnitSubmitted || u.state.Status == UnitUnderAppraisal {
		return nil
	}
	return wrongState("báo cáo đang ở trạng thái «"+statusLabel(u.state.Status)+"», chưa thể thẩm định", "the submission is "+u.state.Status+": it cannot be appraised now")
}

func needBy(by string) error {
	if by == "" {
		return required("by", "chưa rõ người thực hiện", "who acts is missing")
	}
	return nil
}

// SaveFigures.

func (u *unit) validateSaveFigures(ctx workflow.Context, a SaveFiguresArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.editable(); err != nil {
		return err
	}
	if len(a.Figures) == 0 && a.Flags == nil {
		return required("figures", "không có số liệu nào để lưu", "nothing to save")
	}
	if a.Flags != nil {
		if err := u.set.CheckFlags(*a.Flags); err != nil {
			return refuseErr(err)
		}
	}
	if err := u.set.CheckFigures(a.Figures); err != nil {
		return refuseErr(err)
	}
	return nil
}

func (u *unit) saveFigures(ctx workflow.Context, a SaveFiguresArgs) (UnitState, error) {
	// Merging one map into another gives the same map in any order.
	//workflowcheck:ignore
	for k, v := range a.Figures {
		if v == nil {
			delete(u.state.Figures, k)
		} else {
			u.state.Figures[k] = v
		}
	}
	if a.Flags != nil {
		u.in.Ref.Flags = *a.Flags
		u.state.Ref.Flags = *a.Flags
	}
	u.log(ctx, a.By, "lưu số liệu", fmt.Sprintf("%d số liệu", len(a.Figures)))
	return u.view(), nil
}

// AttachEvidence.

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (u *unit) validateAttachEvidence(ctx workflow.Context, a AttachEvidenceArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.editable(); err != nil {
		return err
	}
	if a.Evidence.CarriedFrom != 0 || a.Evidence.Confirmed {
		return refuse(scoring.FieldError{Field: "evidence.carried_from", Code: scoring.ErrInvalid,
			Message:   "tài liệu dùng lại từ năm trước phải đính kèm bằng thao tác «Dùng lại tài liệu năm trước»",
			MessageEN: "a document carried from last year is attached with carry-evidence"})
	}
	return u.checkEvidence(a.Evidence)
}

// checkEvidence refuses a document that does not describe an archived
// file of an applicable criterion, or that is already attached.
func (u *unit) checkEvidence(ev activities.EvidenceRef) error {
	c := u.set.Criterion(ev.Criterion)
	switch {
	case c == nil || !c.Applies(u.in.Ref.Flags):
		return refuse(scoring.FieldError{Field: "evidence.criterion", Code: scoring.ErrUnknown,
			Message: fmt.Sprintf("tiêu chí %q không áp dụng cho đơn vị", ev.Criterion), MessageEN: fmt.Sprintf("criterion %q does not apply", ev.Criterion)})
	case ev.Key == "" || ev.FileName == "" || ev.Size <= 0 || !sha256Hex.MatchString(ev.SHA256):
		return refuse(scoring.FieldError{Field: "evidence", Code: scoring.ErrInvalid,
			Message: "tài liệu kiểm chứng thiếu khóa lưu trữ, tên, kích thước hoặc mã SHA-256", MessageEN: "evidence needs a key, name, size and SHA-256"})
	}
	for _, e := range u.state.Evidence {
		if e.Key == ev.Key && e.VersionID == ev.VersionID {
			return refuse(scoring.FieldError{Field: "evidence", Code: scoring.ErrInvalid,
				Message: "tài liệu này đã được đính kèm", MessageEN: "this document is already attached"})
		}
	}
	return nil
}

func (u *unit) attachEvidence(ctx workflow.Context, a AttachEvidenceArgs) (UnitState, error) {
	u.state.Evidence = append(u.state.Evidence, a.Evidence)
	u.log(ctx, a.By, "đính kèm tài liệu kiểm chứng", a.Evidence.Criterion+": "+a.Evidence.FileName+" ("+a.Evidence.SHA256[:12]+"…)")
	return u.view(), nil
}

// Submit.

func (u *unit) validateSubmit(ctx workflow.Context, a ActorArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if u.state.Status == UnitAwaitingApproval {
		if u.closed && u.origin() == UnitDraft {
			return wrongState("đã khóa thu thập báo cáo", "collection is closed")
		}
	} else if err := u.editable(); err != nil {
		return err
	}
	return u.complete()
}

func (u *unit) submit(ctx workflow.Context, a ActorArgs) (UnitState, error) {
	now := workflow.Now(ctx)
	if u.state.Status == UnitAwaitingApproval {
		u.state.Status = u.origin()
	}
	u.state.ReturnNote = ""
	if u.state.Status == UnitDraft {
		u.state.SubmittedAt = &now // R7: the time the system accepted it
		u.state.LateDays = scoring.LateDays(now, u.state.Deadline)
		u.state.Status = UnitSubmitted
		u.log(ctx, a.By, "gửi báo cáo", fmt.Sprintf("muộn %d ngày", u.state.LateDays))
	} else {
		u.revGen++ // the revision deadline no longer applies
		u.state.RevisionDeadline = nil
		u.state.Status = UnitUnderAppraisal
		u.log(ctx, a.By, "gửi lại báo cáo đã bổ sung", "")
	}
	self, err := u.score(ctx)
	if err != nil {
		return u.view(), err
	}
	u.state.Self = self
	return u.view(), nil
}

// ExtendDeadline.

func (u *unit) validateExtendDeadline(ctx workflow.Context, a ExtendArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if u.state.Status != UnitDraft || u.closed {
		return wrongState("chỉ gia hạn cho đơn vị chưa gửi báo cáo", "only a unit that has not submitted can get more time")
	}
	if !a.Deadline.After(u.state.Deadline) {
		return refuse(scoring.FieldError{Field: "deadline", Code: scoring.ErrInvalid,
			Message: "hạn mới phải sau hạn hiện tại", MessageEN: "the new deadline must be after the current one"})
	}
	if a.Reason == "" {
		return required("reason", "gia hạn phải có lý do", "an extension needs a reason")
	}
	return nil
}

func (u *unit) extendDeadline(ctx workflow.Context, a ExtendArgs) (UnitState, error) {
	u.state.Deadline = a.Deadline
	u.gen++
	for i := range u.sent {
		u.sent[i] = false
	}
	u.log(ctx, a.By, "gia hạn", a.Deadline.In(scoring.Vietnam).Format("15:04 02/01/2006")+" — "+a.Reason)
	return u.view(), nil
}

// RequestRevision.

func (u *unit) validateRequestRevision(ctx workflow.Context, a RevisionArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.appraisable(); err != nil {
		return err
	}
	if a.Reason == "" {
		return required("reason", "yêu cầu bổ sung phải nêu lý do", "a revision request needs a reason")
	}
	if !a.Deadline.After(workflow.Now(ctx)) {
		return refuse(scoring.FieldError{Field: "deadline", Code: scoring.ErrInvalid,
			Message: "hạn bổ sung phải ở tương lai", MessageEN: "the revision deadline must be in the future"})
	}
	return nil
}

func (u *unit) requestRevision(ctx workflow.Context, a RevisionArgs) (UnitState, error) {
	u.state.Status = UnitRevisionRequested
	deadline := a.Deadline
	u.state.RevisionDeadline, u.state.RevisionReason = &deadline, a.Reason
	u.revGen++
	gen := u.revGen
	u.log(ctx, a.By, "yêu cầu bổ sung", a.Reason)
	workflow.Go(ctx, func(ctx workflow.Context) {
		if workflow.Sleep(ctx, deadline.Sub(workflow.Now(ctx))) != nil || u.revGen != gen || u.state.Status != UnitRevisionRequested {
			return
		}
		u.state.Status = UnitUnderAppraisal
		u.state.RevisionDeadline = nil
		u.log(ctx, "hệ thống", "hết hạn bổ sung", "thẩm định tiếp trên số liệu đã gửi")
	})
	notice := activities.Notice{Kind: "revision", Year: u.in.Year, Unit: u.in.Ref.Unit.Code, At: workflow.Now(ctx),
		Subject: "Yêu cầu bổ sung báo cáo", Body: a.Reason + " (hạn " + deadline.In(scoring.Vietnam).Format("15:04 02/01/2006") + ")"}
	_ = workflow.ExecuteActivity(notifyCtx(ctx), act.Notify, notice).Get(ctx, nil)
	return u.view(), nil
}

// CorrectFigure.

func (u *unit) validateCorrectFigure(ctx workflow.Context, a CorrectionArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.appraisable(); err != nil {
		return err
	}
	if a.Reason == "" {
		return required("reason", "điều chỉnh số liệu phải có lý do", "a correction needs a reason")
	}
	if a.Value == nil && (u.set.Figure(a.Figure) == nil || !u.set.Figure(a.Figure).Optional) {
		return required("value", "chưa nhập giá trị điều chỉnh", "the corrected value is missing")
	}
	return refuseIf(u.set.CheckFigures(map[string]any{a.Figure: a.Value}))
}

func refuseIf(err error) error {
	if err != nil {
		return refuseErr(err)
	}
	return nil
}

func (u *unit) correctFigure(ctx workflow.Context, a CorrectionArgs) (UnitState, error) {
	c := scoring.Correction{Figure: a.Figure, Value: a.Value, Reason: a.Reason, By: a.By}
	replaced := false
	for i := range u.state.Appraisal.Corrections {
		if u.state.Appraisal.Corrections[i].Figure == a.Figure {
			u.state.Appraisal.Corrections[i], replaced = c, true
		}
	}
	if !replaced {
		u.state.Appraisal.Corrections = append(u.state.Appraisal.Corrections, c)
	}
	u.hold(ctx, a.By)
	u.state.Status = UnitUnderAppraisal
	u.log(ctx, a.By, "điều chỉnh số liệu", fmt.Sprintf("%s = %v — %s", a.Figure, a.Value, a.Reason))
	return u.view(), nil
}

// FlagQuality.

func (u *unit) validateFlagQuality(ctx workflow.Context, a QualityFlagArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.appraisable(); err != nil {
		return err
	}
	if c := u.set.Criterion(a.Criterion); c == nil || !c.Applies(u.in.Ref.Flags) {
		return refuse(scoring.FieldError{Field: "criterion", Code: scoring.ErrUnknown,
			Message: fmt.Sprintf("tiêu chí %q không áp dụng cho đơn vị", a.Criterion), MessageEN: fmt.Sprintf("criterion %q does not apply", a.Criterion)})
	}
	for _, q := range u.state.Appraisal.QualityFlags {
		if q.Criterion == a.Criterion {
			return refuse(scoring.FieldError{Field: "criterion", Code: scoring.ErrInvalid,
				Message: "tiêu chí này đã bị đánh dấu", MessageEN: "this criterion is already flagged"})
		}
	}
	if a.Reason == "" {
		return required("reason", "đánh dấu phải có lý do", "a flag needs a reason")
	}
	return nil
}

func (u *unit) flagQuality(ctx workflow.Context, a QualityFlagArgs) (UnitState, error) {
	u.state.Appraisal.QualityFlags = append(u.state.Appraisal.QualityFlags, scoring.QualityFlag{Criterion: a.Criterion, Reason: a.Reason})
	u.hold(ctx, a.By)
	u.state.Status = UnitUnderAppraisal
	u.log(ctx, a.By, "đánh dấu số liệu không đảm bảo chất lượng", a.Criterion+" — "+a.Reason)
	return u.view(), nil
}

// FlagFreeEmail.

func (u *unit) validateFlagFreeEmail(ctx workflow.Context, a FreeEmailArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.appraisable(); err != nil {
		return err
	}
	if a.Reason == "" {
		return required("reason", "phải nêu văn bản chứng minh việc dùng thư miễn phí", "the evidence of free e-mail use is missing")
	}
	if u.state.Appraisal.FreeEmail != "" {
		return refuse(scoring.FieldError{Field: "reason", Code: scoring.ErrInvalid, Message: "đã ghi nhận", MessageEN: "already recorded"})
	}
	return nil
}

func (u *unit) flagFreeEmail(ctx workflow.Context, a FreeEmailArgs) (UnitState, error) {
	u.state.Appraisal.FreeEmail = a.Reason
	u.hold(ctx, a.By)
	u.state.Status = UnitUnderAppraisal
	u.log(ctx, a.By, "ghi nhận dùng thư điện tử miễn phí", a.Reason)
	return u.view(), nil
}

// FinishAppraisal.

func (u *unit) validateFinishAppraisal(ctx workflow.Context, a ActorArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := u.appraisable(); err != nil {
		return err
	}
	sub := u.submission()
	if _, err := u.set.Score(&sub, &u.in.Settings); err != nil {
		return refuseErr(err)
	}
	return nil
}

func (u *unit) finishAppraisal(ctx workflow.Context, a ActorArgs) (UnitState, error) {
	res, err := u.score(ctx)
	if err != nil {
		return u.view(), err
	}
	u.state.Appraised = res
	u.state.Status = UnitAppraised
	u.log(ctx, a.By, "hoàn thành thẩm định", "điểm cuối cùng "+res.Final.String())
	return u.view(), nil
}

// statusLabel is a status in Vietnamese.
func statusLabel(s string) string {
	switch s {
	case UnitDraft:
		return "đang nhập"
	case UnitAwaitingApproval:
		return "chờ lãnh đạo đơn vị duyệt"
	case UnitSubmitted:
		return "đã gửi"
	case UnitUnderAppraisal:
		return "đang thẩm định"
	case UnitRevisionRequested:
		return "yêu cầu bổ sung"
	case UnitAppraised:
		return "đã thẩm định"
	case UnitNotSubmitted:
		return "không gửi báo cáo"
	}
	return s
}

// StatusLabel is a unit status in Vietnamese, for pages and documents.
func StatusLabel(s string) string { return statusLabel(s) }

// view is the unit's state as queries and updates answer it: with the
// campaign's settings.
func (u *unit) view() UnitState {
	st := u.state
	st.Settings = &u.in.Settings
	return st
}
