package pages

import "github.com/gin-gonic/gin"

// adminRoutes are the administration pages: users and roles, the unit
// registry, the audit log, and every user's own account.
func (w *web) adminRoutes(p *gin.RouterGroup) {}
