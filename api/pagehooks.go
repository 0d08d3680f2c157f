package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// This file is what the web pages (package api/pages) use of the server:
// the same sessions, users, read model, updates and error table as the
// JSON API, so a page and an API call can never disagree. The pages hook
// themselves in with MountPages; the API's route table stays the JSON API
// alone (and so openapi.yaml and the access matrix).

// Session is a logged-in browser session.
type Session = session

// MountPages serves h for every path isPage accepts that is not an API
// route.
func (s *Server) MountPages(h http.Handler, isPage func(path string) bool) {
	apiNotFound := func(c *gin.Context) { s.fail(c, notFound("Không có đường dẫn này")) }
	s.engine.NoRoute(func(c *gin.Context) {
		if isPage(c.Request.URL.Path) {
			h.ServeHTTP(c.Writer, c.Request)
			c.Abort()
			return
		}
		apiNotFound(c)
	})
}

// Log is the server's logger.
func (s *Server) Log() *slog.Logger { return s.log }

// Temporal is the server's Temporal client.
func (s *Server) Temporal() client.Client { return s.temporal }

// Archive is the evidence and document store.
func (s *Server) Archive() *archive.Store { return s.store }

// Users is the user store.
func (s *Server) Users() *Users { return s.users }

// SessionUser reads a request's session cookie and finds its user; ok is
// false for a missing, expired, forged or ended session, or a user who is
// gone, disabled or changed since.
func (s *Server) SessionUser(r *http.Request) (Session, User, bool) { return s.sessionOf(r) }

// CSRF is a session's CSRF token.
func (s *Server) CSRF(sess Session) string { return s.sessions.csrf(sess.ID) }

// CheckCSRF compares a request's CSRF token with its session's.
func (s *Server) CheckCSRF(sess Session, token string) bool { return s.sessions.checkCSRF(sess, token) }

// Login checks a name and password from ip under the login rate limit and
// answers the new session's cookie; a refusal is an *Error (401 or 429)
// with its Vietnamese message.
func (s *Server) Login(ctx context.Context, name, password, ip string) (User, *http.Cookie, error) {
	now := time.Now()
	if s.limiter.blocked(name, ip, now) {
		return User{}, nil, rateLimited("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau một phút")
	}
	usr, ok := s.users.Authenticate(ctx, name, password)
	if !ok {
		s.limiter.fail(name, ip, now)
		return User{}, nil, unauthorized("Tên đăng nhập hoặc mật khẩu không đúng")
	}
	s.limiter.succeed(name, ip)
	cookie, _ := s.sessions.issue(usr, now)
	return usr, cookie, nil
}

// EndSession logs a session out and answers the cookie that clears it.
func (s *Server) EndSession(ctx context.Context, sess Session) *http.Cookie {
	s.endSession(ctx, sess)
	return s.sessions.cookie("", time.Unix(0, 0))
}

// Unit is a unit's state from the read model.
func (s *Server) Unit(ctx context.Context, year int, code string) (workflows.UnitState, error) {
	return s.cache.unit(ctx, year, code)
}

// ReadUnit queries a unit's state afresh (and keeps it in the read model).
func (s *Server) ReadUnit(ctx context.Context, year int, code string) (workflows.UnitState, error) {
	return s.cache.readUnit(ctx, year, code)
}

// Campaign is a campaign's status from the read model.
func (s *Server) Campaign(ctx context.Context, year int) (workflows.CampaignStatus, error) {
	return s.cache.campaign(ctx, year)
}

// Update runs a workflow update and waits for its result, written through
// to the read model; a refusal is an error ErrorOf maps to 422 with the
// fields.
func (s *Server) Update(ctx context.Context, workflowID, name string, args, result any) error {
	return s.update(ctx, workflowID, name, args, result)
}

// ErrorOf maps an error through the API's one error table: the HTTP
// status, the Vietnamese message and the field errors. Internal errors
// are logged here and answered without detail.
func (s *Server) ErrorOf(err error) (status int, message string, fields []scoring.FieldError) {
	e := toError(err)
	if e.status == http.StatusInternalServerError {
		s.log.Error("page request failed", "err", e.cause)
	}
	return e.status, e.Message, e.Fields
}

// FailJSON answers a request with err as the API's JSON error body.
func (s *Server) FailJSON(c *gin.Context, err error) { s.fail(c, err) }

// DecodeJSON reads a JSON body into v with the API's per-field Vietnamese
// errors; an empty body is accepted when optional is true.
func DecodeJSON(c *gin.Context, v any, optional bool) error { return decodeJSON(c, v, optional) }

// YearParam reads the :year path parameter.
func YearParam(c *gin.Context) (int, error) { return yearParam(c) }

// UnitParams reads :year and :code and answers the unit's workflow ID.
func UnitParams(c *gin.Context) (year int, code, workflowID string, err error) { return unitParams(c) }

// FieldError is a one-line field error with a Vietnamese message.
func FieldError(name, code, vi string) scoring.FieldError { return field(name, code, vi) }

// Invalid is a 422 refusal with field errors.
func Invalid(msg string, fields ...scoring.FieldError) error { return unprocessable(msg, fields...) }

// NotFound is a 404 with a Vietnamese message.
func NotFound(msg string) error { return notFound(msg) }

// Access is one route's rule: the roles allowed, and whether a unit's own
// staff are limited to the unit named in the path.
type Access = access

// Access rules, as the API's routes use them.
var (
	Anyone        = anyone
	AdminOnly     = adminOnly
	LeaderOnly    = leaderOnly
	Department    = department
	Appraisers    = appraisers
	UnitEditors   = unitEditors
	UnitApprovers = unitApprovers
	UnitSubmit    = unitSubmit
	UnitReaders   = unitReaders
)

// Permits says whether a user may use a route under rule a, for the unit
// with the given code (empty when the route names none); the answer is the
// Vietnamese reason when not.
func Permits(a Access, usr User, code string) (bool, string) {
	if !roleIn(a, usr.Role) {
		return false, "Tài khoản của bạn không có quyền xem hoặc thực hiện thao tác này"
	}
	if a.ownUnit && usr.Role.UnitScoped() && code != usr.Unit {
		return false, "Bạn chỉ được truy cập báo cáo của đơn vị mình"
	}
	return true, ""
}

func roleIn(a access, r Role) bool {
	for _, x := range a.roles {
		if x == r {
			return true
		}
	}
	return false
}

// UserKey is the gin context key of the caller's User.
const UserKey = ctxUser

// SessionKey is the gin context key of the caller's Session.
const SessionKey = ctxSession

// IssueSession answers a new session cookie for a user (after a password
// change, which ends the user's other sessions).
func (s *Server) IssueSession(usr User) *http.Cookie {
	cookie, _ := s.sessions.issue(usr, time.Now())
	return cookie
}

// UserOf is the authenticated caller.
func UserOf(c *gin.Context) User { return userOf(c) }

// StateChanging tells the methods that need a CSRF token.
func StateChanging(method string) bool { return stateChanging(method) }
