package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"golang.org/x/crypto/bcrypt"
	_ "modernc.org/sqlite" // driver "sqlite"
)

// Options tune a Store; the zero value is fine for production.
type Options struct {
	// BcryptCost is the cost of new password hashes; 0 means
	// bcrypt.DefaultCost (tests use bcrypt.MinCost).
	BcryptCost int
	// KnownAnnex reports whether a unit's annex exists; nil accepts
	// "PL01" and "PL02".
	KnownAnnex func(annex string) bool
	// KnownFlag reports whether a flag applies to units of an annex; nil
	// accepts "no_procedures" for PL01 only.
	KnownFlag func(annex, flag string) bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Store is the database. It is safe for concurrent use, and several
// processes may share one PostgreSQL database.
type Store struct {
	db        *sql.DB // writes; reads too on PostgreSQL
	rdb       *sql.DB // reads (a second pool on SQLite, so readers never wait for the writer)
	pg        bool
	opt       Options
	annexHint string // how error messages name the known annexes
	dummyHash []byte // compared for unknown users so that timing says nothing
}

// Open connects to the database named by dsn and brings its schema up to
// date. A dsn starting with postgres:// or postgresql:// is PostgreSQL
// (any libpq-style parameter, such as search_path or sslmode, may follow);
// anything else is the path of a SQLite file, optionally written
// sqlite:PATH, created when missing and used in WAL mode.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	return open(ctx, dsn, opt, -1)
}

// open is Open migrating only up to version upTo (-1: the latest), for
// tests of upgrades.
func open(ctx context.Context, dsn string, opt Options, upTo int) (*Store, error) {
	if opt.BcryptCost == 0 {
		opt.BcryptCost = bcrypt.DefaultCost
	}
	if opt.BcryptCost < bcrypt.MinCost || opt.BcryptCost > bcrypt.MaxCost {
		return nil, fmt.Errorf("store: bcrypt cost %d out of range %d–%d", opt.BcryptCost, bcrypt.MinCost, bcrypt.MaxCost)
	}
	annexHint := ""
	if opt.KnownAnnex == nil {
		opt.KnownAnnex, annexHint = defaultKnownAnnex, defaultRules.annexHint
	}
	if opt.KnownFlag == nil {
		opt.KnownFlag = defaultKnownFlag
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Store{opt: opt, annexHint: annexHint}
	var err error
	if isPostgres(dsn) {
		err = s.openPostgres(dsn)
	} else {
		err = s.openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := s.migrate(ctx, upTo); err != nil {
		s.Close()
		return nil, err
	}
	s.dummyHash, err = bcrypt.GenerateFromPassword([]byte("ictindex-no-such-user"), opt.BcryptCost)
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func (s *Store) openPostgres(dsn string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxLifetime(30 * time.Minute)
	s.db, s.rdb, s.pg = db, db, true
	return nil
}

func (s *Store) openSQLite(dsn string) error {
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
	if path == "" {
		return errors.New("store: empty database path")
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	common := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// One writer, BEGIN IMMEDIATE: writes queue for the lock instead of
	// failing half-way with SQLITE_BUSY.
	w, err := sql.Open("sqlite", path+sep+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", path+sep+common+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return fmt.Errorf("store: %w", err)
	}
	r.SetMaxOpenConns(4)
	s.db, s.rdb = w, r
	return nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		if rerr := s.rdb.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping checks that the database answers (for health checks).
func (s *Store) Ping(ctx context.Context) error { return s.rdb.PingContext(ctx) }

// Driver names the database in use: "sqlite" or "postgres".
func (s *Store) Driver() string {
	if s.pg {
		return "postgres"
	}
	return "sqlite"
}

// rebind turns the "?" placeholders every query is written with into
// PostgreSQL's "$1", "$2", … (queries hold no "?" in literals).
func (s *Store) rebind(query string) string {
	if !s.pg || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// exec, query and queryRow run a "?" query on q.
func (s *Store) exec(ctx context.Context, q querier, query string, args ...any) (sql.Result, error) {
	return q.ExecContext(ctx, s.rebind(query), args...)
}

func (s *Store) query(ctx context.Context, q querier, query string, args ...any) (*sql.Rows, error) {
	return q.QueryContext(ctx, s.rebind(query), args...)
}

func (s *Store) queryRow(ctx context.Context, q querier, query string, args ...any) *sql.Row {
	return q.QueryRowContext(ctx, s.rebind(query), args...)
}

// inTx runs fn in a transaction, committed when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// now is the store's clock in Unix microseconds, the unit of every time
// column.
func (s *Store) now() int64 { return s.opt.Now().UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }
