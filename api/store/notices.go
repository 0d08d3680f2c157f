package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Notice delivery statuses.
const (
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// NoticeDelivery is one address a notice was sent to, or failed to reach
// (Address "" when the unit had none). Its fields are those of the
// activities' Delivery, so that one converts to the other.
type NoticeDelivery struct {
	Notice  string    `json:"notice"`
	Kind    string    `json:"kind"`
	Year    int       `json:"year"`
	Unit    string    `json:"unit,omitempty"`
	Subject string    `json:"subject"`
	Address string    `json:"address"`
	Status  string    `json:"status"`
	Error   string    `json:"error,omitempty"`
	At      time.Time `json:"at"`
}

// maxDeliveryBatch bounds the rows of one INSERT (SQLite takes at most
// 32766 parameters, 9 a row).
const maxDeliveryBatch = 500

// RecordDeliveries stores deliveries; a row already there for the same
// notice, unit and address is kept as it is (a retried notice).
func (s *Store) RecordDeliveries(ctx context.Context, ds []NoticeDelivery) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for lo := 0; lo < len(ds); lo += maxDeliveryBatch {
			part := ds[lo:min(lo+maxDeliveryBatch, len(ds))]
			var q strings.Builder
			q.WriteString("INSERT INTO notice_log (notice, year, kind, unit, subject, address, status, error, at) VALUES ")
			args := make([]any, 0, 9*len(part))
			for i, d := range part {
				if i > 0 {
					q.WriteString(", ")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
				status := d.Status
				if status != DeliverySent {
					status = DeliveryFailed
				}
				at := d.At
				if at.IsZero() {
					at = s.opt.Now()
				}
				args = append(args, d.Notice, d.Year, d.Kind, d.Unit, d.Subject, d.Address, status, d.Error, at.UnixMicro())
			}
			q.WriteString(" ON CONFLICT (notice, unit, address) DO NOTHING")
			if _, err := s.exec(ctx, tx, q.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Delivered returns the addresses (lower case) a notice was already sent
// to or refused for.
func (s *Store) Delivered(ctx context.Context, notice string) (map[string]bool, error) {
	rows, err := s.query(ctx, s.db, "SELECT address FROM notice_log WHERE notice = ? AND address <> ''", notice)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out[strings.ToLower(a)] = true
	}
	return out, rows.Err()
}

// NoticeSummary is one notice of the log: when it went, to how many
// addresses, and the failures.
type NoticeSummary struct {
	Notice  string    `json:"notice"`
	Kind    string    `json:"kind"`
	Unit    string    `json:"unit,omitempty"` // "" for a notice to several units or the department
	Units   int       `json:"units"`          // how many units it concerned
	Subject string    `json:"subject"`
	At      time.Time `json:"at"` // the last delivery
	Sent    int       `json:"sent"`
	Failed  int       `json:"failed"`
	// Failures are the failed deliveries, at most MaxListedFailures.
	Failures []NoticeDelivery `json:"failures"`
}

// MaxListedFailures is how many failures a NoticeSummary lists.
const MaxListedFailures = 100

// NoticeLog is a page of a campaign's notices, newest first, with the
// totals of the whole campaign.
type NoticeLog struct {
	Notices []NoticeSummary `json:"notices"`
	Total   int             `json:"total"`  // notices
	Sent    int             `json:"sent"`   // addresses reached
	Failed  int             `json:"failed"` // addresses (or units without one) not reached
	Limit   int             `json:"limit"`
	Offset  int             `json:"offset"`
}

// Notices returns a year's notices, newest first: limit (1–200, default
// 20) from offset.
func (s *Store) Notices(ctx context.Context, year, limit, offset int) (NoticeLog, error) {
	if limit <= 0 {
		limit = 20
	}
	out := NoticeLog{Notices: []NoticeSummary{}, Limit: min(limit, 200), Offset: max(offset, 0)}
	err := s.queryRow(ctx, s.rdb, `SELECT COUNT(DISTINCT notice),
    COALESCE(SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), 0),
    COALESCE(SUM(CASE WHEN status = 'sent' THEN 0 ELSE 1 END), 0)
FROM notice_log WHERE year = ?`, year).Scan(&out.Total, &out.Sent, &out.Failed)
	if err != nil {
		return out, err
	}
	rows, err := s.query(ctx, s.rdb, `SELECT notice, MIN(kind), MIN(unit), COUNT(DISTINCT unit), MIN(subject), MAX(at),
    SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'sent' THEN 0 ELSE 1 END)
FROM notice_log WHERE year = ? GROUP BY notice ORDER BY MAX(at) DESC, notice LIMIT ? OFFSET ?`, year, out.Limit, out.Offset)
	if err != nil {
		return out, err
	}
	index := map[string]int{}
	for rows.Next() {
		var n NoticeSummary
		var at int64
		if err := rows.Scan(&n.Notice, &n.Kind, &n.Unit, &n.Units, &n.Subject, &at, &n.Sent, &n.Failed); err != nil {
			rows.Close()
			return out, err
		}
		if n.Units != 1 {
			n.Unit = ""
		}
		n.At, n.Failures = fromMicros(at), []NoticeDelivery{}
		index[n.Notice] = len(out.Notices)
		out.Notices = append(out.Notices, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	for key, i := range index {
		if out.Notices[i].Failed == 0 {
			continue
		}
		frows, err := s.query(ctx, s.rdb, `SELECT unit, address, error, at FROM notice_log
WHERE notice = ? AND status <> 'sent' ORDER BY unit, address LIMIT ?`, key, MaxListedFailures)
		if err != nil {
			return out, err
		}
		for frows.Next() {
			n := &out.Notices[i]
			d := NoticeDelivery{Notice: key, Kind: n.Kind, Year: year, Subject: n.Subject, Status: DeliveryFailed}
			var fat int64
			if err := frows.Scan(&d.Unit, &d.Address, &d.Error, &fat); err != nil {
				frows.Close()
				return out, err
			}
			d.At = fromMicros(fat)
			n.Failures = append(n.Failures, d)
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// UnitAddresses returns, for each unit asked (nil: every active unit of
// the registry), its contact addresses and then those of its enabled users
// who have one. Units with no address are left out.
func (s *Store) UnitAddresses(ctx context.Context, units []string) (map[string][]string, error) {
	var want map[string]bool
	if units != nil {
		want = make(map[string]bool, len(units))
		for _, u := range units {
			want[u] = true
		}
	}
	out := map[string][]string{}
	rows, err := s.query(ctx, s.rdb, "SELECT code, emails, active FROM units")
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var code, emails string
		var active bool
		if err := rows.Scan(&code, &emails, &active); err != nil {
			rows.Close()
			return nil, err
		}
		if want != nil && !want[code] || want == nil && !active {
			continue
		}
		var list []string
		if err := json.Unmarshal([]byte(emails), &list); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unit %s: emails: %w", code, err)
		}
		if len(list) > 0 {
			out[code] = list
		} else if want == nil {
			out[code] = nil // an active unit without address is still one to notify
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	type userMail struct{ unit, name, email string }
	var users []userMail
	urows, err := s.query(ctx, s.rdb, "SELECT unit, name, email FROM users WHERE unit <> '' AND email <> '' AND disabled = ?", false)
	if err != nil {
		return nil, err
	}
	for urows.Next() {
		var u userMail
		if err := urows.Scan(&u.unit, &u.name, &u.email); err != nil {
			urows.Close()
			return nil, err
		}
		if _, listed := out[u.unit]; want != nil && want[u.unit] || want == nil && listed {
			users = append(users, u)
		}
	}
	urows.Close()
	if err := urows.Err(); err != nil {
		return nil, err
	}
	sort.Slice(users, func(i, j int) bool { return users[i].name < users[j].name })
	for _, u := range users {
		out[u.unit] = append(out[u.unit], u.email)
	}
	return out, nil
}

// DepartmentAddresses are the addresses of the enabled administrators,
// appraisers and leaders who have one, by user name.
func (s *Store) DepartmentAddresses(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, s.rdb, "SELECT email FROM users WHERE email <> '' AND disabled = ? AND role IN (?, ?, ?) ORDER BY name",
		false, string(RoleAdmin), string(RoleAppraiser), string(RoleLeader))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
