package store

import (
	"strings"
	"testing"
)

func TestSplitSQL(t *testing.T) {
	got := splitSQL("-- comment\nCREATE TABLE a (x TEXT);\n\n-- more\nINSERT INTO a VALUES ('y');\nSELECT 1")
	want := []string{"CREATE TABLE a (x TEXT)", "INSERT INTO a VALUES ('y')", "SELECT 1"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q", got)
	}
	ms, err := migrations()
	if err != nil || len(ms) < 2 {
		t.Fatalf("migrations: %d %v", len(ms), err)
	}
	for _, m := range ms {
		for _, st := range m.statements {
			if strings.Contains(st, "?") {
				t.Errorf("%s: a migration must not hold \"?\" (rebind would touch it): %s", m.name, st)
			}
		}
	}
}

func TestRebind(t *testing.T) {
	s := &Store{pg: true}
	if got := s.rebind("SELECT a FROM t WHERE b = ? AND c = ?"); got != "SELECT a FROM t WHERE b = $1 AND c = $2" {
		t.Fatal(got)
	}
	s.pg = false
	if got := s.rebind("b = ?"); got != "b = ?" {
		t.Fatal(got)
	}
}

func TestMigrateFromEmpty(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		ms, _ := migrations()
		if v, err := s.SchemaVersion(ctx); err != nil || v != len(ms) {
			t.Fatalf("version %d %v, want %d", v, err, len(ms))
		}
		var n int
		if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil || n != len(ms) {
			t.Fatalf("schema_migrations rows %d %v", n, err)
		}
		units, err := s.ListUnits(ctx)
		if err != nil || len(units) != 0 {
			t.Fatalf("units %v %v", units, err)
		}
		s.Close()
		// Opening again applies nothing and keeps working.
		s = d.open(Options{})
		mustAdd(t, s, "admin", RoleAdmin, "")
		if v, _ := s.SchemaVersion(ctx); v != len(ms) {
			t.Fatalf("version %d after reopening", v)
		}
	})
}

func TestMigrateFromVersion1KeepsData(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		old := d.openAt(Options{}, 1)
		if v, _ := old.SchemaVersion(ctx); v != 1 {
			t.Fatalf("version %d, want 1", v)
		}
		if _, ok, _ := old.GetUnit(ctx, "X"); ok {
			t.Fatal("units before version 2")
		}
		// Rows as version 1 wrote them (today's code reads later columns).
		hash := addOldUser(t, old, "quản.trị", RoleAdmin, "", 1)
		tok := TokenPrefix + "phien-ban-1"
		if _, err := old.exec(ctx, old.db, "INSERT INTO api_tokens (hash, user_name, created_at) VALUES (?, ?, 1)", sha256Hex(tok), "quản.trị"); err != nil {
			t.Fatal(err)
		}
		// Version 1 had no registry: a submitter named its unit freely.
		if _, err := old.exec(ctx, old.db, `INSERT INTO users (name, role, unit, disabled, epoch, password_hash, created_at, updated_at)
VALUES (?, ?, ?, ?, 3, ?, 1, 1)`, "nop.bao.cao", "submitter", "SO-TTTT", false, hash); err != nil {
			t.Fatal(err)
		}
		if err := old.RevokeSession(ctx, "sess-1", newClock().Now().AddDate(10, 0, 0)); err != nil {
			t.Fatal(err)
		}
		auditBefore := auditCount(t, old)
		old.Close()

		s := d.open(Options{})
		ms, _ := migrations()
		if v, _ := s.SchemaVersion(ctx); v != len(ms) {
			t.Fatalf("version %d, want %d", v, len(ms))
		}
		if _, ok := s.Authenticate(ctx, "quản.trị", pw); !ok {
			t.Fatal("admin's password lost")
		}
		if u, ok, err := s.ByToken(ctx, tok); err != nil || !ok || u.Name != "quản.trị" {
			t.Fatalf("token lost: %v %v", ok, err)
		}
		sub := mustGet(t, s, "nop.bao.cao")
		if sub.Unit != "SO-TTTT" || sub.Epoch != 3 || sub.Role != RoleSubmitter {
			t.Fatalf("submitter %+v", sub)
		}
		u, ok, err := s.GetUnit(ctx, "SO-TTTT")
		if err != nil || !ok || u.Name != "SO-TTTT" || u.Annex != "PL01" || !u.Active {
			t.Fatalf("placeholder unit %+v %v %v", u, ok, err)
		}
		if r, _ := s.SessionRevoked(ctx, "sess-1"); !r {
			t.Fatal("revoked session lost")
		}
		if n := auditCount(t, s); n != auditBefore {
			t.Fatalf("audit %d, was %d", n, auditBefore)
		}
		// And the new version's features work on the old data.
		if _, err := s.ResetPassword(ctx, "quản.trị", "nop.bao.cao"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		if _, err := s.exec(ctx, s.db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", 999, 0); err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := open(ctx, d.dsn, Options{}, -1); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Fatalf("want newer-schema error, got %v", err)
		}
	})
}

func TestOpenDSN(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(ctx, "sqlite:"+dir+"/x.db", Options{BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Driver() != "sqlite" {
		t.Fatal(s.Driver())
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q %v", mode, err)
	}
	var fk int
	if err := s.rdb.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Fatalf("foreign_keys %d %v", fk, err)
	}
	if _, err := Open(ctx, "", Options{}); err == nil {
		t.Fatal("empty dsn accepted")
	}
	if _, err := Open(ctx, dir+"/y.db", Options{BcryptCost: 99}); err == nil {
		t.Fatal("bcrypt cost 99 accepted")
	}
}
