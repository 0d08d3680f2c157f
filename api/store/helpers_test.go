package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// testDSNEnv names the PostgreSQL server the tests also run against
// (deploy/start-postgres.sh prints one).
const testDSNEnv = "ICTINDEX_TEST_DATABASE_URL"

// db is one database to run a test against: open gives a fresh store on
// it, migrated up to upTo (-1: all), closed when the test ends.
type db struct {
	t   *testing.T
	dsn string
}

// eachDB runs test against a new SQLite file and, when testDSNEnv is set,
// against a new schema of that PostgreSQL database. In CI (CI set) a
// missing testDSNEnv fails the PostgreSQL variant.
func eachDB(t *testing.T, test func(t *testing.T, d db)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		test(t, db{t: t, dsn: filepath.Join(t.TempDir(), "ictindex.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		base := os.Getenv(testDSNEnv)
		if base == "" {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not set: CI must test the store on PostgreSQL too (start a server with deploy/start-postgres.sh and export its DSN)", testDSNEnv)
			}
			t.Skipf("%s not set", testDSNEnv)
		}
		test(t, db{t: t, dsn: freshSchema(t, base)})
	})
}

// freshSchema creates a schema with a random name, dropped when the test
// ends, and returns base with search_path set to it.
func freshSchema(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := "test_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func (d db) open(opt Options) *Store { return d.openAt(opt, -1) }

func (d db) openAt(opt Options, upTo int) *Store {
	d.t.Helper()
	if opt.BcryptCost == 0 {
		opt.BcryptCost = bcrypt.MinCost
	}
	s, err := open(context.Background(), d.dsn, opt, upTo)
	if err != nil {
		d.t.Fatalf("open: %v", err)
	}
	d.t.Cleanup(func() { s.Close() })
	return s
}

// clock is a settable Options.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var ctx = context.Background()

const (
	pw  = "mật-khẩu-đủ-dài" // ≥ 10 runes
	pw2 = "another-password-1"
)

// withUnits adds units to the registry (the audit log gets them too).
func withUnits(t *testing.T, s *Store, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if err := s.PutUnit(ctx, "setup", Unit{Code: c, Name: "Đơn vị " + c, Annex: "PL01", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
}

func mustAdd(t *testing.T, s *Store, name string, role Role, unit string) {
	t.Helper()
	if err := s.AddUser(ctx, "admin", name, role, unit, pw); err != nil {
		t.Fatalf("AddUser %s: %v", name, err)
	}
}

func mustGet(t *testing.T, s *Store, name string) User {
	t.Helper()
	u, ok, err := s.Get(ctx, name)
	if err != nil || !ok {
		t.Fatalf("Get %s: %v %v", name, ok, err)
	}
	return u
}

// fields returns the fields a *ValidationError names, failing when err is
// something else.
func fields(t *testing.T, err error) []string {
	t.Helper()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want *ValidationError, got %T %v", err, err)
	}
	return ve.Fields()
}

// wantFields checks that err is a *ValidationError naming exactly these
// fields, in order.
func wantFields(t *testing.T, err error, want ...string) {
	t.Helper()
	if got := fields(t, err); !slices.Equal(got, want) {
		t.Fatalf("fields %q, want %q (%v)", got, want, err)
	}
}

// auditCount is the number of entries in the audit log.
func auditCount(t *testing.T, s *Store) int {
	t.Helper()
	_, n, err := s.Audit(ctx, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// lastAudit is the newest audit entry.
func lastAudit(t *testing.T, s *Store) AuditEntry {
	t.Helper()
	es, _, err := s.Audit(ctx, 1, 0)
	if err != nil || len(es) == 0 {
		t.Fatalf("no audit entry: %v", err)
	}
	return es[0]
}

// addOldUser inserts a user row with only the columns of schema version
// 1, as an older program wrote it, and returns its password hash (pw).
func addOldUser(t *testing.T, s *Store, name string, role Role, unit string, epoch int64) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.exec(ctx, s.db, `INSERT INTO users (name, role, unit, disabled, epoch, password_hash, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, 1, 1)`, name, string(role), unit, false, epoch, string(hash)); err != nil {
		t.Fatal(err)
	}
	return string(hash)
}
