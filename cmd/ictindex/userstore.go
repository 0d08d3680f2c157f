package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"slices"

	"ictindex/api/store"
	"ictindex/templates"
)

// databaseURL is the user store's address: ICTINDEX_DATABASE_URL
// (postgres://… in production), else the SQLite file def.
func databaseURL(def string) string { return envOr("ICTINDEX_DATABASE_URL", def) }

// openUsers opens the store of users, roles and the unit registry, and
// imports a users file of the earlier versions once when legacy names one
// that exists.
func openUsers(ctx context.Context, dsn, legacy string, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, dsn, store.Options{KnownAnnex: func(a string) bool { return slices.Contains(templates.Annexes(), a) }})
	if err != nil {
		return nil, fmt.Errorf("cơ sở dữ liệu người dùng: %w", err)
	}
	if legacy != "" {
		n, err := st.ImportUsersFile(ctx, legacy)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			st.Close()
			return nil, fmt.Errorf("nhập tệp người dùng cũ %s: %w", legacy, err)
		case n > 0 && log != nil:
			log.Info("imported the users file into the database", "file", legacy, "users", n)
		}
	}
	return st, nil
}

// maskDSN hides a database URL's password for the log.
func maskDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "***")
			return u.String()
		}
	}
	return dsn
}
