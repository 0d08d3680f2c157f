package manifests

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const composeFile = "deploy/compose/compose.yaml"

// composeService is the part of a compose service the checks read.
type composeService struct {
	Image       string            `yaml:"image"`
	Build       any               `yaml:"build"`
	Restart     string            `yaml:"restart"`
	Command     []string          `yaml:"command"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Environment map[string]string `yaml:"environment"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck *struct {
		Test    []string `yaml:"test"`
		Disable bool     `yaml:"disable"`
	} `yaml:"healthcheck"`
}

func loadCompose(t *testing.T) map[string]composeService {
	t.Helper()
	var f struct {
		Services map[string]composeService `yaml:"services"`
	}
	if err := yaml.Unmarshal([]byte(readFile(t, composeFile)), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Services) == 0 {
		t.Fatal("compose.yaml has no services")
	}
	return f.Services
}

// noHealthCheck are the long-running services without a health check, and
// why: a check that cannot pass is worse than none.
var noHealthCheck = map[string]string{}

func TestComposeHealthChecks(t *testing.T) {
	for name, s := range loadCompose(t) {
		if s.Restart == "no" {
			continue // a one-shot job
		}
		hc := s.Healthcheck != nil && !s.Healthcheck.Disable && len(s.Healthcheck.Test) > 1
		_, exempt := noHealthCheck[name]
		switch {
		case exempt && hc:
			t.Errorf("%s has a health check but is listed as having none", name)
		case exempt && (len(s.Command) == 0 || s.Command[0] != "worker"):
			t.Errorf("%s is exempt from health checks as the worker, but runs %v", name, s.Command)
		case !exempt && !hc:
			t.Errorf("long-running service %s has no health check", name)
		}
	}
}

func TestComposeTemporalVersions(t *testing.T) {
	want := strings.TrimPrefix(goModVersion(t, "go.temporal.io/server"), "v")
	services := loadCompose(t)
	seen := map[string]bool{}
	for name, s := range services {
		repo, tag, _ := strings.Cut(s.Image, ":")
		switch repo {
		case "temporalio/server", "temporalio/admin-tools":
			seen[repo] = true
			if tag != want {
				t.Errorf("%s uses %s, want tag %s (go.temporal.io/server in go.mod)", name, s.Image, want)
			}
		case "temporalio/auto-setup":
			t.Errorf("%s uses the auto-setup image; the schema is set up by the admin tools", name)
		case "temporalio/ui":
			seen[repo] = true
			if !regexp.MustCompile(`^2\.\d+\.\d+$`).MatchString(tag) {
				t.Errorf("%s uses %s, want a 2.x.y release", name, s.Image)
			}
		}
	}
	for _, r := range []string{"temporalio/server", "temporalio/admin-tools", "temporalio/ui"} {
		if !seen[r] {
			t.Errorf("no service runs %s", r)
		}
	}
	server := services["temporal"]
	if c := server.DependsOn["temporal-schema"].Condition; c != "service_completed_successfully" {
		t.Errorf("temporal depends on temporal-schema with %q, want service_completed_successfully", c)
	}
	for k, v := range map[string]string{"DB": "postgres12", "POSTGRES_SEEDS": "postgres", "BIND_ON_IP": "0.0.0.0"} {
		if server.Environment[k] != v {
			t.Errorf("temporal: %s=%q, want %q", k, server.Environment[k], v)
		}
	}
	dc := server.Environment["DYNAMIC_CONFIG_FILE_PATH"]
	mounted := false
	for _, v := range server.Volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 && parts[1] == dc {
			mounted = true
			if _, err := os.Stat(filepath.Join(root, "deploy/compose", parts[0])); err != nil {
				t.Errorf("temporal mounts %s, which is missing: %v", parts[0], err)
			}
		}
	}
	if dc == "" || !mounted {
		t.Errorf("temporal's DYNAMIC_CONFIG_FILE_PATH %q is not a mounted file (the 1.32 image ships none)", dc)
	}
	script := readFile(t, "deploy/compose/temporal/setup-schema.sh")
	for _, db := range []string{"temporal", "temporal_visibility"} {
		for _, step := range []string{"setup-schema -v 0.0", "update-schema -d \"$schema/" + map[string]string{"temporal": "temporal", "temporal_visibility": "visibility"}[db] + "/versioned\""} {
			if !strings.Contains(script, "--db "+db+" "+step) {
				t.Errorf("setup-schema.sh does not run %q on %s", step, db)
			}
		}
	}
	if !strings.Contains(script, "create") {
		t.Error("setup-schema.sh does not create the databases")
	}
}

func TestComposeImagesPinned(t *testing.T) {
	services := loadCompose(t)
	for name, s := range services {
		if s.Image == "" {
			t.Errorf("%s has no image", name)
			continue
		}
		if _, tag, ok := strings.Cut(s.Image, ":"); !ok || tag == "latest" || tag == "" {
			t.Errorf("%s: image %q has no pinned tag", name, s.Image)
		}
	}
	w, web := services["worker"], services["web"]
	if w.Image != web.Image || w.Build == nil || web.Build == nil {
		t.Errorf("worker (%q) and web (%q) must be the same image, built from the Dockerfile", w.Image, web.Image)
	}
}

var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:\?[^}]*)?(:-[^}]*)?\}`)

// TestComposeNoInlineSecrets: every secret is a required ${VAR:?} from .env,
// and .env.example leaves every secret empty.
func TestComposeNoInlineSecrets(t *testing.T) {
	for name, s := range loadCompose(t) {
		for k, v := range s.Environment {
			if !secretName.MatchString(k) {
				continue
			}
			if err := secretValueOK(v); err != "" {
				t.Errorf("%s: %s=%q: %s", name, k, v, err)
			}
		}
	}
	for _, line := range strings.Split(readFile(t, "deploy/compose/.env.example"), "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && !strings.HasPrefix(k, "#") && secretName.MatchString(k) && v != "" {
			t.Errorf(".env.example gives %s a value; leave secrets empty", k)
		}
	}
}

// secretValueOK says what is wrong with a secret's compose value: it must
// be one required interpolation, or a URL whose password is one.
func secretValueOK(v string) string {
	marked := interpolation.ReplaceAllStringFunc(v, func(m string) string {
		sub := interpolation.FindStringSubmatch(m)
		if sub[2] == "" {
			return "\x00default\x00"
		}
		return "REQUIRED" + sub[1]
	})
	if strings.Contains(marked, "\x00default\x00") {
		return "a secret must be required (${VAR:?}), not defaulted"
	}
	if regexp.MustCompile(`^REQUIRED[A-Z0-9_]+$`).MatchString(marked) {
		return ""
	}
	if u, err := url.Parse(marked); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && strings.HasPrefix(pw, "REQUIRED") {
			return ""
		}
	}
	return "inline secret: take it from .env with ${VAR:?}"
}

func TestSecretValueRules(t *testing.T) {
	for v, ok := range map[string]bool{
		"${PW:?set it}":                          true,
		"postgres://u:${PW:?x}@db:5432/x":        true,
		"hunter2":                                false,
		"${PW:-hunter2}":                         false,
		"postgres://u:hunter2@db:5432/x":         false,
		"postgres://u:hunter2@db/${DB:?x}":       false,
		"${ICTINDEX_SESSION_KEY:?64 hex digits}": true,
	} {
		if got := secretValueOK(v) == ""; got != ok {
			t.Errorf("%q: accepted=%v, want %v", v, got, ok)
		}
	}
}

func TestComposeEnvNames(t *testing.T) {
	services := loadCompose(t)
	for _, name := range []string{"worker", "web"} {
		names := []string{}
		for k := range services[name].Environment {
			names = append(names, k)
		}
		checkEnvNames(t, "compose service "+name, names)
	}
}

// composeEnv is a filled-in .env for the config check.
const composeEnv = `POSTGRES_PASSWORD=p1
TEMPORAL_DB_PASSWORD=p2
ICTINDEX_DB_PASSWORD=p3
MINIO_ROOT_USER=ictindex
MINIO_ROOT_PASSWORD=p4
ICTINDEX_SESSION_KEY=0000000000000000000000000000000000000000000000000000000000000000
ICTINDEX_PUBLIC_URL=https://ictindex.example.gov.vn
`

// TestComposeConfig runs docker-compose's own validation (no engine is
// needed), with a filled-in .env and with the example's empty one, which
// must be refused.
func TestComposeConfig(t *testing.T) {
	bin := tool(t, "docker-compose")
	dir := t.TempDir()
	run := func(env string) (string, error) {
		p := filepath.Join(dir, "env")
		if err := os.WriteFile(p, []byte(env), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--env-file", p, "-f", filepath.Join(root, composeFile), "config", "-q")
		cmd.Env = append(os.Environ(), "COMPOSE_PROJECT_NAME=ictindex-test")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	if out, err := run(composeEnv); err != nil {
		t.Fatalf("docker-compose config: %v\n%s", err, out)
	}
	out, err := run(readFile(t, "deploy/compose/.env.example"))
	if err == nil || !strings.Contains(out, "required variable") {
		t.Errorf("docker-compose accepted the example .env with empty secrets (err %v):\n%s", err, out)
	}
}
