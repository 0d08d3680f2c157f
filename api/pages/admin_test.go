package pages

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"ictindex/api"
	"ictindex/api/store"
)

// auditTotal is how many entries the audit log holds.
func auditTotal(t testing.TB) int {
	t.Helper()
	_, n, err := env.users.Audit(context.Background(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// addTestUser adds a user with the shared test password (once).
func addTestUser(t testing.TB, name string, role api.Role, unit string) {
	t.Helper()
	if _, found, _ := env.users.Get(context.Background(), name); found {
		return
	}
	if err := env.users.AddUser(context.Background(), "test", name, role, unit, password); err != nil {
		t.Fatal(err)
	}
}

// post sends a page form with the session's CSRF token in its hidden field.
func adminPost(t testing.TB, c caller, path string, v url.Values) (int, string, *http.Response) {
	t.Helper()
	if v == nil {
		v = url.Values{}
	}
	v.Set("csrf", c.CSRF)
	st, body, resp := c.Page().Send(t, "POST", path, formBody(v))
	return st, string(body), resp
}

func adminGet(t testing.TB, c caller, path string) (int, string, *http.Response) {
	t.Helper()
	st, body, resp := c.Send(t, "GET", path, payload{})
	return st, string(body), resp
}

// adminHas fails unless body holds every want.
func adminHas(t testing.TB, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// errorShown checks a refused form: the summary at the top (an alert with
// a link to the field) and the message beside the field.
func errorShown(t testing.TB, what, body, field, msg string) {
	t.Helper()
	adminHas(t, what, body, `class="error-summary" role="alert"`, `href="#f-`+field+`"`, `id="e-`+field+`"`, msg)
	if !vietnamese(body) {
		t.Errorf("%s: not Vietnamese", what)
	}
}

// toLogin checks that a page request is sent to the login page.
func toLogin(t testing.TB, what string, c caller, path string) {
	t.Helper()
	st, _, resp := c.Send(t, "GET", path, payload{})
	if st != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/dang-nhap") {
		t.Errorf("%s: GET %s = %d %q, want a redirect to the login page", what, path, st, resp.Header.Get("Location"))
	}
}

var resetCodeRE = regexp.MustCompile(`id="reset-code">([A-Z0-9-]+)<`)

func resetCodeIn(t testing.TB, body string) string {
	t.Helper()
	m := resetCodeRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reset code on the page: %s", body)
	}
	return m[1]
}

// TestAdminAccess: every /quan-tri page and action is the admin's; other
// roles get the 403 page and their refused actions leave no trace; the
// account page is everyone's.
func TestAdminAccess(t *testing.T) {
	needStack(t)
	const approver = "lanh-dao-sxd"
	addTestUser(t, approver, api.RoleApprover, "SXD")
	gets := []string{"/quan-tri", "/quan-tri/nguoi-dung", "/quan-tri/them-nguoi-dung", "/quan-tri/nguoi-dung/" + uSubA,
		"/quan-tri/don-vi", "/quan-tri/them-don-vi", "/quan-tri/don-vi/" + unitA, "/quan-tri/nhap-don-vi",
		"/quan-tri/mau-danh-muc-don-vi.xlsx", "/quan-tri/nhat-ky"}
	posts := map[string]url.Values{
		"/quan-tri/them-nguoi-dung":                           {"name": {"ke-gian"}, "role": {"admin"}},
		"/quan-tri/nguoi-dung/" + uSubB + "/vai-tro":          {"role": {"admin"}},
		"/quan-tri/nguoi-dung/" + uSubB + "/khoa":             nil,
		"/quan-tri/nguoi-dung/" + uSubB + "/mo-khoa":          nil,
		"/quan-tri/nguoi-dung/" + uSubB + "/dat-lai-mat-khau": nil,
		"/quan-tri/them-don-vi":                               {"code": {"KE-GIAN"}, "name": {"Đơn vị giả"}, "annex": {"PL01"}, "active": {"1"}},
		"/quan-tri/don-vi/" + unitB:                           {"name": {"Đổi tên"}, "annex": {"PL01"}},
		"/quan-tri/don-vi/" + unitB + "/xoa":                  nil,
	}
	before := auditTotal(t)
	for _, name := range []string{uAppraiser, uSubA, approver, uLeader} {
		c := login(t, name)
		for _, p := range gets {
			st, body, _ := adminGet(t, c, p)
			if st != http.StatusForbidden || !strings.Contains(body, "không có quyền") {
				t.Errorf("%s GET %s: %d, want 403 with the reason", name, p, st)
			}
		}
		for p, v := range posts {
			if st, _, _ := adminPost(t, c, p, v); st != http.StatusForbidden {
				t.Errorf("%s POST %s: %d, want 403", name, p, st)
			}
		}
		// Multipart import, CSRF in the form.
		if st, _ := postFile(t, c, "/quan-tri/nhap-don-vi", c.CSRF, "dv.csv", []byte("Mã đơn vị,Tên đơn vị,Phụ lục\nKE-GIAN,Giả,PL01\n")); st != http.StatusForbidden {
			t.Errorf("%s import: %d, want 403", name, st)
		}
		st, body, _ := adminGet(t, c, "/tai-khoan")
		if st != http.StatusOK || !strings.Contains(body, "Tài khoản của tôi") || !strings.Contains(body, name) {
			t.Errorf("%s's account page: %d", name, st)
		}
	}
	if after := auditTotal(t); after != before {
		t.Errorf("refused actions wrote %d audit entries", after-before)
	}
	if _, found, _ := env.users.Get(context.Background(), "ke-gian"); found {
		t.Error("a refused add created the user")
	}
	if u, _, _ := env.users.GetUnit(context.Background(), unitB); u.Name == "Đổi tên" {
		t.Error("a refused edit renamed the unit")
	}
	// Without the CSRF token even the admin is refused, nothing done.
	admin := login(t, uAdmin)
	if st, _, _ := admin.Page().Send(t, "POST", "/quan-tri/nguoi-dung/"+uSubB+"/khoa", formBody(url.Values{})); st != http.StatusForbidden {
		t.Errorf("lock without CSRF: %d", st)
	}
	if st, _ := postFile(t, admin, "/quan-tri/nhap-don-vi", "", "dv.csv", []byte("Mã đơn vị,Tên đơn vị,Phụ lục\nKE-GIAN,Giả,PL01\n")); st != http.StatusForbidden {
		t.Errorf("import without CSRF: %d", st)
	}
	if after := auditTotal(t); after != before {
		t.Errorf("refused admin actions wrote %d audit entries", after-before)
	}
	for _, p := range gets {
		if st, _, _ := adminGet(t, admin, p); st != http.StatusOK {
			t.Errorf("admin GET %s: %d", p, st)
		}
		toLogin(t, "anonymous", anonymous, p)
	}
	toLogin(t, "anonymous", anonymous, "/tai-khoan")
}

// postFile posts a multipart import form, the CSRF token in its field.
func postFile(t testing.TB, c caller, path, csrf, name string, data []byte) (int, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		_ = mw.WriteField("csrf", csrf)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	st, body, _ := c.Page().Send(t, "POST", path, payload{R: &buf, CType: mw.FormDataContentType()})
	return st, string(body)
}

// TestAdminUsers: the list, adding a user who sets their password with a
// one-time code, bad input, and locking and role changes ending sessions.
func TestAdminUsers(t *testing.T) {
	needStack(t)
	ctx := context.Background()
	admin := login(t, uAdmin)

	st, body, _ := adminGet(t, admin, "/quan-tri/nguoi-dung")
	if st != http.StatusOK {
		t.Fatalf("users page: %d", st)
	}
	adminHas(t, "users page", body, uSubA, "Chuyên viên đơn vị", unitA, "Đang hoạt động", "Thẩm định viên", `href="/quan-tri/them-nguoi-dung"`)

	// Bad input: every problem named beside its field, typed values kept,
	// nothing saved.
	before := auditTotal(t)
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {uSubA}, "role": {"submitter"}, "unit": {unitA}})
	if st != http.StatusUnprocessableEntity && st != http.StatusConflict {
		t.Errorf("duplicate name: %d", st)
	}
	errorShown(t, "duplicate name", body, "name", "đã có người dùng")
	adminHas(t, "duplicate name", body, `value="`+uSubA+`"`, `<option value="`+unitA+`" selected>`, `<option value="submitter" selected>`)
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {"chuyen-vien-thieu"}, "role": {"approver"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("unit-scoped role without a unit: %d", st)
	}
	errorShown(t, "no unit", body, "unit", "Vai trò Lãnh đạo đơn vị cần chọn đơn vị")
	adminHas(t, "no unit", body, `value="chuyen-vien-thieu"`)
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {"chuyen-vien-lac"}, "role": {"submitter"}, "unit": {"KHONG-CO"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("unknown unit: %d", st)
	}
	errorShown(t, "unknown unit", body, "unit", "«KHONG-CO» không có trong danh mục đơn vị")
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {"bad name!"}, "role": {"boss"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad name and role: %d", st)
	}
	errorShown(t, "bad role", body, "role", "Vai trò «boss» không hợp lệ")
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {"bad name!"}, "role": {"leader"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad name: %d", st)
	}
	errorShown(t, "bad name", body, "name", "không hợp lệ")
	for _, n := range []string{"chuyen-vien-thieu", "chuyen-vien-lac", "bad name!"} {
		if _, found, _ := env.users.Get(ctx, n); found {
			t.Errorf("refused user %q was saved", n)
		}
	}
	if after := auditTotal(t); after != before {
		t.Errorf("refused adds wrote %d audit entries", after-before)
	}

	// A new user: no password, a one-time code shown once.
	const newbie = "chuyen-vien-moi"
	st, body, _ = adminPost(t, admin, "/quan-tri/them-nguoi-dung", url.Values{"name": {newbie}, "role": {"submitter"}, "unit": {unitA}})
	if st != http.StatusCreated {
		t.Fatalf("add user: %d %s", st, body)
	}
	code := resetCodeIn(t, body)
	adminHas(t, "code page", body, "một lần", "/tai-khoan/dat-mat-khau")
	u, found, _ := env.users.Get(ctx, newbie)
	if !found || u.Role != api.RoleSubmitter || u.Unit != unitA || u.Disabled {
		t.Fatalf("added user: %+v %v", u, found)
	}
	_, body, _ = adminGet(t, admin, "/quan-tri/nguoi-dung/"+newbie)
	if strings.Contains(body, code) {
		t.Error("the user's page shows the reset code again")
	}
	adminHas(t, "user page", body, "Khóa tài khoản", "Cấp mã đặt lại mật khẩu", "Đổi vai trò hoặc đơn vị")
	entries, _, _ := env.users.Audit(ctx, 2, 0)
	if len(entries) != 2 || entries[0].Action != store.ActionResetPassword || entries[1].Action != store.ActionAddUser || entries[1].By != uAdmin {
		t.Errorf("audit of the add: %+v", entries)
	}
	for _, e := range entries {
		if strings.Contains(e.Detail, code) {
			t.Error("the audit log holds the code")
		}
	}

	// They redeem the code on the public page: bad input first. (Were the
	// page not public, the rest goes on with a password set directly.)
	const newPass = "mat-khau-moi-cua-toi"
	if !t.Run("redeem", func(t *testing.T) {
		st, body, _ = adminGet(t, anonymous, "/tai-khoan/dat-mat-khau")
		if st != http.StatusOK || !strings.Contains(body, "Đặt mật khẩu mới") {
			t.Fatalf("public reset page: %d (register resetPage/resetSubmit outside the login group)", st)
		}
		redeem := func(v url.Values) (int, string, *http.Response) {
			st, body, resp := anonymous.Send(t, "POST", "/tai-khoan/dat-mat-khau", formBody(v))
			return st, string(body), resp
		}
		st, body, _ = redeem(url.Values{"name": {newbie}, "code": {"AAAA-BBBB-CCCC-DDDD"}, "new": {newPass}, "new2": {newPass}})
		if st != http.StatusUnprocessableEntity {
			t.Errorf("wrong code: %d", st)
		}
		errorShown(t, "wrong code", body, "code", "không đúng hoặc đã hết hạn")
		adminHas(t, "wrong code", body, `value="`+newbie+`"`)
		st, body, _ = redeem(url.Values{"name": {newbie}, "code": {code}, "new": {newPass}, "new2": {newPass + "x"}})
		if st != http.StatusUnprocessableEntity {
			t.Errorf("mismatched passwords: %d", st)
		}
		errorShown(t, "mismatch", body, "new2", "không giống nhau")
		st, body, _ = redeem(url.Values{"name": {newbie}, "code": {code}, "new": {"ngan"}, "new2": {"ngan"}})
		if st != http.StatusUnprocessableEntity {
			t.Errorf("short password: %d", st)
		}
		errorShown(t, "short", body, "new", "ít nhất 10 ký tự")
		st, _, resp := redeem(url.Values{"name": {newbie}, "code": {strings.ToLower(code)}, "new": {newPass}, "new2": {newPass}})
		if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-dat-mat-khau") {
			t.Fatalf("redeem: %d %q", st, resp.Header.Get("Location"))
		}
		_, body, _ = adminGet(t, anonymous, resp.Header.Get("Location"))
		adminHas(t, "redeemed", body, "Đã đặt mật khẩu mới", `href="/dang-nhap"`)
		if st, _, _ = redeem(url.Values{"name": {newbie}, "code": {code}, "new": {newPass}, "new2": {newPass}}); st != http.StatusUnprocessableEntity {
			t.Errorf("code used twice: %d", st)
		}
	}) {
		if err := env.users.SetPassword(ctx, "test", newbie, newPass); err != nil {
			t.Fatal(err)
		}
	}
	var resp *http.Response
	user := loginWith(t, newbie, newPass)
	if st, _, _ = adminGet(t, user, "/tai-khoan"); st != http.StatusOK {
		t.Fatalf("new user's account page: %d", st)
	}

	// Locking ends their session and their API token at once.
	token, err := env.users.NewToken(ctx, "test", newbie)
	if err != nil {
		t.Fatal(err)
	}
	tok := caller{Name: newbie, Token: token}
	tok.Must(t, http.StatusOK, "GET", "/api/me", payload{}, nil)
	st, _, resp = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/khoa", nil)
	if st != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?tb=da-khoa") {
		t.Fatalf("lock: %d %q", st, resp.Header.Get("Location"))
	}
	_, body, _ = adminGet(t, admin, resp.Header.Get("Location"))
	adminHas(t, "after lock", body, `role="status"`, "Đã khóa tài khoản", "Mở khóa tài khoản")
	toLogin(t, "locked user", user, "/tai-khoan")
	if st, _, _ = tok.Send(t, "GET", "/api/me", payload{}); st != http.StatusUnauthorized {
		t.Errorf("locked user's API token: %d, want 401", st)
	}
	_, body, _ = adminGet(t, admin, "/quan-tri/nguoi-dung")
	adminHas(t, "users page", body, "Đã khóa")
	// Locked users get no reset code.
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/dat-lai-mat-khau", nil)
	if st != http.StatusUnprocessableEntity {
		t.Errorf("reset of a locked user: %d", st)
	}
	errorShown(t, "reset locked", body, "reset", "đang bị khoá")
	// Unlocked, they log in again.
	if st, _, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/mo-khoa", nil); st != http.StatusSeeOther {
		t.Fatalf("unlock: %d", st)
	}
	user = loginWith(t, newbie, newPass)

	// A role change ends their session too; bad input changes nothing.
	before = auditTotal(t)
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/vai-tro", url.Values{"role": {"approver"}, "unit": {""}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("role change without unit: %d", st)
	}
	errorShown(t, "role change without unit", body, "unit", "cần chọn đơn vị")
	adminHas(t, "role change kept typed role", body, `<option value="approver" selected>`)
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/vai-tro", url.Values{"role": {"leader"}, "unit": {unitA}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("leader with a unit: %d", st)
	}
	errorShown(t, "leader with unit", body, "unit", "không gắn với đơn vị")
	if auditTotal(t) != before {
		t.Error("refused role changes were logged")
	}
	if st, _, _ = adminGet(t, user, "/tai-khoan"); st != http.StatusOK {
		t.Fatalf("refused role change ended the session: %d", st)
	}
	st, _, resp = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/vai-tro", url.Values{"role": {"approver"}, "unit": {"SCT"}})
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-doi-vai-tro") {
		t.Fatalf("role change: %d %q", st, resp.Header.Get("Location"))
	}
	if u, _, _ = env.users.Get(ctx, newbie); u.Role != api.RoleApprover || u.Unit != "SCT" {
		t.Errorf("after role change: %+v", u)
	}
	toLogin(t, "user after role change", user, "/tai-khoan")

	// A reset by the admin shows a new code once, and ends sessions.
	user = loginWith(t, newbie, newPass)
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+newbie+"/dat-lai-mat-khau", nil)
	if st != http.StatusOK {
		t.Fatalf("reset: %d", st)
	}
	code2 := resetCodeIn(t, body)
	if code2 == code {
		t.Error("the same code twice")
	}
	toLogin(t, "user after reset", user, "/tai-khoan")
	_, body, _ = adminGet(t, admin, "/quan-tri/nguoi-dung/"+newbie)
	if strings.Contains(body, code2) {
		t.Error("the user page shows the new code")
	}

	// The admin cannot lock themselves out or drop their own admin role.
	before = auditTotal(t)
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+uAdmin+"/khoa", nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "không thể tự khóa") {
		t.Errorf("self lock: %d", st)
	}
	st, body, _ = adminPost(t, admin, "/quan-tri/nguoi-dung/"+uAdmin+"/vai-tro", url.Values{"role": {"leader"}})
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "không thể tự bỏ vai trò Quản trị") {
		t.Errorf("self demotion: %d", st)
	}
	if auditTotal(t) != before {
		t.Error("refused self changes were logged")
	}
	if st, _, _ = adminGet(t, admin, "/quan-tri/nguoi-dung/khong-co-ai"); st != http.StatusNotFound {
		t.Errorf("unknown user: %d", st)
	}
}

// TestAdminUnits: the registry list, adding and editing with bad input,
// deleting, and importing from CSV and XLSX, all or nothing.
func TestAdminUnits(t *testing.T) {
	needStack(t)
	ctx := context.Background()
	admin := login(t, uAdmin)
	st, body, _ := adminGet(t, admin, "/quan-tri/don-vi")
	if st != http.StatusOK {
		t.Fatalf("units page: %d", st)
	}
	adminHas(t, "units page", body, unitA, unitB, "PL01", "Đang hoạt động", `href="/quan-tri/nhap-don-vi"`, `href="/quan-tri/them-don-vi"`)

	// Bad input, every problem at once, typed values kept, nothing saved.
	before := auditTotal(t)
	st, body, _ = adminPost(t, admin, "/quan-tri/them-don-vi", url.Values{"code": {"TEST-DV"}, "name": {"Sở Thử nghiệm"}, "annex": {"PL03"}, "emails": {"vanthu@snv, dung@x.gov.vn"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad unit: %d", st)
	}
	errorShown(t, "unknown annex", body, "annex", "«PL03» không phải PL01 hoặc PL02")
	errorShown(t, "bad e-mail", body, "emails", "«vanthu@snv» không phải địa chỉ thư điện tử hợp lệ")
	adminHas(t, "bad unit", body, `value="TEST-DV"`, `value="Sở Thử nghiệm"`, `value="vanthu@snv, dung@x.gov.vn"`)
	st, body, _ = adminPost(t, admin, "/quan-tri/them-don-vi", url.Values{"code": {unitA}, "name": {"Trùng mã"}, "annex": {"PL01"}})
	if st != http.StatusConflict {
		t.Errorf("duplicate code: %d", st)
	}
	errorShown(t, "duplicate code", body, "code", "«"+unitA+"» đã có trong danh mục")
	st, body, _ = adminPost(t, admin, "/quan-tri/them-don-vi", url.Values{"code": {"TEST-DV"}, "name": {"UBND huyện Thử"}, "annex": {"PL02"}, "no_procedures": {"1"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("flag outside PL01: %d", st)
	}
	errorShown(t, "flag outside PL01", body, "flags", "chỉ dùng cho đơn vị thuộc PL01")
	if _, found, _ := env.users.GetUnit(ctx, "TEST-DV"); found {
		t.Error("a refused unit was saved")
	}
	if u, _, _ := env.users.GetUnit(ctx, unitA); u.Name == "Trùng mã" {
		t.Error("a duplicate code replaced the unit")
	}
	if auditTotal(t) != before {
		t.Error("refused units were logged")
	}

	// Added: the name in NFC, flag and e-mails kept.
	nfd := norm.NFD.String("Sở Thử nghiệm")
	st, _, resp := adminPost(t, admin, "/quan-tri/them-don-vi", url.Values{"code": {"TEST-DV"}, "name": {nfd}, "annex": {"PL01"}, "no_procedures": {"1"},
		"emails": {"vanthu@tn.gov.vn, cntt@tn.gov.vn"}, "active": {"1"}})
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-them-don-vi") {
		t.Fatalf("add unit: %d %q", st, resp.Header.Get("Location"))
	}
	u, found, _ := env.users.GetUnit(ctx, "TEST-DV")
	if !found || u.Name != "Sở Thử nghiệm" || u.Annex != "PL01" || len(u.Flags) != 1 || u.Flags[0] != store.FlagNoProcedures || len(u.Emails) != 2 || !u.Active {
		t.Fatalf("added unit: %+v", u)
	}
	_, body, _ = adminGet(t, admin, resp.Header.Get("Location"))
	adminHas(t, "units after add", body, "Đã thêm đơn vị", "TEST-DV", "Không có thủ tục hành chính", "vanthu@tn.gov.vn, cntt@tn.gov.vn")

	// Edited: inactive, no flag, a bad e-mail refused first.
	st, body, _ = adminPost(t, admin, "/quan-tri/don-vi/TEST-DV", url.Values{"name": {"Sở Thử nghiệm mới"}, "annex": {"PL01"}, "emails": {"khong-phai-thu"}})
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad e-mail on edit: %d", st)
	}
	errorShown(t, "bad e-mail on edit", body, "emails", "«khong-phai-thu» không phải địa chỉ thư điện tử hợp lệ")
	st, _, resp = adminPost(t, admin, "/quan-tri/don-vi/TEST-DV", url.Values{"code": {"KHAC"}, "name": {"Sở Thử nghiệm mới"}, "annex": {"PL01"}, "emails": {"vanthu@tn.gov.vn"}})
	if st != http.StatusSeeOther {
		t.Fatalf("edit unit: %d", st)
	}
	if u, _, _ = env.users.GetUnit(ctx, "TEST-DV"); u.Name != "Sở Thử nghiệm mới" || u.Active || len(u.Flags) != 0 || len(u.Emails) != 1 {
		t.Errorf("edited unit: %+v", u)
	}
	if _, found, _ = env.users.GetUnit(ctx, "KHAC"); found {
		t.Error("the edit form changed the code")
	}

	// Deleting a unit users belong to is refused with the store's reason.
	before = auditTotal(t)
	st, body, _ = adminPost(t, admin, "/quan-tri/don-vi/"+unitA+"/xoa", nil)
	if st != http.StatusConflict {
		t.Errorf("delete a unit in use: %d", st)
	}
	errorShown(t, "delete in use", body, "delete", "Không xoá được đơn vị «"+unitA+"»")
	if _, found, _ = env.users.GetUnit(ctx, unitA); !found || auditTotal(t) != before {
		t.Error("a refused delete deleted or logged")
	}
	st, _, resp = adminPost(t, admin, "/quan-tri/don-vi/TEST-DV/xoa", nil)
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-xoa-don-vi") {
		t.Fatalf("delete: %d", st)
	}
	if _, found, _ = env.users.GetUnit(ctx, "TEST-DV"); found {
		t.Error("deleted unit still there")
	}
	if st, _, _ = adminGet(t, admin, "/quan-tri/don-vi/TEST-DV"); st != http.StatusNotFound {
		t.Errorf("deleted unit's page: %d", st)
	}

	// Import: the blank template, a bad CSV (every cell named, nothing
	// saved), a malformed XLSX, then good CSV and XLSX files.
	st, tmpl, resp := admin.Send(t, "GET", "/quan-tri/mau-danh-muc-don-vi.xlsx", payload{})
	if st != http.StatusOK || !bytes.HasPrefix(tmpl, []byte("PK")) || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("template: %d %q", st, resp.Header.Get("Content-Disposition"))
	}
	before = auditTotal(t)
	bad := "Mã đơn vị,Tên đơn vị,Phụ lục,Thư điện tử\nNHAP-1,Sở Nhập một,PL01,\nNHAP-2,,PL03,sai@\n"
	st, body = postFile(t, admin, "/quan-tri/nhap-don-vi", admin.CSRF, "don-vi.csv", []byte(bad))
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad CSV: %d", st)
	}
	adminHas(t, "bad CSV", body, `role="alert"`, "Ô B3 (Tên đơn vị)", "Ô C3 (Phụ lục)", "Ô D3 (Thư điện tử)", "Chưa nhập đơn vị nào", `href="#f-file"`)
	st, body = postFile(t, admin, "/quan-tri/nhap-don-vi", admin.CSRF, "don-vi.xlsx", []byte("không phải bảng tính"))
	if st != http.StatusUnprocessableEntity {
		t.Errorf("malformed XLSX: %d", st)
	}
	adminHas(t, "malformed XLSX", body, "Tệp không phải bảng tính XLSX hợp lệ")
	st, body = postFile(t, admin, "/quan-tri/nhap-don-vi", admin.CSRF, "ghi-chu.pdf", pdfBytes(100))
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "không phải XLSX hoặc CSV") {
		t.Errorf("a PDF: %d", st)
	}
	if _, found, _ = env.users.GetUnit(ctx, "NHAP-1"); found || auditTotal(t) != before {
		t.Error("a bad import saved or logged something")
	}
	good := "Mã đơn vị;Tên đơn vị;Phụ lục;Đặc điểm\nNHAP-1;Sở Nhập một;PL01;Không có TTHC\nNHAP-2;UBND huyện Nhập;PL02;\n"
	st, body = postFile(t, admin, "/quan-tri/nhap-don-vi", admin.CSRF, "don-vi.csv", []byte(good))
	if st != http.StatusSeeOther {
		t.Fatalf("good CSV: %d %s", st, body)
	}
	if u, found, _ = env.users.GetUnit(ctx, "NHAP-1"); !found || len(u.Flags) != 1 {
		t.Errorf("imported unit: %+v", u)
	}
	f, err := excelize.OpenReader(bytes.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	_ = f.SetSheetRow(sheet, "A2", &[]any{"NHAP-3", "Sở Nhập ba", "PL01", "", "a@nhap.gov.vn"})
	_ = f.SetSheetRow(sheet, "A3", &[]any{"NHAP-4", "Sở Nhập bốn", "PL9", "", ""})
	var xb bytes.Buffer
	_ = f.Write(&xb)
	st, body = postFile(t, admin, "/quan-tri/nhap-don-vi", admin.CSRF, "danh-muc.xlsx", xb.Bytes())
	if st != http.StatusUnprocessableEntity {
		t.Errorf("bad XLSX: %d", st)
	}
	adminHas(t, "bad XLSX", body, "Ô C3 (Phụ lục): «PL9» không phải PL01 hoặc PL02")
	if _, found, _ = env.users.GetUnit(ctx, "NHAP-3"); found {
		t.Error("a bad XLSX saved its good row")
	}
	_ = f.SetSheetRow(sheet, "A3", &[]any{"NHAP-4", "Sở Nhập bốn", "PL01", "", ""})
	xb.Reset()
	_ = f.Write(&xb)
	st, _, resp = admin.Page().Send(t, "POST", "/quan-tri/nhap-don-vi", fileForm(admin.CSRF, "danh-muc.xlsx", xb.Bytes()))
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "so=2") {
		t.Fatalf("good XLSX: %d %q", st, resp.Header.Get("Location"))
	}
	_, body, _ = adminGet(t, admin, resp.Header.Get("Location"))
	adminHas(t, "after import", body, "Đã nhập 2 đơn vị", "NHAP-3", "NHAP-4")
	entries, _, _ := env.users.Audit(ctx, 1, 0)
	if len(entries) != 1 || entries[0].Action != store.ActionImportUnits || entries[0].By != uAdmin {
		t.Errorf("import audit: %+v", entries)
	}
}

// fileForm is a multipart import body with the CSRF field.
func fileForm(csrf, name string, data []byte) payload {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", csrf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	return payload{R: &buf, CType: mw.FormDataContentType()}
}

// TestAdminAudit: the audit log, newest first, 50 a page with real links.
func TestAdminAudit(t *testing.T) {
	needStack(t)
	ctx := context.Background()
	const flip = "nhat-ky-thu"
	addTestUser(t, flip, api.RoleLeader, "")
	for auditTotal(t) < 120 {
		_ = env.users.SetDisabled(ctx, "test", flip, true)
		_ = env.users.SetDisabled(ctx, "test", flip, false)
	}
	admin := login(t, uAdmin)
	total := auditTotal(t)
	st, body, _ := adminGet(t, admin, "/quan-tri/nhat-ky")
	if st != http.StatusOK {
		t.Fatalf("audit page: %d", st)
	}
	if n := strings.Count(body, "data-action="); n != 50 {
		t.Errorf("first page has %d entries, want 50", n)
	}
	latest, _, _ := env.users.Audit(ctx, 1, 0)
	first := body[strings.Index(body, "data-action="):]
	if !strings.HasPrefix(first, `data-action="`+latest[0].Action+`"><span class="v">`+store.ActionLabel(latest[0].Action)) {
		t.Errorf("first entry is not the newest: %.120s", first)
	}
	adminHas(t, "audit page", body, `href="/quan-tri/nhat-ky?trang=2"`, `rel="next"`, "Mở khoá tài khoản", "Khoá tài khoản", `aria-current="page"`)
	last := (total + 49) / 50
	st, body, _ = adminGet(t, admin, "/quan-tri/nhat-ky?trang="+itoa(last))
	if st != http.StatusOK {
		t.Fatalf("last page: %d", st)
	}
	if n := strings.Count(body, "data-action="); n != total-(last-1)*50 {
		t.Errorf("last page has %d entries, want %d", n, total-(last-1)*50)
	}
	adminHas(t, "last page", body, `rel="prev"`, "Thêm đơn vị")
	if strings.Contains(body, `rel="next"`) {
		t.Error("the last page links to a next one")
	}
	if st, _, _ = adminGet(t, admin, "/quan-tri/nhat-ky?trang=0"); st != http.StatusBadRequest {
		t.Errorf("page 0: %d", st)
	}
	if st, _, _ = adminGet(t, admin, "/quan-tri/nhat-ky?trang="+itoa(last+5)); st != http.StatusNotFound {
		t.Errorf("page past the end: %d", st)
	}
}

// TestAccountPassword: a user's own account page and password change; the
// change ends their other sessions and keeps this one on a fresh cookie.
func TestAccountPassword(t *testing.T) {
	needStack(t)
	const me = "tu-doi-mat-khau"
	addTestUser(t, me, api.RoleSubmitter, unitB)
	cur, other := login(t, me), login(t, me)
	st, body, _ := adminGet(t, cur, "/tai-khoan")
	if st != http.StatusOK {
		t.Fatalf("account page: %d", st)
	}
	adminHas(t, "account page", body, me, "Chuyên viên đơn vị", unitB, "Đổi mật khẩu", `name="old"`, `autocomplete="new-password"`)

	const newPass = "mat-khau-doi-roi-day"
	before := auditTotal(t)
	for _, c := range []struct {
		v          url.Values
		field, msg string
	}{
		{url.Values{"old": {"sai-mat-khau-roi"}, "new": {newPass}, "new2": {newPass}}, "old", "Mật khẩu hiện tại không đúng"},
		{url.Values{"old": {password}, "new": {"ngan"}, "new2": {"ngan"}}, "new", "ít nhất 10 ký tự"},
		{url.Values{"old": {password}, "new": {newPass}, "new2": {"khac-han-nhau"}}, "new2", "không giống nhau"},
		{url.Values{"new": {newPass}, "new2": {newPass}}, "old", "Nhập mật khẩu hiện tại"},
	} {
		st, body, _ := adminPost(t, cur, "/tai-khoan/doi-mat-khau", c.v)
		if st != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", c.msg, st)
		}
		errorShown(t, c.msg, body, c.field, c.msg)
		if strings.Contains(body, newPass) || strings.Contains(body, password) {
			t.Errorf("%s: a password is echoed back", c.msg)
		}
	}
	if auditTotal(t) != before {
		t.Error("refused changes were logged")
	}
	if st, _, _ = adminGet(t, other, "/tai-khoan"); st != http.StatusOK {
		t.Fatal("a refused change ended a session")
	}
	st, _, resp := adminPost(t, cur, "/tai-khoan/doi-mat-khau", url.Values{"old": {password}, "new": {newPass}, "new2": {newPass}})
	if st != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "tb=da-doi-mat-khau") {
		t.Fatalf("change: %d %q", st, resp.Header.Get("Location"))
	}
	var fresh *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == api.SessionCookie && ck.Value != "" {
			fresh = ck
		}
	}
	if fresh == nil {
		t.Fatal("no fresh session cookie")
	}
	toLogin(t, "old cookie", cur, "/tai-khoan")
	toLogin(t, "other session", other, "/tai-khoan")
	next := caller{Name: me, Cookie: fresh}
	st, body, _ = adminGet(t, next, resp.Header.Get("Location"))
	if st != http.StatusOK {
		t.Fatalf("fresh session: %d", st)
	}
	adminHas(t, "after change", body, "Đã đổi mật khẩu")
	loginWith(t, me, newPass)
	if st, _, _ := anonymous.Send(t, "POST", "/dang-nhap", formBody(url.Values{"username": {me}, "password": {password}})); st != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", st)
	}
}

// TestAdminBrowser opens every administration and account page in
// headless Chromium at 1366 and 390 px (and 360 px for overflow), runs
// axe-core on each (no serious or critical violation) and keeps a
// screenshot of each. axe-core is where axePath finds it.
func TestAdminBrowser(t *testing.T) {
	needStack(t)
	chromiumPath(t) // skips without Chromium before any set-up
	axeSrc, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	shots := os.Getenv("ICTINDEX_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	const bAdmin = "trinh-duyet-quan-tri-2"
	addTestUser(t, bAdmin, api.RoleAdmin, "")
	badCSV := filepath.Join(t.TempDir(), "don-vi-sai.csv")
	if err := os.WriteFile(badCSV, []byte("Mã đơn vị,Tên đơn vị,Phụ lục,Thư điện tử\nDV-1,Sở Một,PL01,\nDV-2,,PL03,sai@\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(browser(t), 4*time.Minute) // dialogs are accepted
	defer cancel()
	base := env.srv.URL
	type act = chromedp.Action[chromedp.Void]
	do := func(f func(ctx context.Context, tg *chromedp.Target) error) act {
		return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			return chromedp.Void{}, f(ctx, tg)
		}
	}
	visible := func(sel string) act { return chromedp.WaitVisible(chromedp.CSS(sel)) }
	run := func(what string, actions ...act) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string]("location.href"))
			t.Fatalf("%s: %v (at %s)", what, err, msg)
		}
	}
	// check measures overflow, runs axe and takes the screenshot.
	check := func(name string, width int) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			over, err := chromedp.Evaluate[int]("document.documentElement.scrollWidth - window.innerWidth")(ctx, tg)
			if err != nil {
				return err
			}
			if over > 0 {
				t.Errorf("%s at %d px: the page scrolls sideways by %d px", name, width, over)
			}
			if width == 360 {
				return nil
			}
			if _, err := chromedp.Evaluate[bool](string(axeSrc)+";true")(ctx, tg); err != nil {
				return err
			}
			v, err := chromedp.Evaluate[[]string](`axe.run(document).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + " (" + v.impact + "): " + v.nodes.map(n => n.target.join(" ")).slice(0, 5).join(", ")))`, chromedp.EvalAwaitPromise)(ctx, tg)
			if err != nil {
				return err
			}
			for _, s := range v {
				t.Errorf("%s at %d px: axe: %s", name, width, s)
			}
			buf, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(shots, "quan-tri-"+name+"-"+itoa(width)+".png"), buf, 0o644); err != nil {
				return err
			}
			// Long pages also get their first screen, to look at.
			if h, err := chromedp.Evaluate[int]("document.documentElement.scrollHeight")(ctx, tg); err != nil || h < 2000 {
				return err
			}
			if buf, err = chromedp.CaptureScreenshot()(ctx, tg); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(shots, "quan-tri-"+name+"-"+itoa(width)+"-dau.png"), buf, 0o644)
		})
	}
	focused := func(name, sel string) act {
		return do(func(ctx context.Context, tg *chromedp.Target) error {
			ok, err := chromedp.Evaluate[bool]("document.activeElement === document.querySelector("+strconv.Quote(sel)+")")(ctx, tg)
			if err == nil && !ok {
				t.Errorf("%s: focus is not on %s", name, sel)
			}
			return err
		})
	}
	open := func(path string) []act { return []act{chromedp.Navigate(base + path), visible("main")} }
	pages := []struct {
		name  string
		steps []act
	}{
		{"dat-mat-khau", open("/tai-khoan/dat-mat-khau")},
		{"dat-mat-khau-loi", append(open("/tai-khoan/dat-mat-khau"), chromedp.Click(chromedp.CSS("#reset-form button[type=submit]")), visible(".error-summary"), focused("reset errors", ".error-summary"))},
		{"login", []act{
			chromedp.Navigate(base + "/dang-nhap"), visible("#username"),
			chromedp.SendKeys(chromedp.CSS("#username"), bAdmin), chromedp.SendKeys(chromedp.CSS("#password"), password),
			chromedp.Submit(chromedp.CSS("#login-form")), visible(".who")}},
		{"trang-chu", open("/quan-tri")},
		{"nguoi-dung", open("/quan-tri/nguoi-dung")},
		{"them-nguoi-dung", open("/quan-tri/them-nguoi-dung")},
		{"them-nguoi-dung-loi", append(open("/quan-tri/them-nguoi-dung"),
			chromedp.SendKeys(chromedp.CSS("#f-name"), uSubA), chromedp.SetValue(chromedp.CSS("#f-role"), "approver"),
			chromedp.Submit(chromedp.CSS("#add-user-form")), visible(".error-summary"), focused("add user errors", ".error-summary"),
			// The summary's link moves focus to its field.
			chromedp.Click(chromedp.CSS(".error-summary a[href='#f-name']")), focused("summary link", "#f-name"))},
		{"tai-khoan-nguoi-dung", open("/quan-tri/nguoi-dung/" + uSubA)},
		{"ma-dat-lai", append(open("/quan-tri/nguoi-dung/"+uSubB), chromedp.Click(chromedp.CSS("#f-reset")), visible("#reset-code"))},
		{"don-vi", open("/quan-tri/don-vi")},
		{"sua-don-vi", open("/quan-tri/don-vi/" + unitA)},
		{"them-don-vi-loi", append(open("/quan-tri/them-don-vi"),
			chromedp.SendKeys(chromedp.CSS("#f-code"), "DV-THU"), chromedp.SendKeys(chromedp.CSS("#f-emails"), "khong-phai-thu"),
			chromedp.Submit(chromedp.CSS("#unit-form")), visible(".error-summary"))},
		{"nhap-don-vi", open("/quan-tri/nhap-don-vi")},
		{"nhap-don-vi-loi", append(open("/quan-tri/nhap-don-vi"),
			chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{badCSV}),
			chromedp.Submit(chromedp.CSS("#import-form")), visible(".error-summary"))},
		{"nhat-ky", open("/quan-tri/nhat-ky")},
		{"tai-khoan", open("/tai-khoan")},
		{"tai-khoan-loi", append(open("/tai-khoan"), chromedp.Click(chromedp.CSS("#password-form button[type=submit]")), visible(".error-summary"))},
	}
	if st, _, _ := anonymous.Send(t, "GET", "/tai-khoan/dat-mat-khau", payload{}); st != http.StatusOK {
		t.Errorf("GET /tai-khoan/dat-mat-khau: %d: resetPage/resetSubmit are not registered outside the login group", st)
		pages = pages[2:]
	}
	for _, width := range []int{1366, 390, 360} {
		run("viewport", chromedp.EmulateViewport(int64(width), 900))
		for _, p := range pages {
			steps := p.steps
			if p.name == "login" {
				if width != 1366 {
					continue // logged in already
				}
				run(p.name, steps...)
				continue
			}
			run(p.name+"@"+itoa(width), append(steps, check(p.name, width))...)
		}
	}
	if _, found, _ := env.users.GetUnit(context.Background(), "DV-1"); found {
		t.Error("the browser's bad import saved a unit")
	}
	t.Logf("screenshots in %s", shots)
}
