package api

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/scoring"
	"ictindex/workflows"
)

// The pages are server-rendered Vietnamese HTML over the same sessions,
// CSRF tokens and role rules as the JSON API. They live on their own gin
// engine, reached from the API engine's NoRoute: the API's route table
// (and so openapi.yaml and the access matrix) stays the JSON API alone.

//go:embed web
var webFiles embed.FS

// ctxCSRF is the page session's CSRF token, for forms.
const ctxCSRF = "ictindex.csrf"

// csrfField is the hidden form field carrying the CSRF token.
const csrfField = "csrf"

// web is the pages' state: the templates.
type web struct {
	s     *Server
	pages map[string]*template.Template
}

// webRoutes builds the pages and hooks them in front of the JSON 404.
func (s *Server) webRoutes() {
	w := &web{s: s}
	w.pages = parsePages()
	e := gin.New()
	e.HandleMethodNotAllowed = true
	static, _ := fs.Sub(webFiles, "web/static")
	e.GET("/tai-nguyen/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.FileFromFS(c.Param("file"), http.FS(static))
	})
	e.GET("/", w.home)
	e.GET("/dang-nhap", w.loginPage)
	e.POST("/dang-nhap", w.loginSubmit)

	p := e.Group("", w.auth)
	p.POST("/dang-xuat", w.logout)
	p.GET("/dot/:year", w.allow(anyone), w.dashboard)
	p.POST("/dot/:year/khoa-thu-thap", w.allow(adminOnly), w.closeCollection)
	p.POST("/dot/:year/ban-hanh", w.allow(leaderOnly), w.publish)

	u := p.Group("/dot/:year/don-vi/:code")
	u.GET("", w.allow(unitReaders), w.unitPage)
	u.POST("/diem-tam-tinh", w.allow(unitReaders), w.preview)
	u.POST("/luu", w.allow(unitEditors), w.saveDraft)
	u.POST("/nop", w.allow(unitEditors), w.submitUnit)
	u.POST("/dinh-chinh", w.allow(appraisers), w.correct)
	u.POST("/chat-luong", w.allow(appraisers), w.flagQuality)
	u.POST("/thu-dien-tu", w.allow(appraisers), w.freeEmail)
	u.POST("/yeu-cau-bo-sung", w.allow(appraisers), w.revision)
	u.POST("/hoan-thanh", w.allow(appraisers), w.finish)

	e.NoRoute(func(c *gin.Context) { w.errorPage(c, http.StatusNotFound, "Không có trang này") })
	e.NoMethod(func(c *gin.Context) {
		w.errorPage(c, http.StatusMethodNotAllowed, "Phương thức không được hỗ trợ")
	})

	apiNotFound := func(c *gin.Context) { s.fail(c, notFound("Không có đường dẫn này")) }
	s.engine.NoRoute(func(c *gin.Context) {
		if isPagePath(c.Request.URL.Path) {
			e.ServeHTTP(c.Writer, c.Request)
			c.Abort()
			return
		}
		apiNotFound(c)
	})
}

// isPagePath tells the pages' paths from the API's.
func isPagePath(p string) bool {
	if p == "/" {
		return true
	}
	for _, pre := range []string{"/dang-nhap", "/dang-xuat", "/dot/", "/tai-nguyen/"} {
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
	if stateChanging(c.Request.Method) {
		token := c.GetHeader(CSRFHeader)
		if token == "" && strings.HasPrefix(c.ContentType(), "application/x-www-form-urlencoded") {
			token = c.PostForm(csrfField)
		}
		if !w.s.sessions.checkCSRF(sess, token) {
			w.errorPage(c, http.StatusForbidden, "Mã chống giả mạo yêu cầu (CSRF) thiếu hoặc đã cũ; hãy tải lại trang và thử lại")
			return
		}
	}
	c.Set(ctxUser, usr)
	c.Set(ctxSession, sess)
	c.Set(ctxCSRF, w.s.sessions.csrf(sess.ID))
	c.Next()
}

// allow is the API's access rule, answered with a page.
func (w *web) allow(a access) gin.HandlerFunc {
	return func(c *gin.Context) {
		usr := userOf(c)
		if !roleIn(a, usr.Role) {
			w.errorPage(c, http.StatusForbidden, "Tài khoản của bạn không có quyền xem hoặc thực hiện thao tác này")
			return
		}
		if a.ownUnit && usr.Role == RoleSubmitter && c.Param("code") != usr.Unit {
			w.errorPage(c, http.StatusForbidden, "Bạn chỉ được truy cập báo cáo của đơn vị mình")
			return
		}
		c.Next()
	}
}

func roleIn(a access, r Role) bool {
	for _, x := range a.roles {
		if x == r {
			return true
		}
	}
	return false
}

// base is what every page shows: who is logged in, their CSRF token.
type base struct {
	Title string
	User  UserInfo
	CSRF  string
	Year  int
	Flash string
	Error string
	Now   time.Time
}

func (w *web) base(c *gin.Context, title string) base {
	b := base{Title: title, Now: time.Now().In(scoring.Vietnam), Flash: flashText(c.Query("tb"))}
	if v, ok := c.Get(ctxUser); ok {
		b.User = v.(User).Public()
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
		w.s.log.Error("page failed", "page", page, "err", err)
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
	e := toError(err)
	if e.status == http.StatusInternalServerError {
		w.s.log.Error("page request failed", "path", c.Request.URL.Path, "err", e.cause)
	}
	w.errorPage(c, e.status, e.Message)
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
	if usr.Role == RoleSubmitter {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d/don-vi/%s", year, url.PathEscape(usr.Unit)))
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/dot/%d", year))
}

// latestYear is the newest year with a campaign, near this year.
func (w *web) latestYear(c *gin.Context) int {
	now := time.Now().In(scoring.Vietnam).Year()
	for y := now + 1; y >= now-3; y-- {
		if _, err := w.s.temporal.DescribeWorkflowExecution(c.Request.Context(), workflows.CampaignWorkflowID(y), ""); err == nil {
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
	now, ip := time.Now(), c.ClientIP()
	if w.s.limiter.blocked(name, ip, now) {
		d.Error = "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau một phút"
		w.render(c, http.StatusTooManyRequests, "login", d)
		return
	}
	usr, ok := w.s.users.Authenticate(name, pass)
	if !ok {
		w.s.limiter.fail(name, ip, now)
		d.Error = "Tên đăng nhập hoặc mật khẩu không đúng"
		w.render(c, http.StatusUnauthorized, "login", d)
		return
	}
	w.s.limiter.succeed(name, ip)
	cookie, _ := w.s.sessions.issue(usr.Name, now)
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
	if v, ok := c.Get(ctxSession); ok {
		w.s.sessions.revoke(v.(session), time.Now())
	}
	http.SetCookie(c.Writer, w.s.sessions.cookie("", time.Unix(0, 0)))
	c.Redirect(http.StatusSeeOther, "/dang-nhap?tb=da-dang-xuat")
}

// flashText is the message of a redirect's ?tb= key; unknown keys say
// nothing, so no text is reflected from the URL.
func flashText(key string) string {
	return map[string]string{
		"da-dang-xuat":  "Bạn đã đăng xuất.",
		"da-luu":        "Đã lưu bản nháp.",
		"da-nop":        "Đã gửi báo cáo. Báo cáo chuyển sang chờ thẩm định.",
		"da-dinh-chinh": "Đã ghi nhận đính chính số liệu.",
		"da-gan-co":     "Đã ghi nhận số liệu không đảm bảo chất lượng.",
		"da-thu":        "Đã ghi nhận việc dùng thư điện tử miễn phí.",
		"da-tra-lai":    "Đã gửi yêu cầu bổ sung cho đơn vị.",
		"da-tham-dinh":  "Đã hoàn thành thẩm định.",
		"da-khoa":       "Đã khóa thu thập báo cáo.",
		"da-ban-hanh":   "Đã phê duyệt và ban hành quyết định.",
	}[key]
}

// Template helpers.

var phaseLabels = map[string]string{
	workflows.PhaseOpened:      "mới mở",
	workflows.PhaseFormsIssued: "đã phát hành biểu mẫu",
	workflows.PhaseCollecting:  "đang thu thập báo cáo",
	workflows.PhaseAppraising:  "đang thẩm định",
	workflows.PhaseRanked:      "đã xếp hạng",
	workflows.PhaseDrafted:     "đã dự thảo quyết định, chờ phê duyệt",
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

var roleLabels = map[Role]string{RoleAdmin: "quản trị", RoleAppraiser: "thẩm định", RoleSubmitter: "cán bộ đơn vị", RoleLeader: "lãnh đạo"}

func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{
		"statusLabel": unitStatusLabel,
		"phaseLabel":  phaseLabel,
		"time":        fmtTime,
		"countdown":   countdown,
		"roleLabel":   func(r Role) string { return roleLabels[r] },
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
	for _, p := range []string{"login", "error", "dashboard", "unit"} {
		pages[p] = template.Must(template.Must(layout.Clone()).ParseFS(webFiles, "web/templates/"+p+".html"))
	}
	return pages
}

// sessionUser reads the session cookie and finds its user; ok is false for
// a missing, expired or forged session or a user no longer in the file.
func (w *web) sessionUser(c *gin.Context) (session, User, bool) {
	var sess session
	ok := false
	if ck, err := c.Request.Cookie(SessionCookie); err == nil {
		sess, ok = w.s.sessions.parse(ck.Value, time.Now())
	}
	usr, found := w.s.users.Get(sess.User)
	return sess, usr, ok && found
}
