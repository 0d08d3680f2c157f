package pages

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
	"ictindex/scoring"
)

// The users pages: a list, adding a user (who gets a one-time reset code
// instead of a password), and one page per user to change their role or
// unit, lock or unlock them and issue a new reset code. Locking and role
// changes end the user's sessions at once: the store raises the user's
// epoch, which every session carries.

// adminOption is one choice of a select.
type adminOption struct {
	Value, Label string
}

// roleOptions are the roles, in the store's order, with their names.
func roleOptions() []adminOption {
	out := make([]adminOption, len(store.Roles))
	for i, r := range store.Roles {
		out[i] = adminOption{string(r), store.RoleLabel(r)}
	}
	return out
}

// unitOptions are the registry's units for a select.
func (w *web) unitOptions(c *gin.Context) ([]adminOption, map[string]string, error) {
	units, err := w.s.Users().ListUnits(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	out := make([]adminOption, len(units))
	names := make(map[string]string, len(units))
	for i, u := range units {
		label := u.Code + " — " + u.Name
		if !u.Active {
			label += " (ngừng hoạt động)"
		}
		out[i] = adminOption{u.Code, label}
		names[u.Code] = u.Name
	}
	return out, names, nil
}

// userRow is a user's line in the list.
type userRow struct {
	Name, Role, RoleLabel, Unit, UnitName, Email string
	Disabled                                     bool
	Href                                         string
}

func userRowOf(u store.User, unitNames map[string]string) userRow {
	return userRow{
		Name: u.Name, Role: string(u.Role), RoleLabel: store.RoleLabel(u.Role), Unit: u.Unit, UnitName: unitNames[u.Unit], Email: u.Email,
		Disabled: u.Disabled, Href: "/quan-tri/nguoi-dung/" + url.PathEscape(u.Name),
	}
}

func (w *web) usersPage(c *gin.Context) {
	users, err := w.s.Users().ListUsers(c.Request.Context())
	if err != nil {
		w.failPage(c, err)
		return
	}
	_, names, err := w.unitOptions(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	rows := make([]userRow, len(users))
	active := 0
	for i, u := range users {
		rows[i] = userRowOf(u, names)
		if !u.Disabled {
			active++
		}
	}
	w.render(c, http.StatusOK, "admin-users", struct {
		base
		Users          []userRow
		Active, Locked int
	}{w.adminBase(c, "Người dùng"), rows, active, len(users) - active})
}

// userForm is the add-user form and the role form of a user's page: what
// was typed, and what was wrong with it.
type userForm struct {
	Name, Role, Unit, Email string
	Errs                    formErrs
}

type addUserData struct {
	base
	Form  userForm
	Roles []adminOption
	Units []adminOption
}

func (w *web) addUserPage(c *gin.Context) {
	w.renderAddUser(c, http.StatusOK, userForm{})
}

func (w *web) renderAddUser(c *gin.Context, status int, f userForm) {
	units, _, err := w.unitOptions(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	w.render(c, status, "admin-user-add", addUserData{w.adminBase(c, "Thêm người dùng"), f, roleOptions(), units})
}

// userFields renames the store's user fields to the form's.
var userFields = map[string]string{"name": "name", "role": "role", "unit": "unit", "email": "email"}

// checkUserForm finds what the store would refuse, all at once, so that
// the form shows every problem: a role that is not one, a unit-scoped role
// without a unit (or another role with one), a unit not in the registry.
func checkUserForm(f *userForm, units map[string]string) {
	role := store.Role(f.Role)
	switch {
	case f.Role == "":
		f.Errs.add("role", "Hãy chọn vai trò")
	case !role.Valid():
		f.Errs.add("role", "Vai trò «"+f.Role+"» không hợp lệ: hãy chọn một vai trò trong danh sách")
	case role.UnitScoped() && f.Unit == "":
		f.Errs.add("unit", "Vai trò "+store.RoleLabel(role)+" cần chọn đơn vị")
	case !role.UnitScoped() && f.Unit != "":
		f.Errs.add("unit", "Vai trò "+store.RoleLabel(role)+" không gắn với đơn vị nào: hãy chọn «Không thuộc đơn vị nào»")
	}
	if _, ok := units[f.Unit]; f.Unit != "" && !ok && (f.Role == "" || role.UnitScoped()) {
		f.Errs.add("unit", "Đơn vị «"+f.Unit+"» không có trong danh mục đơn vị")
	}
}

// addUser creates the user with a password nobody knows and answers their
// one-time reset code, shown on this answer only.
func (w *web) addUser(c *gin.Context) {
	ctx := c.Request.Context()
	by := api.UserOf(c).Name
	f := userForm{Name: strings.TrimSpace(c.PostForm("name")), Role: c.PostForm("role"), Unit: strings.TrimSpace(c.PostForm("unit")),
		Email: strings.TrimSpace(c.PostForm("email"))}
	_, units, err := w.unitOptions(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	if f.Name == "" {
		f.Errs.add("name", "Nhập tên đăng nhập, ví dụ nguyen.van.a")
	} else if _, found, err := w.s.Users().Get(ctx, f.Name); err != nil {
		w.failPage(c, err)
		return
	} else if found {
		f.Errs.add("name", "Tên đăng nhập «"+f.Name+"» đã có người dùng: hãy chọn tên khác")
	}
	checkUserForm(&f, units)
	email, err := store.NormalizeEmail(f.Email)
	if err != nil {
		errs, _ := storeErrs(err, "email", userFields)
		f.Errs = append(f.Errs, errs...)
	}
	if len(f.Errs) > 0 {
		w.renderAddUser(c, http.StatusUnprocessableEntity, f)
		return
	}
	if err := w.s.Users().AddUser(ctx, by, f.Name, store.Role(f.Role), f.Unit, rand.Text()+rand.Text()); err != nil {
		errs, ok := storeErrs(err, "name", userFields)
		if !ok {
			w.failPage(c, err)
			return
		}
		f.Errs = errs
		w.renderAddUser(c, refusedStatus(err), f)
		return
	}
	if email != "" {
		if err := w.s.Users().SetEmail(ctx, by, f.Name, email); err != nil {
			w.failPage(c, err)
			return
		}
	}
	code, err := w.s.Users().ResetPassword(ctx, by, f.Name)
	if err != nil {
		w.failPage(c, err)
		return
	}
	w.renderCode(c, http.StatusCreated, f.Name, code, true)
}

// renderCode is the one answer that shows a reset code: never stored,
// never shown again (the page is not cached, and nothing redirects to it).
func (w *web) renderCode(c *gin.Context, status int, name, code string, added bool) {
	title := "Mã đặt lại mật khẩu"
	if added {
		title = "Đã thêm người dùng"
	}
	w.render(c, status, "admin-user-code", struct {
		base
		Name, Code, Href, Expires string
		Added                     bool
	}{w.adminBase(c, title), name, code, "/quan-tri/nguoi-dung/" + url.PathEscape(name),
		time.Now().Add(store.ResetCodeTTL).In(scoring.Vietnam).Format("15:04 ngày 02/01/2006"), added})
}

type userPageData struct {
	base
	U     userRow
	Form  userForm
	Roles []adminOption
	Units []adminOption
	Self  bool
	// Errs are the lock and reset forms' refusals.
	Errs formErrs
}

// loadUser finds the :name user, or answers 404.
func (w *web) loadUser(c *gin.Context) (store.User, bool) {
	u, found, err := w.s.Users().Get(c.Request.Context(), c.Param("name"))
	if err != nil {
		w.failPage(c, err)
		return u, false
	}
	if !found {
		w.errorPage(c, http.StatusNotFound, "Không có người dùng «"+c.Param("name")+"»")
		return u, false
	}
	return u, true
}

func (w *web) userPage(c *gin.Context) {
	u, ok := w.loadUser(c)
	if !ok {
		return
	}
	w.renderUser(c, http.StatusOK, u, userForm{Role: string(u.Role), Unit: u.Unit, Email: u.Email}, nil)
}

func (w *web) renderUser(c *gin.Context, status int, u store.User, f userForm, errs formErrs) {
	units, names, err := w.unitOptions(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	w.render(c, status, "admin-user", userPageData{
		base: w.adminBase(c, "Người dùng "+u.Name), U: userRowOf(u, names), Form: f, Roles: roleOptions(), Units: units,
		Self: u.Name == api.UserOf(c).Name, Errs: errs,
	})
}

// updateUser changes a user's role and unit; the store ends their
// sessions and revokes their API tokens.
func (w *web) updateUser(c *gin.Context) {
	u, ok := w.loadUser(c)
	if !ok {
		return
	}
	f := userForm{Name: u.Name, Role: c.PostForm("role"), Unit: strings.TrimSpace(c.PostForm("unit")), Email: u.Email}
	_, units, err := w.unitOptions(c)
	if err != nil {
		w.failPage(c, err)
		return
	}
	checkUserForm(&f, units)
	if me := api.UserOf(c); u.Name == me.Name && f.Role != string(store.RoleAdmin) {
		f.Errs.add("role", "Bạn không thể tự bỏ vai trò Quản trị của mình: hãy nhờ một quản trị viên khác")
	}
	if len(f.Errs) > 0 {
		w.renderUser(c, http.StatusUnprocessableEntity, u, f, nil)
		return
	}
	if string(u.Role) == f.Role && u.Unit == f.Unit {
		c.Redirect(http.StatusSeeOther, userRowOf(u, nil).Href+"?tb=khong-doi")
		return
	}
	if err := w.s.Users().UpdateUser(c.Request.Context(), api.UserOf(c).Name, u.Name, store.Role(f.Role), f.Unit); err != nil {
		errs, ok := storeErrs(err, "role", userFields)
		if !ok {
			w.failPage(c, err)
			return
		}
		f.Errs = errs
		w.renderUser(c, refusedStatus(err), u, f, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, userRowOf(u, nil).Href+"?tb=da-doi-vai-tro")
}

// setDisabled locks or unlocks a user.
func (w *web) setDisabled(disabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		u, ok := w.loadUser(c)
		if !ok {
			return
		}
		cur := userForm{Role: string(u.Role), Unit: u.Unit, Email: u.Email}
		if disabled && u.Name == api.UserOf(c).Name {
			w.renderUser(c, http.StatusUnprocessableEntity, u, cur, formErrs{{"lock", "Bạn không thể tự khóa tài khoản của mình"}})
			return
		}
		if err := w.s.Users().SetDisabled(c.Request.Context(), api.UserOf(c).Name, u.Name, disabled); err != nil {
			errs, ok := storeErrs(err, "lock", nil)
			if !ok {
				w.failPage(c, err)
				return
			}
			w.renderUser(c, refusedStatus(err), u, cur, errs)
			return
		}
		key := "da-mo-khoa"
		if disabled {
			key = "da-khoa"
		}
		if u.Disabled == disabled {
			key = "khong-doi"
		}
		c.Redirect(http.StatusSeeOther, userRowOf(u, nil).Href+"?tb="+key)
	}
}

// resetPassword issues a new one-time code and shows it on the answer.
func (w *web) resetPassword(c *gin.Context) {
	u, ok := w.loadUser(c)
	if !ok {
		return
	}
	code, err := w.s.Users().ResetPassword(c.Request.Context(), api.UserOf(c).Name, u.Name)
	if err != nil {
		errs, ok := storeErrs(err, "reset", nil)
		if !ok {
			w.failPage(c, err)
			return
		}
		w.renderUser(c, refusedStatus(err), u, userForm{Role: string(u.Role), Unit: u.Unit, Email: u.Email}, errs)
		return
	}
	w.renderCode(c, http.StatusOK, u.Name, code, false)
}

// setEmail sets or clears the address where notices reach the user; it
// ends no session.
func (w *web) setEmail(c *gin.Context) {
	u, ok := w.loadUser(c)
	if !ok {
		return
	}
	f := userForm{Role: string(u.Role), Unit: u.Unit, Email: strings.TrimSpace(c.PostForm("email"))}
	email, err := store.NormalizeEmail(f.Email)
	if err == nil && email == u.Email {
		c.Redirect(http.StatusSeeOther, userRowOf(u, nil).Href+"?tb=khong-doi")
		return
	}
	if err == nil {
		err = w.s.Users().SetEmail(c.Request.Context(), api.UserOf(c).Name, u.Name, email)
	}
	if err != nil {
		errs, ok := storeErrs(err, "email", userFields)
		if !ok {
			w.failPage(c, err)
			return
		}
		f.Errs = errs
		w.renderUser(c, refusedStatus(err), u, f, nil)
		return
	}
	c.Redirect(http.StatusSeeOther, userRowOf(u, nil).Href+"?tb=da-doi-thu")
}
