package pages

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/scoring"
)

// The criteria sets page: every set the system knows (built in and
// imported into the archive, each with its key and SHA-256), and the
// import of a new decision's set from its YAML or JSON file, refused with
// every problem listed.

const maxSetFileBytes = 8 << 20

type criteriaPageData struct {
	base
	Sets     []criteriaRow
	Errs     formErrs
	FileName string
	Imported string // the key of the set just imported
}

type criteriaRow struct {
	api.SetInfo
	Short, Source string
}

func (w *web) criteriaPage(c *gin.Context) {
	w.renderCriteria(c, http.StatusOK, criteriaPageData{base: w.adminBase(c, "Bộ tiêu chí"), Imported: c.Query("bo")})
}

func (w *web) renderCriteria(c *gin.Context, status int, d criteriaPageData) {
	all, err := w.s.CriteriaSets(c.Request.Context())
	if err != nil {
		w.failPage(c, err)
		return
	}
	for _, si := range all {
		r := criteriaRow{SetInfo: si, Short: si.Ref.Hash[:12], Source: "Có sẵn trong chương trình"}
		if si.StoredAt != nil {
			r.Source = "Nhập ngày " + si.StoredAt.In(scoring.Vietnam).Format("02/01/2006 15:04")
		}
		d.Sets = append(d.Sets, r)
	}
	w.render(c, status, "admin-criteria", d)
}

// importCriteria stores an uploaded set file (multipart field "file").
func (w *web) importCriteria(c *gin.Context) {
	d := criteriaPageData{base: w.adminBase(c, "Bộ tiêu chí")}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSetFileBytes+64<<10)
	fh, err := c.FormFile("file")
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes):
		d.Errs.add("file", "Tệp quá lớn: tối đa 8 MB")
		w.renderCriteria(c, http.StatusRequestEntityTooLarge, d)
		return
	case err != nil:
		d.Errs.add("file", "Hãy chọn tệp bộ tiêu chí (YAML hoặc JSON)")
		w.renderCriteria(c, http.StatusUnprocessableEntity, d)
		return
	}
	d.FileName = fh.Filename
	file, err := fh.Open()
	if err != nil {
		w.failPage(c, err)
		return
	}
	defer file.Close()
	raw, err := io.ReadAll(io.LimitReader(file, maxSetFileBytes))
	if err != nil {
		w.failPage(c, err)
		return
	}
	si, err := w.s.ImportCriteriaSet(c.Request.Context(), api.UserOf(c).Name, raw)
	if err != nil {
		status, msg, fields := w.s.ErrorOf(err)
		if status != http.StatusUnprocessableEntity {
			w.failPage(c, err)
			return
		}
		if len(fields) == 0 {
			d.Errs.add("file", msg)
		}
		for _, fe := range fields {
			d.Errs.add("file", fe.Message)
		}
		w.renderCriteria(c, status, d)
		return
	}
	c.Redirect(http.StatusSeeOther, "/quan-tri/bo-tieu-chi?tb=da-nhap-bo-tieu-chi&bo="+si.Ref.Key+"%40"+si.Ref.Hash)
}
