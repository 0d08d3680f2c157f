package api

import (
	_ "embed"
	"net/http"

	"github.com/gin-gonic/gin"
)

// openAPISpec describes every route; a test keeps it equal to the routes
// registered.
//
//go:embed openapi.yaml
var openAPISpec []byte

// OpenAPI returns the API description (OpenAPI 3.0, YAML).
func OpenAPI() []byte { return openAPISpec }

func (s *Server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", openAPISpec)
}
