package backup

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testSource is a data folder with a database written to while it is
// backed up, a plain file and a fake MinIO folder.
func testSource(t *testing.T) (Source, func() (stop func() int64)) {
	t.Helper()
	data := t.TempDir()
	db := newSQLite(t, filepath.Join(data, "temporal", "temporal.db"))
	for i := range 500 {
		if _, err := db.Exec("INSERT INTO rows (body) VALUES (?)", strings.Repeat("x", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(data, "key.pem"), []byte("key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"minio/.minio.sys/tmp/abc", "minio/.minio.sys/multipart/x", "minio/docs/2026/a.json/0b6c", "minio/empty-bucket"} {
		if err := os.MkdirAll(filepath.Join(data, d), 0o750); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string][]byte{
		"minio/.minio.sys/tmp/abc/part.1":         []byte("in progress"),
		"minio/.minio.sys/multipart/x/part.1":     []byte("in progress"),
		"minio/docs/2026/a.json/xl.meta":          xlMeta(t, []byte("meta"), nil),
		"minio/docs/2026/a.json/0b6c/part.1":      []byte("part"),
		"minio/docs/2026/b.json/xl.meta":          xlMeta(t, []byte("meta"), map[string][]byte{"v1": []byte("inline")}),
		"minio/.minio.sys/format.json":            []byte(`{"version":"1"}`),
		"minio/.minio.sys/config/iam/format.json": []byte(`{}`),
	} {
		p := filepath.Join(data, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	src := Source{DataDir: data, Databases: []Database{{Name: "temporal", Path: "temporal/temporal.db"}, {Name: "users", Path: "ictindex.db", Optional: true}},
		Files: []string{"key.pem", "absent.pem"}, MinIO: "minio", Version: "test"}
	// writing starts a writer that inserts until stopped; stop returns the
	// rows written before it was called.
	writing := func() func() int64 {
		var n atomic.Int64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := db.Exec("INSERT INTO rows (body) VALUES ('during')"); err != nil {
					t.Error(err)
					return
				}
				n.Add(1)
			}
		})
		return func() int64 { close(done); wg.Wait(); return n.Load() }
	}
	return src, writing
}

func TestTakeAndRestoreWhileWriting(t *testing.T) {
	src, writing := testSource(t)
	ctx := context.Background()
	stop := writing()
	time.Sleep(50 * time.Millisecond)
	dir := filepath.Join(t.TempDir(), "b")
	m, err := Take(ctx, src, dir)
	written := stop()
	if err != nil {
		t.Fatal(err)
	}
	if written == 0 {
		t.Fatal("the writer wrote nothing")
	}
	if len(m.Databases) != 1 || m.Databases[0].Integrity != "ok" || m.Databases[0].PageCount == 0 {
		t.Errorf("databases %+v", m.Databases)
	}
	if len(m.Notes) == 0 || !strings.Contains(m.Notes[0], "users") {
		t.Errorf("notes %v, want the missing users database", m.Notes)
	}
	for _, skipped := range []string{"minio/.minio.sys/tmp/abc/part.1", "minio/.minio.sys/multipart/x/part.1"} {
		if _, err := os.Stat(filepath.Join(dir, skipped)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s copied", skipped)
		}
	}
	restored := filepath.Join(t.TempDir(), "r")
	if _, err := Restore(ctx, dir, restored); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"key.pem", "minio/docs/2026/a.json/0b6c/part.1", "minio/docs/2026/b.json/xl.meta", "minio/.minio.sys/format.json"} {
		a, _ := os.ReadFile(filepath.Join(src.DataDir, want))
		b, err := os.ReadFile(filepath.Join(restored, want))
		if err != nil || string(a) != string(b) {
			t.Errorf("%s restored as %q (%v), want %q", want, b, err, a)
		}
	}
	for _, d := range []string{"minio/empty-bucket", "minio/.minio.sys/tmp"} {
		if st, err := os.Stat(filepath.Join(restored, d)); err != nil || !st.IsDir() {
			t.Errorf("folder %s not restored: %v", d, err)
		}
	}
	if got := countRows(t, filepath.Join(restored, "temporal", "temporal.db")); got < 500 || int64(got) > 500+written {
		t.Errorf("restored %d rows, want 500 to %d", got, 500+written)
	}
}

func TestTakeRefusesNonEmpty(t *testing.T) {
	src, _ := testSource(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "old"), nil, 0o600)
	_, err := Take(context.Background(), src, dir)
	var ne *NotEmptyError
	if !errors.As(err, &ne) || ne.Entry != "old" {
		t.Fatalf("got %v, want a NotEmptyError naming old", err)
	}
}

func TestRestoreRefuses(t *testing.T) {
	src, _ := testSource(t)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := Take(ctx, src, dir); err != nil {
		t.Fatal(err)
	}
	t.Run("non-empty folder", func(t *testing.T) {
		target := t.TempDir()
		os.WriteFile(filepath.Join(target, "temporal.db"), nil, 0o600)
		_, err := Restore(ctx, dir, target)
		var ne *NotEmptyError
		if !errors.As(err, &ne) || ne.Entry != "temporal.db" {
			t.Fatalf("got %v, want a NotEmptyError naming temporal.db", err)
		}
	})
	t.Run("flipped byte", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		if err := os.CopyFS(bad, os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(bad, "minio", "docs", "2026", "a.json", "0b6c", "part.1")
		b, _ := os.ReadFile(p)
		b[0] ^= 1
		os.WriteFile(p, b, 0o640)
		target := filepath.Join(t.TempDir(), "r")
		_, err := Restore(ctx, bad, target)
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Path != "minio/docs/2026/a.json/0b6c/part.1" {
			t.Fatalf("got %v, want a CorruptError naming the part", err)
		}
		if entries, _ := os.ReadDir(target); len(entries) > 0 {
			t.Errorf("a refused restore wrote %d entries", len(entries))
		}
	})
	t.Run("no manifest", func(t *testing.T) {
		if _, err := Restore(ctx, t.TempDir(), filepath.Join(t.TempDir(), "r")); !errors.Is(err, ErrIncomplete) {
			t.Fatalf("got %v, want ErrIncomplete", err)
		}
	})
}

func TestTakeFailureLeavesNothing(t *testing.T) {
	src, _ := testSource(t)
	src.Databases = append(src.Databases, Database{Name: "missing", Path: "missing.db"})
	dir := filepath.Join(t.TempDir(), "b")
	if _, err := Take(context.Background(), src, dir); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("got %v, want an error naming the missing database", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed backup left %s: %v", dir, err)
	}
}

func TestTakeRelativePaths(t *testing.T) {
	src, _ := testSource(t)
	t.Chdir(src.DataDir)
	dir := filepath.Join("..", filepath.Base(src.DataDir)+"-backup")
	src.DataDir = "."
	t.Cleanup(func() { os.RemoveAll(dir) })
	m, err := Take(context.Background(), src, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Databases) != 1 || m.Databases[0].Integrity != "ok" {
		t.Errorf("databases %+v", m.Databases)
	}
}
