package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"ictindex/activities"
	"ictindex/api/store"
	"ictindex/scoring"
	"ictindex/templates"
)

// demoPublicURL is where `make dev` serves the public pages.
const demoPublicURL = "http://127.0.0.1:8080"

func init() {
	commands["demo"] = command{summary: "chạy trọn một đợt đánh giá của tỉnh mẫu qua workflow thật (Temporal, MinIO nhúng)", run: runDemo}
}

// runDemo runs a whole campaign for the sample province through the real
// workflow on the embedded stack and prints where the decision is.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "", "thư mục dữ liệu (mặc định: thư mục tạm, xóa khi xong)")
	out := fs.String("out", "out", "thư mục ghi quyết định PDF và kết quả JSON")
	deadlineIn := fs.Duration("deadline-in", 30*time.Second, "hạn gửi báo cáo tính từ lúc mở đợt")
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	dir := *data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "ictindex-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	log := newLogger(e.stderr, slog.LevelWarn)
	fmt.Fprintln(e.stdout, "Khởi động Temporal (SQLite) và MinIO…")
	st, err := startStack(ctx, stackOptions{DataDir: dir, Log: log})
	if err != nil {
		return err
	}
	defer st.Close()
	iss, closer, err := demoIssuer(dir, demoPublicURL)
	if err != nil {
		return badInput(err)
	}
	defer closer.Close()
	// E-mail, when configured, reads recipients from the demo's own
	// database (empty), never ICTINDEX_DATABASE_URL: a rehearsal must not
	// mail the units of a real registry.
	var users *store.Store
	defer func() {
		if users != nil {
			users.Close()
		}
	}()
	notifier, err := notifierFromEnv(ctx, log, activities.NewArchive(st.store), func(ctx context.Context) (*store.Store, error) {
		var err error
		users, err = openUsers(ctx, filepath.Join(dir, dataUsersDB), "", log)
		return users, err
	})
	if err != nil {
		return err
	}
	notices := &countingNotifier{Notifier: notifier}
	w := newWorker(st.client, st.store, notices, iss)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	// The year before first, everyone on time, so that the year after
	// shows each unit's change.
	prev := &scenario{d: driver{c: st.client}, store: st.store, out: e.stdout, onTime: true}
	res, err := prev.run(ctx, templates.SamplePreviousBatch())
	if err != nil {
		return err
	}
	if err := prev.save(ctx, res, *out); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout)
	sc := &scenario{d: driver{c: st.client}, store: st.store, out: e.stdout, deadlineIn: *deadlineIn, objections: true}
	if res, err = sc.run(ctx, templates.SampleProvince()); err != nil {
		return err
	}
	if err := sc.save(ctx, res, *out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nĐã gửi %d thông báo (qua thư điện tử khi đã cấu hình máy chủ thư, nếu không thì ghi vào nhật ký).\n", notices.n.Load())
	return nil
}

// countingNotifier counts the notices delivered through it.
type countingNotifier struct {
	activities.Notifier
	n atomic.Int64
}

// Notify delivers the notice and counts it once delivered.
func (c *countingNotifier) Notify(ctx context.Context, n activities.Notice) error {
	if err := c.Notifier.Notify(ctx, n); err != nil {
		return err
	}
	c.n.Add(1)
	return nil
}

// save copies the published decision and results out of the archive,
// prints the ranking and where the PDF is.
func (sc *scenario) save(ctx context.Context, res *outcome, outDir string) error {
	pdf, err := sc.store.GetDocument(ctx, res.Result.Decision.Key, res.Result.Decision.VersionID)
	if err != nil {
		return err
	}
	data, err := sc.store.GetDocument(ctx, res.Result.Results.Key, res.Result.Results.VersionID)
	if err != nil {
		return err
	}
	var results scoring.Results
	if err := json.Unmarshal(data, &results); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	pdfPath := filepath.Join(outDir, fmt.Sprintf("quyet-dinh-%d.pdf", res.Result.Year))
	jsonPath := filepath.Join(outDir, fmt.Sprintf("ket-qua-%d.json", res.Result.Year))
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(jsonPath, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintln(sc.out)
	printRankings(sc.out, &results)
	abs, _ := filepath.Abs(pdfPath)
	fmt.Fprintf(sc.out, "\nQuyết định đã ban hành (%d byte, SHA-256 %s):\n  %s\n  lưu trữ: %s (phiên bản %s, đã khóa)\nKết quả: %s\n",
		len(pdf), res.Result.Decision.SHA256, abs, res.Result.Decision.Key, res.Result.Decision.VersionID, jsonPath)
	if is := res.Result.Issuance; is != nil {
		fmt.Fprintf(sc.out, "Số quyết định: %s, ngày %s, người ký %s; ký số: %s\nTrang công khai: %s/cong-khai/%d\nXác minh: %s\n",
			is.Number, is.Date, is.Signer, is.Certificate, demoPublicURL, res.Result.Year, is.VerifyURL)
	}
	return nil
}
