package pages

import "github.com/gin-gonic/gin"

// consoleRoutes are the department's campaign console: the list of
// campaigns, opening a campaign, per-unit extensions and the dashboard's
// export.
func (w *web) consoleRoutes(p *gin.RouterGroup) {}
