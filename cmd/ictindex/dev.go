package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/api/pages"
	"ictindex/api/store"
	"ictindex/deploy/temporalserver"
	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

func init() {
	commands["dev"] = command{summary: "chạy môi trường nhúng: Temporal thật (SQLite), MinIO thật, worker và API tại http://127.0.0.1:8080", run: runDev}
}

// runDev starts the embedded default, a worker and the API, seeds a demo
// campaign when the data folder has none, prints demo logins for each
// role, and serves until interrupted. The data folder keeps every
// campaign across restarts.
func runDev(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", ".data", "thư mục dữ liệu (Temporal SQLite, MinIO)")
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ API")
	port := fs.Int("temporal-port", temporalserver.DefaultPort, "cổng gRPC của Temporal")
	minioAddr := fs.String("minio-addr", "127.0.0.1:9000", "địa chỉ S3 của MinIO")
	seed := fs.Bool("seed", true, "mở đợt đánh giá mẫu nếu chưa có")
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	if err := checkMailEnv(); err != nil {
		return err
	}
	log := newLogger(e.stderr, slog.LevelInfo)
	st, err := startStack(ctx, stackOptions{DataDir: *data, TemporalPort: *port, MinIOAddr: *minioAddr, Log: log})
	if err != nil {
		return err
	}
	defer st.Close()
	iss, closer, err := demoIssuer(*data, "http://"+*addr)
	if err != nil {
		return badInput(err)
	}
	defer closer.Close()
	users, err := openUsers(ctx, databaseURL(filepath.Join(*data, dataUsersDB)), "", log)
	if err != nil {
		return err
	}
	defer users.Close()
	notifier, err := notifierFromEnv(ctx, log, activities.NewArchive(st.store), func(context.Context) (*store.Store, error) { return users, nil })
	if err != nil {
		return err
	}
	w := newWorker(st.client, st.store, notifier, iss)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	if *seed {
		if err := seedPreviousYear(ctx, st, templates.SamplePreviousBatch()); err != nil {
			return err
		}
		if err := seedCampaign(ctx, st, templates.SampleProvince()); err != nil {
			return err
		}
	}
	logins, err := api.SeedDemo(ctx, users)
	if err != nil {
		return err
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	fanout, err := fanoutFromEnv()
	if err != nil {
		return badInput(err)
	}
	srv, err := api.New(api.Config{SessionKey: key, Fanout: fanout}, api.Deps{Temporal: st.client, Store: st.store, Users: users, Log: log, Metrics: st.metrics.Gatherer()})
	if err != nil {
		return err
	}
	pages.Mount(srv)
	fmt.Fprintf(e.stdout, "Temporal: %s (namespace %s)\nMinIO:    http://%s\nDữ liệu:  %s\nAPI:      http://%s (mô tả: /api/openapi.yaml)\n\nTài khoản thử (mật khẩu mới mỗi lần chạy):\n",
		st.temporal.HostPort(), st.temporal.Namespace(), st.minio.Endpoint(), *data, *addr)
	names := make([]string, 0, len(logins))
	for n := range logins {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(e.stdout, "  %-13s %s\n", n, logins[n])
	}
	fmt.Fprintln(e.stdout, "Nhấn Ctrl+C để dừng.")
	return serveHTTP(ctx, *addr, srv.Handler(), log)
}

// seedPreviousYear plays the year before the sample campaign to
// publication, unless it has been played, so that the sample year has a
// previous one to compare with (ranks, last year's figures and evidence).
func seedPreviousYear(ctx context.Context, st *stack, b *scoring.Batch) error {
	if _, err := st.client.DescribeWorkflowExecution(ctx, workflows.CampaignWorkflowID(b.Year), ""); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "Lần đầu chạy: tạo dữ liệu năm %d (đã công bố) để so sánh…\n", b.Year)
	sc := &scenario{d: driver{c: st.client}, store: st.store, onTime: true}
	_, err := sc.run(ctx, b)
	return err
}

// seedCampaign opens the sample province's campaign with a deadline two
// weeks away, unless the year already has one, and lets a third of the
// units fill in and submit, so that every page has something to show.
func seedCampaign(ctx context.Context, st *stack, b *scoring.Batch) error {
	if _, err := st.client.DescribeWorkflowExecution(ctx, workflows.CampaignWorkflowID(b.Year), ""); err == nil {
		return nil
	}
	settings := b.Resolve()
	settings.Deadline = time.Now().Add(14 * 24 * time.Hour).In(scoring.Vietnam)
	in := workflows.CampaignInput{Year: b.Year, Settings: settings, ObjectionDays: workflows.DefaultObjectionDays,
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.DateOf(settings.Deadline.AddDate(0, 1, 0)), Signer: "Trịnh Xuân Trường"}}
	for _, u := range b.Units {
		in.Units = append(in.Units, activities.UnitRef{Unit: u.Unit, Annex: u.Annex, Flags: u.Flags})
	}
	if _, err := st.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.CampaignWorkflowID(b.Year), TaskQueue: workflows.TaskQueue},
		workflows.CampaignWorkflowName, in); err != nil {
		return err
	}
	sc := &scenario{d: driver{c: st.client}, store: st.store}
	if _, err := sc.d.waitPhase(ctx, b.Year, workflows.PhaseCollecting); err != nil {
		return err
	}
	for i := range b.Units {
		u := &b.Units[i]
		if u.NotSubmitted || u.Unit.Code == "SNV" || i%3 != 0 {
			continue // SNV is left for the demo submitter
		}
		if err := sc.fill(ctx, b.Year, u, true); err != nil {
			return err
		}
	}
	return nil
}
