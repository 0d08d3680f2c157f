package api

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// SessionCookie is the session cookie's name.
const SessionCookie = "ictindex_session"

// CSRFHeader carries the session's CSRF token on state-changing requests.
const CSRFHeader = "X-CSRF-Token"

// session is what the signed cookie holds.
type session struct {
	User    string `json:"u"`
	ID      string `json:"id"`
	Expires int64  `json:"exp"`          // Unix seconds
	Epoch   int64  `json:"ep,omitempty"` // the user's epoch at login: a later change ends the session
}

// sessions signs and checks session cookies with an HMAC key. Sessions are
// stateless; logouts and the user's epoch are checked against the store
// (lookupUser), so every replica agrees.
type sessions struct {
	key    []byte
	ttl    time.Duration
	secure bool
}

func newSessions(key []byte, ttl time.Duration, secure bool) *sessions {
	return &sessions{key: key, ttl: ttl, secure: secure}
}

func (s *sessions) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(strings.Join(parts, "|")))
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// issue makes a cookie for a user and returns it with the CSRF token.
func (s *sessions) issue(usr User, now time.Time) (*http.Cookie, string) {
	sess := session{User: usr.Name, ID: rand.Text(), Expires: now.Add(s.ttl).Unix(), Epoch: usr.Epoch}
	payload, _ := json.Marshal(sess)
	p := b64.EncodeToString(payload)
	value := p + "." + b64.EncodeToString(s.mac("session", p))
	return s.cookie(value, now.Add(s.ttl)), s.csrf(sess.ID)
}

// cookie builds the session cookie; an empty value clears it.
func (s *sessions) cookie(value string, expires time.Time) *http.Cookie {
	c := &http.Cookie{Name: SessionCookie, Value: value, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, Expires: expires}
	if value == "" {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(time.Until(expires).Seconds())
	}
	return c
}

// csrf is the CSRF token of a session: bound to it, unguessable without the
// key.
func (s *sessions) csrf(id string) string { return b64.EncodeToString(s.mac("csrf", id)) }

// checkCSRF compares a request's token with the session's.
func (s *sessions) checkCSRF(sess session, token string) bool {
	return token != "" && hmac.Equal([]byte(token), []byte(s.csrf(sess.ID)))
}

// parse verifies a cookie value: signature and expiry.
func (s *sessions) parse(value string, now time.Time) (session, bool) {
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return session{}, false
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", p)) {
		return session{}, false
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return session{}, false
	}
	var sess session
	if json.Unmarshal(payload, &sess) != nil || now.Unix() >= sess.Expires || sess.ID == "" {
		return session{}, false
	}
	return sess, true
}
