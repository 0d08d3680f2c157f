package pages

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
)

// adminRoutes are the administration pages: users and roles, the unit
// registry, the audit log, and every user's own account. Every /quan-tri
// page is the department admin's; /tai-khoan is anyone's who is logged in.
// The public half of the account pages (redeeming a reset code, no login)
// is resetPage/resetSubmit, registered on the engine outside the login
// group.
func (w *web) adminRoutes(p *gin.RouterGroup) {
	admin := w.allow(api.AdminOnly)
	p.GET("/quan-tri", admin, w.adminHome)

	p.GET("/quan-tri/nguoi-dung", admin, w.usersPage)
	p.GET("/quan-tri/them-nguoi-dung", admin, w.addUserPage)
	p.POST("/quan-tri/them-nguoi-dung", admin, w.addUser)
	p.GET("/quan-tri/nguoi-dung/:name", admin, w.userPage)
	p.POST("/quan-tri/nguoi-dung/:name/vai-tro", admin, w.updateUser)
	p.POST("/quan-tri/nguoi-dung/:name/thu-dien-tu", admin, w.setEmail)
	p.POST("/quan-tri/nguoi-dung/:name/khoa", admin, w.setDisabled(true))
	p.POST("/quan-tri/nguoi-dung/:name/mo-khoa", admin, w.setDisabled(false))
	p.POST("/quan-tri/nguoi-dung/:name/dat-lai-mat-khau", admin, w.resetPassword)

	p.GET("/quan-tri/don-vi", admin, w.unitsPage)
	p.GET("/quan-tri/them-don-vi", admin, w.addUnitPage)
	p.POST("/quan-tri/them-don-vi", admin, w.addUnit)
	p.GET("/quan-tri/don-vi/:code", admin, w.editUnitPage)
	p.POST("/quan-tri/don-vi/:code", admin, w.editUnit)
	p.POST("/quan-tri/don-vi/:code/xoa", admin, w.deleteUnit)
	p.GET("/quan-tri/nhap-don-vi", admin, w.importUnitsPage)
	p.POST("/quan-tri/nhap-don-vi", admin, w.importUnits)
	p.GET("/quan-tri/mau-danh-muc-don-vi.xlsx", admin, w.unitsTemplate)

	p.GET("/quan-tri/bo-tieu-chi", admin, w.criteriaPage)
	p.POST("/quan-tri/bo-tieu-chi", admin, w.importCriteria)
	p.GET("/quan-tri/nhat-ky", admin, w.auditPage)

	anyone := w.allow(api.Anyone)
	p.GET("/tai-khoan", anyone, w.accountPage)
	p.POST("/tai-khoan/doi-mat-khau", anyone, w.changePassword)
}

// adminFlash is the message of the administration pages' redirects (?tb=);
// pages.go's flashText knows the others. Unknown keys say nothing.
func adminFlash(key string) string {
	return map[string]string{
		"da-doi-vai-tro":      "Đã đổi vai trò hoặc đơn vị. Các phiên đăng nhập của người này đã kết thúc.",
		"khong-doi":           "Không có gì thay đổi.",
		"da-doi-thu":          "Đã lưu địa chỉ thư điện tử nhận thông báo.",
		"da-khoa":             "Đã khóa tài khoản. Các phiên đăng nhập và token API của người này đã bị thu hồi.",
		"da-mo-khoa":          "Đã mở khóa tài khoản.",
		"da-them-don-vi":      "Đã thêm đơn vị vào danh mục.",
		"da-sua-don-vi":       "Đã lưu thông tin đơn vị.",
		"da-xoa-don-vi":       "Đã xóa đơn vị khỏi danh mục.",
		"da-nhap-don-vi":      "Đã nhập danh mục đơn vị.",
		"da-nhap-bo-tieu-chi": "Đã nhập bộ tiêu chí vào kho lưu trữ. Chọn bộ này khi mở đợt đánh giá mới.",
		"da-doi-mat-khau":     "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.",
		"da-dat-mat-khau":     "Đã đặt mật khẩu mới. Bạn có thể đăng nhập bằng mật khẩu này.",
	}[key]
}

// adminBase is base with the administration pages' own flash messages.
func (w *web) adminBase(c *gin.Context, title string) base {
	b := w.base(c, title)
	if msg := adminFlash(c.Query("tb")); msg != "" {
		b.Flash = msg
	}
	return b
}

// fieldErr is one problem of a form: the field it belongs to (its input's
// id is "f-"+Field) and what to do about it, in Vietnamese.
type fieldErr struct {
	Field   string
	Message string
}

// formErrs is what a refused form shows: a summary at the top, each line
// a link to its field, and the same message beside the field.
type formErrs []fieldErr

// Err is the message beside a field ("" when it has none): every message
// for that field, joined.
func (f formErrs) Err(field string) string {
	var msgs []string
	for _, e := range f {
		if e.Field == field {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, " ")
}

// Has reports whether a field has a problem (for aria-invalid).
func (f formErrs) Has(field string) bool { return f.Err(field) != "" }

// add appends a problem.
func (f *formErrs) add(field, msg string) { *f = append(*f, fieldErr{Field: field, Message: msg}) }

// storeErrs turns a store refusal into form problems, renaming the
// store's field names to the form's (rename maps store name → form name;
// unknown fields go to fallback). ok is false when err is not a refusal
// with fields (an internal error).
func storeErrs(err error, fallback string, rename map[string]string) (formErrs, bool) {
	var ve *store.ValidationError
	if !errors.As(err, &ve) {
		return nil, false
	}
	var out formErrs
	for _, fe := range ve.Errors {
		f, ok := rename[fe.Field]
		if !ok {
			f = fallback
		}
		out.add(f, fe.Message)
	}
	return out, true
}

// refusedStatus is the status of a refused form: 409 for a conflict (a
// taken name or code, a unit still in use), 422 otherwise.
func refusedStatus(err error) int {
	if errors.Is(err, store.ErrConflict) {
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// adminCard is one link of the administration landing page.
type adminCard struct {
	Href, Title, Text string
}

func (w *web) adminHome(c *gin.Context) {
	ctx := c.Request.Context()
	users, err := w.s.Users().ListUsers(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	units, err := w.s.Users().ListUnits(ctx)
	if err != nil {
		w.failPage(c, err)
		return
	}
	_, entries, err := w.s.Users().Audit(ctx, 1, 0)
	if err != nil {
		w.failPage(c, err)
		return
	}
	disabled := 0
	for _, u := range users {
		if u.Disabled {
			disabled++
		}
	}
	cards := []adminCard{
		{"/quan-tri/nguoi-dung", "Người dùng và vai trò", strconv.Itoa(len(users)) + " tài khoản, " + strconv.Itoa(disabled) + " đang bị khóa. Thêm người dùng, đổi vai trò, khóa tài khoản, cấp mã đặt lại mật khẩu."},
		{"/quan-tri/don-vi", "Danh mục đơn vị", strconv.Itoa(len(units)) + " đơn vị. Thêm, sửa, xóa đơn vị; nhập danh mục từ tệp XLSX hoặc CSV."},
		{"/quan-tri/bo-tieu-chi", "Bộ tiêu chí", "Các bộ tiêu chí có sẵn và đã nhập; nhập bộ tiêu chí của quyết định mới từ tệp YAML hoặc JSON."},
		{"/quan-tri/nhat-ky", "Nhật ký quản trị", strconv.Itoa(entries) + " thao tác đã ghi: ai làm gì, lúc nào."},
		{"/dot", "Các đợt đánh giá", "Mở đợt đánh giá hằng năm, gia hạn cho đơn vị, khóa thu thập báo cáo."},
	}
	w.render(c, http.StatusOK, "admin", struct {
		base
		Cards []adminCard
	}{w.adminBase(c, "Quản trị"), cards})
}
