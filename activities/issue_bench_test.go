package activities_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/report"
	"ictindex/scoring"
	"ictindex/templates"
)

// BenchmarkIssueDecision1000 issues the decision of a 1,000-unit campaign
// on a real MinIO: number from the register, render, sign (P-256), store,
// lock. It reports the peak heap during issuance and the process's peak
// RSS.
func BenchmarkIssueDecision1000(b *testing.B) {
	srv := minioserver.StartForTest(b)
	ctx := context.Background()
	store, err := archive.Open(ctx, archive.Config{Endpoint: srv.Endpoint(), AccessKey: srv.User(), SecretKey: srv.Password()})
	if err != nil {
		b.Fatal(err)
	}
	signer := benchSigner(b)
	acts := activities.New(store, activities.LogNotifier{})
	acts.Issuer = &activities.Issuer{Signer: signer, PublicURL: "https://ictindex.example"}
	var ts testsuite.WorkflowTestSuite
	e := ts.NewTestActivityEnvironment()
	e.RegisterActivity(acts)

	sample := templates.SampleProvince()
	const n = 1000
	year := sample.Year
	var refs []activities.DocumentRef
	for i := range n {
		u := sample.Units[i%len(sample.Units)]
		u.Unit = scoring.Unit{Code: fmt.Sprintf("DV%04d", i), Name: fmt.Sprintf("%s %d", u.Unit.Name, i)}
		v, err := e.ExecuteActivity(acts.StoreRecord, activities.StoreRecordInput{Year: year, Record: activities.UnitRecord{Submission: u, Status: "appraised"}})
		if err != nil {
			b.Fatal(err)
		}
		var ref activities.DocumentRef
		_ = v.Get(&ref)
		refs = append(refs, ref)
	}
	st := sample.Resolve()
	v, err := e.ExecuteActivity(acts.Rank, activities.RankInput{Year: year, Settings: st, Records: refs})
	if err != nil {
		b.Fatal(err)
	}
	var ranked activities.RankResult
	_ = v.Get(&ranked)

	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	var size int64
	b.ResetTimer()
	for i := range b.N {
		v, err := e.ExecuteActivity(acts.IssueDecision, activities.IssueInput{Index: i + 1, By: "lanh-dao",
			Draft: activities.DraftInput{Year: year, Results: ranked.Results, Records: refs,
				Decision: activities.DecisionMeta{Signer: "Trịnh Xuân Trường", Date: scoring.Date{Year: 2027, Month: 1, Day: 5}}}})
		if err != nil {
			b.Fatal(err)
		}
		var is activities.Issuance
		_ = v.Get(&is)
		if is.Signed == nil {
			b.Fatal("not signed")
		}
		size = is.Signed.Size
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(size)/(1<<20), "pdf-MiB")
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				var kb float64
				fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:")), "%f", &kb)
				b.ReportMetric(kb/1024, "peak-RSS-MiB")
			}
		}
	}
}

func benchSigner(b *testing.B) *report.Signer {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Ủy ban nhân dân tỉnh Lào Cai"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		b.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &report.Signer{Key: key, Cert: cert}
}
