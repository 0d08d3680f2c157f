package store

import (
	"context"
	"database/sql"

	"golang.org/x/crypto/bcrypt"
)

// Password limits: bcrypt reads at most 72 bytes.
const (
	MinPasswordLen   = 10 // runes
	MaxPasswordBytes = 72
)

func checkPassword(p *problems, password string) {
	switch {
	case len([]rune(password)) < MinPasswordLen:
		p.add("password", "Mật khẩu phải có ít nhất %d ký tự", MinPasswordLen)
	case len(password) > MaxPasswordBytes:
		p.add("password", "Mật khẩu dài quá %d byte: hãy dùng mật khẩu ngắn hơn", MaxPasswordBytes)
	}
}

func (s *Store) hash(password string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.opt.BcryptCost)
	return string(h), err
}

// SetPassword sets a user's password (for the command line: no old
// password, no code) and ends their sessions.
func (s *Store) SetPassword(ctx context.Context, by, name, password string) error {
	name = normName(name)
	var p problems
	checkPassword(&p, password)
	if err := p.err(); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockUser(ctx, tx, name); err != nil {
			return err
		}
		if err := s.setHash(ctx, tx, name, hash); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionSetPassword, name, "")
	})
}

// setHash stores a new password hash, ends the user's sessions and drops
// any reset code.
func (s *Store) setHash(ctx context.Context, tx *sql.Tx, name, hash string) error {
	if _, err := s.exec(ctx, tx, "UPDATE users SET password_hash = ?, epoch = epoch + 1, updated_at = ? WHERE name = ?",
		hash, s.now(), name); err != nil {
		return err
	}
	_, err := s.exec(ctx, tx, "DELETE FROM reset_codes WHERE user_name = ?", name)
	return err
}

// ChangePassword changes the user's own password, which needs the current
// one. It ends the user's sessions, the current one included: the web
// layer issues a fresh one with the new epoch.
func (s *Store) ChangePassword(ctx context.Context, name, oldPassword, newPassword string) error {
	name = normName(name)
	var p problems
	checkPassword(&p, newPassword)
	if err := p.err(); err != nil {
		return err
	}
	wrong := invalid("password", "Mật khẩu hiện tại không đúng")
	u, ok, err := s.getUser(ctx, s.rdb, name)
	if err != nil {
		return err
	}
	if !ok || u.Disabled || u.PasswordHash == "" {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(oldPassword))
		return wrong
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(oldPassword)) != nil {
		return wrong
	}
	hash, err := s.hash(newPassword)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if cur.PasswordHash != u.PasswordHash || cur.Disabled {
			return wrong // changed or disabled meanwhile
		}
		if err := s.setHash(ctx, tx, name, hash); err != nil {
			return err
		}
		return s.audit(ctx, tx, name, ActionChangePassword, name, "")
	})
}

// Authenticate checks a name and password. Unknown and disabled users, and
// users without a password, fail after comparing against a dummy hash, so
// the answer takes about as long either way.
func (s *Store) Authenticate(ctx context.Context, name, password string) (User, bool) {
	u, ok, err := s.getUser(ctx, s.rdb, normName(name))
	if err != nil || !ok || u.Disabled || u.PasswordHash == "" {
		_ = bcrypt.CompareHashAndPassword(s.dummyHash, []byte(password))
		return User{}, false
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return User{}, false
	}
	return u, true
}
