package api

import (
	"crypto/rand"
	"strings"
)

// SeedDemoUsers adds one user per role for a demo or a local stack, each
// with a fresh random password, and returns name → password so that the
// caller can show the logins once. The submitter belongs to the sample
// province's SNV (Sở Nội vụ).
func SeedDemoUsers(u *Users) (map[string]string, error) {
	demo := []struct {
		name string
		role Role
		unit string
	}{
		{"quan-tri", RoleAdmin, ""},
		{"tham-dinh", RoleAppraiser, ""},
		{"can-bo-snv", RoleSubmitter, "SNV"},
		{"lanh-dao", RoleLeader, ""},
	}
	out := map[string]string{}
	for _, d := range demo {
		pw := strings.ToLower(rand.Text()[:16])
		if err := u.Add(d.name, d.role, d.unit, pw); err != nil {
			return nil, err
		}
		out[d.name] = pw
	}
	return out, nil
}
