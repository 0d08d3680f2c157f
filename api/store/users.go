package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// User is a person or script allowed in. Only a bcrypt hash of the
// password is kept.
type User struct {
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Unit     string `json:"unit,omitempty"` // unit-scoped roles: the unit's code
	Disabled bool   `json:"disabled,omitempty"`
	// Email is where notices reach the user ("" for none), see SetEmail.
	Email string `json:"email,omitempty"`
	// Epoch grows whenever the user is disabled or enabled, their role or
	// unit changes, or their password is reset or changed. Sessions carry
	// the epoch they were made with and end when it differs.
	Epoch        int64     `json:"epoch"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// UserInfo is what the API shows of a user.
type UserInfo struct {
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Unit     string `json:"unit,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
}

// Public is the user without secrets.
func (u User) Public() UserInfo {
	return UserInfo{Name: u.Name, Role: u.Role, Unit: u.Unit, Disabled: u.Disabled}
}

var userNamePattern = regexp.MustCompile(`^[\p{L}\p{N}._@-]{1,64}$`)

// normName is a user name as stored: trimmed, NFC.
func normName(name string) string { return norm.NFC.String(strings.TrimSpace(name)) }

func checkName(p *problems, name string) {
	switch {
	case name == "":
		p.add("name", "Tên đăng nhập là bắt buộc")
	case !userNamePattern.MatchString(name):
		p.add("name", "Tên đăng nhập «%s» không hợp lệ: chỉ gồm chữ, số và . _ @ -, tối đa 64 ký tự", name)
	}
}

// checkRoleUnit checks the role and whether a unit is given as the role
// requires; that the unit exists is checked in the transaction.
func checkRoleUnit(p *problems, role Role, unit string) {
	if !role.Valid() {
		labels := make([]string, len(Roles))
		for i, r := range Roles {
			labels[i] = RoleLabel(r)
		}
		p.add("role", "Vai trò «%s» không hợp lệ: chọn một trong %s", role, strings.Join(labels, ", "))
		return
	}
	switch {
	case role.UnitScoped() && unit == "":
		p.add("unit", "Vai trò %s cần chọn đơn vị", RoleLabel(role))
	case !role.UnitScoped() && unit != "":
		p.add("unit", "Vai trò %s không gắn với đơn vị nào: hãy để trống đơn vị", RoleLabel(role))
	}
}

// userColumns are the columns scanUser reads, in order.
const userColumns = "users.name, users.role, users.unit, users.disabled, users.email, users.epoch, users.password_hash, users.created_at, users.updated_at"

type scanner interface{ Scan(dest ...any) error }

func scanUser(sc scanner) (User, error) {
	var u User
	var role string
	var created, updated int64
	err := sc.Scan(&u.Name, &role, &u.Unit, &u.Disabled, &u.Email, &u.Epoch, &u.PasswordHash, &created, &updated)
	u.Role, u.CreatedAt, u.UpdatedAt = Role(role), fromMicros(created), fromMicros(updated)
	return u, err
}

// getUser reads one user through q; ok is false when there is none.
func (s *Store) getUser(ctx context.Context, q querier, name string) (User, bool, error) {
	u, err := scanUser(s.queryRow(ctx, q, "SELECT "+userColumns+" FROM users WHERE name = ?", name))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	return u, true, nil
}

// lockUser reads a user for update: the no-op UPDATE takes the row lock on
// PostgreSQL (SQLite's writer holds the database already), so concurrent
// admin actions on one user apply one after the other.
func (s *Store) lockUser(ctx context.Context, tx *sql.Tx, name string) (User, error) {
	res, err := s.exec(ctx, tx, "UPDATE users SET epoch = epoch WHERE name = ?", name)
	if err != nil {
		return User{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return User{}, err
	} else if n == 0 {
		return User{}, notFound("name", "Không có người dùng «%s»", name)
	}
	u, _, err := s.getUser(ctx, tx, name)
	return u, err
}

// lockUnit reports whether a unit exists, locking its row so that it
// cannot be deleted before the transaction ends.
func (s *Store) lockUnit(ctx context.Context, tx *sql.Tx, code string) (bool, error) {
	res, err := s.exec(ctx, tx, "UPDATE units SET updated_at = updated_at WHERE code = ?", code)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func unitNotInRegistry(code string) error {
	return invalid("unit", "Đơn vị «%s» không có trong danh mục đơn vị", code)
}

// AddUser creates a user. The name is taken in Unicode NFC; unit-scoped
// roles (submitter, approver) need a unit of the registry, other roles
// none. by is the admin doing it, for the audit log.
func (s *Store) AddUser(ctx context.Context, by, name string, role Role, unit, password string) error {
	name, unit = normName(name), strings.TrimSpace(unit)
	var p problems
	checkName(&p, name)
	checkRoleUnit(&p, role, unit)
	checkPassword(&p, password)
	if err := p.err(); err != nil {
		return err
	}
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	taken := conflict("name", "Tên đăng nhập «%s» đã có người dùng", name)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, ok, err := s.getUser(ctx, tx, name); err != nil {
			return err
		} else if ok {
			return taken
		}
		if unit != "" {
			if ok, err := s.lockUnit(ctx, tx, unit); err != nil {
				return err
			} else if !ok {
				return unitNotInRegistry(unit)
			}
		}
		now := s.now()
		if _, err := s.exec(ctx, tx, `INSERT INTO users (name, role, unit, disabled, epoch, password_hash, created_at, updated_at)
VALUES (?, ?, ?, ?, 1, ?, ?, ?)`, name, string(role), unit, false, hash, now, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionAddUser, name, roleDetail(role, unit))
	})
	if isUniqueViolation(err) {
		return taken
	}
	return err
}

// roleDetail is "vai trò X" with ", đơn vị Y" when there is one.
func roleDetail(role Role, unit string) string {
	d := "vai trò " + RoleLabel(role)
	if unit != "" {
		d += ", đơn vị " + unit
	}
	return d
}

// UpdateUser changes a user's role and unit. A change ends the user's
// sessions (the epoch grows) and revokes their API tokens; asking for what
// is already there changes nothing.
func (s *Store) UpdateUser(ctx context.Context, by, name string, role Role, unit string) error {
	name, unit = normName(name), strings.TrimSpace(unit)
	var p problems
	checkRoleUnit(&p, role, unit)
	if err := p.err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.Role == role && u.Unit == unit {
			return nil
		}
		if unit != "" {
			if ok, err := s.lockUnit(ctx, tx, unit); err != nil {
				return err
			} else if !ok {
				return unitNotInRegistry(unit)
			}
		}
		if _, err := s.exec(ctx, tx, "UPDATE users SET role = ?, unit = ?, epoch = epoch + 1, updated_at = ? WHERE name = ?",
			string(role), unit, s.now(), name); err != nil {
			return err
		}
		var changes []string
		if u.Role != role {
			changes = append(changes, fmt.Sprintf("vai trò %s → %s", RoleLabel(u.Role), RoleLabel(role)))
		}
		if u.Unit != unit {
			changes = append(changes, fmt.Sprintf("đơn vị %s → %s", orNone(u.Unit), orNone(unit)))
		}
		if n, err := s.revokeTokens(ctx, tx, name); err != nil {
			return err
		} else if n > 0 {
			changes = append(changes, fmt.Sprintf("thu hồi %d token API", n))
		}
		return s.audit(ctx, tx, by, ActionUpdateUser, name, strings.Join(changes, "; "))
	})
}

func orNone(s string) string {
	if s == "" {
		return "(không)"
	}
	return s
}

// SetDisabled disables or re-enables a user. Either ends their sessions;
// disabling also revokes their API tokens and reset code. Asking for the
// state the user is in changes nothing.
func (s *Store) SetDisabled(ctx context.Context, by, name string, disabled bool) error {
	name = normName(name)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		u, err := s.lockUser(ctx, tx, name)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		if _, err := s.exec(ctx, tx, "UPDATE users SET disabled = ?, epoch = epoch + 1, updated_at = ? WHERE name = ?",
			disabled, s.now(), name); err != nil {
			return err
		}
		if !disabled {
			return s.audit(ctx, tx, by, ActionEnableUser, name, "")
		}
		detail := ""
		if n, err := s.revokeTokens(ctx, tx, name); err != nil {
			return err
		} else if n > 0 {
			detail = fmt.Sprintf("thu hồi %d token API", n)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM reset_codes WHERE user_name = ?", name); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, ActionDisableUser, name, detail)
	})
}

// Get returns a user by name; ok is false when there is none.
func (s *Store) Get(ctx context.Context, name string) (u User, ok bool, err error) {
	return s.getUser(ctx, s.rdb, normName(name))
}

// HasActiveUser says whether an enabled user with the role belongs to the
// unit: one indexed query, for checks on a page's or a request's path.
func (s *Store) HasActiveUser(ctx context.Context, role Role, unit string) (bool, error) {
	rows, err := s.query(ctx, s.rdb, "SELECT 1 FROM users WHERE unit = ? AND role = ? AND disabled = ? LIMIT 1", unit, string(role), false)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	found := rows.Next()
	return found, rows.Err()
}

// ListUsers returns every user, sorted by name (Vietnamese collation).
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, s.rdb, "SELECT "+userColumns+" FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := newCollator()
	sort.Slice(out, func(i, j int) bool { return c.less(out[i].Name, out[j].Name) })
	return out, nil
}

// collator orders names the Vietnamese way, ties broken bytewise so that
// the order is the same on every database. Not safe for concurrent use.
type collator struct{ c *collate.Collator }

func newCollator() collator { return collator{collate.New(language.Vietnamese)} }

func (c collator) less(a, b string) bool {
	if r := c.c.CompareString(a, b); r != 0 {
		return r < 0
	}
	return a < b
}
