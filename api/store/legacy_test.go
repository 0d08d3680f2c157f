package store

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestImportUsersFile(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A")
		mustAdd(t, s, "da.co", RoleLeader, "")
		hash, _ := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		const token = "ictx_legacytoken"
		file := map[string]any{"users": []map[string]any{
			{"name": "quan.tri", "role": "admin", "password_hash": string(hash)},
			{"name": "so.a", "role": "submitter", "unit": "SO-A", "password_hash": string(hash)},
			{"name": "so.moi", "role": "submitter", "unit": "SO-MOI", "password_hash": string(hash), "token_hashes": []string{sha256Hex(token)}},
			{"name": "script", "role": "appraiser", "token_hashes": []string{sha256Hex("ictx_other")}},
			{"name": "da.co", "role": "admin", "password_hash": string(hash)},
		}}
		data, _ := json.Marshal(file)
		path := filepath.Join(t.TempDir(), "users.json")
		os.WriteFile(path, data, 0o600)

		n, err := s.ImportUsersFile(ctx, path)
		if err != nil || n != 4 {
			t.Fatalf("import: %d %v", n, err)
		}
		if _, ok := s.Authenticate(ctx, "so.moi", pw); !ok {
			t.Fatal("legacy bcrypt hash refused")
		}
		if u, ok, _ := s.ByToken(ctx, token); !ok || u.Name != "so.moi" || u.Unit != "SO-MOI" {
			t.Fatal("legacy token refused")
		}
		if u, ok, _ := s.GetUnit(ctx, "SO-MOI"); !ok || u.Name != "SO-MOI" || u.Annex != "PL01" || !u.Active {
			t.Fatalf("placeholder %+v", u)
		}
		if u := mustGet(t, s, "da.co"); u.Role != RoleLeader {
			t.Fatal("existing user overwritten")
		}
		if _, ok := s.Authenticate(ctx, "script", ""); ok {
			t.Fatal("a user without password logged in")
		}
		e := lastAudit(t, s)
		if e.Action != ActionImportUsers || e.By != BySystem || e.Target != "users.json" ||
			e.Detail != "thêm 4 người dùng, bỏ qua 1 đã có; thêm 1 đơn vị tạm (tên = mã, PL01): SO-MOI" {
			t.Fatalf("audit %+v", e)
		}
		if strings.Contains(e2s(t, s), string(hash)) {
			t.Fatal("hash in the audit log")
		}

		// Once per file, even from another replica.
		other := d.open(Options{})
		before := auditCount(t, s)
		for _, st := range []*Store{s, other} {
			if n, err := st.ImportUsersFile(ctx, path); err != nil || n != 0 {
				t.Fatalf("second import: %d %v", n, err)
			}
		}
		if auditCount(t, s) != before {
			t.Fatal("second import logged")
		}

		// A bad file imports nothing and says why.
		bad := filepath.Join(t.TempDir(), "users.json")
		os.WriteFile(bad, []byte(`{"users":[{"name":"ok.user","role":"admin"},{"name":"x y","role":"boss"},{"name":"z","role":"submitter"}]}`), 0o600)
		_, err = s.ImportUsersFile(ctx, bad)
		wantFields(t, err, "name", "role", "unit")
		if _, ok, _ := s.Get(ctx, "ok.user"); ok {
			t.Fatal("bad file imported a user")
		}
		os.WriteFile(bad, []byte("{"), 0o600)
		_, err = s.ImportUsersFile(ctx, bad)
		wantFields(t, err, "file")
		if _, err := s.ImportUsersFile(ctx, filepath.Join(t.TempDir(), "none.json")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("missing file: %v", err)
		}
	})
}
