package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/minio/minio-go/v7"
)

var key1 = EvidenceKey{Year: 2026, Unit: "SNV", Criterion: "II.1.2", FileName: "Quyết định số 12.pdf"}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestPutVerifyRoundTrip(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	data := pdfBytes(300_000)

	for _, size := range []int64{int64(len(data)), -1} {
		ev, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), size, "Nguyễn Văn A")
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if ev.Key != "2026/SNV/II.1.2/Quyet-dinh-so-12.pdf" || ev.VersionID == "" || ev.FileName != "Quyết định số 12.pdf" ||
			ev.Size != int64(len(data)) || ev.SHA256 != sha(data) || ev.ContentType != "application/pdf" ||
			ev.Uploader != "Nguyễn Văn A" || time.Since(ev.UploadedAt) > time.Minute {
			t.Fatalf("size %d: %+v", size, ev)
		}
		if err := st.VerifyEvidence(ctx, ev); err != nil {
			t.Fatalf("verify: %v", err)
		}
		// Stored metadata (with the version's checksum) describes the file
		// on its own.
		info, err := rawClient(t, srv).StatObject(ctx, st.cfg.EvidenceBucket, ev.Key, minio.StatObjectOptions{VersionID: ev.VersionID, Checksum: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := evidenceFromInfo(info); got.FileName != ev.FileName || got.Uploader != ev.Uploader || got.SHA256 != ev.SHA256 ||
			meta(info, metaUnit) != "SNV" || meta(info, metaCriterion) != "II.1.2" || meta(info, metaYear) != "2026" ||
			info.ContentType != "application/pdf" {
			t.Fatalf("metadata: %+v", info.UserMetadata)
		}
	}
	// The record is small: it goes into Temporal history.
	js, _ := json.Marshal(Evidence{})
	full, _ := json.Marshal(Evidence{Key: strings.Repeat("k", 100), VersionID: strings.Repeat("v", 36), SHA256: strings.Repeat("0", 64)})
	if len(full) > 512 {
		t.Fatalf("Evidence JSON is %d bytes: %s %s", len(full), js, full)
	}
	// Only the evidence itself is left: no staged copies.
	for _, o := range versions(t, st, st.cfg.EvidenceBucket) {
		if strings.HasPrefix(o.Key, stagingPrefix) {
			t.Errorf("staged copy left: %s", o.Key)
		}
	}
}

func TestPutEvidenceIdempotent(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	data := pdfBytes(10_000)
	a, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("retry returned another record:\n%+v\n%+v", a, b)
	}
	if n := len(versions(t, st, st.cfg.EvidenceBucket)); n != 1 {
		t.Fatalf("%d versions, want 1", n)
	}
}

func TestTooLargeLeavesNothing(t *testing.T) {
	const limit = 6 << 20
	st, _ := testStore(t, func(c *Config) { c.MaxEvidenceBytes = limit })
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		size int64 // declared
		n    int64 // actual
	}{
		{"declared too large", limit + 1, limit + 1},
		{"unknown size, too large (multipart)", -1, 3*streamPartSize + 17},
		{"unknown size, one byte over", -1, limit + 1},
		{"declared small, sends more", 1000, limit + 100},
	} {
		_, err := st.PutEvidence(ctx, key1, newPDFReader(tc.n), tc.size, "cb01")
		if tc.name == "declared small, sends more" {
			if err == nil || !strings.Contains(err.Error(), "more data than the declared") {
				t.Errorf("%s: err = %v", tc.name, err)
			}
		} else if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", tc.name, err)
		} else if msg := Message(err); msg != `Tệp quá lớn (tối đa 6 MB): "Quyết định số 12.pdf"` {
			t.Errorf("%s: Message = %q", tc.name, msg)
		}
		assertEmpty(t, st)
	}
	// Exactly at the limit is fine.
	if _, err := st.PutEvidence(ctx, key1, newPDFReader(limit), -1, "cb01"); err != nil {
		t.Fatalf("at the limit: %v", err)
	}
}

func TestDefaultLimitMessage(t *testing.T) {
	st, _ := testStore(t)
	_, err := st.PutEvidence(context.Background(), key1, newPDFReader(26<<20), 26<<20, "cb01")
	if !errors.Is(err, ErrTooLarge) || !strings.HasPrefix(Message(err), "Tệp quá lớn (tối đa 25 MB)") {
		t.Fatalf("%v / %q", err, Message(err))
	}
	assertEmpty(t, st)
}

func TestRefusedTypesLeaveNothing(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 4096)...)
	for _, tc := range []struct {
		file string
		data []byte
	}{
		{"bao-cao.pdf", exe},
		{"bao-cao.pdf", []byte("#!/bin/sh\necho pwned\n")},
		{"bao-cao.pdf", []byte("\x7fELF\x02\x01\x01\x00")},
		{"trang.pdf", []byte("<html><body>hi</body></html>")},
		{"bao-cao.docx", []byte("%PDF-1.7\n")},
	} {
		k := key1
		k.FileName = tc.file
		for _, size := range []int64{int64(len(tc.data)), -1} {
			_, err := st.PutEvidence(ctx, k, bytes.NewReader(tc.data), size, "cb01")
			if !errors.Is(err, ErrType) {
				t.Errorf("%s %q: err = %v, want ErrType", tc.file, tc.data[:4], err)
			}
		}
	}
	_, err := st.PutEvidence(ctx, EvidenceKey{2026, "SNV", "I.1", "bao-cao.pdf"}, bytes.NewReader(exe), int64(len(exe)), "cb01")
	if want := `Loại tệp không được chấp nhận: chỉ PDF, ảnh (PNG, JPEG) và tài liệu văn phòng: "bao-cao.pdf" (tệp chương trình, không phải tài liệu)`; Message(err) != want {
		t.Errorf("Message = %q", Message(err))
	}
	assertEmpty(t, st)
}

func TestBadNameRefused(t *testing.T) {
	st, _ := testStore(t)
	k := key1
	k.FileName = "../../etc/passwd"
	_, err := st.PutEvidence(context.Background(), k, strings.NewReader("%PDF-1.4"), 8, "cb01")
	if !errors.Is(err, ErrBadName) || !strings.Contains(err.Error(), "../../etc/passwd") {
		t.Fatalf("err = %v, want ErrBadName naming the file", err)
	}
	assertEmpty(t, st)
}

func TestTamperingDetected(t *testing.T) {
	st, srv := testStore(t)
	raw := rawClient(t, srv)
	ctx := context.Background()
	bucket := st.cfg.EvidenceBucket
	data := pdfBytes(50_000)

	put := func(file string) Evidence {
		k := key1
		k.FileName = file
		ev, err := st.PutEvidence(ctx, k, bytes.NewReader(data), int64(len(data)), "cb01")
		if err != nil {
			t.Fatal(err)
		}
		if err := st.VerifyEvidence(ctx, ev); err != nil {
			t.Fatal(err)
		}
		return ev
	}
	fake := pdfBytes(50_000)
	fake[1000] ^= 1

	t.Run("new version written behind our back", func(t *testing.T) {
		ev := put("a.pdf")
		if _, err := raw.PutObject(ctx, bucket, ev.Key, bytes.NewReader(fake), int64(len(fake)), minio.PutObjectOptions{ContentType: "application/pdf"}); err != nil {
			t.Fatal(err)
		}
		err := st.VerifyEvidence(ctx, ev)
		if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "overwritten outside the archive") {
			t.Fatalf("err = %v, want ErrTampered", err)
		}
	})
	t.Run("new version with copied metadata", func(t *testing.T) {
		ev := put("b.pdf")
		info, err := raw.StatObject(ctx, bucket, ev.Key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// A careful forger copies our metadata, recorded SHA-256 included.
		if _, err := raw.PutObject(ctx, bucket, ev.Key, bytes.NewReader(fake), int64(len(fake)), minio.PutObjectOptions{UserMetadata: info.UserMetadata}); err != nil {
			t.Fatal(err)
		}
		if err := st.VerifyEvidence(ctx, ev); !errors.Is(err, ErrTampered) {
			t.Fatalf("err = %v, want ErrTampered", err)
		}
	})
	t.Run("version deleted", func(t *testing.T) {
		ev := put("c.pdf")
		if err := raw.RemoveObject(ctx, bucket, ev.Key, minio.RemoveObjectOptions{VersionID: ev.VersionID}); err != nil {
			t.Fatal(err)
		}
		err := st.VerifyEvidence(ctx, ev)
		if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "is gone") {
			t.Fatalf("err = %v, want ErrTampered", err)
		}
		if Message(err) == "" || !strings.Contains(Message(err), "đã bị thay đổi hoặc bị xoá") {
			t.Fatalf("Message = %q", Message(err))
		}
	})
	t.Run("key deleted (delete marker)", func(t *testing.T) {
		ev := put("d.pdf")
		if err := raw.RemoveObject(ctx, bucket, ev.Key, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := st.VerifyEvidence(ctx, ev); !errors.Is(err, ErrTampered) {
			t.Fatalf("err = %v, want ErrTampered", err)
		}
	})
	t.Run("record altered", func(t *testing.T) {
		ev := put("e.pdf")
		ev.SHA256 = sha(fake)
		if err := st.VerifyEvidence(ctx, ev); !errors.Is(err, ErrTampered) {
			t.Fatalf("err = %v, want ErrTampered", err)
		}
	})
	t.Run("replaced through the archive is not tampering", func(t *testing.T) {
		ev := put("f.pdf")
		k := key1
		k.FileName = "f.pdf"
		if _, err := st.PutEvidence(ctx, k, bytes.NewReader(fake), int64(len(fake)), "cb02"); err != nil {
			t.Fatal(err)
		}
		err := st.VerifyEvidence(ctx, ev)
		if !errors.Is(err, ErrSuperseded) || errors.Is(err, ErrTampered) {
			t.Fatalf("err = %v, want ErrSuperseded", err)
		}
	})
}

func TestEvidenceURL(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	data := pdfBytes(70_000)
	ev, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	// A later version at the same key must not change what the URL serves.
	other := pdfBytes(1000)
	if _, err := st.PutEvidence(ctx, key1, bytes.NewReader(other), int64(len(other)), "cb01"); err != nil {
		t.Fatal(err)
	}
	u, err := st.EvidenceURL(ctx, ev, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Fatalf("GET presigned: %s, %d bytes", resp.Status, len(got))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "filename") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q", ct)
	}
	// Tampering with the URL breaks the signature.
	bad, _ := http.Get(strings.Replace(u, "versionId=", "versionId=x", 1))
	if bad != nil {
		bad.Body.Close()
		if bad.StatusCode == http.StatusOK {
			t.Error("altered URL accepted")
		}
	}
	if _, err := st.EvidenceURL(ctx, ev, 8*24*time.Hour); err == nil {
		t.Error("8-day URL accepted")
	}

	rc, err := st.OpenEvidence(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, data) {
		t.Fatal("OpenEvidence returned other bytes")
	}
}

func TestRestartKeepsData(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	data := pdfBytes(123_456)
	ev, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := st.PutDocument(ctx, "2026/results.json", []byte(`{"ok":true}`), "application/json", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	// The same Store keeps working against the restarted server.
	if err := st.VerifyEvidence(ctx, ev); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	got, err := st.GetDocument(ctx, doc.Key, doc.VersionID)
	if err != nil || string(got) != `{"ok":true}` {
		t.Fatalf("document after restart: %q, %v", got, err)
	}
	if d, err := st.StatDocument(ctx, doc.Key, doc.VersionID); err != nil || !d.Locked {
		t.Fatalf("lock after restart: %+v, %v", d, err)
	}
}

// stallingReader delivers n bytes, pausing at half until released.
type stallingReader struct {
	r       io.Reader
	half    int64
	read    int64
	reached chan struct{}
	release chan struct{}
	once    atomic.Bool
}

func (s *stallingReader) Read(p []byte) (int, error) {
	if s.read >= s.half && s.once.CompareAndSwap(false, true) {
		close(s.reached)
		<-s.release
	}
	if rem := s.half - s.read; rem > 0 && int64(len(p)) > rem {
		p = p[:rem]
	}
	n, err := s.r.Read(p)
	s.read += int64(n)
	return n, err
}

func TestServerStopsMidUpload(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	const size = 4 << 20
	for _, declared := range []int64{size, -1} {
		sr := &stallingReader{r: newPDFReader(size), half: size / 2, reached: make(chan struct{}), release: make(chan struct{})}
		done := make(chan error, 1)
		go func() {
			cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
			defer cancel()
			_, err := st.PutEvidence(cctx, key1, sr, declared, "cb01")
			done <- err
		}()
		<-sr.reached
		if err := srv.Stop(); err != nil {
			t.Fatal(err)
		}
		close(sr.release)
		t0 := time.Now()
		err := <-done
		t.Logf("declared %d: upload failed after %v: %v", declared, time.Since(t0).Round(time.Millisecond), err)
		if err == nil {
			t.Fatalf("declared %d: upload succeeded while the server was down", declared)
		}
		if err := srv.Restart(ctx); err != nil {
			t.Fatal(err)
		}
		if declared < 0 {
			abandonedUploads(t, st)
		}
		assertEmpty(t, st)
	}
	// And the archive works again.
	if _, err := st.PutEvidence(ctx, key1, newPDFReader(1000), 1000, "cb01"); err != nil {
		t.Fatal(err)
	}
}

// abandonedUploads aborts the multipart uploads that a server stopped
// mid-upload leaves open: the archive's own abort cannot reach a stopped
// server, so an upload of unknown size keeps its staged upload until the
// staging lifecycle rule aborts it. Each must be under the staging prefix
// and the rule must cover it. On MinIO the list is empty although the
// upload is still on its disks: MinIO lists a bucket's open uploads (no
// prefix) from memory, which holds only those opened since it last started;
// SeaweedFS lists them from its store.
func abandonedUploads(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	bucket := st.cfg.EvidenceBucket
	keys := incompleteUploads(t, st, bucket)
	if len(keys) == 0 {
		return
	}
	lc, err := st.client.GetBucketLifecycle(ctx, bucket)
	if err != nil {
		t.Fatal(err)
	}
	covered := false
	for _, r := range lc.Rules {
		if r.ID == stagingRuleID && r.RuleFilter.Prefix == stagingPrefix && r.AbortIncompleteMultipartUpload.DaysAfterInitiation > 0 {
			covered = true
		}
	}
	if !covered {
		t.Errorf("no lifecycle rule aborts uploads under %s: %+v", stagingPrefix, lc.Rules)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, stagingPrefix) {
			t.Errorf("upload left open outside the staging prefix: %s", k)
		}
		t.Logf("left to the lifecycle rule: open upload of %s", k)
		if err := st.client.RemoveIncompleteUpload(ctx, bucket, k); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCancelledUploadLeavesNothing(t *testing.T) {
	st, _ := testStore(t)
	for _, declared := range []int64{12 << 20, -1} {
		// Stall after two parts' worth, so that the multipart upload has
		// parts on the server when the caller gives up.
		sr := &stallingReader{r: newPDFReader(12 << 20), half: 2*streamPartSize + 1000, reached: make(chan struct{}), release: make(chan struct{})}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := st.PutEvidence(ctx, key1, sr, declared, "cb01")
			done <- err
		}()
		<-sr.reached
		time.Sleep(100 * time.Millisecond) // let the second part reach the server
		cancel()
		close(sr.release)
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("declared %d: err = %v, want context.Canceled", declared, err)
		}
		assertEmpty(t, st)
	}
}

func TestStreamingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("64 MiB upload")
	}
	const size = 64 << 20
	st, _ := testStore(t, func(c *Config) { c.MaxEvidenceBytes = 128 << 20 })
	ctx := context.Background()
	for _, declared := range []int64{size, -1} {
		// Warm up connections and buffers first.
		if _, err := st.PutEvidence(ctx, key1, newPDFReader(1<<20), -1, "warm"); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var peak atomic.Uint64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		start := time.Now()
		ev, err := st.PutEvidence(ctx, EvidenceKey{2026, "SNV", "I.1", "lon.pdf"}, newPDFReader(size), declared, "cb01")
		elapsed := time.Since(start)
		close(stop)
		<-sampled
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if ev.Size != size {
			t.Fatalf("size %d", ev.Size)
		}
		growth := int64(peak.Load()) - int64(before.HeapInuse)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("declared %d: 64 MiB in %v (%.0f MB/s); peak heap-in-use growth %.1f MiB, total allocated %.1f MiB",
			declared, elapsed.Round(time.Millisecond), float64(size)/1e6/elapsed.Seconds(), float64(growth)/(1<<20), float64(alloc)/(1<<20))
		if growth > 16<<20 {
			t.Errorf("heap grew by %.1f MiB while streaming 64 MiB", float64(growth)/(1<<20))
		}
		if err := st.VerifyEvidence(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
}

func BenchmarkPutEvidence(b *testing.B) {
	st, _ := testStore(b)
	ctx := context.Background()
	data := pdfBytes(1 << 20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		data[100] = byte(i) // distinct content: no short-cut on identical bytes
		data[101] = byte(i >> 8)
		if _, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// withoutChecksums makes st behave as on a server that keeps no SHA-256
// checksums: every upload takes the staged path.
func withoutChecksums(t *testing.T, st *Store) {
	t.Helper()
	checksumClients.Store(st.cfg, &checksumClient{known: true})
	t.Cleanup(func() { checksumClients.Delete(st.cfg) })
}

// A known size goes straight to its key: one version, its SHA-256 kept by
// the server as the version's checksum, nothing staged.
func TestDirectUpload(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	data := pdfBytes(200_000)
	// A reader that returns its last bytes together with io.EOF.
	ev, err := st.PutEvidence(ctx, key1, iotest.DataErrReader(bytes.NewReader(data)), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	if ev.SHA256 != sha(data) || ev.Size != int64(len(data)) {
		t.Fatalf("%+v", ev)
	}
	info, err := rawClient(t, srv).StatObject(ctx, st.cfg.EvidenceBucket, ev.Key, minio.StatObjectOptions{VersionID: ev.VersionID, Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := checksumSHA256(info.ChecksumSHA256, info.ChecksumMode); got != sha(data) {
		t.Errorf("checksum %q (%s), want %s", info.ChecksumSHA256, info.ChecksumMode, sha(data))
	}
	if got := evidenceFromInfo(info); got != ev {
		t.Errorf("stat says\n%+v\nupload said\n%+v", got, ev)
	}
	if v := versions(t, st, st.cfg.EvidenceBucket); len(v) != 1 || v[0].Key != ev.Key {
		t.Errorf("versions: %+v", v)
	}
	if err := st.VerifyEvidence(ctx, ev); err != nil {
		t.Fatal(err)
	}
}

// A reader shorter or longer than declared stores nothing, on either path.
func TestDeclaredSizeHeldTo(t *testing.T) {
	for _, staged := range []bool{false, true} {
		st, _ := testStore(t)
		if staged {
			withoutChecksums(t, st)
		}
		ctx := context.Background()
		for _, tc := range []struct {
			declared, n int64
			want        string
		}{
			{10_000, 5_000, "fewer than the declared"},
			{10_000, 10_001, "more data than the declared"},
			{10_000, 300, "fewer than the declared"}, // within the sniffed head
			{1 << 20, 3 << 20, "more data than the declared"},
		} {
			_, err := st.PutEvidence(ctx, key1, newPDFReader(tc.n), tc.declared, "cb01")
			if !errors.Is(err, ErrSizeMismatch) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("staged %v, declared %d, sent %d: err = %v", staged, tc.declared, tc.n, err)
			}
			assertEmpty(t, st)
		}
	}
}

// On a server without SHA-256 checksums a known size is staged and copied,
// with the same record and guarantees.
func TestStagedWithKnownSize(t *testing.T) {
	st, srv := testStore(t)
	withoutChecksums(t, st)
	ctx := context.Background()
	data := pdfBytes(100_000)
	ev, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	info, err := rawClient(t, srv).StatObject(ctx, st.cfg.EvidenceBucket, ev.Key, minio.StatObjectOptions{VersionID: ev.VersionID})
	if err != nil {
		t.Fatal(err)
	}
	if meta(info, metaSHA256) != sha(data) || ev.SHA256 != sha(data) {
		t.Fatalf("metadata %+v, record %+v", info.UserMetadata, ev)
	}
	if err := st.VerifyEvidence(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for _, o := range versions(t, st, st.cfg.EvidenceBucket) {
		if strings.HasPrefix(o.Key, stagingPrefix) {
			t.Errorf("staged copy left: %s", o.Key)
		}
	}
}

// The same bytes again return the stored version whichever path stored it
// and whichever path the retry takes.
func TestIdempotentAcrossPaths(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	for i, sizes := range [][2]bool{{true, false}, {false, true}} {
		k := key1
		k.FileName = fmt.Sprintf("lan-%d.pdf", i)
		data := pdfBytes(20_000 + i)
		var got [2]Evidence
		for j, known := range sizes {
			size := int64(-1)
			if known {
				size = int64(len(data))
			}
			ev, err := st.PutEvidence(ctx, k, bytes.NewReader(data), size, "cb01")
			if err != nil {
				t.Fatal(err)
			}
			got[j] = ev
		}
		if got[0] != got[1] {
			t.Errorf("known sizes %v: retry returned another record:\n%+v\n%+v", sizes, got[0], got[1])
		}
	}
	if n := len(versions(t, st, st.cfg.EvidenceBucket)); n != 2 {
		t.Fatalf("%d versions, want 2", n)
	}
}

// A later version holding the very same bytes, recorded as such, still
// holds the file: the record verifies.
func TestSameBytesAgainVerifies(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	data := pdfBytes(30_000)
	ev, err := st.PutEvidence(ctx, key1, bytes.NewReader(data), int64(len(data)), "cb01")
	if err != nil {
		t.Fatal(err)
	}
	// Say a retry's duplicate could not be removed.
	md := map[string]string{metaSHA256: sha(data), metaUploader: "cb01", metaName: escapeMeta(key1.FileName)}
	if _, err := rawClient(t, srv).PutObject(ctx, st.cfg.EvidenceBucket, ev.Key, bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ContentType: "application/pdf", UserMetadata: md}); err != nil {
		t.Fatal(err)
	}
	if err := st.VerifyEvidence(ctx, ev); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}
