package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"ictindex/activities"
	"ictindex/api"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/deploy/temporalserver"
	"ictindex/workflows"
)

// stack is the embedded default: the real Temporal server in-process
// (SQLite in the data folder), a real MinIO process, a client and the
// archive on it.
type stack struct {
	dataDir  string
	temporal *temporalserver.Server
	minio    *minioserver.Server
	client   client.Client
	store    *archive.Store
	log      *slog.Logger
	metrics  *api.SDKMetrics // the SDK's metrics of the stack's client and worker
}

// stackOptions chooses the data folder and ports; zero values pick free
// ports.
type stackOptions struct {
	DataDir      string
	TemporalPort int
	MinIOAddr    string
	Log          *slog.Logger
}

// devCredentials are the dev MinIO's root credentials, overridable from the
// environment.
func devCredentials() (string, string) {
	user, pass := os.Getenv("ICTINDEX_S3_ACCESS_KEY"), os.Getenv("ICTINDEX_S3_SECRET_KEY")
	if user == "" || pass == "" {
		user, pass = "ictindex", "ictindex-dev-secret"
	}
	return user, pass
}

// startStack starts MinIO, then Temporal, then connects to both.
func startStack(ctx context.Context, opt stackOptions) (*stack, error) {
	if opt.Log == nil {
		opt.Log = newLogger(os.Stderr, slog.LevelWarn)
	}
	if err := os.MkdirAll(opt.DataDir, 0o755); err != nil {
		return nil, err
	}
	s := &stack{dataDir: opt.DataDir, log: opt.Log}
	user, pass := devCredentials()
	addr := opt.MinIOAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var err error
	s.minio, err = minioserver.Start(ctx, minioserver.Config{DataDir: filepath.Join(opt.DataDir, dataMinIODir), Addr: addr, User: user, Password: pass})
	if err != nil {
		return nil, fmt.Errorf("MinIO: %w (install it with deploy/install-minio.sh)", err)
	}
	// Warnings and errors: the server's retried trouble is demoted and its
	// shutdown silenced by temporalserver, so what remains is worth a look.
	serverLog := newLogger(os.Stderr, slog.LevelWarn)
	s.temporal, err = temporalserver.Start(ctx, temporalserver.Config{DataDir: filepath.Join(opt.DataDir, dataTemporalDir), Port: opt.TemporalPort, Logger: serverLog,
		DynamicConfigFile: os.Getenv(temporalserver.DynamicConfigEnv)})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("Temporal: %w", err)
	}
	s.metrics = api.NewSDKMetrics()
	s.client, err = s.temporal.NewClient(client.Options{Logger: quietLogger(opt.Log), MetricsHandler: s.metrics})
	if err != nil {
		s.Close()
		return nil, err
	}
	s.store, err = archive.Open(ctx, archive.Config{Endpoint: s.minio.Endpoint(), AccessKey: user, SecretKey: pass})
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("archive: %w", err)
	}
	return s, nil
}

// Close stops everything the stack started.
func (s *stack) Close() {
	if s.client != nil {
		s.client.Close()
	}
	if s.temporal != nil {
		if err := s.temporal.Stop(); err != nil {
			s.log.Warn("stopping Temporal", "err", err)
		}
	}
	if s.minio != nil {
		if err := s.minio.Stop(); err != nil {
			s.log.Warn("stopping MinIO", "err", err)
		}
	}
}

// quietLogger adapts slog for the SDK, which otherwise logs every poll.
func quietLogger(l *slog.Logger) sdklog.Logger { return sdklog.NewStructuredLogger(l) }

// newWorker builds a worker for the campaign's task queue with every
// workflow and activity registered.
// iss says how decisions are signed (nil: the leader signs outside).
func newWorker(c client.Client, a *archive.Store, n activities.Notifier, iss *activities.Issuer) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	workflows.Register(w)
	acts := activities.New(a, n)
	acts.Issuer = iss
	w.RegisterActivity(acts)
	return w
}
