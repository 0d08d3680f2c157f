package main

import (
	"github.com/prometheus/client_golang/prometheus/testutil"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

var updateHistory = flag.Bool("update-history", false, "write the campaign's history to workflows/testdata for the replay test")

// testStack starts the embedded stack in a temp folder with a worker.
func testStack(t *testing.T) (*stack, worker.Worker) {
	t.Helper()
	if _, err := minioserver.Binary(); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("MinIO is not installed (deploy/install-minio.sh):", err)
		}
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := startStack(ctx, stackOptions{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	w := startWorker(t, st)
	return st, w
}

func startWorker(t *testing.T, st *stack) worker.Worker {
	t.Helper()
	w := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, testIssuer(t))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Stop)
	return w
}

// subset picks sample units by code, keeping the batch's settings.
func subset(codes ...string) *scoring.Batch {
	b := templates.SampleProvince()
	keep := b.Units[:0]
	for _, u := range b.Units {
		for _, c := range codes {
			if u.Unit.Code == c {
				keep = append(keep, u)
			}
		}
	}
	b.Units = keep
	return b
}

func rawMinIO(t *testing.T, st *stack) *minio.Client {
	t.Helper()
	user, pass := devCredentials()
	c, err := minio.New(st.minio.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(user, pass, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func resultsOf(t *testing.T, st *stack, out *outcome) *scoring.Results {
	t.Helper()
	data, err := st.store.GetDocument(context.Background(), out.Result.Results.Key, out.Result.Results.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	var res scoring.Results
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	return &res
}

// TestSampleProvinceEndToEnd plays the sample province's campaign on the
// embedded Temporal server with a real MinIO, then checks the archive: the
// published decision and results are locked, the PDF reads, evidence
// altered behind the system's back is caught by its hash.
func TestSampleProvinceEndToEnd(t *testing.T) {
	st, _ := testStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log bytes.Buffer
	sc := &scenario{d: driver{c: st.client}, store: st.store, out: &log, deadlineIn: 60 * time.Second, objections: true}
	batch := templates.SampleProvince()
	out, err := sc.run(ctx, batch)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	res := resultsOf(t, st, out)
	// The SDK's metrics of the stack's client and worker, and the notices.
	if n, err := testutil.GatherAndCount(st.metrics.Gatherer(), "temporal_workflow_task_execution_latency_seconds",
		"temporal_activity_execution_latency_seconds", "ictindex_notices"); err != nil || n < 3 {
		t.Errorf("SDK metrics: %d series, %v", n, err)
	}
	if o := out.Status.Objections; len(o) != 2 || o[0].Answer == nil || !o[0].Answer.Accepted || o[1].Answer == nil || o[1].Answer.Accepted ||
		out.Status.Preliminary == nil || out.Status.Preliminary.VersionID == out.Status.Results.VersionID {
		t.Errorf("objections %+v, preliminary %+v, final %+v", o, out.Status.Preliminary, out.Status.Results)
	}
	if len(res.Sheets) != len(batch.Units) || len(res.Rankings) != 2 {
		t.Fatalf("%d sheets, %d rankings", len(res.Sheets), len(res.Rankings))
	}
	late := map[string]bool{"SXD": true, "SDL": true, "BDT": true, "HMK": true}
	for _, sh := range res.Sheets {
		hasLate := len(sh.Deductions) > 0 && sh.Deductions[0].Kind == scoring.DeductLate
		if late[sh.Unit.Code] != hasLate {
			t.Errorf("%s: late deduction %v, want %v", sh.Unit.Code, hasLate, late[sh.Unit.Code])
		}
		if sh.Unit.Code == "BTG" && sh.Submitted {
			t.Error("BTG never submitted")
		}
	}
	for _, r := range res.Rankings {
		last := r.Rows[len(r.Rows)-1]
		if r.Annex == scoring.AnnexPL01 && (last.Unit.Code != "BTG" || last.Rank != 0) {
			t.Errorf("PL01 last row %+v", last)
		}
	}
	// The published documents are locked: deleting their versions fails.
	raw := rawMinIO(t, st)
	cfg := st.store.Config()
	for _, d := range []activities.DocumentRef{out.Result.Decision, out.Result.Results} {
		err := raw.RemoveObject(ctx, cfg.DocumentBucket, d.Key, minio.RemoveObjectOptions{VersionID: d.VersionID})
		if err == nil {
			t.Errorf("deleting locked %s succeeded", d.Key)
		}
	}
	// The decision PDF is a real A4 PDF with the decision's text.
	pdf, err := st.store.GetDocument(ctx, out.Result.Decision.Key, out.Result.Decision.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, pdf, "QUYẾT ĐỊNH", "Sở Thông tin và Truyền thông", "UBND huyện Si Ma Cai", scoring.NotSubmittedLabel)
	// Evidence altered behind the system's back is detected.
	var unit workflows.UnitState
	v, err := st.client.QueryWorkflow(ctx, workflows.UnitWorkflowID(batch.Year, "SNV"), "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&unit)
	}
	if err != nil || len(unit.Evidence) != 2 {
		t.Fatalf("SNV evidence: %v %d", err, len(unit.Evidence))
	}
	acts := activities.New(st.store, nil)
	ev := unit.Evidence[0]
	if err := acts.VerifyEvidence(ctx, ev); err != nil {
		t.Fatalf("untouched evidence fails verification: %v", err)
	}
	// A version written at the key behind the archive's back is caught.
	forged := []byte("%PDF-1.4 forged")
	if _, err := raw.PutObject(ctx, cfg.EvidenceBucket, ev.Key, bytes.NewReader(forged), int64(len(forged)), minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := acts.VerifyEvidence(ctx, ev); !errors.Is(err, archive.ErrTampered) {
		t.Errorf("overwritten evidence: %v, want ErrTampered", err)
	}
	// Deleting the recorded version, or a record whose hash does not match
	// the stored bytes, is caught.
	wrong := unit.Evidence[1]
	wrong.SHA256 = strings.Repeat("0", 64)
	if err := acts.VerifyEvidence(ctx, wrong); !errors.Is(err, archive.ErrTampered) {
		t.Errorf("hash mismatch: %v, want ErrTampered", err)
	}
	if err := raw.RemoveObject(ctx, cfg.EvidenceBucket, ev.Key, minio.RemoveObjectOptions{VersionID: ev.VersionID}); err != nil {
		t.Fatal(err)
	}
	if err := acts.VerifyEvidence(ctx, ev); !errors.Is(err, archive.ErrTampered) {
		t.Errorf("deleted evidence version: %v, want ErrTampered", err)
	}
	if *updateHistory {
		// The histories of earlier designs stay as they were recorded
		// (campaign.json: one child per unit); these are today's.
		writeHistory(t, st.client, workflows.CampaignWorkflowID(batch.Year), "campaign-shards.json")
		writeHistory(t, st.client, workflows.ShardWorkflowID(batch.Year, 0, len(batch.Units)), "shard.json")
		writeHistory(t, st.client, workflows.UnitWorkflowID(batch.Year, "SNV"), "unit-SNV-shards.json")
		writeHistory(t, st.client, workflows.UnitWorkflowID(batch.Year, "VPUBND"), "unit-VPUBND-shards.json")
	}
}

// checkPDF asserts poppler reads the PDF as A4 with the texts.
func checkPDF(t *testing.T, pdf []byte, texts ...string) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "" {
			t.Log("poppler missing: PDF text not checked")
			return
		}
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "d.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil || !strings.Contains(string(info), "A4") {
		t.Fatalf("pdfinfo: %v\n%s", err, info)
	}
	text, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range texts {
		if !strings.Contains(string(text), want) {
			t.Errorf("the decision lacks %q", want)
		}
	}
}

// writeHistory saves a workflow's history as JSON for the replay test.
func writeHistory(t *testing.T, c client.Client, id, name string) {
	t.Helper()
	ctx := context.Background()
	it := c.GetWorkflowHistory(ctx, id, "", false, 0)
	var h history.History
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	data, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(&h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "..", "workflows", "testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestWorkerRestartMidCampaign stops the worker while units are collecting
// and again before appraisal; a new worker picks up and nothing is lost.
func TestWorkerRestartMidCampaign(t *testing.T) {
	st, w := testStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	current := w
	restart := func(context.Context) error {
		current.Stop()
		current = startWorker(t, st)
		return nil
	}
	sc := &scenario{d: driver{c: st.client}, store: st.store, onTime: true, afterOpen: restart, beforeRank: restart}
	batch := subset("SNV", "STP", "DPTTH", "SXD", "BTG", "TXSP")
	out, err := sc.run(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	res := resultsOf(t, st, out)
	for _, u := range batch.Units {
		sh := res.Sheet(u.Unit.Code)
		if sh == nil || sh.Submitted == u.NotSubmitted {
			t.Fatalf("%s lost or wrong: %+v", u.Unit.Code, sh)
		}
	}
	if sh := res.Sheet("TXSP"); len(sh.Corrections) != 1 || len(sh.Deductions) != 2 { // two quality flags, on time
		t.Errorf("TXSP's appraisal was lost: %d corrections, %d deductions", len(sh.Corrections), len(sh.Deductions))
	}
}

// TestArchiveOutageDuringActivity stops MinIO while the appraisals finish
// and the units' records are being archived; the activities retry, MinIO
// comes back, and the campaign completes.
func TestArchiveOutageDuringActivity(t *testing.T) {
	st, _ := testStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	restarted := make(chan error, 1)
	sc := &scenario{d: driver{c: st.client}, store: st.store, onTime: true,
		beforeRank: func(ctx context.Context) error {
			if err := st.minio.Stop(); err != nil {
				return err
			}
			go func() {
				time.Sleep(6 * time.Second) // the records' activities fail and back off meanwhile
				restarted <- st.minio.Restart(ctx)
			}()
			return nil
		}}
	batch := subset("SNV", "STP", "DPTTH", "BTG", "TPLC")
	out, err := sc.run(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	res := resultsOf(t, st, out)
	if len(res.Sheets) != 5 {
		t.Fatalf("%d sheets", len(res.Sheets))
	}
	// The retries are in the history: some StoreRecord attempt failed.
	it := st.client.GetWorkflowHistory(ctx, workflows.UnitWorkflowID(batch.Year, "SNV"), "", false, 0)
	attempts := int32(0)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil && a.Attempt > attempts {
			attempts = a.Attempt
		}
	}
	if attempts < 2 {
		t.Errorf("no activity was retried (max attempt %d)", attempts)
	}
}

// testIssuer signs with a demonstration key made in the test's folder.
func testIssuer(t testing.TB) *activities.Issuer {
	t.Helper()
	iss, closer, err := demoIssuer(t.TempDir(), "http://ictindex.test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closer.Close() })
	return iss
}
