package pages

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
)

// The unit registry pages: the list, adding and editing a unit, deleting
// one no user belongs to, and importing many from an XLSX or CSV file, all
// or nothing.

// annexOptions are the scoring annexes a unit may report under.
var annexOptions = []adminOption{
	{"PL01", "PL01 — Sở, ban, ngành và cơ quan cấp tỉnh"},
	{"PL02", "PL02 — Ủy ban nhân dân cấp huyện"},
}

// unitRow is a unit's line in the list.
type unitRow struct {
	Code, Name, Annex string
	NoProcedures      bool
	OtherFlags        []string
	Emails            string
	Active            bool
	Users             int
	Href              string
}

func (w *web) unitsPage(c *gin.Context) {
	ctx := c.Request.Context()
	units, err := w.s.Users().ListUnits(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	users, err := w.s.Users().ListUsers(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	count := map[string]int{}
	for _, u := range users {
		if u.Unit != "" {
			count[u.Unit]++
		}
	}
	rows := make([]unitRow, len(units))
	for i, u := range units {
		r := unitRow{Code: u.Code, Name: u.Name, Annex: u.Annex, Emails: strings.Join(u.Emails, ", "), Active: u.Active,
			Users: count[u.Code], Href: "/quan-tri/don-vi/" + url.PathEscape(u.Code)}
		for _, f := range u.Flags {
			if f == store.FlagNoProcedures {
				r.NoProcedures = true
			} else {
				r.OtherFlags = append(r.OtherFlags, f)
			}
		}
		rows[i] = r
	}
	b := w.adminBase(c, "Danh mục đơn vị")
	if c.Query("tb") == "da-nhap-don-vi" {
		if n, err := strconv.Atoi(c.Query("so")); err == nil && n > 0 {
			b.Flash = "Đã nhập " + strconv.Itoa(n) + " đơn vị vào danh mục."
		}
	}
	w.render(c, http.StatusOK, "admin-units", struct {
		base
		Units []unitRow
	}{b, rows})
}

// unitForm is the add and edit form: what was typed, and what was wrong.
type unitForm struct {
	Code, Name, Annex, Emails string
	NoProcedures, Active      bool
	Errs                      formErrs
}

type unitPageData struct {
	base
	Form    unitForm
	Annexes []adminOption
	New     bool   // adding, not editing
	Href    string // the unit's page, when editing
	Users   int    // users belonging to the unit
}

// unitFields renames the store's unit fields to the form's.
var unitFields = map[string]string{"code": "code", "name": "name", "annex": "annex", "flags": "flags", "emails": "emails"}

// readUnitForm reads the posted form (code is the form's on adding, the
// page's on editing) into f and the unit to store; flags the form does not
// show are kept from old.
func readUnitForm(c *gin.Context, code string, old store.Unit) (unitForm, store.Unit) {
	f := unitForm{
		Code: strings.TrimSpace(code), Name: c.PostForm("name"), Annex: strings.TrimSpace(c.PostForm("annex")),
		Emails: c.PostForm("emails"), NoProcedures: c.PostForm("no_procedures") != "", Active: c.PostForm("active") != "",
	}
	u := store.Unit{Code: f.Code, Name: f.Name, Annex: f.Annex, Active: f.Active, Flags: []string{}}
	for _, fl := range old.Flags {
		if fl != store.FlagNoProcedures {
			u.Flags = append(u.Flags, fl)
		}
	}
	if f.NoProcedures {
		u.Flags = append(u.Flags, store.FlagNoProcedures)
	}
	for _, e := range strings.FieldsFunc(f.Emails, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if e = strings.TrimSpace(e); e != "" {
			u.Emails = append(u.Emails, e)
		}
	}
	return f, u
}

// noProceduresMisplaced is the form's wording of the store's refusal of
// the flag outside PL01.
const noProceduresMisplaced = "Đặc điểm «Không có thủ tục hành chính» chỉ dùng cho đơn vị thuộc PL01: hãy bỏ chọn ô này, hoặc chọn phụ lục PL01"

// putUnit stores a unit from the form; it answers the form's problems and
// their status (none when saved), ok false when it answered the request
// with an error page.
func (w *web) putUnit(c *gin.Context, u store.Unit) (errs formErrs, status int, ok bool) {
	err := w.s.Users().PutUnit(c.Request.Context(), api.UserOf(c).Name, u)
	if err == nil {
		return nil, 0, true
	}
	errs, ok = storeErrs(err, "code", unitFields)
	if !ok {
		w.failPage(c, err)
		return nil, 0, false
	}
	for i, e := range errs {
		if e.Field == "flags" && strings.Contains(e.Message, store.FlagNoProcedures) {
			errs[i].Message = noProceduresMisplaced
		}
	}
	return errs, refusedStatus(err), true
}

func (w *web) addUnitPage(c *gin.Context) {
	w.render(c, http.StatusOK, "admin-unit", unitPageData{base: w.adminBase(c, "Thêm đơn vị"), Form: unitForm{Active: true}, Annexes: annexOptions, New: true})
}

func (w *web) addUnit(c *gin.Context) {
	f, u := readUnitForm(c, c.PostForm("code"), store.Unit{})
	render := func(status int) {
		w.render(c, status, "admin-unit", unitPageData{base: w.adminBase(c, "Thêm đơn vị"), Form: f, Annexes: annexOptions, New: true})
	}
	if f.Code != "" {
		// PutUnit replaces a unit with the same code: adding must not.
		if _, found, err := w.s.Users().GetUnit(c.Request.Context(), f.Code); err != nil {
			w.failPage(c, err)
			return
		} else if found {
			f.Errs.add("code", "Mã đơn vị: «"+f.Code+"» đã có trong danh mục: hãy chọn mã khác, hoặc sửa đơn vị đó trong danh sách")
			if strings.TrimSpace(f.Name) == "" {
				f.Errs.add("name", "Tên đơn vị: không được để trống")
			}
			if f.Annex != "PL01" && f.Annex != "PL02" {
				f.Errs.add("annex", "Phụ lục: hãy chọn PL01 hoặc PL02")
			}
			render(http.StatusConflict)
			return
		}
	}
	errs, status, ok := w.putUnit(c, u)
	if !ok {
		return
	}
	if errs != nil {
		f.Errs = errs
		render(status)
		return
	}
	c.Redirect(http.StatusSeeOther, "/quan-tri/don-vi?tb=da-them-don-vi")
}

// loadUnit finds the :code unit, or answers 404.
func (w *web) loadUnit(c *gin.Context) (store.Unit, bool) {
	u, found, err := w.s.Users().GetUnit(c.Request.Context(), c.Param("code"))
	if err != nil {
		w.failPage(c, err)
		return u, false
	}
	if !found {
		w.errorPage(c, http.StatusNotFound, "Không có đơn vị «"+c.Param("code")+"» trong danh mục")
		return u, false
	}
	return u, true
}

// unitUsers counts the users belonging to a unit.
func (w *web) unitUsers(c *gin.Context, code string) int {
	users, err := w.s.Users().ListUsers(c.Request.Context())
	if err != nil {
		return 0
	}
	n := 0
	for _, u := range users {
		if u.Unit == code {
			n++
		}
	}
	return n
}

func (w *web) renderUnit(c *gin.Context, status int, u store.Unit, f unitForm) {
	w.render(c, status, "admin-unit", unitPageData{base: w.adminBase(c, "Đơn vị "+u.Code), Form: f, Annexes: annexOptions,
		Href: "/quan-tri/don-vi/" + url.PathEscape(u.Code), Users: w.unitUsers(c, u.Code)})
}

func (w *web) editUnitPage(c *gin.Context) {
	u, ok := w.loadUnit(c)
	if !ok {
		return
	}
	f := unitForm{Code: u.Code, Name: u.Name, Annex: u.Annex, Emails: strings.Join(u.Emails, ", "), Active: u.Active}
	for _, fl := range u.Flags {
		f.NoProcedures = f.NoProcedures || fl == store.FlagNoProcedures
	}
	w.renderUnit(c, http.StatusOK, u, f)
}

// editUnit saves a unit; its code is the page's, not the form's.
func (w *web) editUnit(c *gin.Context) {
	old, ok := w.loadUnit(c)
	if !ok {
		return
	}
	f, u := readUnitForm(c, old.Code, old)
	errs, status, ok := w.putUnit(c, u)
	if !ok {
		return
	}
	if errs != nil {
		f.Errs = errs
		w.renderUnit(c, status, old, f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/quan-tri/don-vi/"+url.PathEscape(old.Code)+"?tb=da-sua-don-vi")
}

// deleteUnit removes a unit no user belongs to; the store refuses the
// others, with the names of the users to move first.
func (w *web) deleteUnit(c *gin.Context) {
	old, ok := w.loadUnit(c)
	if !ok {
		return
	}
	if err := w.s.Users().DeleteUnit(c.Request.Context(), api.UserOf(c).Name, old.Code); err != nil {
		errs, ok := storeErrs(err, "delete", map[string]string{})
		if !ok {
			w.failPage(c, err)
			return
		}
		f := unitForm{Code: old.Code, Name: old.Name, Annex: old.Annex, Emails: strings.Join(old.Emails, ", "), Active: old.Active, Errs: errs}
		for _, fl := range old.Flags {
			f.NoProcedures = f.NoProcedures || fl == store.FlagNoProcedures
		}
		w.renderUnit(c, refusedStatus(err), old, f)
		return
	}
	c.Redirect(http.StatusSeeOther, "/quan-tri/don-vi?tb=da-xoa-don-vi")
}

// maxImportBytes bounds an uploaded registry file (the store reads at
// most 10 MB of it) with the form around it.
const maxImportBytes = 10<<20 + 64<<10

// limitForm bounds a multipart page form before anything reads it; the
// pages' auth calls it before reading the CSRF field, and answers whether
// the body is a form that may carry that field.
func limitForm(c *gin.Context) bool {
	switch ct := c.ContentType(); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return true
	case strings.HasPrefix(ct, "multipart/form-data"):
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportBytes)
		return true
	}
	return false
}

type importData struct {
	base
	Errs     formErrs
	FileName string
	MaxMB    int
}

func (w *web) importUnitsPage(c *gin.Context) {
	w.render(c, http.StatusOK, "admin-units-import", importData{base: w.adminBase(c, "Nhập danh mục đơn vị"), MaxMB: 10})
}

// importUnits reads an XLSX or CSV registry and imports it all, or, when
// any row is wrong, nothing, listing every problem by cell.
func (w *web) importUnits(c *gin.Context) {
	d := importData{base: w.adminBase(c, "Nhập danh mục đơn vị"), MaxMB: 10}
	fail := func(status int) {
		w.render(c, status, "admin-units-import", d)
	}
	fh, err := c.FormFile("file")
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes):
		d.Errs.add("file", "Tệp quá lớn: tối đa 10 MB")
		fail(http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		d.Errs.add("file", "Hãy chọn tệp danh mục đơn vị (XLSX hoặc CSV)")
		fail(http.StatusUnprocessableEntity)
		return
	}
	d.FileName = fh.Filename
	file, err := fh.Open()
	if err != nil {
		w.failPage(c, err)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxImportBytes))
	if err != nil {
		w.failPage(c, err)
		return
	}
	var units []store.Unit
	ext := strings.ToLower(path.Ext(fh.Filename))
	switch {
	case ext == ".xlsx" || (ext != ".csv" && bytes.HasPrefix(data, []byte("PK"))):
		units, err = store.ParseUnitsXLSX(bytes.NewReader(data))
	case ext == ".csv" || ext == ".txt":
		units, err = store.ParseUnitsCSV(bytes.NewReader(data))
	default:
		d.Errs.add("file", "Tệp «"+fh.Filename+"» không phải XLSX hoặc CSV: hãy dùng mẫu danh mục (XLSX) hoặc lưu bảng tính thành CSV UTF-8")
		fail(http.StatusUnprocessableEntity)
		return
	}
	if err == nil {
		err = w.s.Users().ImportUnits(c.Request.Context(), api.UserOf(c).Name, units)
	}
	if err != nil {
		errs, ok := storeErrs(err, "file", map[string]string{})
		if !ok {
			w.failPage(c, err)
			return
		}
		d.Errs = errs
		fail(refusedStatus(err))
		return
	}
	c.Redirect(http.StatusSeeOther, "/quan-tri/don-vi?tb=da-nhap-don-vi&so="+strconv.Itoa(len(units)))
}

// unitsTemplate is the blank registry workbook.
func (w *web) unitsTemplate(c *gin.Context) {
	data, err := store.UnitsXLSXTemplate()
	if err != nil {
		w.failPage(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="mau-danh-muc-don-vi.xlsx"; filename*=UTF-8''m%E1%BA%ABu-danh-m%E1%BB%A5c-%C4%91%C6%A1n-v%E1%BB%8B.xlsx`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}
