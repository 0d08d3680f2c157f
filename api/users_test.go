package api

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestUsersFile: users round-trip through the file with only hashes
// stored; tokens authenticate by their SHA-256.
func TestUsersFile(t *testing.T) {
	u := NewUsers()
	u.SetBcryptCost(bcrypt.MinCost)
	if err := u.Add("can-bo@SNV", RoleSubmitter, "SNV", "mot-mat-khau-dai"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name string
		role Role
		unit string
		pw   string
	}{
		{"x", RoleSubmitter, "", "mot-mat-khau-dai"}, // submitter without unit
		{"x", "boss", "", "mot-mat-khau-dai"},        // unknown role
		{"x", RoleAdmin, "SNV", "mot-mat-khau-dai"},  // admin with unit
		{"x", RoleAdmin, "", "ngan"},                 // short password
		{"a b/c", RoleAdmin, "", "mot-mat-khau-dai"}, // bad name
	} {
		if err := u.Add(bad.name, bad.role, bad.unit, bad.pw); err == nil {
			t.Errorf("Add(%q, %q, %q) accepted", bad.name, bad.role, bad.unit)
		}
	}
	token, err := u.NewToken("can-bo@SNV")
	if err != nil || !strings.HasPrefix(token, tokenPrefix) {
		t.Fatalf("token %q, %v", token, err)
	}
	path := filepath.Join(t.TempDir(), "users.json")
	if err := u.Save(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), token) || strings.Contains(string(data), "mot-mat-khau-dai") {
		t.Fatal("the users file holds a secret in clear")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("users file mode %v", fi.Mode().Perm())
	}
	got, err := LoadUsers(path)
	if err != nil {
		t.Fatal(err)
	}
	if usr, ok := got.Authenticate("can-bo@SNV", "mot-mat-khau-dai"); !ok || usr.Unit != "SNV" || usr.Role != RoleSubmitter {
		t.Errorf("Authenticate: %+v %v", usr, ok)
	}
	if _, ok := got.Authenticate("can-bo@SNV", "sai"); ok {
		t.Error("wrong password accepted")
	}
	if _, ok := got.Authenticate("khong-co", "mot-mat-khau-dai"); ok {
		t.Error("unknown user accepted")
	}
	if usr, ok := got.ByToken(token); !ok || usr.Name != "can-bo@SNV" {
		t.Errorf("ByToken: %+v %v", usr, ok)
	}
	if _, ok := got.ByToken(token + "x"); ok {
		t.Error("altered token accepted")
	}
	logins, err := SeedDemoUsers(got)
	if err != nil || len(logins) != 4 {
		t.Fatalf("SeedDemoUsers: %v %v", logins, err)
	}
	for name, pw := range logins {
		if _, ok := got.Authenticate(name, pw); !ok {
			t.Errorf("demo login %s fails", name)
		}
	}
}
