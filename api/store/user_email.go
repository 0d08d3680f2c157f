package store

import (
	"context"
	"database/sql"
	"net/mail"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// ActionSetEmail is the audit action of a user's e-mail address changed.
const ActionSetEmail = "doi-thu-dien-tu"

func init() { actionLabels[ActionSetEmail] = "Đổi thư điện tử" }

// maxEmailLen is the longest address SMTP carries (RFC 5321: 254).
const maxEmailLen = 254

// NormalizeEmail returns an address as stored: trimmed, NFC, the bare
// address without a display name; "" stays "" (no address). A malformed
// address is a *ValidationError on field "email", in Vietnamese.
func NormalizeEmail(s string) (string, error) {
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return "", nil
	}
	bad := func() (string, error) {
		return "", invalid("email", "Thư điện tử «%s» không hợp lệ: nhập một địa chỉ, ví dụ nguyen.van.a@stttt.example.gov.vn", s)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || len(a.Address) > maxEmailLen {
		return bad()
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || !strings.Contains(a.Address[at+1:], ".") || strings.HasSuffix(a.Address, ".") {
		return bad()
	}
	return a.Address, nil
}

// SetEmail sets or clears ("") the address where notices reach a user.
// It changes neither the user's sessions nor their tokens.
func (s *Store) SetEmail(ctx context.Context, by, name, email string) error {
	name = normName(name)
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.Email == email {
			return nil
		}
		if _, err := s.exec(ctx, tx, "UPDATE users SET email = ?, updated_at = ? WHERE name = ?", email, s.now(), name); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionSetEmail, name, orNone(u.Email)+" → "+orNone(email))
	})
}
