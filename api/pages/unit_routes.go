package pages

import (
	"github.com/gin-gonic/gin"

	"ictindex/api"
)

// unitRoutes are the unit page's: the form, its live score, the
// preparer's and approver's steps, and the appraisal actions. The figures
// form posts to /luu (save), /nop (save, then submit) and /chuyen-duyet
// (save, then hand over), so each works without JavaScript.
func (w *web) unitRoutes(u *gin.RouterGroup) {
	u.GET("", w.allow(api.UnitReaders), w.unitPage)
	u.POST("/diem-tam-tinh", w.allow(api.UnitReaders), w.preview)
	u.POST("/luu", w.allow(api.UnitEditors), w.saveDraft)
	u.POST("/nop", w.allow(api.UnitEditors), w.submitUnit)
	u.POST("/chuyen-duyet", w.allow(api.UnitEditors), w.handOver)
	u.POST("/dung-lai", w.allow(api.UnitEditors), w.carryEvidence)
	u.POST("/xac-nhan-tai-lieu", w.allow(api.UnitEditors), w.confirmEvidence)
	// The approver's: the rule lets the unit's approver and admins
	// through; approverOnly checks again in the handler.
	u.POST("/gui-bao-cao", w.allow(api.UnitApprovers), w.approveSubmit)
	u.POST("/tra-lai-chuyen-vien", w.allow(api.UnitApprovers), w.returnToPreparer)
	u.POST("/rut-lai", w.allow(api.UnitApprovers), w.withdraw)
	u.POST("/dinh-chinh", w.allow(api.Appraisers), w.correct)
	u.POST("/chat-luong", w.allow(api.Appraisers), w.flagQuality)
	u.POST("/thu-dien-tu", w.allow(api.Appraisers), w.freeEmail)
	u.POST("/yeu-cau-bo-sung", w.allow(api.Appraisers), w.revision)
	u.POST("/hoan-thanh", w.allow(api.Appraisers), w.finish)
	w.prelimRoutes(u)
}
