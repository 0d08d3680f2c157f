package pages

import (
	"github.com/gin-gonic/gin"

	"ictindex/api"
)

// routes registers the logged-in pages with their access rules, one group
// per feature file; each registration names its rule, so the role matrix
// of the pages is these functions (the API's own is in api/server.go).
func (w *web) routes(p *gin.RouterGroup) {
	w.campaignRoutes(p)
	w.compareRoutes(p)
	w.consoleRoutes(p)
	w.adminRoutes(p)
	w.queueRoutes(p)
	w.objectionRoutes(p)
	w.unitRoutes(p.Group("/dot/:year/don-vi/:code"))
}

// campaignRoutes are the dashboard's.
func (w *web) campaignRoutes(p *gin.RouterGroup) {
	p.GET("/dot/:year", w.allow(api.Anyone), w.dashboard)
	p.POST("/dot/:year/khoa-thu-thap", w.allow(api.AdminOnly), w.closeCollection)
	p.POST("/dot/:year/ban-hanh", w.allow(api.LeaderOnly), w.publish)
	p.POST("/dot/:year/ky-so", w.allow(api.LeaderOnly), w.uploadSigned)
	p.POST("/dot/:year/thay-the", w.allow(api.LeaderOnly), w.reissue)
	p.POST("/dot/:year/dong-ho-so", w.allow(api.AdminOnly), w.closeYear)
	p.GET("/dot/:year/thong-bao", w.allow(api.Department), w.noticesPage)
}
