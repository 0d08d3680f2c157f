package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// TokenPrefix starts every API token, so that a leaked one is recognisable.
const TokenPrefix = "ictx_"

// NewToken makes a new random API token for a user and keeps only its
// SHA-256: the token is returned once and never stored. Disabled users get
// none.
func (s *Store) NewToken(ctx context.Context, by, name string) (string, error) {
	name = normName(name)
	token := TokenPrefix + rand.Text() + rand.Text()
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.Disabled {
			return invalid("name", "Tài khoản «%s» đang bị khoá: không cấp token được", name)
		}
		if _, err := s.exec(ctx, tx, "INSERT INTO api_tokens (hash, user_name, created_at) VALUES (?, ?, ?)",
			sha256Hex(token), name, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionNewToken, name, "")
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// RevokeTokens revokes every API token of a user and says how many there
// were; none is not an error (and is not logged).
func (s *Store) RevokeTokens(ctx context.Context, by, name string) (int, error) {
	name = normName(name)
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockUser(ctx, tx, name); err != nil {
			return err
		}
		var err error
		if n, err = s.revokeTokens(ctx, tx, name); err != nil || n == 0 {
			return err
		}
		return s.audit(ctx, tx, by, ActionRevokeTokens, name, fmt.Sprintf("%d token", n))
	})
	return n, err
}

// revokeTokens deletes a user's tokens, returning how many.
func (s *Store) revokeTokens(ctx context.Context, tx *sql.Tx, name string) (int, error) {
	res, err := s.exec(ctx, tx, "DELETE FROM api_tokens WHERE user_name = ?", name)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// ByToken finds the enabled user an API token belongs to.
func (s *Store) ByToken(ctx context.Context, token string) (User, bool, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return User{}, false, nil
	}
	u, err := scanUser(s.queryRow(ctx, s.rdb, "SELECT "+userColumns+
		" FROM api_tokens JOIN users ON users.name = api_tokens.user_name WHERE api_tokens.hash = ? AND users.disabled = ?",
		sha256Hex(token), false))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	return u, true, nil
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
