package archive

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

func TestDocumentRoundTripAndIdempotence(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	pdf := pdfBytes(40_000)

	d1, err := st.PutDocument(ctx, "2026/decision.pdf", pdf, "application/pdf", false)
	if err != nil {
		t.Fatal(err)
	}
	if d1.VersionID == "" || d1.SHA256 != sha(pdf) || d1.Size != int64(len(pdf)) || d1.Locked {
		t.Fatalf("%+v", d1)
	}
	// A retried activity: same bytes, same version.
	d2, err := st.PutDocument(ctx, "2026/decision.pdf", pdf, "application/pdf", false)
	if err != nil || d2 != d1 {
		t.Fatalf("retry: %+v, %v (first %s)", d2, err, d1.VersionID)
	}
	// New content: new version; both stay readable.
	pdf2 := append(bytes.Clone(pdf), '\n')
	d3, err := st.PutDocument(ctx, "2026/decision.pdf", pdf2, "application/pdf", false)
	if err != nil || d3.VersionID == d1.VersionID {
		t.Fatalf("new content: %+v, %v", d3, err)
	}
	for _, tc := range []struct {
		version string
		want    []byte
	}{{d1.VersionID, pdf}, {d3.VersionID, pdf2}, {"", pdf2}} {
		got, err := st.GetDocument(ctx, "2026/decision.pdf", tc.version)
		if err != nil || !bytes.Equal(got, tc.want) {
			t.Fatalf("version %q: %d bytes, %v", tc.version, len(got), err)
		}
	}
	if _, err := st.GetDocument(ctx, "2026/missing.pdf", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := st.PutDocument(ctx, "../decision.pdf", pdf, "", false); !errors.Is(err, ErrBadName) {
		t.Fatalf("bad key: %v", err)
	}
	// Same bytes as an older (not current) version: written anew, since the
	// current version differs.
	d4, err := st.PutDocument(ctx, "2026/decision.pdf", pdf, "application/pdf", false)
	if err != nil || d4.VersionID == d1.VersionID || d4.VersionID == d3.VersionID {
		t.Fatalf("revert: %+v, %v", d4, err)
	}
}

func TestLockedDocumentCannotBeDeleted(t *testing.T) {
	st, srv := testStore(t, func(c *Config) { c.RetentionDays = 1 })
	raw := rawClient(t, srv)
	ctx := context.Background()
	bucket := st.cfg.DocumentBucket
	data := []byte(`{"year":2026,"units":40}`)

	doc, err := st.PutDocument(ctx, "2026/results.json", data, "application/json", true)
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Locked || doc.RetentionMode != "COMPLIANCE" || doc.RetainUntil.Before(time.Now().Add(23*time.Hour)) {
		t.Fatalf("%+v", doc)
	}
	mode, until, err := raw.GetObjectRetention(ctx, bucket, doc.Key, doc.VersionID)
	if err != nil || mode == nil || *mode != minio.Compliance || until == nil || !until.Equal(doc.RetainUntil) {
		t.Fatalf("retention on the server: %v %v %v", mode, until, err)
	}
	err = raw.RemoveObject(ctx, bucket, doc.Key, minio.RemoveObjectOptions{VersionID: doc.VersionID})
	if err == nil {
		t.Fatal("deleting a locked version succeeded")
	}
	t.Logf("delete refused: %v", err)
	err = raw.RemoveObject(ctx, bucket, doc.Key, minio.RemoveObjectOptions{VersionID: doc.VersionID, GovernanceBypass: true, ForceDelete: true})
	if err == nil {
		t.Fatal("deleting a COMPLIANCE-locked version with governance bypass succeeded")
	}
	// Shortening the retention is refused too.
	short := time.Now().Add(time.Hour)
	m := minio.Compliance
	if err := raw.PutObjectRetention(ctx, bucket, doc.Key, minio.PutObjectRetentionOptions{Mode: &m, RetainUntilDate: &short, VersionID: doc.VersionID}); err == nil {
		t.Fatal("shortening the retention succeeded")
	}
	if got, err := st.GetDocument(ctx, doc.Key, doc.VersionID); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back: %q %v", got, err)
	}
	// Retried publication: same bytes, same locked version.
	again, err := st.PutDocument(ctx, "2026/results.json", data, "application/json", true)
	if err != nil || again.VersionID != doc.VersionID || !again.Locked {
		t.Fatalf("retry: %+v %v", again, err)
	}
}

func TestLockDocumentLater(t *testing.T) {
	st, srv := testStore(t, func(c *Config) { c.RetentionDays = 2 })
	raw := rawClient(t, srv)
	ctx := context.Background()
	pdf := pdfBytes(5000)
	draft, err := st.PutDocument(ctx, "2026/decision.pdf", pdf, "application/pdf", false)
	if err != nil {
		t.Fatal(err)
	}
	// A draft can be removed…
	if err := raw.RemoveObject(ctx, st.cfg.DocumentBucket, draft.Key, minio.RemoveObjectOptions{VersionID: draft.VersionID}); err != nil {
		t.Fatalf("removing an unlocked draft: %v", err)
	}
	draft, err = st.PutDocument(ctx, "2026/decision.pdf", pdf, "application/pdf", false)
	if err != nil {
		t.Fatal(err)
	}
	// …a published one cannot.
	pub, err := st.LockDocument(ctx, draft.Key, draft.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Locked || pub.VersionID != draft.VersionID {
		t.Fatalf("%+v", pub)
	}
	if err := raw.RemoveObject(ctx, st.cfg.DocumentBucket, pub.Key, minio.RemoveObjectOptions{VersionID: pub.VersionID}); err == nil {
		t.Fatal("deleting a locked version succeeded")
	}
	// Locking again is a no-op that keeps the first retention date.
	again, err := st.LockDocument(ctx, pub.Key, "")
	if err != nil || !again.RetainUntil.Equal(pub.RetainUntil) {
		t.Fatalf("relock: %+v %v (first until %v)", again, err, pub.RetainUntil)
	}
	// Asking for the lock on identical bytes locks the existing version.
	other, err := st.PutDocument(ctx, "2026/annex.pdf", pdf, "application/pdf", false)
	if err != nil {
		t.Fatal(err)
	}
	locked, err := st.PutDocument(ctx, "2026/annex.pdf", pdf, "application/pdf", true)
	if err != nil || locked.VersionID != other.VersionID || !locked.Locked {
		t.Fatalf("%+v %v", locked, err)
	}
}
