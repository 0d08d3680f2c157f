package procgroup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// FindBinary returns the path of the executable name: the file named by the
// environment variable envVar if that is set, else name on PATH, else name in
// the Go toolchain's install folders ($GOBIN, or the first $GOPATH entry's
// bin, where `go install` puts it). An error always means nothing usable was
// found; its text says where it looked, without a package prefix.
func FindBinary(envVar, name string) (string, error) {
	if p := os.Getenv(envVar); p != "" {
		if err := Executable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %v", envVar, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	var tried []string
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, name)
		if Executable(p) == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("not on PATH, nor at %s", strings.Join(tried, ", "))
}

// Executable returns nil if p is an executable file, else says why not.
func Executable(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory", p)
	}
	if fi.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not executable", p)
	}
	return nil
}

// goBinDirs lists where `go install` may have put binaries: $GOBIN, then the
// bin folder of GOPATH's first entry (from the environment, `go env`, or the
// default $HOME/go).
func goBinDirs() []string {
	var dirs []string
	add := func(d string) {
		if d == "" {
			return
		}
		for _, x := range dirs {
			if x == d {
				return
			}
		}
		dirs = append(dirs, d)
	}
	add(os.Getenv("GOBIN"))
	add(goEnv("GOBIN"))
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = goEnv("GOPATH")
	}
	if gopath == "" {
		if home, err := os.UserHomeDir(); err == nil {
			gopath = filepath.Join(home, "go")
		}
	}
	if gopath != "" {
		add(filepath.Join(filepath.SplitList(gopath)[0], "bin"))
	}
	return dirs
}

// goEnv asks the Go toolchain for one setting; "" when go is unavailable.
func goEnv(name string) string {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
