package store

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"strings"
	"time"
)

// ResetCodeTTL is how long a password reset code can be redeemed.
const ResetCodeTTL = 24 * time.Hour

// ResetPassword issues a one-time code with which the user sets a new
// password (RedeemReset). The code is returned once, to be handed to the
// user; only its SHA-256 is kept. It expires after ResetCodeTTL, replaces
// any earlier code, and issuing it ends the user's sessions. The current
// password keeps working until the code is redeemed.
func (s *Store) ResetPassword(ctx context.Context, by, name string) (string, error) {
	name = normName(name)
	code := newResetCode()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.Disabled {
			return invalid("name", "Tài khoản «%s» đang bị khoá: hãy mở khoá trước khi đặt lại mật khẩu", name)
		}
		now := s.opt.Now()
		if _, err := s.exec(ctx, tx, `INSERT INTO reset_codes (user_name, hash, expires_at, created_at) VALUES (?, ?, ?, ?)
ON CONFLICT (user_name) DO UPDATE SET hash = excluded.hash, expires_at = excluded.expires_at, created_at = excluded.created_at`,
			name, sha256Hex(normResetCode(code)), now.Add(ResetCodeTTL).UnixMicro(), now.UnixMicro()); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, "UPDATE users SET epoch = epoch + 1, updated_at = ? WHERE name = ?", now.UnixMicro(), name); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionResetPassword, name, "cấp mã đặt lại mật khẩu, hiệu lực 24 giờ")
	})
	if err != nil {
		return "", err
	}
	return code, nil
}

// RedeemReset sets a new password with a code from ResetPassword, once.
// A wrong, used or expired code, or an unknown user, all get the same
// answer (field "code"), so the form tells nothing about who exists.
func (s *Store) RedeemReset(ctx context.Context, name, code, newPassword string) error {
	name = normName(name)
	var p problems
	if strings.TrimSpace(code) == "" {
		p.add("code", "Mã đặt lại mật khẩu là bắt buộc")
	}
	checkPassword(&p, newPassword)
	if err := p.err(); err != nil {
		return err
	}
	bad := invalid("code", "Mã đặt lại mật khẩu không đúng hoặc đã hết hạn")
	hash, err := s.hash(newPassword)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		var ve *ValidationError
		if errors.As(err, &ve) {
			return bad
		} else if err != nil {
			return err
		}
		var stored string
		var expires int64
		err = s.queryRow(ctx, tx, "SELECT hash, expires_at FROM reset_codes WHERE user_name = ?", name).Scan(&stored, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return bad
		} else if err != nil {
			return err
		}
		given := sha256Hex(normResetCode(code))
		if subtle.ConstantTimeCompare([]byte(stored), []byte(given)) != 1 || s.now() >= expires || u.Disabled {
			return bad
		}
		if err := s.setHash(ctx, tx, name, hash); err != nil { // drops the code too
			return err
		}
		return s.audit(ctx, tx, name, ActionRedeemReset, name, "")
	})
}

// newResetCode is 16 random base32 letters and digits in groups of four,
// easy to read out: 80 bits.
func newResetCode() string {
	t := rand.Text()[:16]
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}

// normResetCode forgives case, spaces and dashes.
func normResetCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}
