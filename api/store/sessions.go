package store

import (
	"context"
	"errors"
	"time"
)

// RevokeSession records that a session id was ended before its expiry
// (logout), for every replica to refuse. Only the id's SHA-256 is kept,
// until expires; expired records are pruned on the way.
func (s *Store) RevokeSession(ctx context.Context, id string, expires time.Time) error {
	if id == "" {
		return errors.New("store: empty session id")
	}
	if _, err := s.exec(ctx, s.db, `INSERT INTO revoked_sessions (id, expires_at) VALUES (?, ?)
ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at`, sha256Hex(id), expires.UnixMicro()); err != nil {
		return err
	}
	_, err := s.exec(ctx, s.db, "DELETE FROM revoked_sessions WHERE expires_at < ?", s.now())
	return err
}

// SessionRevoked reports whether RevokeSession was called for id.
func (s *Store) SessionRevoked(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.queryRow(ctx, s.rdb, "SELECT COUNT(*) FROM revoked_sessions WHERE id = ?", sha256Hex(id)).Scan(&n)
	return n > 0, err
}
