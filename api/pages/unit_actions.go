package pages

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The unit page's forms. Each runs one workflow update (two when the
// figures typed must be saved first), then goes back to the page with a
// message; a refusal shows the page again with the errors in its summary
// and beside the fields, and the values typed kept.

// unitUpdate runs a unit update from a page form: on success back to the
// page with a message; on refusal the page again with the errors.
func (w *web) unitUpdate(c *gin.Context, name string, args any, flash string, keep map[string]string, posted map[string]any) {
	if w.runUpdate(c, name, args, keep, posted) {
		w.backToUnit(c, flash)
	}
}

// backToUnit redirects to the unit page with a message key.
func (w *web) backToUnit(c *gin.Context, flash string) {
	w.backToAnchor(c, flash, "")
}

// backToAnchor redirects to a place on the unit page (a criterion's
// "c-<code>") with a message key.
func (w *web) backToAnchor(c *gin.Context, flash, anchor string) {
	year, _, _, _ := api.UnitParams(c)
	if anchor != "" {
		anchor = "#" + anchor
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s?tb=%s%s", year, c.Param("code"), flash, anchor))
}

// runUpdate runs one update; on refusal it has answered with the page and
// its errors and reports false.
func (w *web) runUpdate(c *gin.Context, name string, args any, keep map[string]string, posted map[string]any) bool {
	_, _, id, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return false
	}
	var st workflows.UnitState
	err = w.s.Update(c.Request.Context(), id, name, args, &st)
	if err == nil {
		return true
	}
	w.refused(c, err, keep, posted)
	return false
}

// refused shows the page again after a refused update.
func (w *web) refused(c *gin.Context, err error, keep map[string]string, posted map[string]any) {
	year, code, _, _ := api.UnitParams(c)
	status, msg, fields := w.s.ErrorOf(err)
	if status != http.StatusUnprocessableEntity && status != http.StatusBadRequest && status != http.StatusConflict {
		w.failPage(c, err)
		return
	}
	st, qerr := w.s.ReadUnit(c.Request.Context(), year, code)
	if qerr != nil {
		w.failPage(c, qerr)
		return
	}
	fe := fields
	if len(fe) == 0 {
		fe = []scoring.FieldError{{Field: "", Message: msg}}
	}
	d, derr := w.unitData(c, st, posted, fe)
	if derr != nil {
		w.failPage(c, derr)
		return
	}
	for k, v := range keep {
		d.Form[k] = v
	}
	d.placeErrors()
	d.SummaryHead = refusedHead(c, d.Summary)
	if len(d.Summary) == 1 && d.Summary[0].Href == "" {
		d.Summary = nil // the heading says it all
	}
	w.render(c, status, "unit", d)
}

// refusedHead is the error summary's heading: what did not happen.
func refusedHead(c *gin.Context, lines []errLine) string {
	n := len(lines)
	what := "Chưa thực hiện được"
	switch {
	case strings.HasSuffix(c.Request.URL.Path, "/luu"):
		what = "Chưa lưu được"
	case strings.HasSuffix(c.Request.URL.Path, "/nop"), strings.HasSuffix(c.Request.URL.Path, "/gui-bao-cao"):
		what = "Chưa gửi được báo cáo"
	case strings.HasSuffix(c.Request.URL.Path, "/chuyen-duyet"):
		what = "Chưa chuyển được cho lãnh đạo đơn vị"
	case strings.HasSuffix(c.Request.URL.Path, "/dinh-chinh"):
		what = "Chưa ghi nhận được đính chính"
	case strings.HasSuffix(c.Request.URL.Path, "/chat-luong"):
		what = "Chưa gắn cờ được"
	case strings.HasSuffix(c.Request.URL.Path, "/dung-lai"):
		what = "Chưa dùng lại được tài liệu năm trước"
	case strings.HasSuffix(c.Request.URL.Path, "/xac-nhan-tai-lieu"):
		what = "Chưa xác nhận được tài liệu"
	}
	if n == 1 && lines[0].Href == "" {
		return what + ": " + strings.TrimSuffix(lines[0].Message, ".")
	}
	if n == 1 {
		return what + ": có 1 lỗi cần sửa"
	}
	return fmt.Sprintf("%s: có %d lỗi cần sửa", what, n)
}

// loadSet is the unit's criteria set and state, from the cache.
func (w *web) loadSet(c *gin.Context) (*scoring.Set, workflows.UnitState, bool) {
	year, code, _, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return nil, workflows.UnitState{}, false
	}
	st, err := w.s.Unit(c.Request.Context(), year, code)
	if err != nil {
		w.failPage(c, err)
		return nil, st, false
	}
	set, err := w.s.SetOf(c.Request.Context(), st.Ref.Set, st.Ref.Annex)
	if err != nil {
		w.failPage(c, err)
		return nil, st, false
	}
	return set, st, true
}

// saveTyped saves the figures a form posted that differ from the saved
// ones; false when refused (the page has answered) or failed.
func (w *web) saveTyped(c *gin.Context) (changed, ok bool) {
	set, st, ok := w.loadSet(c)
	if !ok {
		return false, false
	}
	posted := postedFigures(c, set)
	figs := changedFigures(set, st.Figures, posted)
	if len(figs) == 0 {
		return false, true
	}
	return true, w.runUpdate(c, workflows.UpdateSaveFigures, workflows.SaveFiguresArgs{By: api.UserOf(c).Name, Figures: figs}, nil, posted)
}

func (w *web) saveDraft(c *gin.Context) {
	// Nothing new (the autosave may have been first) is saved too.
	if _, ok := w.saveTyped(c); ok {
		w.backToUnit(c, "da-luu")
	}
}

// submitUnit saves what the form holds, then submits; the workflow
// refuses a report with figures missing, field by field.
func (w *web) submitUnit(c *gin.Context) {
	if err := w.s.CheckSubmitter(c.Request.Context(), api.UserOf(c), c.Param("code")); err != nil {
		w.failPage(c, err)
		return
	}
	if _, ok := w.saveTyped(c); !ok {
		return
	}
	w.unitUpdate(c, workflows.UpdateSubmit, workflows.ActorArgs{By: api.UserOf(c).Name}, "da-nop", nil, nil)
}

// handOver: the preparer saves and passes the report to the unit's
// approver.
func (w *web) handOver(c *gin.Context) {
	if _, ok := w.saveTyped(c); !ok {
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	w.unitUpdate(c, updateHandOver, noteArgs{By: api.UserOf(c).Name, Note: note}, "da-chuyen", map[string]string{"note": note}, nil)
}

// approverOnly answers 403 unless the user is the unit's approver or an
// admin (the route's rule lets the unit's readers through).
func (w *web) approverOnly(c *gin.Context) bool {
	usr := api.UserOf(c)
	if usr.Role == api.RoleAdmin || usr.Role == api.RoleApprover && usr.Unit == c.Param("code") {
		return true
	}
	w.errorPage(c, http.StatusForbidden, "Chỉ lãnh đạo đơn vị (người duyệt báo cáo của đơn vị) hoặc quản trị mới thực hiện được thao tác này")
	return false
}

// approveSubmit: the approver submits the report handed over.
func (w *web) approveSubmit(c *gin.Context) {
	if !w.approverOnly(c) {
		return
	}
	w.unitUpdate(c, workflows.UpdateSubmit, workflows.ActorArgs{By: api.UserOf(c).Name}, "da-nop-duyet", nil, nil)
}

// returnToPreparer: the approver sends it back with a required note.
func (w *web) returnToPreparer(c *gin.Context) {
	if !w.approverOnly(c) {
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	keep := map[string]string{"return_note": note}
	if note == "" {
		w.unitUpdateErr(c, keep, api.FieldError("note", scoring.ErrRequired,
			"Nhập lý do trả lại để chuyên viên biết cần sửa gì, ví dụ: số văn bản đến chưa khớp sổ văn thư"))
		return
	}
	w.unitUpdate(c, updateReturnToPreparer, noteArgs{By: api.UserOf(c).Name, Note: note}, "da-tra-cv", keep, nil)
}

// withdraw: the approver takes a submission no appraiser has taken back
// for editing.
func (w *web) withdraw(c *gin.Context) {
	if !w.approverOnly(c) {
		return
	}
	note := strings.TrimSpace(c.PostForm("note"))
	w.unitUpdate(c, updateWithdraw, noteArgs{By: api.UserOf(c).Name, Note: note}, "da-rut-lai", map[string]string{"withdraw_note": note}, nil)
}

func (w *web) finish(c *gin.Context) {
	w.unitUpdate(c, workflows.UpdateFinishAppraisal, workflows.ActorArgs{By: api.UserOf(c).Name}, "da-tham-dinh", nil, nil)
}

// correct records an appraiser's correction of one figure, from the form
// beside it; back at its criterion.
func (w *web) correct(c *gin.Context) {
	fig, val, reason := c.PostForm("figure"), strings.TrimSpace(c.PostForm("value")), strings.TrimSpace(c.PostForm("reason"))
	set, st, ok := w.loadSet(c)
	if !ok {
		return
	}
	var v any = val
	if val == "" {
		v = nil
	} else if f := set.Figure(fig); f != nil && numeric(f) {
		if n, we := scoring.ParseWholeText(val); we == nil {
			v = n // "1.250" is 1250
		}
	}
	keep := map[string]string{"figure": fig, "value": val, "reason": reason}
	if w.runUpdate(c, workflows.UpdateCorrectFigure, workflows.CorrectionArgs{By: api.UserOf(c).Name, Figure: fig, Value: v, Reason: reason}, keep, nil) {
		anchor := holder(set, st.Ref.Flags, fig)
		if anchor != "" {
			anchor = "c-" + anchor
		}
		w.backToAnchor(c, "da-dinh-chinh", anchor)
	}
}

// holder is the first applicable criterion showing a figure, where the
// page holds its correction form.
func holder(set *scoring.Set, flags []string, fig string) string {
	for _, sec := range set.Sections {
		for _, cr := range set.Criteria() {
			if cr.Section == sec.Code && cr.Applies(flags) && slices.Contains(cr.Figures, fig) {
				return cr.Code
			}
		}
	}
	return ""
}

// flagQuality flags a criterion's data from the form on its card.
func (w *web) flagQuality(c *gin.Context) {
	cr, reason := c.PostForm("criterion"), strings.TrimSpace(c.PostForm("reason"))
	if w.runUpdate(c, workflows.UpdateFlagQuality, workflows.QualityFlagArgs{By: api.UserOf(c).Name, Criterion: cr, Reason: reason},
		map[string]string{"criterion": cr, "q_reason": reason}, nil) {
		w.backToAnchor(c, "da-gan-co", "c-"+cr)
	}
}

func (w *web) freeEmail(c *gin.Context) {
	reason := strings.TrimSpace(c.PostForm("reason"))
	w.unitUpdate(c, workflows.UpdateFlagFreeEmail, workflows.FreeEmailArgs{By: api.UserOf(c).Name, Reason: reason},
		"da-thu", map[string]string{"e_reason": reason}, nil)
}

// revision sends the report back; the deadline is a date, meaning the end
// of that day in Vietnam.
func (w *web) revision(c *gin.Context) {
	reason, day := strings.TrimSpace(c.PostForm("reason")), strings.TrimSpace(c.PostForm("deadline"))
	keep := map[string]string{"r_reason": reason, "deadline": day}
	var deadline time.Time
	if day != "" {
		t, err := time.ParseInLocation("2006-01-02", day, scoring.Vietnam)
		if err != nil {
			w.unitUpdateErr(c, keep, api.FieldError("deadline", scoring.ErrInvalid, "Hạn bổ sung phải là ngày hợp lệ"))
			return
		}
		deadline = t.Add(24*time.Hour - time.Second)
	}
	w.unitUpdate(c, workflows.UpdateRequestRevision, workflows.RevisionArgs{By: api.UserOf(c).Name, Reason: reason, Deadline: deadline},
		"da-tra-lai", keep, nil)
}

// unitUpdateErr shows the page with a field error found before any update.
func (w *web) unitUpdateErr(c *gin.Context, keep map[string]string, fe scoring.FieldError) {
	d, ok := w.cachedUnitData(c, []scoring.FieldError{fe})
	if !ok {
		return
	}
	for k, v := range keep {
		d.Form[k] = v
	}
	d.placeErrors()
	d.SummaryHead = refusedHead(c, d.Summary)
	w.render(c, http.StatusUnprocessableEntity, "unit", d)
}
