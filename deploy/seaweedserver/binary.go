package seaweedserver

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

// EnvBinary names the environment variable that overrides where the weed
// binary is.
const EnvBinary = "ICTINDEX_WEED_BIN"

// ErrNotInstalled reports that no weed binary could be found.
var ErrNotInstalled = errors.New("seaweedserver: SeaweedFS weed binary not found (run deploy/install-seaweedfs.sh or set " + EnvBinary + ")")

// Binary returns the path of the weed binary: the file named by
// ICTINDEX_WEED_BIN if set, else `weed` on PATH, else `weed` in the Go
// toolchain's install folder ($GOBIN, or the first $GOPATH entry's bin, where
// deploy/install-seaweedfs.sh puts it). The error wraps ErrNotInstalled when
// none exists.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		if err := executable(p); err != nil {
			return "", fmt.Errorf("%w: %s=%s: %v", ErrNotInstalled, EnvBinary, p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("weed"); err == nil {
		return p, nil
	}
	p := filepath.Join(goBinDir(), "weed")
	if executable(p) == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: not on PATH, nor at %s", ErrNotInstalled, p)
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

// goBinDir is where `go install` puts binaries: $GOBIN, else the bin folder
// of GOPATH's first entry (as `go env` reports it, or the default $HOME/go).
func goBinDir() string {
	if d := os.Getenv("GOBIN"); d != "" {
		return d
	}
	if d := goEnv("GOBIN"); d != "" {
		return d
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		gopath = goEnv("GOPATH")
	}
	if gopath == "" {
		home, _ := os.UserHomeDir()
		gopath = filepath.Join(home, "go")
	}
	return filepath.Join(filepath.SplitList(gopath)[0], "bin")
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
