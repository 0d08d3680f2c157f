package archive

import (
	"context"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestOpenIdempotent(t *testing.T) {
	st, srv := testStore(t)
	ctx := context.Background()
	ev, err := st.PutEvidence(ctx, EvidenceKey{2026, "SNV", "I.1", "a.pdf"}, strings.NewReader("%PDF-1.4 x"), 10, "cb01")
	if err != nil {
		t.Fatal(err)
	}
	// Opening again on existing buckets changes nothing and loses nothing.
	st2, err := Open(ctx, st.cfg)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if err := st2.VerifyEvidence(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := st2.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	raw := rawClient(t, srv)
	for _, b := range []string{st.cfg.EvidenceBucket, st.cfg.DocumentBucket} {
		vc, err := raw.GetBucketVersioning(ctx, b)
		if err != nil || !vc.Enabled() {
			t.Errorf("%s versioning: %+v, %v", b, vc, err)
		}
	}
	lock, _, _, _, err := raw.GetObjectLockConfig(ctx, st.cfg.DocumentBucket)
	if err != nil || lock != "Enabled" {
		t.Errorf("document bucket object lock: %q, %v", lock, err)
	}
	lc, err := raw.GetBucketLifecycle(ctx, st.cfg.EvidenceBucket)
	if err != nil || len(lc.Rules) != 1 || lc.Rules[0].ID != stagingRuleID {
		t.Errorf("evidence lifecycle: %+v, %v", lc, err)
	}
}

func TestOpenRefusesUnlockedDocumentBucket(t *testing.T) {
	srv := testServer(t)
	ctx := context.Background()
	if err := rawClient(t, srv).MakeBucket(ctx, "plain-docs", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, Config{Endpoint: srv.Endpoint(), AccessKey: srv.User(), SecretKey: srv.Password(), DocumentBucket: "plain-docs"})
	if err == nil || !strings.Contains(err.Error(), "without object lock") || !strings.Contains(err.Error(), EnvDocumentBucket) {
		t.Fatalf("Open = %v", err)
	}
}

func TestPingFailsWhenDown(t *testing.T) {
	st, srv := testStore(t)
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3e9)
	defer cancel()
	if err := st.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded with the server down")
	}
}
