package minioserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// EnvBinary names the environment variable that overrides where the MinIO
// server binary is.
const EnvBinary = "ICTINDEX_MINIO_BIN"

// ErrNotInstalled reports that no MinIO server binary could be found.
var ErrNotInstalled = errors.New("minioserver: MinIO server binary not found (run deploy/install-minio.sh or set " + EnvBinary + ")")

// Binary returns the path of the MinIO server binary: the file named by
// ICTINDEX_MINIO_BIN if set, else `minio` on PATH, else `minio` in the Go
// toolchain's install folder ($GOBIN, or the first $GOPATH entry's bin, where
// `go install` puts it). The error wraps ErrNotInstalled when none exists.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", ErrNotInstalled, EnvBinary, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("minio"); err == nil {
		return p, nil
	}
	var tried []string
	for _, dir := range goBinDirs() {
		p := filepath.Join(dir, "minio")
		if executable(p) == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("%w: not on PATH, nor at %s", ErrNotInstalled, strings.Join(tried, ", "))
}

func executable(p string) error {
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
