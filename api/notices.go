package api

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"

	"ictindex/scoring"
)

// maxNoticePage is the most notices one page of the log holds.
const maxNoticePage = 200

// noticeLog answers the notices of a campaign sent by e-mail, newest first,
// with the campaign's counts: ?offset=&limit= (limit 1–200, default 20).
// The log lives in the users database, so every replica answers the same.
func (s *Server) noticeLog(c *gin.Context) {
	year, err := yearParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	offset, limit := 0, 20
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			msg := "offset phải là số nguyên không âm: " + strconv.Quote(v)
			s.fail(c, badRequest(msg, field("offset", scoring.ErrInvalid, msg)))
			return
		}
		offset = n
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxNoticePage {
			msg := fmt.Sprintf("limit phải là số nguyên từ 1 đến %d: %s", maxNoticePage, strconv.Quote(v))
			s.fail(c, badRequest(msg, field("limit", scoring.ErrInvalid, msg)))
			return
		}
		limit = n
	}
	log, err := s.users.Notices(c.Request.Context(), year, limit, offset)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	c.JSON(200, log)
}
