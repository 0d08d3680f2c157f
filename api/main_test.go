package api

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"golang.org/x/crypto/bcrypt"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/deploy/temporalserver"
	"ictindex/workflows"
)

// testMaxEvidence is the archive's evidence limit in these tests, small so
// that an oversized upload is cheap.
const testMaxEvidence = 64 << 10

// env is the stack every test shares: the real embedded Temporal server
// (in memory), a real MinIO process, a worker and the API on httptest.
var env struct {
	skip   string
	client client.Client
	store  *archive.Store
	users  *Users
	srv    *httptest.Server
	tokens map[string]string // user name → API token
}

// Test users: one per role, two submitters of different units.
const (
	uAdmin     = "admin"
	uAppraiser = "appraiser"
	uSubA      = "sub-a"
	uSubB      = "sub-b"
	uLeader    = "leader"
	password   = "mat-khau-thu-nghiem"
	unitA      = "SNV"
	unitB      = "STC"
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if _, err := minioserver.Binary(); err != nil && os.Getenv("CI") == "" {
		env.skip = "MinIO is not installed (deploy/install-minio.sh): " + err.Error()
		return m.Run()
	}
	dir, err := os.MkdirTemp("", "ictindex-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	user, pass := "test-"+rand.Text()[:8], rand.Text()
	mio, err := minioserver.Start(ctx, minioserver.Config{DataDir: filepath.Join(dir, "minio"), User: user, Password: pass,
		LogPath: filepath.Join(dir, "minio.log"), CertsDir: filepath.Join(dir, "certs")})
	if err != nil {
		fmt.Fprintln(os.Stderr, "MinIO:", err)
		return 1
	}
	defer mio.Stop()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ts, err := temporalserver.Start(ctx, temporalserver.Config{Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, "Temporal:", err)
		return 1
	}
	defer ts.Stop()
	env.client, err = ts.NewClient(client.Options{Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.client.Close()
	env.store, err = archive.Open(ctx, archive.Config{Endpoint: mio.Endpoint(), AccessKey: user, SecretKey: pass, MaxEvidenceBytes: testMaxEvidence})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := worker.New(env.client, workflows.TaskQueue, worker.Options{})
	workflows.Register(w)
	w.RegisterActivity(&activities.Activities{Archive: activities.NewArchive(env.store), Notifier: activities.LogNotifier{Log: quiet}})
	if err := w.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer w.Stop()

	env.users = NewUsers()
	env.users.SetBcryptCost(bcrypt.MinCost)
	env.tokens = map[string]string{}
	for _, u := range []struct {
		name string
		role Role
		unit string
	}{{uAdmin, RoleAdmin, ""}, {uAppraiser, RoleAppraiser, ""}, {uSubA, RoleSubmitter, unitA}, {uSubB, RoleSubmitter, unitB}, {uLeader, RoleLeader, ""}} {
		if err := env.users.Add(u.name, u.role, u.unit, password); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if env.tokens[u.name], err = env.users.NewToken(u.name); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	s, err := New(Config{SessionKey: []byte(rand.Text() + rand.Text())[:32]}, Deps{Temporal: env.client, Store: env.store, Users: env.users, Log: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.srv = httptest.NewServer(s.Handler())
	defer env.srv.Close()
	return m.Run()
}

// needStack skips a test when the stack could not start.
func needStack(t *testing.T) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}
