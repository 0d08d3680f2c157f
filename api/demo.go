package api

import (
	"context"
	"crypto/rand"
	"strings"

	"ictindex/api/store"
	"ictindex/templates"
)

// DemoUser is a demo login: its name, role and unit.
type DemoUser struct {
	Name string
	Role Role
	Unit string
}

// DemoUsers are the logins of a demo or a local stack: one per role, the
// unit's preparer and approver of the sample province's SNV (Sở Nội vụ).
var DemoUsers = []DemoUser{
	{"quan-tri", RoleAdmin, ""},
	{"tham-dinh", RoleAppraiser, ""},
	{"can-bo-snv", RoleSubmitter, "SNV"},
	{"lanh-dao-snv", RoleApprover, "SNV"},
	{"lanh-dao", RoleLeader, ""},
}

// SeedDemo fills a store for a demo or a local stack: the sample
// province's units in the registry (those missing), and each demo user
// with a fresh random password (created, or given a new password when it
// exists). It answers name → password, so that the caller shows the logins
// once.
func SeedDemo(ctx context.Context, u *Users) (map[string]string, error) {
	for _, s := range templates.SampleProvince().Units {
		if _, ok, err := u.GetUnit(ctx, s.Unit.Code); err != nil {
			return nil, err
		} else if ok {
			continue
		}
		if err := u.PutUnit(ctx, store.BySystem, store.Unit{Code: s.Unit.Code, Name: s.Unit.Name, Annex: s.Annex,
			Flags: s.Flags, Active: true}); err != nil {
			return nil, err
		}
	}
	out := map[string]string{}
	for _, d := range DemoUsers {
		pw := strings.ToLower(rand.Text()[:16])
		_, found, err := u.Get(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		if found {
			err = u.SetPassword(ctx, store.BySystem, d.Name, pw)
		} else {
			err = u.AddUser(ctx, store.BySystem, d.Name, d.Role, d.Unit, pw)
		}
		if err != nil {
			return nil, err
		}
		out[d.Name] = pw
	}
	return out, nil
}
