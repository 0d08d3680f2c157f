package backup

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"ictindex/deploy/minioserver"
)

// version is what a restore must keep of one object version.
type version struct {
	Key, VersionID, ETag string
	Size                 int64
	SHA256               [32]byte
	Mode                 string
	RetainUntil          time.Time
}

// TestMinIOFolderCopyKeepsVersions backs up a real MinIO's folder while
// objects are written, locked and staging versions deleted, restores it,
// and starts MinIO on the copy: every version written before the backup is
// there with its version ID, bytes and retention, and the buckets keep
// versioning and object lock.
func TestMinIOFolderCopyKeepsVersions(t *testing.T) {
	srv := minioserver.StartForTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := s3(t, srv)
	if err := c.MakeBucket(ctx, "docs", minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Fatal(err)
	}
	if err := c.MakeBucket(ctx, "evidence", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.EnableVersioning(ctx, "evidence"); err != nil {
		t.Fatal(err)
	}
	put := func(bucket, key string, size int, lock bool) {
		t.Helper()
		body := make([]byte, size)
		rand.Read(body)
		opts := minio.PutObjectOptions{SendContentMd5: true}
		if lock {
			opts.Mode, opts.RetainUntilDate = minio.Compliance, time.Now().Add(24*time.Hour)
		}
		if _, err := c.PutObject(ctx, bucket, key, bytes.NewReader(body), int64(size), opts); err != nil {
			t.Error(err)
		}
	}
	for i := range 12 {
		put("docs", fmt.Sprintf("2026/decision-%d.pdf", i%4), 1000+i*60_000, true) // inline and with parts
		put("evidence", fmt.Sprintf("2026/u%d/I.1/scan.pdf", i%3), 300_000, false)
	}
	before := versions(t, c)

	// Meanwhile: more versions, and staging uploads put and deleted.
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			put("docs", "2026/decision-0.pdf", 200_000, true)
			put("evidence", fmt.Sprintf("2026/u%d/IV.1/scan.pdf", i%3), 2000, false)
			info, err := c.PutObject(ctx, "evidence", "incoming/x", bytes.NewReader([]byte("staged")), 6, minio.PutObjectOptions{})
			if err == nil {
				_ = c.RemoveObject(ctx, "evidence", "incoming/x", minio.RemoveObjectOptions{VersionID: info.VersionID})
			}
		}
	})
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := Take(ctx, Source{DataDir: filepath.Dir(srv.DataDir()), MinIO: filepath.Base(srv.DataDir())}, dir)
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("copied %d files, %d bytes, %d vanished; notes %v", m.MinIO.Files, m.MinIO.Bytes, m.MinIO.Vanished, m.Notes)

	restored := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(ctx, dir, restored); err != nil {
		t.Fatal(err)
	}
	srv2, err := minioserver.Start(ctx, minioserver.Config{DataDir: filepath.Join(restored, filepath.Base(srv.DataDir())),
		User: srv.User(), Password: srv.Password(), LogPath: "-"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Stop()
	c2 := s3(t, srv2)
	after := map[string]version{}
	for _, v := range versions(t, c2) {
		after[v.Key+"@"+v.VersionID] = v
	}
	for _, v := range before {
		if got, ok := after[v.Key+"@"+v.VersionID]; !ok {
			t.Errorf("%s version %s missing after restore", v.Key, v.VersionID)
		} else if got != v {
			t.Errorf("%s version %s restored as %+v, want %+v", v.Key, v.VersionID, got, v)
		}
	}
	if enabled, _, _, _, err := c2.GetObjectLockConfig(ctx, "docs"); err != nil || enabled != "Enabled" {
		t.Errorf("object lock of docs after restore: %q %v", enabled, err)
	}
	if vc, err := c2.GetBucketVersioning(ctx, "evidence"); err != nil || !vc.Enabled() {
		t.Errorf("versioning of evidence after restore: %+v %v", vc, err)
	}
	// A locked version stays locked.
	v := before[0]
	if err := c2.RemoveObject(ctx, "docs", strings.TrimPrefix(v.Key, "docs/"), minio.RemoveObjectOptions{VersionID: v.VersionID}); err == nil {
		t.Errorf("locked %s version %s removed after restore", v.Key, v.VersionID)
	}
}

func s3(t *testing.T, srv *minioserver.Server) *minio.Client {
	t.Helper()
	c, err := minio.New(srv.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(srv.User(), srv.Password(), "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// versions lists every version of both buckets with its bytes' SHA-256
// and retention.
func versions(t *testing.T, c *minio.Client) []version {
	t.Helper()
	ctx := context.Background()
	var out []version
	for _, bucket := range []string{"docs", "evidence"} {
		for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			if o.IsDeleteMarker {
				continue
			}
			obj, err := c.GetObject(ctx, bucket, o.Key, minio.GetObjectOptions{VersionID: o.VersionID})
			if err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			if _, err := io.Copy(h, obj); err != nil {
				t.Fatalf("%s %s: %v", o.Key, o.VersionID, err)
			}
			obj.Close()
			v := version{Key: bucket + "/" + o.Key, VersionID: o.VersionID, ETag: o.ETag, Size: o.Size, SHA256: [32]byte(h.Sum(nil))}
			if bucket == "docs" {
				mode, until, err := c.GetObjectRetention(ctx, bucket, o.Key, o.VersionID)
				if err != nil {
					t.Fatal(err)
				}
				if mode != nil {
					v.Mode = string(*mode)
				}
				if until != nil {
					v.RetainUntil = until.UTC()
				}
			}
			out = append(out, v)
		}
	}
	return out
}
