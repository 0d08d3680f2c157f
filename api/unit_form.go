package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/templates"
)

// unitForm serves a unit's XLSX form: on its campaign's pinned criteria
// set, pre-filled with the unit, its annex, flags and year. A unit's form
// is issued once: archived at its first download (campaigns before shards
// archived every form when they opened), and served from the archive
// after that.
func (s *Server) unitForm(c *gin.Context) {
	year, code, _, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	cur, err := s.cache.readUnit(ctx, year, code)
	if err != nil {
		s.fail(c, err)
		return
	}
	key := activities.FormKey(year, code)
	data, err := s.store.GetDocument(ctx, key, "")
	if errors.Is(err, archive.ErrNotFound) {
		set, serr := s.SetOf(ctx, cur.Ref.Set, cur.Ref.Annex)
		if serr != nil {
			s.fail(c, serr)
			return
		}
		sub := scoring.Submission{Unit: cur.Ref.Unit, Annex: cur.Ref.Annex, Year: year, Flags: cur.Ref.Flags}
		if data, err = templates.Form(set, &sub, year); err != nil {
			s.fail(c, err)
			return
		}
		_, err = s.store.PutDocument(ctx, key, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+code+`-`+c.Param("year")+`.xlsx"`)
	c.Header("Cache-Control", "private, no-cache")
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}
