package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"ictindex/activities"
	"ictindex/deploy/temporalserver"
)

func init() {
	commands["dev"] = command{summary: "chạy môi trường nhúng: Temporal thật (SQLite), MinIO thật và worker", run: runDev}
}

// runDev starts the embedded default and a worker, and serves until
// interrupted. The data folder keeps every campaign across restarts.
func runDev(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", ".data", "thư mục dữ liệu (Temporal SQLite, MinIO)")
	port := fs.Int("temporal-port", temporalserver.DefaultPort, "cổng gRPC của Temporal")
	minioAddr := fs.String("minio-addr", "127.0.0.1:9000", "địa chỉ S3 của MinIO")
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	st, err := startStack(ctx, stackOptions{DataDir: *data, TemporalPort: *port, MinIOAddr: *minioAddr, Log: log})
	if err != nil {
		return err
	}
	defer st.Close()
	w := newWorker(st.client, activities.NewArchive(st.store), notifierFromEnv(log))
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	fmt.Fprintf(e.stdout, "Temporal: %s (namespace %s)\nMinIO:    http://%s (tài khoản trong ICTINDEX_S3_ACCESS_KEY/ICTINDEX_S3_SECRET_KEY hoặc mặc định của môi trường phát triển)\nDữ liệu:  %s\nNhấn Ctrl+C để dừng.\n",
		st.temporal.HostPort(), st.temporal.Namespace(), st.minio.Endpoint(), *data)
	<-ctx.Done()
	return nil
}
