package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestRoles(t *testing.T) {
	for _, r := range Roles {
		if !r.Valid() || RoleLabel(r) == string(r) {
			t.Errorf("role %s: valid %v label %q", r, r.Valid(), RoleLabel(r))
		}
	}
	if Role("root").Valid() {
		t.Error("root valid")
	}
	if !RoleSubmitter.UnitScoped() || !RoleApprover.UnitScoped() || RoleAdmin.UnitScoped() || RoleLeader.UnitScoped() || RoleAppraiser.UnitScoped() {
		t.Error("UnitScoped")
	}
	if RoleLabel(RoleApprover) != "Lãnh đạo đơn vị" || RoleLabel(RoleSubmitter) != "Chuyên viên đơn vị" {
		t.Error("labels")
	}
}

func TestAddUserValidation(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A")
		mustAdd(t, s, "an", RoleAdmin, "")
		before := auditCount(t, s)
		cases := []struct {
			name, unit, password string
			role                 Role
			fields               []string
			kind                 error
		}{
			{"an", "", pw, RoleAdmin, []string{"name"}, ErrConflict},
			{"", "", pw, RoleAdmin, []string{"name"}, nil},
			{"có khoảng trắng", "", pw, RoleAdmin, []string{"name"}, nil},
			{strings.Repeat("a", 65), "", pw, RoleAdmin, []string{"name"}, nil},
			{"binh", "", pw, Role("root"), []string{"role"}, nil},
			{"binh", "", pw, RoleSubmitter, []string{"unit"}, nil},
			{"binh", "", pw, RoleApprover, []string{"unit"}, nil},
			{"binh", "SO-KHONG-CO", pw, RoleSubmitter, []string{"unit"}, nil},
			{"binh", "SO-A", pw, RoleAdmin, []string{"unit"}, nil},
			{"binh", "SO-A", pw, RoleLeader, []string{"unit"}, nil},
			{"binh", "", "ngắn", RoleAdmin, []string{"password"}, nil},
			{"binh", "", strings.Repeat("ê", 37), RoleAdmin, []string{"password"}, nil}, // 74 bytes
			{"bad name", "", "short", Role("x"), []string{"name", "role", "password"}, nil},
		}
		for _, c := range cases {
			err := s.AddUser(ctx, "admin", c.name, c.role, c.unit, c.password)
			wantFields(t, err, c.fields...)
			if c.kind != nil && !errors.Is(err, c.kind) {
				t.Errorf("%q: %v is not %v", c.name, err, c.kind)
			}
			if c.kind == nil && (errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound)) {
				t.Errorf("%q: %v should be a plain validation error", c.name, err)
			}
		}
		if n := auditCount(t, s); n != before {
			t.Fatalf("refused AddUser wrote %d audit entries", n-before)
		}
		// Messages are Vietnamese and say what is wrong.
		err := s.AddUser(ctx, "admin", "binh", RoleSubmitter, "SO-KHONG-CO", pw)
		if !strings.Contains(err.Error(), "«SO-KHONG-CO» không có trong danh mục") {
			t.Fatal(err)
		}

		// Good ones; the name is kept NFC.
		decomposed := norm.NFD.String("lê.văn.hà")
		if err := s.AddUser(ctx, "an", decomposed, RoleSubmitter, "SO-A", pw); err != nil {
			t.Fatal(err)
		}
		u := mustGet(t, s, "lê.văn.hà")
		if u.Name != norm.NFC.String("lê.văn.hà") || u.Unit != "SO-A" || u.Role != RoleSubmitter || u.Epoch != 1 || u.Disabled {
			t.Fatalf("%+v", u)
		}
		if e := lastAudit(t, s); e.By != "an" || e.Action != ActionAddUser || e.Target != u.Name || e.Detail != "vai trò Chuyên viên đơn vị, đơn vị SO-A" {
			t.Fatalf("audit %+v", e)
		}
		if strings.Contains(e2s(t, s), pw) {
			t.Fatal("password in the audit log")
		}
		mustAdd(t, s, "lanh.dao", RoleApprover, "SO-A")
		mustAdd(t, s, "tham.dinh@so", RoleAppraiser, "")
		if e := lastAudit(t, s); e.Detail != "vai trò Thẩm định viên" {
			t.Fatalf("audit %+v", e)
		}
		users, err := s.ListUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, u := range users {
			names = append(names, u.Name)
		}
		if got := strings.Join(names, ","); got != "an,lanh.dao,lê.văn.hà,tham.dinh@so" {
			t.Fatalf("ListUsers order %s", got)
		}
		if info := u.Public(); info.Name != u.Name || info.Unit != "SO-A" || info.Role != RoleSubmitter {
			t.Fatalf("%+v", info)
		}
	})
}

// e2s is the whole audit log as text.
func e2s(t *testing.T, s *Store) string {
	t.Helper()
	es, _, err := s.Audit(ctx, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.By + " " + e.Action + " " + e.Target + " " + e.Detail + "\n")
	}
	return b.String()
}

func TestAuthenticate(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		mustAdd(t, s, "an", RoleAdmin, "")
		if u, ok := s.Authenticate(ctx, "an", pw); !ok || u.Name != "an" || u.Role != RoleAdmin {
			t.Fatalf("good password refused: %+v", u)
		}
		if _, ok := s.Authenticate(ctx, " an ", pw); !ok {
			t.Fatal("name not trimmed")
		}
		if _, ok := s.Authenticate(ctx, "an", pw+"x"); ok {
			t.Fatal("wrong password accepted")
		}
		if _, ok := s.Authenticate(ctx, "ai.do", pw); ok {
			t.Fatal("unknown user accepted")
		}
		if err := s.SetDisabled(ctx, "admin", "an", true); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Authenticate(ctx, "an", pw); ok {
			t.Fatal("disabled user accepted")
		}
		if err := s.SetDisabled(ctx, "admin", "an", false); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Authenticate(ctx, "an", pw); !ok {
			t.Fatal("re-enabled user refused")
		}
	})
}

func TestEpochAndTokens(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A", "SO-B")
		mustAdd(t, s, "binh", RoleSubmitter, "SO-A")
		epoch := mustGet(t, s, "binh").Epoch
		bumped := func(what string) {
			t.Helper()
			e := mustGet(t, s, "binh").Epoch
			if e <= epoch {
				t.Fatalf("%s: epoch %d, was %d", what, e, epoch)
			}
			epoch = e
		}
		same := func(what string) {
			t.Helper()
			if e := mustGet(t, s, "binh").Epoch; e != epoch {
				t.Fatalf("%s: epoch moved %d → %d", what, epoch, e)
			}
		}
		token := func() string {
			t.Helper()
			tok, err := s.NewToken(ctx, "admin", "binh")
			if err != nil || !strings.HasPrefix(tok, TokenPrefix) {
				t.Fatalf("NewToken %q %v", tok, err)
			}
			if u, ok, err := s.ByToken(ctx, tok); err != nil || !ok || u.Name != "binh" {
				t.Fatalf("ByToken %v %v", ok, err)
			}
			return tok
		}
		revoked := func(tok, what string) {
			t.Helper()
			if _, ok, err := s.ByToken(ctx, tok); err != nil || ok {
				t.Fatalf("%s: token still valid (%v)", what, err)
			}
		}

		tok := token()
		same("new token")
		if err := s.UpdateUser(ctx, "admin", "binh", RoleSubmitter, "SO-A"); err != nil {
			t.Fatal(err)
		}
		same("no-op update")
		if _, ok, _ := s.ByToken(ctx, tok); !ok {
			t.Fatal("no-op update revoked the token")
		}
		if err := s.UpdateUser(ctx, "admin", "binh", RoleApprover, "SO-A"); err != nil {
			t.Fatal(err)
		}
		bumped("role change")
		revoked(tok, "role change")
		if e := lastAudit(t, s); e.Action != ActionUpdateUser || e.Detail != "vai trò Chuyên viên đơn vị → Lãnh đạo đơn vị; thu hồi 1 token API" {
			t.Fatalf("audit %+v", e)
		}

		tok = token()
		if err := s.UpdateUser(ctx, "admin", "binh", RoleApprover, "SO-B"); err != nil {
			t.Fatal(err)
		}
		bumped("unit change")
		revoked(tok, "unit change")

		tok = token()
		if err := s.SetDisabled(ctx, "admin", "binh", true); err != nil {
			t.Fatal(err)
		}
		bumped("disable")
		revoked(tok, "disable")
		if e := lastAudit(t, s); e.Action != ActionDisableUser || e.Detail != "thu hồi 1 token API" {
			t.Fatalf("audit %+v", e)
		}
		if u := mustGet(t, s, "binh"); !u.Disabled || !u.Public().Disabled {
			t.Fatal("not disabled")
		}
		if err := s.SetDisabled(ctx, "admin", "binh", true); err != nil {
			t.Fatal(err)
		}
		same("disabling again")
		if _, err := s.NewToken(ctx, "admin", "binh"); err == nil {
			t.Fatal("token for a disabled user")
		} else {
			wantFields(t, err, "name")
		}
		if err := s.SetDisabled(ctx, "admin", "binh", false); err != nil {
			t.Fatal(err)
		}
		bumped("enable")
		if err := s.SetPassword(ctx, "cli", "binh", pw2); err != nil {
			t.Fatal(err)
		}
		bumped("set password")
		if _, ok := s.Authenticate(ctx, "binh", pw2); !ok {
			t.Fatal("SetPassword")
		}
		if err := s.ChangePassword(ctx, "binh", pw2, pw); err != nil {
			t.Fatal(err)
		}
		bumped("change password")
		if _, err := s.ResetPassword(ctx, "admin", "binh"); err != nil {
			t.Fatal(err)
		}
		bumped("reset password")

		// Revoking tokens explicitly; a bad token or one of another shape.
		tok = token()
		if n, err := s.RevokeTokens(ctx, "admin", "binh"); err != nil || n != 1 {
			t.Fatalf("RevokeTokens %d %v", n, err)
		}
		revoked(tok, "RevokeTokens")
		for _, bad := range []string{"", "ictx_", "nope", tok + "x"} {
			if _, ok, err := s.ByToken(ctx, bad); ok || err != nil {
				t.Fatalf("ByToken(%q) %v %v", bad, ok, err)
			}
		}

		// Unknown users are ErrNotFound, naming the field.
		for _, err := range []error{
			s.UpdateUser(ctx, "admin", "ai", RoleAdmin, ""),
			s.SetDisabled(ctx, "admin", "ai", true),
			s.SetPassword(ctx, "admin", "ai", pw),
			func() error { _, err := s.NewToken(ctx, "admin", "ai"); return err }(),
			func() error { _, err := s.ResetPassword(ctx, "admin", "ai"); return err }(),
		} {
			if !errors.Is(err, ErrNotFound) {
				t.Fatalf("want ErrNotFound, got %v", err)
			}
			wantFields(t, err, "name")
		}
		// Update validation.
		wantFields(t, s.UpdateUser(ctx, "admin", "binh", RoleSubmitter, ""), "unit")
		wantFields(t, s.UpdateUser(ctx, "admin", "binh", RoleSubmitter, "SO-Z"), "unit")
		wantFields(t, s.UpdateUser(ctx, "admin", "binh", RoleLeader, "SO-A"), "unit")
		wantFields(t, s.UpdateUser(ctx, "admin", "binh", "boss", ""), "role")
	})
}

func TestChangePassword(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		mustAdd(t, s, "an", RoleAdmin, "")
		before := auditCount(t, s)
		wantFields(t, s.ChangePassword(ctx, "an", "wrong-password", pw2), "password")
		wantFields(t, s.ChangePassword(ctx, "an", pw, "short"), "password")
		wantFields(t, s.ChangePassword(ctx, "ai", pw, pw2), "password")
		if n := auditCount(t, s); n != before {
			t.Fatal("refused change was logged")
		}
		if _, ok := s.Authenticate(ctx, "an", pw); !ok {
			t.Fatal("refused change changed the password")
		}
		if err := s.ChangePassword(ctx, "an", pw, pw2); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Authenticate(ctx, "an", pw); ok {
			t.Fatal("old password still works")
		}
		if _, ok := s.Authenticate(ctx, "an", pw2); !ok {
			t.Fatal("new password refused")
		}
		if e := lastAudit(t, s); e.Action != ActionChangePassword || e.By != "an" || strings.Contains(e.Detail, pw2) {
			t.Fatalf("audit %+v", e)
		}
	})
}

func TestResetCode(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		clk := newClock()
		s := d.open(Options{Now: clk.Now})
		mustAdd(t, s, "an", RoleAdmin, "")
		mustAdd(t, s, "binh", RoleLeader, "")

		first, err := s.ResetPassword(ctx, "an", "binh")
		if err != nil || len(first) != 19 {
			t.Fatalf("code %q %v", first, err)
		}
		code, err := s.ResetPassword(ctx, "an", "binh")
		if err != nil || code == first {
			t.Fatalf("second code %q %v", code, err)
		}
		if log := e2s(t, s); strings.Contains(log, code) || strings.Contains(log, first) || strings.Contains(log, normResetCode(code)) {
			t.Fatal("code in the audit log")
		}
		if e := lastAudit(t, s); e.Action != ActionResetPassword || e.By != "an" || e.Target != "binh" {
			t.Fatalf("audit %+v", e)
		}
		// The old password works until the code is used.
		if _, ok := s.Authenticate(ctx, "binh", pw); !ok {
			t.Fatal("reset locked the password")
		}
		before := auditCount(t, s)
		wantFields(t, s.RedeemReset(ctx, "binh", first, pw2), "code") // replaced
		wantFields(t, s.RedeemReset(ctx, "binh", "AAAA-BBBB-CCCC-DDDD", pw2), "code")
		wantFields(t, s.RedeemReset(ctx, "ai", code, pw2), "code")
		wantFields(t, s.RedeemReset(ctx, "an", code, pw2), "code") // someone else's
		wantFields(t, s.RedeemReset(ctx, "binh", "", "short"), "code", "password")
		if n := auditCount(t, s); n != before {
			t.Fatal("refused redeem was logged")
		}
		// Case and dashes do not matter; a code works once.
		if err := s.RedeemReset(ctx, "binh", strings.ToLower(strings.ReplaceAll(code, "-", " ")), pw2); err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Authenticate(ctx, "binh", pw2); !ok {
			t.Fatal("new password refused")
		}
		if _, ok := s.Authenticate(ctx, "binh", pw); ok {
			t.Fatal("old password still works")
		}
		if e := lastAudit(t, s); e.Action != ActionRedeemReset || e.By != "binh" {
			t.Fatalf("audit %+v", e)
		}
		wantFields(t, s.RedeemReset(ctx, "binh", code, pw), "code")

		// Expiry: fine just before 24 h, refused after.
		code, _ = s.ResetPassword(ctx, "an", "binh")
		clk.Advance(ResetCodeTTL - time.Second)
		if err := s.RedeemReset(ctx, "binh", code, pw); err != nil {
			t.Fatalf("code refused before expiry: %v", err)
		}
		code, _ = s.ResetPassword(ctx, "an", "binh")
		clk.Advance(ResetCodeTTL)
		wantFields(t, s.RedeemReset(ctx, "binh", code, pw2), "code")

		// Disabling drops the code; no codes for disabled users.
		code, _ = s.ResetPassword(ctx, "an", "binh")
		if err := s.SetDisabled(ctx, "an", "binh", true); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, "an", "binh", false); err != nil {
			t.Fatal(err)
		}
		wantFields(t, s.RedeemReset(ctx, "binh", code, pw2), "code")
		if err := s.SetDisabled(ctx, "an", "binh", true); err != nil {
			t.Fatal(err)
		}
		_, err = s.ResetPassword(ctx, "an", "binh")
		wantFields(t, err, "name")
	})
}

func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		clk := newClock()
		s := d.open(Options{Now: clk.Now})
		if r, err := s.SessionRevoked(ctx, "a"); err != nil || r {
			t.Fatalf("%v %v", r, err)
		}
		if err := s.RevokeSession(ctx, "a", clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeSession(ctx, "a", clk.Now().Add(2*time.Hour)); err != nil {
			t.Fatal(err) // twice is fine
		}
		if r, err := s.SessionRevoked(ctx, "a"); err != nil || !r {
			t.Fatalf("%v %v", r, err)
		}
		if r, _ := s.SessionRevoked(ctx, "b"); r {
			t.Fatal("b revoked")
		}
		// Another replica (a second Store on the same database) sees it.
		other := d.open(Options{Now: clk.Now})
		if r, _ := other.SessionRevoked(ctx, "a"); !r {
			t.Fatal("not shared")
		}
		// Expired entries are pruned on the next revocation.
		clk.Advance(3 * time.Hour)
		if err := other.RevokeSession(ctx, "c", clk.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.queryRow(ctx, s.db, "SELECT COUNT(*) FROM revoked_sessions").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d rows after pruning (%v)", n, err)
		}
		if err := s.RevokeSession(ctx, "", clk.Now()); err == nil {
			t.Fatal("empty id")
		}
	})
}

func TestConcurrentWrites(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		other := d.open(Options{}) // a second replica
		withUnits(t, s, "SO-A")
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := s
				if i%2 == 1 {
					st = other
				}
				name := "u" + string(rune('a'+i))
				if err := st.AddUser(ctx, "admin", name, RoleSubmitter, "SO-A", pw); err != nil {
					errs <- err
					return
				}
				if _, err := st.NewToken(ctx, "admin", name); err != nil {
					errs <- err
				}
				if _, ok := st.Authenticate(ctx, name, pw); !ok {
					errs <- errors.New("authenticate " + name)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		users, _ := s.ListUsers(ctx)
		es, total, _ := s.Audit(ctx, 1000, 0)
		if len(users) != 20 || total != 41 || len(es) != 41 {
			t.Fatalf("%d users, %d audit entries (%d)", len(users), total, len(es))
		}
	})
}

// TestHasActiveUser: an enabled user of the role in the unit, and no other.
func TestHasActiveUser(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SNV", "STC")
		mustAdd(t, s, "cv", RoleSubmitter, "SNV")
		mustAdd(t, s, "ld", RoleApprover, "SNV")
		has := func(role Role, unit string) bool {
			t.Helper()
			ok, err := s.HasActiveUser(ctx, role, unit)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !has(RoleApprover, "SNV") || has(RoleApprover, "STC") || has(RoleAdmin, "SNV") {
			t.Fatal("wrong answer before disabling")
		}
		if err := s.SetDisabled(ctx, "admin", "ld", true); err != nil {
			t.Fatal(err)
		}
		if has(RoleApprover, "SNV") {
			t.Fatal("a disabled approver still counts")
		}
	})
}
