package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // driver "sqlite", the one Temporal's plugin and api/store use
)

// DatabaseInfo describes one database snapshot in the manifest.
type DatabaseInfo struct {
	Name      string `json:"name"` // "temporal", "users"
	Path      string `json:"path"` // in the backup and the data folder, slash-separated
	PageSize  int64  `json:"pageSize"`
	PageCount int64  `json:"pageCount"`
	Integrity string `json:"integrity"` // PRAGMA integrity_check of the copy: "ok"
}

// sqliteDSN opens path through a file: URI (so that a name with '?' or '#'
// stays a name), read-write but never creating it, waiting up to ten
// seconds for a lock held by the server. The path is made absolute: a
// relative one would read as the URI's authority.
func sqliteDSN(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	return u.String() + "?mode=rw&_pragma=busy_timeout(10000)"
}

// snapshotSQLite writes a consistent copy of the SQLite database src to dst
// (which must not exist) with VACUUM INTO over a connection of its own,
// while other connections, in this process or another, go on writing; then
// it checks the copy.
func snapshotSQLite(ctx context.Context, src, dst string) (DatabaseInfo, error) {
	var info DatabaseInfo
	if _, err := os.Stat(src); err != nil {
		return info, err
	}
	db, err := sql.Open("sqlite", sqliteDSN(src))
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return info, fmt.Errorf("VACUUM INTO: %w", err)
	}
	if err := db.Close(); err != nil {
		return info, err
	}
	if err := syncFile(dst); err != nil {
		return info, err
	}
	return checkSQLite(ctx, dst)
}

// checkSQLite reads a database file's page size and count and runs its
// integrity check; anything but "ok" is an error.
func checkSQLite(ctx context.Context, path string) (DatabaseInfo, error) {
	var info DatabaseInfo
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return info, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for q, dst := range map[string]any{"PRAGMA page_size": &info.PageSize, "PRAGMA page_count": &info.PageCount, "PRAGMA integrity_check": &info.Integrity} {
		if err := db.QueryRowContext(ctx, q).Scan(dst); err != nil {
			return info, fmt.Errorf("%s: %w", q, err)
		}
	}
	if info.Integrity != "ok" {
		return info, fmt.Errorf("integrity_check: %s", info.Integrity)
	}
	return info, nil
}

// syncFile flushes a file written by someone else (SQLite does not sync
// the output of VACUUM INTO).
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
