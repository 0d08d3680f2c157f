package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// Context keys set by authenticate.
const (
	ctxUser    = "ictindex.user"
	ctxSession = "ictindex.session"
)

// authenticate finds who is calling, from a bearer token or the session
// cookie; anonymous and bad credentials get 401. A cookie-authenticated
// state-changing request must carry the session's CSRF token, or gets 403
// before anything happens.
func (s *Server) authenticate(c *gin.Context) {
	if h := c.GetHeader("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		usr, found, err := s.users.ByToken(c.Request.Context(), strings.TrimSpace(token))
		if err != nil {
			s.fail(c, err)
			return
		}
		if !ok || !found {
			s.fail(c, unauthorized("Mã truy cập (token) không hợp lệ"))
			return
		}
		c.Set(ctxUser, usr)
		c.Next()
		return
	}
	if _, err := c.Request.Cookie(SessionCookie); err != nil {
		s.fail(c, unauthorized("Vui lòng đăng nhập"))
		return
	}
	sess, usr, ok := s.sessionOf(c.Request)
	if !ok {
		http.SetCookie(c.Writer, s.sessions.cookie("", time.Unix(0, 0)))
		s.fail(c, unauthorized("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại"))
		return
	}
	if stateChanging(c.Request.Method) && !s.sessions.checkCSRF(sess, c.GetHeader(CSRFHeader)) {
		s.fail(c, forbidden("Mã chống giả mạo yêu cầu (CSRF) thiếu hoặc đã cũ; hãy tải lại trang và thử lại"))
		return
	}
	c.Set(ctxUser, usr)
	c.Set(ctxSession, sess)
	c.Next()
}

func stateChanging(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// userOf is the authenticated caller.
func userOf(c *gin.Context) User {
	v, _ := c.Get(ctxUser)
	usr, _ := v.(User)
	return usr
}

// access is one route's rule: the roles allowed, and whether a submitter
// is limited to the unit named in the path.
type access struct {
	roles   []Role
	ownUnit bool
}

// allow builds the middleware enforcing an access rule.
func (s *Server) allow(a access) gin.HandlerFunc {
	return func(c *gin.Context) {
		usr := userOf(c)
		if !slices.Contains(a.roles, usr.Role) {
			s.fail(c, forbidden("Tài khoản của bạn không có quyền thực hiện thao tác này"))
			return
		}
		if a.ownUnit && usr.Role.UnitScoped() && c.Param("code") != usr.Unit {
			s.fail(c, forbidden("Bạn chỉ được truy cập báo cáo của đơn vị mình"))
			return
		}
		c.Next()
	}
}

// Access rules shared by several routes.
var (
	anyone        = access{roles: Roles}
	adminOnly     = access{roles: []Role{RoleAdmin}}
	leaderOnly    = access{roles: []Role{RoleLeader}}
	department    = access{roles: []Role{RoleAdmin, RoleAppraiser, RoleLeader}}
	appraisers    = access{roles: []Role{RoleAppraiser, RoleAdmin}}
	unitEditors   = access{roles: []Role{RoleSubmitter, RoleAdmin}, ownUnit: true}
	unitApprovers = access{roles: []Role{RoleApprover, RoleAdmin}, ownUnit: true}
	unitSubmit    = access{roles: []Role{RoleSubmitter, RoleApprover, RoleAdmin}, ownUnit: true}
	unitReaders   = access{roles: []Role{RoleSubmitter, RoleApprover, RoleAdmin, RoleAppraiser, RoleLeader}, ownUnit: true}
)
