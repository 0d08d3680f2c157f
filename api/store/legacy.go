package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// legacyUsers is the layout of the users file that came before the
// database.
type legacyUsers struct {
	Users []struct {
		Name         string   `json:"name"`
		Role         Role     `json:"role"`
		Unit         string   `json:"unit"`
		PasswordHash string   `json:"password_hash"`
		TokenHashes  []string `json:"token_hashes"`
	} `json:"users"`
}

var tokenHashPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// ImportUsersFile copies the users of a legacy users.json into the
// database, bcrypt and token hashes as they are, once per file: the file's
// absolute path and SHA-256 are recorded, and importing the same file again
// returns 0, nil. Users whose name is taken already are left as they are
// (not counted); units named by the file but missing from the registry are
// added as placeholders (name = code, PL01, active) so that no user is
// lost. An invalid file imports nothing. A missing file is an error
// wrapping fs.ErrNotExist. n is the number of users added.
func (s *Store) ImportUsersFile(ctx context.Context, path string) (n int, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return 0, err
	}
	key := "import-users:" + abs + ":" + sha256Hex(string(data))
	if done, err := s.metaExists(ctx, s.rdb, key); err != nil || done {
		return 0, err
	}
	var f legacyUsers
	if err := json.Unmarshal(data, &f); err != nil {
		return 0, invalid("file", "Tệp %s không đọc được: %v", filepath.Base(abs), err)
	}
	var p problems
	seen := map[string]bool{}
	for i := range f.Users {
		u := &f.Users[i]
		u.Name, u.Unit = normName(u.Name), strings.TrimSpace(u.Unit)
		var up problems
		checkName(&up, u.Name)
		checkRoleUnit(&up, u.Role, u.Unit)
		if u.Unit != "" && !unitCodePattern.MatchString(u.Unit) {
			up.add("unit", "Mã đơn vị «%s» không hợp lệ", u.Unit)
		}
		if u.PasswordHash != "" {
			if _, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil {
				up.add("password", "password_hash không phải mã băm bcrypt")
			}
		}
		for _, h := range u.TokenHashes {
			if !tokenHashPattern.MatchString(h) {
				up.add("token", "token_hashes có giá trị không phải SHA-256 (64 chữ số hex)")
				break
			}
		}
		if seen[u.Name] {
			up.add("name", "Tên đăng nhập «%s» lặp lại trong tệp", u.Name)
		}
		seen[u.Name] = true
		for _, fe := range up {
			p.add(fe.Field, "%s, người dùng thứ %d («%s»): %s", filepath.Base(abs), i+1, u.Name, fe.Message)
		}
	}
	if err := p.err(); err != nil {
		return 0, err
	}

	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// The key first: a replica importing the same file at the same
		// time waits here, then fails on the key and imports nothing.
		if _, err := s.exec(ctx, tx, "INSERT INTO meta (key, value) VALUES (?, ?)", key, fmt.Sprint(s.now())); err != nil {
			return err
		}
		var placeholders []string
		skipped := 0
		for _, u := range f.Users {
			if _, ok, err := s.getUser(ctx, tx, u.Name); err != nil {
				return err
			} else if ok {
				skipped++
				continue
			}
			if u.Unit != "" {
				if ok, err := s.lockUnit(ctx, tx, u.Unit); err != nil {
					return err
				} else if !ok {
					if err := s.putUnit(ctx, tx, Unit{Code: u.Unit, Name: u.Unit, Annex: "PL01", Flags: []string{}, Emails: []string{}, Active: true}); err != nil {
						return err
					}
					placeholders = append(placeholders, u.Unit)
				}
			}
			now := s.now()
			if _, err := s.exec(ctx, tx, `INSERT INTO users (name, role, unit, disabled, epoch, password_hash, created_at, updated_at)
VALUES (?, ?, ?, ?, 1, ?, ?, ?)`, u.Name, string(u.Role), u.Unit, false, u.PasswordHash, now, now); err != nil {
				return err
			}
			for _, h := range u.TokenHashes {
				if _, err := s.exec(ctx, tx, "INSERT INTO api_tokens (hash, user_name, created_at) VALUES (?, ?, ?) ON CONFLICT (hash) DO NOTHING",
					h, u.Name, now); err != nil {
					return err
				}
			}
			n++
		}
		sort.Strings(placeholders)
		detail := fmt.Sprintf("thêm %d người dùng, bỏ qua %d đã có", n, skipped)
		if len(placeholders) > 0 {
			detail += fmt.Sprintf("; thêm %d đơn vị tạm (tên = mã, PL01): %s", len(placeholders), strings.Join(placeholders, ", "))
		}
		return s.audit(ctx, tx, BySystem, ActionImportUsers, filepath.Base(abs), detail)
	})
	if isUniqueViolation(err) {
		if done, merr := s.metaExists(ctx, s.db, key); merr == nil && done {
			return 0, nil // imported by another replica meanwhile
		}
	}
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (s *Store) metaExists(ctx context.Context, q querier, key string) (bool, error) {
	var v string
	err := s.queryRow(ctx, q, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
