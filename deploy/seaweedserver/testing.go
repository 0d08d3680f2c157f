package seaweedserver

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// StartForTest starts a SeaweedFS server with a fresh data folder under
// t.TempDir() and random credentials, and stops it when the test ends. When
// the binary is not installed the test is skipped with a hint, unless the
// CI environment variable is set: then it fails, so that CI cannot pass by
// silently skipping.
func StartForTest(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if errors.Is(err, ErrNotInstalled) && os.Getenv("CI") == "" {
			t.Skipf("SeaweedFS not installed, skipping (install it with deploy/install-seaweedfs.sh): %v", err)
		}
		t.Fatalf("SeaweedFS binary: %v", err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	srv, err := Start(ctx, Config{
		DataDir:  filepath.Join(dir, "data"),
		User:     "test-" + rand.Text()[:8],
		Password: rand.Text(),
		Binary:   bin,
		LogPath:  filepath.Join(dir, "weed.log"),
	})
	if err != nil {
		t.Fatalf("start SeaweedFS: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop SeaweedFS: %v", err)
		}
		if t.Failed() {
			t.Logf("SeaweedFS log (last lines):\n%s", srv.LogTail(4096))
		}
	})
	return srv
}
