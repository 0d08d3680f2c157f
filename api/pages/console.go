package pages

import (
	"github.com/gin-gonic/gin"

	"ictindex/api"
)

// consoleRoutes are the department's campaign console: the list of
// campaigns, opening a campaign, per-unit extensions and the dashboard's
// export.
func (w *web) consoleRoutes(p *gin.RouterGroup) {
	p.GET("/dot", w.allow(api.Anyone), w.campaignList) // unit staff are sent to their unit
	p.GET("/dot/mo-moi", w.allow(api.AdminOnly), w.openForm)
	p.POST("/dot/mo-moi", w.allow(api.AdminOnly), w.openSubmit)
	p.GET("/dot/:year/xuat.xlsx", w.allow(api.Department), w.exportUnits)
	p.GET("/dot/:year/gia-han/:code", w.allow(api.AdminOnly), w.extendForm)
	p.POST("/dot/:year/gia-han/:code", w.allow(api.AdminOnly), w.extendSubmit)
	p.GET("/dot/:year/quyet-dinh.pdf", w.allow(api.Department), w.archivedDecision)
	p.GET("/dot/:year/ket-qua.json", w.allow(api.Department), w.archivedResults)
}
