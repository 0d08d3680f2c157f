package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"go.temporal.io/sdk/client"

	"ictindex/api"
	"ictindex/api/pages"
	"ictindex/archive"
)

func init() {
	commands["serve"] = command{summary: "chạy máy chủ web (API) kết nối Temporal và MinIO bên ngoài (biến môi trường ICTINDEX_*)", run: runServe}
}

// runServe serves the HTTP API against an external Temporal cluster and S3
// store, configured from the same environment as the worker, plus:
//
//	ICTINDEX_SESSION_KEY (64 hex digits; generated per process with a warning when missing),
//	ICTINDEX_COOKIE_SECURE (true behind HTTPS; default false).
func runServe(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "địa chỉ lắng nghe")
	usersFile := fs.String("users", "", "tệp người dùng JSON của phiên bản cũ: nhập vào cơ sở dữ liệu một lần")
	if pos, err := parseFlags(fs, args); err != nil || len(pos) > 0 {
		if err == nil {
			err = fmt.Errorf("đối số thừa: %v", pos)
		}
		return badInput(err)
	}
	log := newLogger(e.stderr, slog.LevelInfo)
	cfg, err := serveConfig(log)
	if err != nil {
		return badInput(err)
	}
	dsn := databaseURL("ictindex.db")
	users, err := openUsers(ctx, dsn, *usersFile, log)
	if err != nil {
		return err
	}
	defer users.Close()
	tAddr := envOr("ICTINDEX_TEMPORAL_ADDRESS", "127.0.0.1:7233")
	ns := envOr("ICTINDEX_TEMPORAL_NAMESPACE", "default")
	scfg, err := archive.ConfigFromEnv()
	if err != nil {
		return badInput(err)
	}
	log.Info("server starting", "addr", *addr, "database", maskDSN(dsn), "temporal", tAddr, "namespace", ns, "s3", scfg.Endpoint,
		"cookie_secure", cfg.CookieSecure, "session_key", "***")
	store, err := archive.Open(ctx, scfg)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	sdk := api.NewSDKMetrics()
	c, err := client.Dial(client.Options{HostPort: tAddr, Namespace: ns, Logger: quietLogger(log), MetricsHandler: sdk})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer c.Close()
	s, err := api.New(cfg, api.Deps{Temporal: c, Store: store, Users: users, Log: log, Metrics: sdk.Gatherer()})
	if err != nil {
		return err
	}
	pages.Mount(s)
	return serveHTTP(ctx, *addr, s.Handler(), log)
}

// serveConfig reads the session key and cookie flag from the environment.
func serveConfig(log *slog.Logger) (api.Config, error) {
	cfg := api.Config{}
	f, err := fanoutFromEnv()
	if err != nil {
		return cfg, err
	}
	cfg.Fanout = f
	if v := os.Getenv("ICTINDEX_COOKIE_SECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return cfg, fmt.Errorf("ICTINDEX_COOKIE_SECURE=%q không phải true/false", v)
		}
		cfg.CookieSecure = b
	}
	if v := os.Getenv("ICTINDEX_SESSION_KEY"); v != "" {
		key, err := hex.DecodeString(v)
		if err != nil || len(key) != 32 {
			return cfg, errors.New("ICTINDEX_SESSION_KEY phải là 64 chữ số hex (32 byte)")
		}
		cfg.SessionKey = key
	} else {
		cfg.SessionKey = make([]byte, 32)
		_, _ = rand.Read(cfg.SessionKey)
		log.Warn("ICTINDEX_SESSION_KEY is not set: using a key for this process only; sessions end at restart and differ between replicas")
	}
	return cfg, nil
}

// serveHTTP listens until ctx ends, then shuts down gracefully.
func serveHTTP(ctx context.Context, addr string, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "url", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// fanoutFromEnv reads ICTINDEX_FANOUT: how many children one campaign
// workflow holds open at once (0 or unset: workflows.DefaultFanout).
func fanoutFromEnv() (int, error) {
	v := os.Getenv("ICTINDEX_FANOUT")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 || n > 10000 {
		return 0, fmt.Errorf("ICTINDEX_FANOUT=%q phải là số nguyên từ 2 đến 10000", v)
	}
	return n, nil
}
