package pages

import (
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The unit page's actions on last year's documents. Their buttons sit in
// the figures form (formaction), so the figures typed are saved first, as
// with handing over: nothing typed is lost, with or without JavaScript.

// carryEvidence carries a document of last year's record forward (the
// button's value names its key and version) and goes back to its
// criterion.
func (w *web) carryEvidence(c *gin.Context) {
	year, code, _, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	key, version, ok := strings.Cut(c.PostForm("carry"), "|")
	if !ok || key == "" || version == "" {
		w.unitUpdateErr(c, nil, api.FieldError("carry", scoring.ErrRequired, "Chưa chọn tài liệu năm trước để dùng lại (trường «carry»)"))
		return
	}
	if _, ok := w.saveTyped(c); !ok {
		return
	}
	st, err := w.s.CarryEvidence(c.Request.Context(), year, code, api.UserOf(c).Name, api.CarryRequest{Key: key, VersionID: version})
	if err != nil {
		w.refused(c, err, nil, nil)
		return
	}
	anchor := ""
	if n := len(st.Evidence); n > 0 {
		anchor = "c-" + st.Evidence[n-1].Criterion
	}
	w.backToAnchor(c, "da-dung-lai", anchor)
}

// confirmEvidence confirms that a carried document still holds.
func (w *web) confirmEvidence(c *gin.Context) {
	n, err := api.EvidenceIndex(c.PostForm("n"))
	if err != nil {
		w.unitUpdateErr(c, nil, api.FieldError("n", scoring.ErrInvalid, "Số thứ tự tài liệu cần xác nhận không hợp lệ (trường «n»)"))
		return
	}
	if _, ok := w.saveTyped(c); !ok {
		return
	}
	_, _, id, err := api.UnitParams(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	var st workflows.UnitState
	if err := w.s.Update(c.Request.Context(), id, workflows.UpdateConfirmEvidence, workflows.ConfirmEvidenceArgs{By: api.UserOf(c).Name, Index: n}, &st); err != nil {
		w.refused(c, err, nil, nil)
		return
	}
	w.backToAnchor(c, "da-xac-nhan-tl", "c-"+st.Evidence[n].Criterion)
}
