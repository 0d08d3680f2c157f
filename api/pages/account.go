package pages

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
)

// Every user's own account: who they are and changing their password
// (/tai-khoan, logged in), and setting a new password with the one-time
// code an admin handed them (/tai-khoan/dat-mat-khau, public: the person
// has no password yet, or has forgotten it).

// passwordForm is a password form's typed values (never the passwords)
// and problems.
type passwordForm struct {
	Name string
	Errs formErrs
}

// checkNewPassword checks the new password and its repetition by the
// store's rules, under the form's field names.
func checkNewPassword(f *passwordForm, pw, again string) {
	switch {
	case pw == "":
		f.Errs.add("new", "Nhập mật khẩu mới, ít nhất "+strconv.Itoa(store.MinPasswordLen)+" ký tự")
	case len([]rune(pw)) < store.MinPasswordLen:
		f.Errs.add("new", "Mật khẩu mới phải có ít nhất "+strconv.Itoa(store.MinPasswordLen)+" ký tự (bạn nhập "+strconv.Itoa(len([]rune(pw)))+")")
	case len(pw) > store.MaxPasswordBytes:
		f.Errs.add("new", "Mật khẩu mới dài quá "+strconv.Itoa(store.MaxPasswordBytes)+" byte: hãy dùng mật khẩu ngắn hơn")
	}
	switch {
	case again == "":
		f.Errs.add("new2", "Nhập lại mật khẩu mới để xác nhận")
	case pw != "" && again != pw:
		f.Errs.add("new2", "Hai lần nhập mật khẩu mới không giống nhau: hãy nhập lại")
	}
}

// accountData is account.html's: the account page, or (Reset) the public
// page for redeeming a reset code, Done once it is redeemed.
type accountData struct {
	base
	RoleLabel, UnitName string
	Form                passwordForm
	MinLen              int
	Reset, Done         bool
}

func (w *web) accountPage(c *gin.Context) {
	w.renderAccount(c, http.StatusOK, passwordForm{})
}

func (w *web) renderAccount(c *gin.Context, status int, f passwordForm) {
	usr := api.UserOf(c)
	d := accountData{base: w.adminBase(c, "Tài khoản của tôi"), RoleLabel: store.RoleLabel(usr.Role), Form: f, MinLen: store.MinPasswordLen}
	if usr.Unit != "" {
		if u, found, err := w.s.Users().GetUnit(c.Request.Context(), usr.Unit); err == nil && found {
			d.UnitName = u.Name
		}
	}
	w.render(c, status, "account", d)
}

// changePassword changes the user's own password. The store ends all of
// the user's sessions; this one goes on with a fresh cookie.
func (w *web) changePassword(c *gin.Context) {
	usr := api.UserOf(c)
	old, pw, again := c.PostForm("old"), c.PostForm("new"), c.PostForm("new2")
	var f passwordForm
	if old == "" {
		f.Errs.add("old", "Nhập mật khẩu hiện tại")
	}
	checkNewPassword(&f, pw, again)
	if old != "" && pw != "" && old == pw {
		f.Errs.add("new", "Mật khẩu mới phải khác mật khẩu hiện tại")
	}
	if len(f.Errs) > 0 {
		w.renderAccount(c, http.StatusUnprocessableEntity, f)
		return
	}
	ctx := c.Request.Context()
	if err := w.s.Users().ChangePassword(ctx, usr.Name, old, pw); err != nil {
		// The new password passed the same checks above: what the store
		// refuses is the current one.
		errs, ok := storeErrs(err, "old", map[string]string{"password": "old"})
		if !ok {
			w.failPage(c, err)
			return
		}
		f.Errs = errs
		w.renderAccount(c, refusedStatus(err), f)
		return
	}
	fresh, found, err := w.s.Users().Get(ctx, usr.Name)
	if err != nil || !found {
		c.Redirect(http.StatusSeeOther, "/dang-nhap")
		return
	}
	http.SetCookie(c.Writer, w.s.IssueSession(fresh))
	c.Redirect(http.StatusSeeOther, "/tai-khoan?tb=da-doi-mat-khau")
}

// resetPage is the public form for redeeming a reset code. It is not
// behind the login: register it on the engine (GET /tai-khoan/dat-mat-khau).
func (w *web) resetPage(c *gin.Context) {
	d := accountData{base: w.adminBase(c, "Đặt mật khẩu mới"), MinLen: store.MinPasswordLen, Reset: true,
		Done: c.Query("tb") == "da-dat-mat-khau"}
	w.render(c, http.StatusOK, "account", d)
}

// resetSubmit redeems a reset code (POST /tai-khoan/dat-mat-khau, public).
// A wrong name, code or an expired code get the same answer.
func (w *web) resetSubmit(c *gin.Context) {
	f := passwordForm{Name: strings.TrimSpace(c.PostForm("name"))}
	code, pw, again := strings.TrimSpace(c.PostForm("code")), c.PostForm("new"), c.PostForm("new2")
	if f.Name == "" {
		f.Errs.add("name", "Nhập tên đăng nhập của bạn")
	}
	if code == "" {
		f.Errs.add("code", "Nhập mã đặt lại mật khẩu quản trị viên đã đưa cho bạn, ví dụ ABCD-EFGH-JKLM-NPQR")
	}
	checkNewPassword(&f, pw, again)
	render := func(status int) {
		w.render(c, status, "account", accountData{base: w.adminBase(c, "Đặt mật khẩu mới"), Form: f, MinLen: store.MinPasswordLen, Reset: true})
	}
	if len(f.Errs) > 0 {
		render(http.StatusUnprocessableEntity)
		return
	}
	if err := w.s.Users().RedeemReset(c.Request.Context(), f.Name, code, pw); err != nil {
		errs, ok := storeErrs(err, "code", map[string]string{"code": "code", "password": "new"})
		if !ok {
			w.failPage(c, err)
			return
		}
		f.Errs = errs
		render(refusedStatus(err))
		return
	}
	c.Redirect(http.StatusSeeOther, "/tai-khoan/dat-mat-khau?tb=da-dat-mat-khau")
}
