package api

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"testing"

	"go.temporal.io/sdk/client"

	"ictindex/api/apitest"
	"ictindex/archive"
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
	uApprA     = "appr-a" // unit A's approver
	uLeader    = "leader"
	password   = "mat-khau-thu-nghiem"
	unitA      = "SNV"
	unitB      = "STC"
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	stack, err := apitest.Start(testMaxEvidence)
	if errors.Is(err, apitest.ErrNoMinIO) {
		env.skip = err.Error()
		return m.Run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stack.Stop()
	env.client, env.store = stack.Client, stack.Store
	quiet := stack.Log

	if env.users, err = stack.OpenUsers(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.tokens, err = apitest.AddUsers(env.users, password,
		apitest.TestUser{Name: uAdmin, Role: RoleAdmin}, apitest.TestUser{Name: uAppraiser, Role: RoleAppraiser},
		apitest.TestUser{Name: uSubA, Role: RoleSubmitter, Unit: unitA}, apitest.TestUser{Name: uSubB, Role: RoleSubmitter, Unit: unitB},
		apitest.TestUser{Name: uApprA, Role: RoleApprover, Unit: unitA},
		apitest.TestUser{Name: uLeader, Role: RoleLeader})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := New(Config{SessionKey: []byte(rand.Text() + rand.Text())[:32]}, Deps{Temporal: env.client, Store: env.store, Users: env.users, Log: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.srv = httptest.NewServer(s.Handler())
	apitest.BaseURL = env.srv.URL
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
