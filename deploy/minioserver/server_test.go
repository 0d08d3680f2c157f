package minioserver

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func client(t *testing.T, srv *Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint(), &minio.Options{
		Creds:      credentials.NewStaticV4(srv.User(), srv.Password(), ""),
		MaxRetries: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func processGone(pid int) bool {
	if runtime.GOOS == "windows" {
		return true
	}
	err := syscall.Kill(pid, 0)
	return errors.Is(err, syscall.ESRCH)
}

func TestStartRestartStop(t *testing.T) {
	srv := StartForTest(t)
	if !strings.HasPrefix(srv.Endpoint(), "127.0.0.1:") || strings.HasSuffix(srv.Endpoint(), ":0") {
		t.Fatalf("Endpoint() = %q, want 127.0.0.1:PORT", srv.Endpoint())
	}
	resp, err := http.Get(srv.URL() + "/minio/health/ready")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ready: %s", resp.Status)
	}

	ctx := context.Background()
	c := client(t, srv)
	if err := c.MakeBucket(ctx, "keep", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	data := []byte("dữ liệu phải còn sau khi khởi động lại")
	if _, err := c.PutObject(ctx, "keep", "a.txt", bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}

	endpoint, pid := srv.Endpoint(), srv.PID()
	start := time.Now()
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart took %v", time.Since(start))
	if srv.Endpoint() != endpoint {
		t.Fatalf("endpoint changed across restart: %s -> %s", endpoint, srv.Endpoint())
	}
	if !processGone(pid) {
		t.Fatalf("old process %d still alive after Restart", pid)
	}
	obj, err := c.GetObject(ctx, "keep", "a.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("read after restart: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("after restart got %q", got)
	}

	pid = srv.PID()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if srv.Running() || srv.PID() != 0 {
		t.Fatal("still running after Stop")
	}
	if !processGone(pid) {
		t.Fatalf("process %d still alive after Stop", pid)
	}
	if err := srv.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	log, err := os.ReadFile(srv.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte("minio stopped")) || !bytes.Contains(log, []byte("INFO:")) {
		t.Fatalf("log file lacks the server output:\n%s", log)
	}
}

func TestStopReportsCrash(t *testing.T) {
	srv := StartForTest(t)
	pid := srv.PID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for srv.Running() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if srv.Running() {
		t.Fatal("Running() still true after the process was killed")
	}
	if err := srv.Stop(); err == nil || !strings.Contains(err.Error(), "exited on its own") {
		t.Fatalf("Stop after crash = %v, want a crash report", err)
	}
	// Restart brings it back on the same port.
	if err := srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := client(t, srv).ListBuckets(context.Background()); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}

func TestBinaryEnvOverride(t *testing.T) {
	dir := t.TempDir()
	fake := filepath.Join(dir, "minio-custom")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvBinary, fake)
	got, err := Binary()
	if err != nil || got != fake {
		t.Fatalf("Binary() = %q, %v; want %q", got, err, fake)
	}
	t.Setenv(EnvBinary, filepath.Join(dir, "missing"))
	if _, err := Binary(); !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("Binary() with a missing override = %v, want ErrNotInstalled", err)
	}
}

func TestStartFailsCleanly(t *testing.T) {
	dir := t.TempDir()
	// A "server" that exits at once: Start must report it quickly, with the
	// output, instead of waiting for the ready timeout.
	fake := filepath.Join(dir, "minio")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'FATAL cannot start' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := Start(context.Background(), Config{DataDir: filepath.Join(dir, "data"), Binary: fake})
	if err == nil || !strings.Contains(err.Error(), "FATAL cannot start") {
		t.Fatalf("Start = %v, want the server's output in the error", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Start took %v to notice the exit", d)
	}

	for _, cfg := range []Config{
		{},
		{DataDir: dir, Password: "short", Binary: fake},
		{DataDir: dir, Addr: "no-port", Binary: fake},
	} {
		if _, err := Start(context.Background(), cfg); err == nil {
			t.Errorf("Start(%+v) succeeded", cfg)
		}
	}
}
