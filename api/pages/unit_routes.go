package pages

import (
	"github.com/gin-gonic/gin"

	"ictindex/api"
)

// unitRoutes are the unit page's: the form, its live score, and the
// appraisal actions.
func (w *web) unitRoutes(u *gin.RouterGroup) {
	u.GET("", w.allow(api.UnitReaders), w.unitPage)
	u.POST("/diem-tam-tinh", w.allow(api.UnitReaders), w.preview)
	u.POST("/luu", w.allow(api.UnitEditors), w.saveDraft)
	u.POST("/nop", w.allow(api.UnitEditors), w.submitUnit)
	u.POST("/dinh-chinh", w.allow(api.Appraisers), w.correct)
	u.POST("/chat-luong", w.allow(api.Appraisers), w.flagQuality)
	u.POST("/thu-dien-tu", w.allow(api.Appraisers), w.freeEmail)
	u.POST("/yeu-cau-bo-sung", w.allow(api.Appraisers), w.revision)
	u.POST("/hoan-thanh", w.allow(api.Appraisers), w.finish)
}
