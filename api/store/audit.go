package store

import (
	"context"
	"database/sql"
	"time"
)

// AuditEntry is one admin action. It never holds a password or a code.
type AuditEntry struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`     // who did it (BySystem for the store itself)
	Action string    `json:"action"` // one of the Action constants
	Target string    `json:"target"` // the user's name, the unit's code or the file's name
	Detail string    `json:"detail,omitempty"`
}

// BySystem is the By of actions the program does itself (the users file
// import).
const BySystem = "hệ thống"

// The audit log's actions.
const (
	ActionAddUser        = "them-nguoi-dung"
	ActionUpdateUser     = "sua-nguoi-dung"
	ActionDisableUser    = "khoa-nguoi-dung"
	ActionEnableUser     = "mo-khoa-nguoi-dung"
	ActionResetPassword  = "dat-lai-mat-khau"
	ActionRedeemReset    = "doi-mat-khau-bang-ma"
	ActionChangePassword = "doi-mat-khau"
	ActionSetPassword    = "dat-mat-khau"
	ActionNewToken       = "cap-token"
	ActionRevokeTokens   = "thu-hoi-token"
	ActionAddUnit        = "them-don-vi"
	ActionUpdateUnit     = "sua-don-vi"
	ActionDeleteUnit     = "xoa-don-vi"
	ActionImportUnits    = "nhap-don-vi"
	ActionImportUsers    = "nhap-nguoi-dung"
	ActionImportCriteria = "nhap-bo-tieu-chi"
)

var actionLabels = map[string]string{
	ActionAddUser:        "Thêm người dùng",
	ActionUpdateUser:     "Đổi vai trò hoặc đơn vị",
	ActionDisableUser:    "Khoá tài khoản",
	ActionEnableUser:     "Mở khoá tài khoản",
	ActionResetPassword:  "Cấp mã đặt lại mật khẩu",
	ActionRedeemReset:    "Đặt mật khẩu mới bằng mã",
	ActionChangePassword: "Đổi mật khẩu",
	ActionSetPassword:    "Đặt mật khẩu (dòng lệnh)",
	ActionNewToken:       "Cấp token API",
	ActionRevokeTokens:   "Thu hồi token API",
	ActionAddUnit:        "Thêm đơn vị",
	ActionUpdateUnit:     "Sửa đơn vị",
	ActionDeleteUnit:     "Xoá đơn vị",
	ActionImportUnits:    "Nhập danh mục đơn vị",
	ActionImportUsers:    "Nhập người dùng từ tệp cũ",
	ActionImportCriteria: "Nhập bộ tiêu chí",
}

// ActionLabel is an action's Vietnamese name, for the audit page; an
// unknown action is shown as it is.
func ActionLabel(action string) string {
	if l, ok := actionLabels[action]; ok {
		return l
	}
	return action
}

// audit writes an entry in the caller's transaction, so that it is kept
// exactly when the action is. Ids come from the counters row, whose lock
// orders concurrent writers.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, by, action, target, detail string) error {
	var id int64
	if err := s.queryRow(ctx, tx, "UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value", "audit_log").Scan(&id); err != nil {
		return err
	}
	_, err := s.exec(ctx, tx, "INSERT INTO audit_log (id, at, by_user, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
		id, s.now(), by, action, target, detail)
	return err
}

// Audit returns entries newest first, limit (1–1000, default 50) from
// offset, and how many there are in all.
// Record writes an audit entry for an action kept outside this database
// (a criteria set imported into the archive).
func (s *Store) Record(ctx context.Context, by, action, target, detail string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, by, action, target, detail) })
}

func (s *Store) Audit(ctx context.Context, limit, offset int) ([]AuditEntry, int, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	offset = max(offset, 0)
	var total int
	if err := s.queryRow(ctx, s.rdb, "SELECT COUNT(*) FROM audit_log").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.query(ctx, s.rdb, "SELECT at, by_user, action, target, detail FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?", limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&at, &e.By, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, 0, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, total, rows.Err()
}
