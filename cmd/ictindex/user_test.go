package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUserCommand: the user command works on the database the server uses:
// add, token and list; a unit-scoped role needs a unit of the registry; an
// old users.json is imported once.
func TestUserCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ictindex.db")
	t.Setenv("ICTINDEX_DATABASE_URL", "")
	t.Setenv("ICTINDEX_NEW_PASSWORD", "")
	if code, out, errOut := runCLI(t, "mat-khau-quan-tri\n", "user", "add", "--db", db, "--name", "quan-tri", "--role", "admin"); code != 0 || !strings.Contains(out, "Đã lưu người dùng quan-tri") {
		t.Fatalf("add: %d %s %s", code, out, errOut)
	}
	code, out, errOut := runCLI(t, "mat-khau-chuyen-vien\n", "user", "add", "--db", db, "--name", "cv", "--role", "submitter", "--unit", "KHONGCO")
	if code != 2 || !strings.Contains(errOut, "KHONGCO") {
		t.Fatalf("submitter of an unknown unit: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, "", "user", "token", "--db", db, "--name", "quan-tri"); code != 0 || !strings.HasPrefix(out, "ictx_") {
		t.Fatalf("token: %d %q", code, out)
	}
	legacy := filepath.Join(dir, "users.json")
	if err := os.WriteFile(legacy, []byte(`{"users":[{"name":"tham-dinh","role":"appraiser","password_hash":"$2a$04$abcdefghijklmnopqrstuu5u0f8.cBqkqjKpHOvrGyIqwSrtZu3nG"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"Đã nhập 1 người dùng", "Đã nhập 0 người dùng"} {
		if code, out, errOut := runCLI(t, "", "user", "import", "--db", db, "--file", legacy); code != 0 || !strings.Contains(out, want) {
			t.Fatalf("import %d: %d %s %s", i+1, code, out, errOut)
		}
	}
	if code, out, _ := runCLI(t, "", "user", "list", "--db", db); code != 0 || !strings.Contains(out, "quan-tri") || !strings.Contains(out, "Thẩm định viên") {
		t.Fatalf("list: %d %s", code, out)
	}
}
