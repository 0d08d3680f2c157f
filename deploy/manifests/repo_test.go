package manifests

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// root is the repository's top folder, seen from this package.
const root = "../.."

// readFile returns a repository file's text.
func readFile(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// tool finds an installed command on PATH or in the `go install` folder.
// In CI (CI=true) a missing tool fails the test; elsewhere it skips, naming
// the script that installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output(); err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		dirs := []string{}
		if len(lines) > 0 && strings.TrimSpace(lines[0]) != "" {
			dirs = append(dirs, strings.TrimSpace(lines[0]))
		}
		if len(lines) > 1 {
			dirs = append(dirs, filepath.Join(strings.Split(strings.TrimSpace(lines[1]), string(filepath.ListSeparator))[0], "bin"))
		}
		for _, d := range dirs {
			p := filepath.Join(d, name)
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
				return p
			}
		}
	}
	msg := name + " is not installed: run deploy/install-deploy-tools.sh"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// goModVersion is the version go.mod requires of module path.
func goModVersion(t *testing.T, path string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*` + regexp.QuoteMeta(path) + `\s+(v\S+)`).FindStringSubmatch(readFile(t, "go.mod"))
	if m == nil {
		t.Fatalf("go.mod does not require %s", path)
	}
	return m[1]
}

// goDirective is go.mod's go version.
func goDirective(t *testing.T) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^go\s+(\S+)`).FindStringSubmatch(readFile(t, "go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	return m[1]
}

var envLiteral = regexp.MustCompile(`"(ICTINDEX_[A-Z0-9_]+)"`)

// runtimeEnv are variables the Go runtime itself reads.
var runtimeEnv = map[string]bool{"GOMEMLIMIT": true, "GOMAXPROCS": true, "GOGC": true, "GODEBUG": true}

// binaryEnv is every ICTINDEX_* name that the non-test Go sources of the
// repository spell as a string literal: the variables the binary can read.
func binaryEnv(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == ".git" || n == "testdata" || p == filepath.Join(root, "deploy", "manifests") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range envLiteral.FindAllStringSubmatch(string(b), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("found only %d ICTINDEX_* names in the sources: %v", len(names), names)
	}
	return names
}

// checkEnvNames fails for every name that neither the binary nor the Go
// runtime reads.
func checkEnvNames(t *testing.T, where string, names []string) {
	t.Helper()
	known := binaryEnv(t)
	sort.Strings(names)
	for _, n := range names {
		if !known[n] && !runtimeEnv[n] {
			t.Errorf("%s sets %s, which the ictindex binary does not read", where, n)
		}
	}
}

// secretName says whether an environment variable carries a secret.
var secretName = regexp.MustCompile(`PASSWORD|PASSWD|PWD|SECRET|_KEY$|_KEY_|TOKEN|_PIN$|DATABASE_URL`)

func TestSecretNamePattern(t *testing.T) {
	for _, n := range []string{"ICTINDEX_S3_SECRET_KEY", "ICTINDEX_S3_ACCESS_KEY", "ICTINDEX_SESSION_KEY", "ICTINDEX_DATABASE_URL",
		"POSTGRES_PWD", "ICTINDEX_SIGN_P12_PASSWORD", "ICTINDEX_SIGN_PKCS11_PIN", "MINIO_ROOT_PASSWORD"} {
		if !secretName.MatchString(n) {
			t.Errorf("%s is not taken for a secret", n)
		}
	}
	for _, n := range []string{"ICTINDEX_S3_ENDPOINT", "ICTINDEX_PUBLIC_URL", "ICTINDEX_S3_SSL", "ICTINDEX_EVIDENCE_BUCKET", "ICTINDEX_TEMPORAL_ADDRESS"} {
		if secretName.MatchString(n) {
			t.Errorf("%s is taken for a secret", n)
		}
	}
}

func TestBinaryEnvFindsTheWorkersVariables(t *testing.T) {
	known := binaryEnv(t)
	for _, n := range []string{"ICTINDEX_TEMPORAL_ADDRESS", "ICTINDEX_S3_ENDPOINT", "ICTINDEX_DATABASE_URL", "ICTINDEX_SESSION_KEY", "ICTINDEX_PUBLIC_URL"} {
		if !known[n] {
			t.Errorf("%s not found in the sources", n)
		}
	}
	if known["ICTINDEX_NO_SUCH_SETTING"] {
		t.Error("an invented name is taken for a real one")
	}
}
