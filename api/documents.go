package api

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// maxFormBytes caps an uploaded XLSX form: ImportForm reads it whole.
const maxFormBytes = 10 << 20

// decisionPDF serves the decision (drafted or published) from the archive.
func (s *Server) decisionPDF(c *gin.Context) {
	s.document(c, "application/pdf", func(st workflows.CampaignStatus) *activities.DocumentRef { return st.Decision },
		"Chưa có dự thảo quyết định cho năm này")
}

// resultsJSON serves the ranking results from the archive.
func (s *Server) resultsJSON(c *gin.Context) {
	s.document(c, "application/json", func(st workflows.CampaignStatus) *activities.DocumentRef { return st.Results },
		"Chưa có kết quả xếp hạng cho năm này")
}

// document serves one of a campaign's generated documents, the exact
// version the campaign recorded.
func (s *Server) document(c *gin.Context, ctype string, pick func(workflows.CampaignStatus) *activities.DocumentRef, missing string) {
	if _, data, ok := s.loadDocument(c, pick, missing); ok {
		c.Header("Cache-Control", "private, no-cache")
		c.Data(http.StatusOK, ctype, data)
	}
}

// loadDocument reads the version of a campaign's document that pick
// names; on failure it has answered the request and ok is false.
func (s *Server) loadDocument(c *gin.Context, pick func(workflows.CampaignStatus) *activities.DocumentRef, missing string) (year int, data []byte, ok bool) {
	year, err := yearParam(c)
	if err != nil {
		s.fail(c, err)
		return 0, nil, false
	}
	var st workflows.CampaignStatus
	if err := s.query(c.Request.Context(), workflows.CampaignWorkflowID(year), &st); err != nil {
		s.fail(c, err)
		return 0, nil, false
	}
	ref := pick(st)
	if ref == nil {
		s.fail(c, notFound(missing))
		return 0, nil, false
	}
	if data, err = s.store.GetDocument(c.Request.Context(), ref.Key, ref.VersionID); err != nil {
		s.fail(c, err)
		return 0, nil, false
	}
	return year, data, true
}

// blankForm serves the blank XLSX form of an annex: /api/forms/PL01.xlsx.
func (s *Server) blankForm(c *gin.Context) {
	annex, ok := strings.CutSuffix(c.Param("form"), ".xlsx")
	set, err := templates.Load(annex)
	if !ok || err != nil {
		s.fail(c, notFound("Không có biểu mẫu này (PL01.xlsx hoặc PL02.xlsx)"))
		return
	}
	year := templates.SampleYear
	if y := c.Query("year"); y != "" {
		if _, err := fmt.Sscanf(y, "%d", &year); err != nil {
			s.fail(c, badRequest("Năm báo cáo không hợp lệ", field("year", scoring.ErrInvalid, "Năm báo cáo không hợp lệ")))
			return
		}
	}
	data, err := templates.Form(set, nil, year)
	if err != nil {
		s.fail(c, badRequest("Không tạo được biểu mẫu: "+err.Error()))
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+annex+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}

// importForm reads a filled XLSX form (multipart field "file") and saves
// its figures and flags into the unit's draft. Problems come back per
// cell as field errors.
func (s *Server) importForm(c *gin.Context) {
	year, code, id, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	cur, err := s.cache.readUnit(c.Request.Context(), year, code)
	if err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.SetOf(c.Request.Context(), cur.Ref.Set, cur.Ref.Annex)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxFormBytes+multipartOverhead)
	mr, err := multipartReader(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var data []byte
	for data == nil {
		part, err := mr.NextPart()
		if err == io.EOF {
			s.fail(c, badRequest("Thiếu tệp biểu mẫu (trường «file»)", field("file", scoring.ErrRequired, "Thiếu tệp biểu mẫu")))
			return
		}
		if err != nil {
			s.fail(c, multipartError(err))
			return
		}
		if part.FormName() == "file" {
			if data, err = io.ReadAll(part); err != nil {
				s.fail(c, multipartError(err))
				return
			}
		}
		part.Close()
	}
	sub, err := templates.ImportFormFor(data, set)
	if err != nil {
		s.fail(c, err)
		return
	}
	if sub.Unit.Code != "" && sub.Unit.Code != code {
		msg := fmt.Sprintf("Biểu mẫu là của đơn vị %q, không phải %q", sub.Unit.Code, code)
		s.fail(c, unprocessable(msg, field("unit.code", scoring.ErrInvalid, msg)))
		return
	}
	flags := sub.Flags
	if flags == nil {
		flags = []string{}
	}
	var st workflows.UnitState
	if err := s.update(c.Request.Context(), id, workflows.UpdateSaveFigures,
		workflows.SaveFiguresArgs{By: userOf(c).Name, Figures: sub.Figures, Flags: &flags}, &st); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}
