package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// migrationFiles are the schema's versions, NNNN_what.sql, applied in
// order. Never edit one that has shipped: add the next.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one version of the schema.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations reads the embedded files, numbered 1, 2, … without gaps.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 1 {
			return nil, fmt.Errorf("store: migration %s: name must be NNNN_what.sql", base)
		}
		data, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, statements: splitSQL(string(data))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("store: migration %s: expected version %d", m.name, i+1)
		}
	}
	return out, nil
}

// splitSQL drops "--" comment lines and splits at lines ending in ";".
func splitSQL(src string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if t := strings.TrimSpace(cur.String()); t != "" {
		out = append(out, t)
	}
	return out
}

// migrate applies the migrations not yet recorded in schema_migrations, up
// to version upTo (-1: all), each in its own transaction. Replicas starting
// together on PostgreSQL race for the version's row: the loser's insert
// fails on the key and it tries again, finding the version applied (so it
// does when two create schema_migrations at once).
func (s *Store) migrate(ctx context.Context, upTo int) error {
	all, err := migrations()
	if err != nil {
		return err
	}
	latest := len(all)
	if upTo < 0 || upTo > latest {
		upTo = latest
	}
	var last error
	for attempt := 0; attempt < 5; attempt++ {
		if last = s.migrateOnce(ctx, all[:upTo], latest); last == nil || !isMigrationRace(last) {
			return last
		}
		time.Sleep(time.Duration(attempt+1) * 50 * time.Millisecond)
	}
	return last
}

func (s *Store) migrateOnce(ctx context.Context, todo []migration, latest int) error {
	if _, err := s.exec(ctx, s.db, `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at BIGINT  NOT NULL
)`); err != nil {
		return fmt.Errorf("store: schema_migrations: %w", err)
	}
	var have int
	if err := s.queryRow(ctx, s.db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&have); err != nil {
		return fmt.Errorf("store: schema version: %w", err)
	}
	if have > latest {
		return fmt.Errorf("store: the database has schema version %d, newer than this program's %d: upgrade the program", have, latest)
	}
	for _, m := range todo {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := s.queryRow(ctx, tx, "SELECT COUNT(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := s.exec(ctx, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", m.version, s.now()); err != nil {
				return err
			}
			for _, stmt := range m.statements {
				if _, err := s.exec(ctx, tx, stmt); err != nil {
					return fmt.Errorf("%w\n%s", err, stmt)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.queryRow(ctx, s.rdb, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// isMigrationRace reports whether err comes from another process migrating
// at the same time: a duplicate key, table or type (PostgreSQL 23505,
// 42P07, 42710).
func isMigrationRace(err error) bool {
	var coder interface{ SQLState() string }
	if errors.As(err, &coder) {
		switch coder.SQLState() {
		case "23505", "42P07", "42710":
			return true
		}
	}
	return isUniqueViolation(err)
}
