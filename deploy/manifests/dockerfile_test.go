package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const dockerfile = "deploy/container/Dockerfile"

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, …
	args string
	line int
}

// stage is one FROM and the instructions under it.
type stage struct {
	image, name string
	body        []instruction
}

// parseDockerfile splits a Dockerfile into stages; comments, parser
// directives and blank lines are dropped.
func parseDockerfile(text string) []stage {
	var stages []stage
	var cur strings.Builder
	start := 0
	flush := func() {
		s := strings.TrimSpace(cur.String())
		cur.Reset()
		if s == "" {
			return
		}
		cmd, args, _ := strings.Cut(s, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{}
			for i := 0; i < len(f); i++ {
				switch {
				case strings.HasPrefix(f[i], "--"):
				case strings.EqualFold(f[i], "AS") && i+1 < len(f):
					st.name = f[i+1]
					i++
				case st.image == "":
					st.image = f[i]
				}
			}
			stages = append(stages, st)
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// lint lists what the Dockerfile breaks of the rules an image for a
// province must keep.
func lint(stages []stage) []string {
	var problems []string
	add := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	if len(stages) < 2 {
		add("not a multi-stage build (%d stage)", len(stages))
		return problems
	}
	names := map[string]bool{}
	for _, s := range stages {
		_, tag, hasTag := strings.Cut(s.image, ":")
		if at := strings.Index(tag, "@"); at >= 0 {
			tag = tag[:at]
		}
		if !names[s.image] && (!hasTag || tag == "" || tag == "latest") && !strings.Contains(s.image, "@sha256:") {
			add("FROM %s: pin the base image's tag", s.image)
		}
		if s.name != "" {
			names[s.name] = true
		}
		for _, in := range s.body {
			if in.cmd != "RUN" {
				continue
			}
			for _, part := range regexp.MustCompile(`&&|;|\|\|`).Split(in.args, -1) {
				if p := strings.TrimSpace(part); regexp.MustCompile(`^apt-get\b.*\binstall\b`).MatchString(p) {
					if !strings.Contains(p, "--no-install-recommends") {
						add("line %d: apt-get install without --no-install-recommends", in.line)
					}
					if !strings.Contains(p, "-y") {
						add("line %d: apt-get install without -y", in.line)
					}
					if !strings.Contains(in.args, "apt-get update") {
						add("line %d: apt-get install without apt-get update in the same RUN", in.line)
					}
					if !strings.Contains(in.args, "rm -rf /var/lib/apt/lists/*") {
						add("line %d: apt-get install without removing /var/lib/apt/lists/* in the same RUN", in.line)
					}
				}
			}
		}
	}
	final := stages[len(stages)-1]
	user, copied, entry := "", false, ""
	for _, in := range final.body {
		switch in.cmd {
		case "USER":
			user = strings.Split(in.args, ":")[0]
		case "COPY":
			if m := regexp.MustCompile(`--from=(\S+)\s+(\S+)\s+(\S+)`).FindStringSubmatch(in.args); m != nil && names[m[1]] && path.Base(m[2]) == "ictindex" {
				copied = true
			}
		case "ENTRYPOINT":
			entry = in.args
		}
	}
	switch user {
	case "":
		add("the final stage sets no USER: it would run as root")
	case "root", "0":
		add("the final stage runs as root")
	}
	if !copied {
		add("the final stage does not COPY --from a build stage the ictindex binary")
	}
	if entry != `["ictindex"]` {
		add(`ENTRYPOINT is %s, want ["ictindex"] (exec form, one binary for worker and serve)`, entry)
	}
	return problems
}

func TestDockerfileLint(t *testing.T) {
	stages := parseDockerfile(readFile(t, dockerfile))
	for _, p := range lint(stages) {
		t.Error(p)
	}
	// The build stage's Go is the one go.mod names, and a cgo binary runs
	// on the C library it was linked against.
	build := stages[0]
	if !strings.HasPrefix(build.image, "golang:"+goDirective(t)) {
		t.Errorf("build stage %s: want golang:%s (go.mod's go directive)", build.image, goDirective(t))
	}
	env, _ := buildCommand(t, stages)
	final := stages[len(stages)-1].image
	if env["CGO_ENABLED"] != "0" {
		codename := regexp.MustCompile(`-(bookworm|trixie|bullseye)\b`).FindStringSubmatch(build.image)
		if codename == nil || !strings.HasPrefix(final, "debian:"+codename[1]) {
			t.Errorf("a cgo binary built on %s must run on the same Debian release, not %s", build.image, final)
		}
	}
	// serve's default address is loopback: the image must override it.
	for _, in := range stages[len(stages)-1].body {
		if in.cmd == "CMD" {
			var args []string
			if err := json.Unmarshal([]byte(in.args), &args); err != nil || len(args) < 3 || args[0] != "serve" || args[1] != "--addr" || strings.HasPrefix(args[2], "127.") {
				t.Errorf(`CMD %s: want ["serve", "--addr", "0.0.0.0:PORT"]`, in.args)
			}
		}
	}
}

func TestDockerfileLintFindsProblems(t *testing.T) {
	bad := `FROM golang AS build
RUN go build -o /out/ictindex ./cmd/ictindex
FROM debian:latest
RUN apt-get update && apt-get install -y curl
COPY /out/ictindex /usr/local/bin/ictindex
ENTRYPOINT ictindex
`
	got := strings.Join(lint(parseDockerfile(bad)), "\n")
	for _, want := range []string{"FROM golang:", "FROM debian:latest", "--no-install-recommends", "/var/lib/apt/lists", "no USER", "COPY --from", "ENTRYPOINT"} {
		if !strings.Contains(got, want) {
			t.Errorf("lint missed %q; it said:\n%s", want, got)
		}
	}
	if p := lint(parseDockerfile(readFile(t, dockerfile))); len(p) > 0 {
		t.Errorf("the real Dockerfile: %v", p)
	}
}

// buildCommand finds the build stage's `go build` and returns its
// environment assignments and flags (without -o and the package).
func buildCommand(t *testing.T, stages []stage) (map[string]string, []string) {
	t.Helper()
	for _, in := range stages[0].body {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		env := map[string]string{}
		words := splitWords(in.args)
		i := 0
		for ; i < len(words) && strings.Contains(words[i], "=") && !strings.HasPrefix(words[i], "-"); i++ {
			k, v, _ := strings.Cut(words[i], "=")
			env[k] = v
		}
		if i+1 >= len(words) || words[i] != "go" || words[i+1] != "build" {
			t.Fatalf("cannot read the build command %q", in.args)
		}
		var flags []string
		for j := i + 2; j < len(words); j++ {
			switch {
			case words[j] == "-o":
				j++
			case strings.HasPrefix(words[j], "./"):
			default:
				flags = append(flags, words[j])
			}
		}
		return env, flags
	}
	t.Fatal("the build stage has no RUN go build")
	return nil, nil
}

// splitWords splits a shell command on blanks, honouring double quotes.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// TestDockerignoreKeepsWhatTheBuildEmbeds: the PDF fonts and every other
// go:embed input must reach the build context.
func TestDockerignoreKeepsWhatTheBuildEmbeds(t *testing.T) {
	var patterns []string
	for _, l := range strings.Split(readFile(t, ".dockerignore"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	fonts, err := filepath.Glob(filepath.Join(root, "report/fonts/*.ttf"))
	if err != nil || len(fonts) == 0 {
		t.Fatalf("no fonts in report/fonts (%v)", err)
	}
	keep := []string{"go.mod", "go.sum", "cmd/ictindex/main.go", "api/openapi.yaml", "templates/sets", "deploy/temporalserver/server.go"}
	for _, f := range fonts {
		rel, _ := filepath.Rel(root, f)
		keep = append(keep, filepath.ToSlash(rel))
	}
	for _, p := range keep {
		for _, pat := range patterns {
			if ignored(pat, p) {
				t.Errorf(".dockerignore pattern %q drops %s, which the build needs", pat, p)
			}
		}
	}
	if !ignored("deploy/compose", "deploy/compose/compose.yaml") || ignored("bin", "api/bin.go") {
		t.Error("the pattern matcher is wrong")
	}
}

// ignored says whether a .dockerignore pattern excludes p or a folder of it.
func ignored(pattern, p string) bool {
	pattern = strings.TrimPrefix(pattern, "/")
	for q := p; q != "." && q != "/" && q != ""; q = path.Dir(q) {
		if ok, _ := path.Match(pattern, q); ok {
			return true
		}
		if ok, _ := path.Match(pattern, path.Base(q)); ok && !strings.Contains(pattern, "/") {
			return true
		}
	}
	return false
}

// TestImageBinaryRuns builds cmd/ictindex with the Dockerfile's own
// environment and flags and runs `ictindex help`. It links the Temporal
// server (minutes cold), so it runs once per `go test` and not with -short.
func TestImageBinaryRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole binary")
	}
	env, flags := buildCommand(t, parseDockerfile(readFile(t, dockerfile)))
	bin := filepath.Join(t.TempDir(), "ictindex")
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", bin, "./cmd/ictindex")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s with %v: %v\n%s", strings.Join(args, " "), env, err, out)
	}
	var out bytes.Buffer
	run := exec.Command(bin, "help")
	run.Stdout, run.Stderr = &out, &out
	if err := run.Run(); err != nil {
		t.Fatalf("ictindex help: %v\n%s", err, out.String())
	}
	for _, sub := range []string{"worker", "serve"} {
		if !strings.Contains(out.String(), sub) {
			t.Errorf("ictindex help does not list %s:\n%s", sub, out.String())
		}
	}
}
