package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Unit is one entry of the unit registry: a department, a district or
// another body that reports.
type Unit struct {
	Code   string   `json:"code"`   // ^[A-Za-z0-9._-]{1,64}$
	Name   string   `json:"name"`   // stored NFC
	Annex  string   `json:"annex"`  // scoring annex, "PL01" or "PL02"
	Flags  []string `json:"flags"`  // e.g. "no_procedures"; sorted
	Emails []string `json:"emails"` // contacts, at most MaxUnitEmails
	Active bool     `json:"active"` // takes part in new campaigns
}

// MaxImportUnits is the most units one import may hold.
const MaxImportUnits = 5000

// unitProblems turns a unit's problems into FieldErrors for an API request:
// "Phụ lục: «PL03» không phải PL01 hoặc PL02". prefix starts every message.
func unitProblems(ps []unitProblem, prefix string) problems {
	var out problems
	for _, p := range ps {
		out.add(unitFieldNames[p.field], "%s%s: %s", prefix, unitFieldLabels[p.field], p.msg)
	}
	return out
}

const unitColumns = "code, name, annex, flags, emails, active"

func scanUnit(sc scanner) (Unit, error) {
	var u Unit
	var flags, emails string
	if err := sc.Scan(&u.Code, &u.Name, &u.Annex, &flags, &emails, &u.Active); err != nil {
		return Unit{}, err
	}
	if err := json.Unmarshal([]byte(flags), &u.Flags); err != nil {
		return Unit{}, fmt.Errorf("store: unit %s: flags: %w", u.Code, err)
	}
	if err := json.Unmarshal([]byte(emails), &u.Emails); err != nil {
		return Unit{}, fmt.Errorf("store: unit %s: emails: %w", u.Code, err)
	}
	if u.Flags == nil {
		u.Flags = []string{}
	}
	if u.Emails == nil {
		u.Emails = []string{}
	}
	return u, nil
}

func (s *Store) getUnit(ctx context.Context, q querier, code string) (Unit, bool, error) {
	u, err := scanUnit(s.queryRow(ctx, q, "SELECT "+unitColumns+" FROM units WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, false, nil
	}
	return u, err == nil, err
}

// GetUnit returns a unit by code; ok is false when there is none.
func (s *Store) GetUnit(ctx context.Context, code string) (u Unit, ok bool, err error) {
	return s.getUnit(ctx, s.rdb, strings.TrimSpace(code))
}

// ListUnits returns the registry sorted by annex, then by code.
func (s *Store) ListUnits(ctx context.Context) ([]Unit, error) {
	return s.listUnits(ctx, s.rdb)
}

func (s *Store) listUnits(ctx context.Context, q querier) ([]Unit, error) {
	rows, err := s.query(ctx, q, "SELECT "+unitColumns+" FROM units")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Unit{}
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	c := newCollator()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Annex != out[j].Annex {
			return out[i].Annex < out[j].Annex
		}
		return c.less(out[i].Code, out[j].Code)
	})
	return out, nil
}

// putUnit inserts or replaces a normalized unit.
func (s *Store) putUnit(ctx context.Context, tx *sql.Tx, u Unit) error {
	flags, _ := json.Marshal(u.Flags)
	emails, _ := json.Marshal(u.Emails)
	_, err := s.exec(ctx, tx, `INSERT INTO units (code, name, annex, flags, emails, active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, annex = excluded.annex, flags = excluded.flags,
    emails = excluded.emails, active = excluded.active, updated_at = excluded.updated_at`,
		u.Code, u.Name, u.Annex, string(flags), string(emails), u.Active, s.now())
	return err
}

// unitChanges describes what differs from old to u, for the audit log;
// empty when nothing does.
func unitChanges(old, u Unit) string {
	var c []string
	if old.Name != u.Name {
		c = append(c, fmt.Sprintf("tên «%s» → «%s»", old.Name, u.Name))
	}
	if old.Annex != u.Annex {
		c = append(c, fmt.Sprintf("phụ lục %s → %s", old.Annex, u.Annex))
	}
	if strings.Join(old.Flags, ",") != strings.Join(u.Flags, ",") {
		c = append(c, fmt.Sprintf("đặc điểm [%s] → [%s]", strings.Join(old.Flags, ", "), strings.Join(u.Flags, ", ")))
	}
	if strings.Join(old.Emails, ",") != strings.Join(u.Emails, ",") {
		c = append(c, fmt.Sprintf("thư điện tử [%s] → [%s]", strings.Join(old.Emails, ", "), strings.Join(u.Emails, ", ")))
	}
	if old.Active != u.Active {
		if u.Active {
			c = append(c, "hoạt động trở lại")
		} else {
			c = append(c, "ngừng hoạt động")
		}
	}
	return strings.Join(c, "; ")
}

func newUnitDetail(u Unit) string {
	d := fmt.Sprintf("«%s», %s", u.Name, u.Annex)
	if len(u.Flags) > 0 {
		d += ", " + strings.Join(u.Flags, ", ")
	}
	if !u.Active {
		d += ", ngừng hoạt động"
	}
	return d
}

// PutUnit adds a unit to the registry or replaces the one with its code.
// Putting a unit exactly as it is changes nothing.
func (s *Store) PutUnit(ctx context.Context, by string, u Unit) error {
	u, ps := normalizeUnit(u, s.rules())
	if err := unitProblems(ps, "").err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, exists, err := s.getUnit(ctx, tx, u.Code)
		if err != nil {
			return err
		}
		action, detail := ActionAddUnit, newUnitDetail(u)
		if exists {
			if action, detail = ActionUpdateUnit, unitChanges(old, u); detail == "" {
				return nil
			}
		}
		if err := s.putUnit(ctx, tx, u); err != nil {
			return err
		}
		return s.audit(ctx, tx, by, action, u.Code, detail)
	})
}

// DeleteUnit removes a unit from the registry. A unit that users still
// belong to is kept (ErrConflict): move them first, or mark it inactive.
func (s *Store) DeleteUnit(ctx context.Context, by, code string) error {
	code = strings.TrimSpace(code)
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old, ok, err := s.getUnit(ctx, tx, code)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("code", "Không có đơn vị «%s» trong danh mục", code)
		}
		// Deleting first locks the row, so no user can be attached to the
		// unit between the check below and the commit.
		if _, err := s.exec(ctx, tx, "DELETE FROM units WHERE code = ?", code); err != nil {
			return err
		}
		names, err := s.unitUsers(ctx, tx, code)
		if err != nil {
			return err
		}
		if len(names) > 0 {
			shown := names
			if len(shown) > 5 {
				shown = append(shown[:5:5], "…")
			}
			return conflict("code", "Không xoá được đơn vị «%s»: còn %d tài khoản thuộc đơn vị này (%s). Hãy chuyển các tài khoản đó sang đơn vị khác, hoặc đánh dấu đơn vị ngừng hoạt động thay vì xoá.",
				code, len(names), strings.Join(shown, ", "))
		}
		return s.audit(ctx, tx, by, ActionDeleteUnit, code, fmt.Sprintf("«%s», %s", old.Name, old.Annex))
	})
}

// unitUsers lists the names of the users belonging to a unit.
func (s *Store) unitUsers(ctx context.Context, q querier, code string) ([]string, error) {
	rows, err := s.query(ctx, q, "SELECT name FROM users WHERE unit = ? ORDER BY name", code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// ImportUnits adds or replaces many units at once, all or nothing: one bad
// unit and nothing is saved. Units of the registry missing from the list
// are left as they are. One audit entry sums it up.
func (s *Store) ImportUnits(ctx context.Context, by string, units []Unit) error {
	var p problems
	switch {
	case len(units) == 0:
		p.add("file", "Không có đơn vị nào để nhập")
	case len(units) > MaxImportUnits:
		p.add("file", "Nhiều nhất %d đơn vị mỗi lần nhập (có %d)", MaxImportUnits, len(units))
	}
	clean := make([]Unit, len(units))
	first := map[string]int{}
	for i, u := range units {
		var ps []unitProblem
		clean[i], ps = normalizeUnit(u, s.rules())
		prefix := fmt.Sprintf("Đơn vị thứ %d", i+1)
		if clean[i].Code != "" {
			prefix += " («" + clean[i].Code + "»)"
		}
		p = append(p, unitProblems(ps, prefix+": ")...)
		if j, dup := first[clean[i].Code]; dup && clean[i].Code != "" {
			p.add("code", "%s: Mã đơn vị trùng với đơn vị thứ %d", prefix, j+1)
		} else {
			first[clean[i].Code] = i
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		existing, err := s.listUnits(ctx, tx)
		if err != nil {
			return err
		}
		old := map[string]Unit{}
		for _, u := range existing {
			old[u.Code] = u
		}
		var added, changed, same int
		for _, u := range clean {
			if o, ok := old[u.Code]; !ok {
				added++
			} else if unitChanges(o, u) != "" {
				changed++
			} else {
				same++
				continue
			}
			if err := s.putUnit(ctx, tx, u); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, by, ActionImportUnits, fmt.Sprintf("%d đơn vị", len(clean)),
			fmt.Sprintf("thêm %d, sửa %d, giữ nguyên %d", added, changed, same))
	})
}
