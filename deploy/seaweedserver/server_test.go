//go:build unix

package seaweedserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// startOrSkip starts a server, or skips when weed is not installed, CI or
// not: SeaweedFS is optional (deploy/install-seaweedfs.sh is not part of the
// default install).
func startOrSkip(t *testing.T) *Server {
	t.Helper()
	if _, err := Binary(); errors.Is(err, ErrNotInstalled) {
		t.Skipf("SeaweedFS is optional and not installed (deploy/install-seaweedfs.sh): %v", err)
	}
	return StartForTest(t)
}

func TestStartRestartStop(t *testing.T) {
	srv := startOrSkip(t)
	if !strings.HasPrefix(srv.Endpoint(), "127.0.0.1:") {
		t.Fatalf("Endpoint() = %q, want 127.0.0.1:PORT", srv.Endpoint())
	}
	ctx := context.Background()
	c, err := minio.New(srv.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(srv.User(), srv.Password(), ""), MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(ctx, "keep", minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Fatal(err)
	}
	data := []byte("dữ liệu phải còn sau khi khởi động lại")
	if _, err := c.PutObject(ctx, "keep", "a.txt", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	// Wrong credentials are refused: the identities file is in force.
	bad, _ := minio.New(srv.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(srv.User(), "wrong-secret", ""), MaxRetries: 1})
	if _, err := bad.ListBuckets(ctx); err == nil {
		t.Fatal("ListBuckets with a wrong secret succeeded")
	}

	endpoint := srv.Endpoint()
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if srv.Endpoint() != endpoint {
		t.Fatalf("endpoint moved on restart: %s → %s", endpoint, srv.Endpoint())
	}
	obj, err := c.GetObject(ctx, "keep", "a.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("after restart: %q, %v", got, err)
	}
	lock, _, _, _, err := c.GetObjectLockConfig(ctx, "keep")
	if err != nil || lock != "Enabled" {
		t.Fatalf("object lock after restart: %q, %v", lock, err)
	}

	srv.mu.Lock()
	pid := srv.proc.Pid()
	srv.mu.Unlock()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("process group %d still there after Stop: %v", pid, err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
}
