// Package apitest is the test harness of the API and the pages: the real
// stack (the embedded Temporal server in memory, a MinIO process, a
// worker) and HTTP callers for tests that talk to a server on httptest.
// It is imported by tests only.
package apitest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"golang.org/x/crypto/bcrypt"

	"ictindex/activities"
	"ictindex/api/store"
	"ictindex/archive"
	"ictindex/deploy/minioserver"
	"ictindex/deploy/temporalserver"
	"ictindex/templates"
	"ictindex/workflows"
)

// ErrNoMinIO is returned by Start when MinIO is not installed outside CI:
// the caller skips the tests that need the stack.
var ErrNoMinIO = errors.New("MinIO is not installed (deploy/install-minio.sh)")

// Stack is a running stack: Temporal, MinIO and a worker.
type Stack struct {
	Client client.Client
	Store  *archive.Store
	Log    *slog.Logger
	Dir    string // a temporary folder removed by Stop
	stops  []func()
}

// Start brings up the stack with evidence limited to maxEvidence bytes.
func Start(maxEvidence int64) (*Stack, error) {
	if _, err := minioserver.Binary(); err != nil && os.Getenv("CI") == "" {
		return nil, fmt.Errorf("%w: %v", ErrNoMinIO, err)
	}
	dir, err := os.MkdirTemp("", "ictindex-api-test-")
	if err != nil {
		return nil, err
	}
	s := &Stack{Dir: dir}
	s.stops = append(s.stops, func() { os.RemoveAll(dir) })
	if err := s.start(maxEvidence); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Stack) start(maxEvidence int64) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	user, pass := "test-"+rand.Text()[:8], rand.Text()
	mio, err := minioserver.Start(ctx, minioserver.Config{DataDir: filepath.Join(s.Dir, "minio"), User: user, Password: pass,
		LogPath: filepath.Join(s.Dir, "minio.log"), CertsDir: filepath.Join(s.Dir, "certs")})
	if err != nil {
		return fmt.Errorf("MinIO: %w", err)
	}
	s.stops = append(s.stops, func() { mio.Stop() })
	s.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ts, err := temporalserver.Start(ctx, temporalserver.Config{Logger: s.Log})
	if err != nil {
		return fmt.Errorf("Temporal: %w", err)
	}
	s.stops = append(s.stops, func() { ts.Stop() })
	s.Client, err = ts.NewClient(client.Options{Logger: sdklog.NewStructuredLogger(s.Log)})
	if err != nil {
		return err
	}
	s.stops = append(s.stops, s.Client.Close)
	s.Store, err = archive.Open(ctx, archive.Config{Endpoint: mio.Endpoint(), AccessKey: user, SecretKey: pass, MaxEvidenceBytes: maxEvidence})
	if err != nil {
		return err
	}
	w := worker.New(s.Client, workflows.TaskQueue, worker.Options{})
	workflows.Register(w)
	acts := activities.New(s.Store, activities.LogNotifier{Log: s.Log})
	signer, err := NewSigner("Ủy ban nhân dân tỉnh Lào Cai (thử nghiệm)")
	if err != nil {
		return err
	}
	acts.Issuer = &activities.Issuer{Signer: signer, PublicURL: PublicURL}
	w.RegisterActivity(acts)
	if err := w.Start(); err != nil {
		return err
	}
	s.stops = append(s.stops, w.Stop)
	return nil
}

// Stop ends everything Start began, newest first.
func (s *Stack) Stop() {
	for i := len(s.stops) - 1; i >= 0; i-- {
		s.stops[i]()
	}
	s.stops = nil
}

// OpenUsers opens a user store (SQLite) in the stack's folder, with fast
// password hashes and the sample province's units in its registry.
func (s *Stack) OpenUsers() (*store.Store, error) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(s.Dir, "users.db"), store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		return nil, err
	}
	s.stops = append(s.stops, func() { st.Close() })
	for _, u := range templates.SampleProvince().Units {
		if err := st.PutUnit(ctx, store.BySystem, store.Unit{Code: u.Unit.Code, Name: u.Unit.Name, Annex: u.Annex, Flags: u.Flags, Active: true}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// TestUser is a user the tests log in as.
type TestUser struct {
	Name string
	Role store.Role
	Unit string
}

// AddUsers adds users with one password to a store and issues each an API
// token; it answers name → token.
func AddUsers(st *store.Store, password string, users ...TestUser) (map[string]string, error) {
	ctx := context.Background()
	tokens := map[string]string{}
	for _, u := range users {
		if err := st.AddUser(ctx, "test", u.Name, u.Role, u.Unit, password); err != nil {
			return nil, err
		}
		token, err := st.NewToken(ctx, "test", u.Name)
		if err != nil {
			return nil, err
		}
		tokens[u.Name] = token
	}
	return tokens, nil
}
