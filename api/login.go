package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// loginRequest is the body of POST /api/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// loginResponse answers a login and GET /api/me.
type loginResponse struct {
	User      UserInfo `json:"user"`
	CSRFToken string   `json:"csrf_token,omitempty"`
}

// login checks a password and sets the session cookie. Failed attempts are
// limited per username and client IP.
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decodeJSON(c, &req, false); err != nil {
		s.fail(c, err)
		return
	}
	if req.Username == "" || req.Password == "" {
		s.fail(c, badRequest("Vui lòng nhập tên đăng nhập và mật khẩu"))
		return
	}
	now, ip := time.Now(), c.ClientIP()
	if s.limiter.blocked(req.Username, ip, now) {
		s.fail(c, rateLimited("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau một phút"))
		return
	}
	usr, ok := s.users.Authenticate(c.Request.Context(), req.Username, req.Password)
	if !ok {
		s.limiter.fail(req.Username, ip, now)
		s.fail(c, unauthorized("Tên đăng nhập hoặc mật khẩu không đúng"))
		return
	}
	s.limiter.succeed(req.Username, ip)
	cookie, csrf := s.sessions.issue(usr, now)
	http.SetCookie(c.Writer, cookie)
	c.JSON(http.StatusOK, loginResponse{User: usr.Public(), CSRFToken: csrf})
}

// logout ends the cookie session.
func (s *Server) logout(c *gin.Context) {
	if v, ok := c.Get(ctxSession); ok {
		s.endSession(c.Request.Context(), v.(session))
	}
	http.SetCookie(c.Writer, s.sessions.cookie("", time.Unix(0, 0)))
	c.Status(http.StatusNoContent)
}

// me tells the caller who they are and, for a cookie session, its CSRF
// token (for a page reloaded after login).
func (s *Server) me(c *gin.Context) {
	res := loginResponse{User: userOf(c).Public()}
	if v, ok := c.Get(ctxSession); ok {
		res.CSRFToken = s.sessions.csrf(v.(session).ID)
	}
	c.JSON(http.StatusOK, res)
}
