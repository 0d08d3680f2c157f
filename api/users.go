package api

import (
	"context"
	"net/http"
	"time"

	"ictindex/api/store"
)

// Users, roles and the unit registry live in the store (api/store): SQLite
// in the data folder by default, PostgreSQL in production. These names are
// the API's view of them.
type (
	// Role is what a user may do.
	Role = store.Role
	// User is a person or script allowed in.
	User = store.User
	// UserInfo is what the API shows of a user.
	UserInfo = store.UserInfo
	// Users is the user store.
	Users = store.Store
)

// Roles.
const (
	RoleAdmin     = store.RoleAdmin     // department coordinator: opens, closes, extends, manages users and units
	RoleAppraiser = store.RoleAppraiser // department appraiser
	RoleSubmitter = store.RoleSubmitter // a unit's preparer: their own unit only
	RoleApprover  = store.RoleApprover  // a unit's leader: reviews and submits their own unit's report
	RoleLeader    = store.RoleLeader    // provincial leadership: reads everything, approves and publishes
)

// Roles lists every role.
var Roles = store.Roles

// lookupUser finds a session's user: ok is false when the user is gone or
// disabled, or when the session was issued before the user's last change
// of role, unit, password or state (the epoch), or was logged out.
func (s *Server) lookupUser(ctx context.Context, sess session) (User, bool) {
	usr, found, err := s.users.Get(ctx, sess.User)
	if err != nil {
		s.log.Error("user store", "err", err)
		return User{}, false
	}
	if !found || usr.Disabled || usr.Epoch != sess.Epoch {
		return User{}, false
	}
	if gone, err := s.users.SessionRevoked(ctx, sess.ID); err != nil || gone {
		if err != nil {
			s.log.Error("user store", "err", err)
		}
		return User{}, false
	}
	return usr, true
}

// sessionOf reads and checks a request's session cookie and its user.
func (s *Server) sessionOf(r *http.Request) (session, User, bool) {
	ck, err := r.Cookie(SessionCookie)
	if err != nil {
		return session{}, User{}, false
	}
	sess, ok := s.sessions.parse(ck.Value, time.Now())
	if !ok {
		return session{}, User{}, false
	}
	usr, ok := s.lookupUser(r.Context(), sess)
	return sess, usr, ok
}

// endSession records a logout in the store, so every replica refuses the
// cookie from now on.
func (s *Server) endSession(ctx context.Context, sess session) {
	if err := s.users.RevokeSession(ctx, sess.ID, time.Unix(sess.Expires, 0)); err != nil {
		s.log.Error("user store: logout", "err", err)
	}
}
