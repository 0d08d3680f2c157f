package pages

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/api"
	"ictindex/api/store"
	"ictindex/scoring"
	"ictindex/workflows"
)

// The pages are server-rendered Vietnamese HTML over the same sessions,
// CSRF tokens and role rules as the JSON API. They live on their own gin
// engine, reached from the API engine's NoRoute: the API's route table
// (and so openapi.yaml and the access matrix) stays the JSON API alone.

//go:embed web web/templates/_*.html
var webFiles embed.FS

// ctxCSRF is the page session's CSRF token, for forms.
const ctxCSRF = "ictindex.csrf"

// csrfField is the hidden form field carrying the CSRF token.
const csrfField = "csrf"

// web is the pages' state: the templates.
type web struct {
	s     *api.Server
	pages map[string]*template.Template
	prev  prevCache // the units' records of the year before (unit_previous.go)
}

// Mount builds the pages and hooks them into the API server, in front of
// its JSON 404.
func Mount(s *api.Server) {
	w := &web{s: s}
	w.pages = parsePages()
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.Use(compress)
	static, _ := fs.Sub(webFiles, "web/static")
	e.GET("/tai-nguyen/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(c.Param("file"), http.FS(static))
	})
	e.GET("/favicon.ico", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=86400")
		c.FileFromFS("favicon.svg", http.FS(static))
	})
	e.GET("/", w.home)
	e.GET("/dang-nhap", w.loginPage)
	e.POST("/dang-nhap", w.loginSubmit)
	e.GET("/tai-khoan/dat-mat-khau", w.resetPage) // a one-time code from the admin: no login
	e.POST("/tai-khoan/dat-mat-khau", w.resetSubmit)
	w.publicRoutes(e)

	p := e.Group("", w.auth)
	p.POST("/dang-xuat", w.logout)
	w.routes(p)

	e.NoRoute(func(c *gin.Context) { w.errorPage(c, http.StatusNotFound, "Không có trang này") })
	e.NoMethod(func(c *gin.Context) {
		w.errorPage(c, http.StatusMethodNotAllowed, "Phương thức không được hỗ trợ")
	})
	s.MountPages(e, isPagePath)
}

// pagePrefixes are the paths the pages serve; everything else is the API's.
var pagePrefixes = []string{"/dang-nhap", "/dang-xuat", "/dot", "/tai-nguyen/", "/quan-tri", "/tai-khoan", "/tham-dinh", "/favicon.ico", "/cong-khai", "/xac-minh/"}

// isPagePath tells the pages' paths from the API's.
func isPagePath(p string) bool {
	if p == "/" {
		return true
	}
	for _, pre := range pagePrefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// securityHeaders are sent with every page: no inline scripts or styles,
// nothing from elsewhere, no framing.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
		"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// auth finds the page's user from the session cookie; an anonymous reader
// is sent to the login page, and a state-changing request must carry the
// session's CSRF token (hidden form field or header) or is refused before
// anything happens.
func (w *web) auth(c *gin.Context) {
	sess, usr, ok := w.sessionUser(c)
	if !ok {
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			c.Redirect(http.StatusSeeOther, "/dang-nhap?tiep="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		w.errorPage(c, http.StatusUnauthorized, "Phiên làm việc đã hết hạn, vui lòng đăng nhập lại")
		return
	}
	if api.StateChanging(c.Request.Method) {
		token := c.GetHeader(api.CSRFHeader)
		if token == "" && limitForm(c) { // urlencoded or (bounded) multipart form
			token = c.PostForm(csrfField)
		}
		if !w.s.CheckCSRF(sess, token) {
			w.errorPage(c, http.StatusForbidden, "Mã chống giả mạo yêu cầu (CSRF) thiếu hoặc đã cũ; hãy tải lại trang và thử lại")
			return
		}
	}
	c.Set(api.UserKey, usr)
	c.Set(api.SessionKey, sess)
	c.Set(ctxCSRF, w.s.CSRF(sess))
	c.Next()
}

// allow is the API's access rule, answered with a page.
func (w *web) allow(a api.Access) gin.HandlerFunc {
	return func(c *gin.Context) {
		if ok, why := api.Permits(a, api.UserOf(c), c.Param("code")); !ok {
			w.errorPage(c, http.StatusForbidden, why)
			return
		}
		c.Next()
	}
}

// base is what every page shows: who is logged in, their CSRF token.
type base struct {
	Title string
	User  api.UserInfo
	CSRF  string
	Year  int
	Flash string
	Error string
	Now   time.Time
}

func (w *web) base(c *gin.Context, title string) base {
	b := base{Title: title, Now: time.Now().In(scoring.Vietnam), Flash: flashText(c.Query("tb"))}
	if v, ok := c.Get(api.UserKey); ok {
		b.User = v.(api.User).Public()
	}
	b.CSRF = c.GetString(ctxCSRF)
	return b
}

// render executes a page template.
func (w *web) render(c *gin.Context, status int, page string, data any) {
	securityHeaders(c)
	t := w.pages[page]
	var buf strings.Builder
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		w.s.Log().Error("page failed", "page", page, "err", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Lỗi hệ thống, vui lòng thử lại sau"))
		c.Abort()
		return
	}
	c.Data(status, "text/html; charset=utf-8", []byte(buf.String()))
}

// errorPage answers with a page saying what went wrong.
func (w *web) errorPage(c *gin.Context, status int, msg string) {
	b := w.base(c, "Lỗi")
	b.Error = msg
	w.render(c, status, "error", struct {
		base
		Status int
	}{b, status})
	c.Abort()
}

// failPage maps an API error to a page.
func (w *web) failPage(c *gin.Context, err error) {
	status, msg, _ := w.s.ErrorOf(err)
	w.errorPage(c, status, msg)
}

// home sends a visitor where they belong: the login page, their unit, or
// the newest campaign.
func (w *web) home(c *gin.Context) {
	_, usr, ok := w.sessionUser(c)
	if !ok {
		c.Redirect(http.StatusSeeOther, "/dang-nhap")
		return
	}
	year := w.latestYear(c)
	if usr.Role.UnitScoped() {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s", year, url.PathEscape(usr.Unit)))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d", year))
}

// latestYear is the newest year with a campaign, near this year.
func (w *web) latestYear(c *gin.Context) int {
	now := time.Now().In(scoring.Vietnam).Year()
	for y := now + 1; y >= now-3; y-- {
		if _, err := w.s.Temporal().DescribeWorkflowExecution(c.Request.Context(), workflows.CampaignWorkflowID(y), ""); err == nil {
			return y
		}
	}
	return now
}

// loginData is the login page's.
type loginData struct {
	base
	Username string
	Next     string
}

func (w *web) loginPage(c *gin.Context) {
	w.render(c, http.StatusOK, "login", loginData{base: w.base(c, "Đăng nhập"), Next: safeNext(c.Query("tiep"))})
}

// loginSubmit is the API's login for a form: same limiter, same session.
func (w *web) loginSubmit(c *gin.Context) {
	name, pass := strings.TrimSpace(c.PostForm("username")), c.PostForm("password")
	d := loginData{base: w.base(c, "Đăng nhập"), Username: name, Next: safeNext(c.PostForm("tiep"))}
	if name == "" || pass == "" {
		d.Error = "Vui lòng nhập tên đăng nhập và mật khẩu"
		w.render(c, http.StatusBadRequest, "login", d)
		return
	}
	_, cookie, err := w.s.Login(c.Request.Context(), name, pass, c.ClientIP())
	if err != nil {
		status, msg, _ := w.s.ErrorOf(err)
		d.Error = msg
		w.render(c, status, "login", d)
		return
	}
	http.SetCookie(c.Writer, cookie)
	next := d.Next
	if next == "" {
		next = "/"
	}
	c.Redirect(http.StatusSeeOther, next)
}

// safeNext keeps a post-login target on this site.
func safeNext(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\r\n") {
		return ""
	}
	return p
}

func (w *web) logout(c *gin.Context) {
	if v, ok := c.Get(api.SessionKey); ok {
		http.SetCookie(c.Writer, w.s.EndSession(c.Request.Context(), v.(api.Session)))
	}
	c.Redirect(http.StatusSeeOther, "/dang-nhap?tb=da-dang-xuat")
}

// flashText is the message of a redirect's ?tb= key; unknown keys say
// nothing, so no text is reflected from the URL.
func flashText(key string) string {
	return map[string]string{
		"da-dang-xuat":         "Bạn đã đăng xuất.",
		"da-luu":               "Đã lưu bản nháp.",
		"da-nop":               "Đã gửi báo cáo. Báo cáo chuyển sang chờ thẩm định.",
		"da-dinh-chinh":        "Đã ghi nhận đính chính số liệu.",
		"da-gan-co":            "Đã ghi nhận số liệu không đảm bảo chất lượng.",
		"da-thu":               "Đã ghi nhận việc dùng thư điện tử miễn phí.",
		"da-tra-lai":           "Đã gửi yêu cầu bổ sung cho đơn vị.",
		"da-tham-dinh":         "Đã hoàn thành thẩm định.",
		"da-khoa":              "Đã khóa thu thập báo cáo.",
		"da-ban-hanh":          "Đã phê duyệt, cấp số, ký số và ban hành quyết định.",
		"da-cap-so":            "Đã cấp số quyết định. Tải bản đã cấp số, ký số bằng công cụ của người ký rồi tải lên.",
		"da-ky-so":             "Đã kiểm tra chữ ký số và ban hành quyết định.",
		"da-thay-the":          "Đã ban hành quyết định thay thế; quyết định cũ vẫn được lưu và tra cứu được.",
		"da-cap-so-thay-the":   "Đã cấp số quyết định thay thế. Tải bản đã cấp số, ký số bằng công cụ của người ký rồi tải lên.",
		"da-dong-ho-so":        "Đã đóng hồ sơ năm: không nhận thêm quyết định thay thế.",
		"da-phan-hoi":          "Đã gửi phản hồi. Sở Thông tin và Truyền thông sẽ trả lời từng nội dung.",
		"da-tra-loi":           "Đã gửi trả lời phản hồi.",
		"da-gia-han-phan-hoi":  "Đã gia hạn nhận phản hồi.",
		"da-ket-thuc-phan-hoi": "Đã kết thúc nhận phản hồi; kết quả chính thức được xếp hạng khi mọi phản hồi có trả lời.",
	}[key]
}

// Template helpers.

var phaseLabels = map[string]string{
	workflows.PhaseOpened:      "mới mở",
	workflows.PhaseFormsIssued: "đã phát hành biểu mẫu",
	workflows.PhaseCollecting:  "đang thu thập báo cáo",
	workflows.PhaseAppraising:  "đang thẩm định",
	workflows.PhaseRanked:      "đã xếp hạng",
	workflows.PhasePreliminary: "đã công bố kết quả sơ bộ, nhận phản hồi",
	workflows.PhaseDrafted:     "đã dự thảo quyết định, chờ phê duyệt",
	workflows.PhaseSigning:     "đã cấp số, chờ ký số",
	workflows.PhasePublished:   "đã ban hành",
}

func phaseLabel(p string) string {
	if l, ok := phaseLabels[p]; ok {
		return l
	}
	return p
}

func unitStatusLabel(s string) string {
	switch {
	case s == "":
		return "chưa rõ"
	case strings.HasPrefix(s, "error"):
		return "lỗi xử lý"
	}
	return workflows.StatusLabel(s)
}

func fmtTime(t any) string {
	switch v := t.(type) {
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.In(scoring.Vietnam).Format("02/01/2006 15:04")
	case *time.Time:
		if v == nil || v.IsZero() {
			return ""
		}
		return v.In(scoring.Vietnam).Format("02/01/2006 15:04")
	}
	return ""
}

// countdown says how long until a deadline, or how long past it.
func countdown(deadline time.Time) string {
	if deadline.IsZero() {
		return ""
	}
	d := time.Until(deadline)
	past := d < 0
	if past {
		d = -d
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var s string
	switch {
	case days > 0:
		s = fmt.Sprintf("%d ngày %d giờ", days, hours)
	case hours > 0:
		s = fmt.Sprintf("%d giờ %d phút", hours, mins)
	default:
		s = fmt.Sprintf("%d phút", mins)
	}
	if past {
		return "đã quá hạn " + s
	}
	return "còn " + s
}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"statusLabel": unitStatusLabel,
		"phaseLabel":  phaseLabel,
		"time":        fmtTime,
		"countdown":   countdown,
		"roleLabel":   func(r api.Role) string { return strings.ToLower(store.RoleLabel(r)) },
		"fixed":       func(f scoring.Fixed) string { return f.String() },
		"unixMilli":   func(t time.Time) int64 { return t.UnixMilli() },
		"itoa":        strconv.Itoa,
		"add":         func(a, b int) int { return a + b },
		"mul22":       func(i int) int { return 22 * i },
		"ferr": func(fe []scoring.FieldError, names ...string) string {
			for _, e := range fe {
				for _, n := range names {
					if e.Field == n || strings.HasSuffix(e.Field, "."+n) {
						return e.Message
					}
				}
			}
			return ""
		},
	}
	layout := template.Must(template.New("").Funcs(funcs).ParseFS(webFiles, "web/templates/layout.html"))
	pages := map[string]*template.Template{}
	names, _ := fs.Glob(webFiles, "web/templates/*.html")
	for _, n := range names {
		p := strings.TrimSuffix(path.Base(n), ".html")
		if p == "layout" || strings.HasPrefix(p, "_") {
			continue // the layout, and partials (_*.html) every page gets
		}
		t := template.Must(layout.Clone())
		if parts, _ := fs.Glob(webFiles, "web/templates/_*.html"); len(parts) > 0 {
			t = template.Must(t.ParseFS(webFiles, "web/templates/_*.html"))
		}
		pages[p] = template.Must(t.ParseFS(webFiles, n))
	}
	return pages
}

// sessionUser reads the session cookie and finds its user.
func (w *web) sessionUser(c *gin.Context) (api.Session, api.User, bool) {
	return w.s.SessionUser(c.Request)
}
