package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"go.temporal.io/sdk/client"

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
//	ICTINDEX_WEBHOOK_URL (notices; the log when empty).
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
	log.Info("worker starting", "temporal", addr, "namespace", ns, "s3", cfg.Endpoint, "evidence_bucket", cfg.EvidenceBucket, "document_bucket", cfg.DocumentBucket)
	store, err := archive.Open(ctx, cfg)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: ns, Logger: quietLogger(log)})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer c.Close()
	iss, closer, err := issuerFromEnv("")
	if err != nil {
		return badInput(err)
	}
	defer closer.Close()
	if iss.Signer == nil {
		log.Info("no signing key configured: decisions are signed outside the system and uploaded")
	}
	w := newWorker(c, store, notifierFromEnv(log), iss)
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
