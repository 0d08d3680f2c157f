package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/api/store"
	"ictindex/deploy/backup"
	"ictindex/deploy/minioserver"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// TestBackupWhileRunningAndRestore opens a campaign on the embedded stack,
// lets two units submit with evidence, backs the data folder up with
// `ictindex backup` while a third unit works and users are added, stops
// the stack, restores into a new folder with `ictindex restore` and starts
// the stack there: the campaign, the users and every version written
// before the backup are back, byte for byte, and the campaign goes on to
// publication. A restore into a non-empty folder and a corrupted backup are
// refused.
func TestBackupWhileRunningAndRestore(t *testing.T) {
	if _, err := minioserver.Binary(); err != nil {
		t.Skip("MinIO is not installed (deploy/install-minio.sh):", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	data := filepath.Join(t.TempDir(), "data")
	b := templates.SampleProvince()
	var units []scoring.Submission
	for _, u := range b.Units {
		if !u.NotSubmitted && len(units) < 3 {
			units = append(units, u)
		}
	}
	b.Units = units

	// The first run: a campaign, two units submitted, users.
	st, users, stop := backupStack(t, ctx, data)
	sc := &scenario{d: driver{c: st.client}, store: st.store}
	openCampaign(t, ctx, st, b)
	for i := range 2 {
		if err := sc.fill(ctx, b.Year, &b.Units[i], true); err != nil {
			t.Fatal(err)
		}
	}
	if err := users.AddUser(ctx, store.BySystem, "can-bo-a", store.RoleAdmin, "", "mat-khau-dai-du"); err != nil {
		t.Fatal(err)
	}
	before := archiveVersions(t, st)
	usersBefore, err := users.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) < 4 {
		t.Fatalf("%d versions in the archive before the backup, want at least 4", len(before))
	}

	// The backup, while the third unit fills in and users are added.
	backupDir := filepath.Join(t.TempDir(), "backup")
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := sc.fill(ctx, b.Year, &b.Units[2], false); err != nil {
			t.Error(err)
		}
	})
	stopUsers := make(chan struct{})
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stopUsers:
				return
			default:
			}
			if err := users.AddUser(ctx, store.BySystem, "them-"+string(rune('a'+i%26))+strings.Repeat("x", i/26), store.RoleAppraiser, "", "mat-khau-dai-du"); err != nil {
				t.Error(err)
				return
			}
		}
	})
	code, out, errOut := runCLI(t, "", "backup", backupDir, "--data", data)
	close(stopUsers)
	wg.Wait()
	if code != 0 {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	t.Log(out)
	stop()

	// Refusals.
	nonEmpty := t.TempDir()
	os.WriteFile(filepath.Join(nonEmpty, "notes.txt"), []byte("x"), 0o600)
	if code, _, errOut := runCLI(t, "", "restore", backupDir, "--data", nonEmpty); code != 2 || !strings.Contains(errOut, "notes.txt") || !strings.Contains(errOut, "không trống") {
		t.Errorf("restore into a non-empty folder: exit %d, %s", code, errOut)
	}
	corrupt := filepath.Join(t.TempDir(), "corrupt")
	if err := os.CopyFS(corrupt, os.DirFS(backupDir)); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(corrupt, dataTemporalDB)
	raw, _ := os.ReadFile(victim)
	raw[len(raw)/2] ^= 0x40
	os.WriteFile(victim, raw, 0o640)
	if code, _, errOut := runCLI(t, "", "restore", corrupt, "--data", filepath.Join(t.TempDir(), "x")); code != 2 || !strings.Contains(errOut, "temporal/temporal.db") || !strings.Contains(errOut, "hỏng") {
		t.Errorf("restore of a corrupted backup: exit %d, %s", code, errOut)
	}

	// The restore, and the second run on it.
	restored := filepath.Join(t.TempDir(), "restored")
	if code, out, errOut := runCLI(t, "", "restore", backupDir, "--data", restored); code != 0 {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	st, users, _ = backupStack(t, ctx, restored)
	after := archiveVersions(t, st)
	for k, sum := range before {
		if got, ok := after[k]; !ok {
			t.Errorf("%s missing after restore", k)
		} else if got != sum {
			t.Errorf("%s: SHA-256 %s after restore, want %s", k, got, sum)
		}
	}
	usersAfter, err := users.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, u := range usersAfter {
		names[u.Name] = true
	}
	for _, u := range usersBefore {
		if !names[u.Name] {
			t.Errorf("user %s missing after restore", u.Name)
		}
	}
	sc = &scenario{d: driver{c: st.client}, store: st.store}
	for i := range b.Units {
		u := &b.Units[i]
		state := unitState(t, ctx, st, b.Year, u.Unit.Code)
		if i < 2 {
			if state.Status != workflows.UnitSubmitted || len(state.Evidence) != 2 {
				t.Errorf("%s after restore: %s with %d evidence, want submitted with 2", u.Unit.Code, state.Status, len(state.Evidence))
			}
		}
		// Every version the restored workflows name is in the archive, whole.
		for _, ev := range state.Evidence {
			k := st.store.Config().EvidenceBucket + "/" + ev.Key + "@" + ev.VersionID
			if after[k] != ev.SHA256 {
				t.Errorf("%s: evidence %s has SHA-256 %q in the archive, the workflow says %s", u.Unit.Code, k, after[k], ev.SHA256)
			}
		}
		if state.Status != workflows.UnitSubmitted {
			if err := sc.fill(ctx, b.Year, u, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sc.d.update(ctx, workflows.CampaignWorkflowID(b.Year), workflows.UpdateCloseCollection, workflows.ActorArgs{By: "quan-tri@stttt"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := sc.each(ctx, b, func(ctx context.Context, u *scoring.Submission) error { return sc.appraise(ctx, b.Year, u) }); err != nil {
		t.Fatal(err)
	}
	if _, err := sc.d.waitPhase(ctx, b.Year, workflows.PhaseDrafted); err != nil {
		t.Fatal(err)
	}
	if err := sc.d.update(ctx, workflows.CampaignWorkflowID(b.Year), workflows.UpdateApprovePublish, workflows.PublishArgs{By: "chu-tich@ubnd", Note: "Đồng ý"}, nil); err != nil {
		t.Fatal(err)
	}
	status, err := sc.d.waitPhase(ctx, b.Year, workflows.PhasePublished)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.store.GetDocument(ctx, status.Decision.Key, status.Decision.VersionID); err != nil {
		t.Errorf("published decision after restore: %v", err)
	}
}

// backupStack starts the stack and a worker on a data folder, and opens
// its users database as `ictindex dev` does. stop stops them all; it runs
// when the test ends if not called before.
func backupStack(t *testing.T, ctx context.Context, data string) (st *stack, users *store.Store, stop func()) {
	t.Helper()
	st, err := startStack(ctx, stackOptions{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	w := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, testIssuer(t))
	if err := w.Start(); err != nil {
		st.Close()
		t.Fatal(err)
	}
	users, err = openUsers(ctx, filepath.Join(data, dataUsersDB), "", nil)
	if err != nil {
		w.Stop()
		st.Close()
		t.Fatal(err)
	}
	var once sync.Once
	stop = func() { once.Do(func() { users.Close(); w.Stop(); st.Close() }) }
	t.Cleanup(stop)
	return st, users, stop
}

// openCampaign opens b's campaign with a distant deadline and no
// objection window, and waits until units collect.
func openCampaign(t *testing.T, ctx context.Context, st *stack, b *scoring.Batch) {
	t.Helper()
	settings := b.Resolve()
	settings.Deadline = time.Now().Add(24 * time.Hour).In(scoring.Vietnam)
	in := workflows.CampaignInput{Year: b.Year, Settings: settings,
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.DateOf(time.Now().In(scoring.Vietnam)), Signer: "Trịnh Xuân Trường"}}
	for _, u := range b.Units {
		in.Units = append(in.Units, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
	}
	if _, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(b.Year), TaskQueue: workflows.TaskQueue},
		workflows.CampaignWorkflowName, in); err != nil {
		t.Fatal(err)
	}
	if _, err := (driver{c: st.client}).waitPhase(ctx, b.Year, workflows.PhaseCollecting); err != nil {
		t.Fatal(err)
	}
}

func unitState(t *testing.T, ctx context.Context, st *stack, year int, code string) workflows.UnitState {
	t.Helper()
	var s workflows.UnitState
	v, err := st.client.QueryWorkflow(ctx, workflows.UnitWorkflowID(year, code), "", workflows.QueryStatus)
	if err == nil {
		err = v.Get(&s)
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// archiveVersions maps every object version of both buckets,
// "bucket/key@versionID", to the SHA-256 of its bytes.
func archiveVersions(t *testing.T, st *stack) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := rawMinIO(t, st)
	out := map[string]string{}
	for _, bucket := range []string{st.store.Config().EvidenceBucket, st.store.Config().DocumentBucket} {
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
			_, err = io.Copy(h, obj)
			obj.Close()
			if err != nil {
				t.Fatalf("%s/%s@%s: %v", bucket, o.Key, o.VersionID, err)
			}
			out[bucket+"/"+o.Key+"@"+o.VersionID] = hex.EncodeToString(h.Sum(nil))
		}
	}
	return out
}

// BenchmarkBackupSampleProvince plays the sample province's whole campaign
// to publication, then times `ictindex backup` of its data folder (the
// stack still running) and reports the backup's size:
//
//	go test ./cmd/ictindex/ -run '^$' -bench BackupSampleProvince -benchtime 5x
func BenchmarkBackupSampleProvince(b *testing.B) {
	if _, err := minioserver.Binary(); err != nil {
		b.Skip("MinIO is not installed (deploy/install-minio.sh):", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	data := filepath.Join(b.TempDir(), "data")
	st, err := startStack(ctx, stackOptions{DataDir: data})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	w := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, testIssuer(b))
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	sc := &scenario{d: driver{c: st.client}, store: st.store, onTime: true}
	if _, err := sc.run(ctx, templates.SampleProvince()); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var size int64
	i := 0
	for b.Loop() {
		i++
		dst := filepath.Join(dir, "b"+strconv.Itoa(i))
		code, out, errOut := runCLI(b, "", "backup", dst, "--data", data)
		if code != 0 {
			b.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
		}
		if i == 1 {
			b.Log(out)
		}
		m, err := backup.ReadManifest(dst)
		if err != nil {
			b.Fatal(err)
		}
		size = m.Size()
	}
	b.ReportMetric(float64(size)/(1<<20), "MB/backup")
}

func TestBackupCLIBadInput(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"backup without a folder", []string{"backup"}, "cách dùng"},
		{"backup of a missing data folder", []string{"backup", filepath.Join(empty, "b"), "--data", filepath.Join(empty, "none")}, "thư mục dữ liệu"},
		{"restore without --data", []string{"restore", empty}, "--data"},
		{"restore of a folder without manifest", []string{"restore", empty, "--data", filepath.Join(empty, "x")}, "backup.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, "", c.args...)
			if code != 2 || !strings.Contains(errOut, c.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, c.want)
			}
		})
	}
}
