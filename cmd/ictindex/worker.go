package main

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/api/store"
	"ictindex/archive"
)

func init() {
	commands["worker"] = command{summary: "chạy worker kết nối Temporal và MinIO bên ngoài (biến môi trường ICTINDEX_*)", run: runWorker}
}

// runWorker connects to an external Temporal cluster and S3 store from the
// environment, for production:
//
//	ICTINDEX_TEMPORAL_ADDRESS (default 127.0.0.1:7233), ICTINDEX_TEMPORAL_NAMESPACE (default "default"),
//	ICTINDEX_S3_ENDPOINT, ICTINDEX_S3_ACCESS_KEY, ICTINDEX_S3_SECRET_KEY, ICTINDEX_S3_SSL, …
//	ICTINDEX_SMTP_HOST, ICTINDEX_SMTP_PORT, ICTINDEX_SMTP_SECURITY, ICTINDEX_SMTP_USER,
//	ICTINDEX_SMTP_PASSWORD, ICTINDEX_SMTP_FROM (notices by e-mail; the users database,
//	ICTINDEX_DATABASE_URL, then holds the recipients and the delivery log),
//	else ICTINDEX_WEBHOOK_URL (notices as JSON), else the log.
func runWorker(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	log := newLogger(e.stderr, slog.LevelInfo)
	addr := envOr("ICTINDEX_TEMPORAL_ADDRESS", "127.0.0.1:7233")
	ns := envOr("ICTINDEX_TEMPORAL_NAMESPACE", "default")
	cfg, err := archive.ConfigFromEnv()
	if err != nil {
		return badInput(err)
	}
	if err := checkMailEnv(); err != nil {
		return err
	}
	log.Info("worker starting", "temporal", addr, "namespace", ns, "s3", cfg.Endpoint, "evidence_bucket", cfg.EvidenceBucket, "document_bucket", cfg.DocumentBucket)
	arch, err := archive.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	sdk := api.NewSDKMetrics()
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: ns, Logger: quietLogger(log), MetricsHandler: sdk})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer c.Close()
	if maddr := os.Getenv("ICTINDEX_METRICS_ADDR"); maddr != "" {
		// The worker serves no pages: its metrics (the SDK's, the notices
		// sent and failed) get a listener of their own.
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(sdk.Gatherer(), promhttp.HandlerOpts{}))
		go func() {
			if err := serveHTTP(ctx, maddr, mux, log); err != nil {
				log.Error("metrics listener", "addr", maddr, "err", err)
			}
		}()
	}
	iss, closer, err := issuerFromEnv("")
	if err != nil {
		return badInput(err)
	}
	defer closer.Close()
	if iss.Signer == nil {
		log.Info("no signing key configured: decisions are signed outside the system and uploaded")
	}
	// The users database holds the recipients and the delivery log: opened
	// only when notices go by e-mail, with serve's default.
	var users *store.Store
	defer func() {
		if users != nil {
			users.Close()
		}
	}()
	notifier, err := notifierFromEnv(ctx, log, activities.NewArchive(arch), func(ctx context.Context) (*store.Store, error) {
		dsn := databaseURL("ictindex.db")
		log.Info("notice recipients and delivery log", "database", maskDSN(dsn))
		var err error
		users, err = openUsers(ctx, dsn, "", log)
		return users, err
	})
	if err != nil {
		return err
	}
	w := newWorker(c, arch, notifier, iss)
	return w.Run(interruptOn(ctx))
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// interruptOn turns a context into the worker's stop channel.
func interruptOn(ctx context.Context) <-chan any {
	ch := make(chan any)
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}
