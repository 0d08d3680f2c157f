package store

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestAuditEveryAdminAction(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		clk := newClock()
		s := d.open(Options{Now: clk.Now})
		step := func(want string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", want, err)
			}
			if e := lastAudit(t, s); e.Action != want || e.By != "an" && e.By != "binh" && e.By != BySystem {
				t.Fatalf("after %s the newest entry is %+v", want, e)
			}
			clk.Advance(time.Minute)
		}
		refused := func(what string, err error) {
			t.Helper()
			if err == nil {
				t.Fatalf("%s accepted", what)
			}
		}

		step(ActionAddUnit, s.PutUnit(ctx, "an", Unit{Code: "SO-A", Name: "Sở A", Annex: "PL01", Active: true}))
		step(ActionUpdateUnit, s.PutUnit(ctx, "an", Unit{Code: "SO-A", Name: "Sở A mới", Annex: "PL01", Active: true}))
		step(ActionImportUnits, s.ImportUnits(ctx, "an", []Unit{{Code: "SO-B", Name: "Sở B", Annex: "PL01", Active: true}}))
		step(ActionDeleteUnit, s.DeleteUnit(ctx, "an", "SO-B"))
		step(ActionAddUser, s.AddUser(ctx, "an", "binh", RoleSubmitter, "SO-A", pw))
		step(ActionUpdateUser, s.UpdateUser(ctx, "an", "binh", RoleApprover, "SO-A"))
		_, err := s.NewToken(ctx, "an", "binh")
		step(ActionNewToken, err)
		_, err = s.RevokeTokens(ctx, "an", "binh")
		step(ActionRevokeTokens, err)
		n := auditCount(t, s)
		if k, err := s.RevokeTokens(ctx, "an", "binh"); err != nil || k != 0 || auditCount(t, s) != n {
			t.Fatalf("revoking no token: %d %v, logged %d", k, err, auditCount(t, s)-n)
		}
		step(ActionDisableUser, s.SetDisabled(ctx, "an", "binh", true))
		step(ActionEnableUser, s.SetDisabled(ctx, "an", "binh", false))
		code, err := s.ResetPassword(ctx, "an", "binh")
		step(ActionResetPassword, err)
		step(ActionRedeemReset, s.RedeemReset(ctx, "binh", code, pw2))
		step(ActionChangePassword, s.ChangePassword(ctx, "binh", pw2, pw))
		step(ActionSetPassword, s.SetPassword(ctx, "an", "binh", pw2))
		legacy := filepath.Join(t.TempDir(), "users.json")
		data, _ := json.Marshal(map[string]any{"users": []map[string]string{{"name": "cu", "role": "leader"}}})
		os.WriteFile(legacy, data, 0o600)
		_, err = s.ImportUsersFile(ctx, legacy)
		step(ActionImportUsers, err)

		// Refused actions write nothing.
		n = auditCount(t, s)
		refused("update of a missing user", s.UpdateUser(ctx, "an", "ai", RoleAdmin, ""))
		refused("update to a missing unit", s.UpdateUser(ctx, "an", "binh", RoleSubmitter, "SO-Z"))
		refused("disable of a missing user", s.SetDisabled(ctx, "an", "ai", true))
		_, err = s.NewToken(ctx, "an", "ai")
		refused("token for a missing user", err)
		_, err = s.ResetPassword(ctx, "an", "ai")
		refused("reset of a missing user", err)
		refused("bad unit", s.PutUnit(ctx, "an", Unit{Code: "X"}))
		refused("delete of a unit in use", s.DeleteUnit(ctx, "an", "SO-A"))
		refused("duplicate user", s.AddUser(ctx, "an", "binh", RoleLeader, "", pw))
		refused("short password", s.SetPassword(ctx, "an", "binh", "short"))
		if got := auditCount(t, s); got != n {
			t.Fatalf("refused actions wrote %d entries", got-n)
		}
		// No-ops write nothing either.
		if err := s.SetDisabled(ctx, "an", "binh", false); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateUser(ctx, "an", "binh", RoleApprover, "SO-A"); err != nil {
			t.Fatal(err)
		}
		if got := auditCount(t, s); got != n {
			t.Fatalf("no-ops wrote %d entries", got-n)
		}

		// Newest first, with paging and the total.
		all, total, err := s.Audit(ctx, 1000, 0)
		if err != nil || total != n || len(all) != n {
			t.Fatalf("%d of %d: %v", len(all), total, err)
		}
		for i := 1; i < len(all); i++ {
			if all[i].At.After(all[i-1].At) {
				t.Fatalf("entry %d is newer than %d", i, i-1)
			}
		}
		page, total2, _ := s.Audit(ctx, 3, 2)
		if total2 != n || len(page) != 3 || !slices.Equal(actions(page), actions(all[2:5])) {
			t.Fatalf("page %v", actions(page))
		}
		if all[len(all)-1].Action != ActionAddUnit || !all[len(all)-1].At.Equal(newClock().Now()) {
			t.Fatalf("oldest %+v", all[len(all)-1])
		}
		if log := e2s(t, s); strings.Contains(log, pw) || strings.Contains(log, pw2) || strings.Contains(log, code) {
			t.Fatal("a secret in the audit log")
		}
		if ActionLabel(ActionAddUser) != "Thêm người dùng" || ActionLabel("x") != "x" {
			t.Fatal("ActionLabel")
		}
	})
}

func actions(es []AuditEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Action
	}
	return out
}

// Replicas starting together on an empty database all end up migrated.
func TestConcurrentOpen(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		var wg sync.WaitGroup
		stores := make([]*Store, 4)
		errs := make([]error, 4)
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = Open(ctx, d.dsn, Options{BcryptCost: 4})
			}()
		}
		wg.Wait()
		ms, _ := migrations()
		for i, s := range stores {
			if errs[i] != nil {
				t.Fatalf("replica %d: %v", i, errs[i])
			}
			if v, err := s.SchemaVersion(ctx); err != nil || v != len(ms) {
				t.Fatalf("replica %d: version %d %v", i, v, err)
			}
			s.Close()
		}
	})
}
