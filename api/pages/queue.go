package pages

import "github.com/gin-gonic/gin"

// queueRoutes are the appraisers' queue.
func (w *web) queueRoutes(p *gin.RouterGroup) {}
