package pages

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"ictindex/api"
	"ictindex/api/apitest"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// env is the stack every test shares: the real embedded Temporal server
// (in memory), a real MinIO process, a worker, and the API with the pages
// on httptest.
var env struct {
	skip   string
	users  *api.Users
	srv    *httptest.Server
	tokens map[string]string // user name → API token
	store  *archive.Store    // the stack's archive, for documents put in place
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
	stack, err := apitest.Start(1 << 20)
	if errors.Is(err, apitest.ErrNoMinIO) {
		env.skip = err.Error()
		return m.Run()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer stack.Stop()
	env.store = stack.Store
	if env.users, err = stack.OpenUsers(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	env.tokens, err = apitest.AddUsers(env.users, password,
		apitest.TestUser{Name: uAdmin, Role: api.RoleAdmin}, apitest.TestUser{Name: uAppraiser, Role: api.RoleAppraiser},
		apitest.TestUser{Name: uSubA, Role: api.RoleSubmitter, Unit: unitA}, apitest.TestUser{Name: uSubB, Role: api.RoleSubmitter, Unit: unitB},
		apitest.TestUser{Name: uLeader, Role: api.RoleLeader})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := api.New(api.Config{SessionKey: []byte(rand.Text() + rand.Text())[:32]},
		api.Deps{Temporal: stack.Client, Store: stack.Store, Users: env.users, Log: stack.Log})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	Mount(s)
	env.srv = httptest.NewServer(s.Handler())
	defer env.srv.Close()
	apitest.BaseURL = env.srv.URL
	return m.Run()
}

// needStack skips a test when the stack could not start.
func needStack(t testing.TB) {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
}

type (
	caller  = apitest.Caller
	payload = apitest.Payload
)

var (
	anonymous  = caller{Name: "anonymous"}
	formBody   = apitest.FormBody
	jsonBody   = apitest.JSONBody
	mustJSON   = apitest.MustJSON
	vietnamese = apitest.Vietnamese
	pdfBytes   = apitest.PDFBytes
	unitPath   = apitest.UnitPath
	itoa       = strconv.Itoa
)

// as is a user calling with their API token.
func as(name string) caller { return caller{Name: name, Token: env.tokens[name]} }

// login opens a cookie session through the login page and reads the CSRF
// token from /api/me.
func login(t testing.TB, name string) caller {
	t.Helper()
	return loginWith(t, name, password)
}

func loginWith(t testing.TB, name, pass string) caller {
	t.Helper()
	st, body, resp := anonymous.Send(t, "POST", "/dang-nhap", formBody(map[string][]string{"username": {name}, "password": {pass}}))
	if st != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", name, st, body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == api.SessionCookie {
			c := caller{Name: name, Cookie: ck}
			var me struct {
				CSRF string `json:"csrf_token"`
			}
			c.Must(t, http.StatusOK, "GET", "/api/me", payload{}, &me)
			c.CSRF = me.CSRF
			return c
		}
	}
	t.Fatal("login set no session cookie")
	return caller{}
}

func sample(t testing.TB, code string) scoring.Submission { return apitest.Sample(t, code) }

func openCampaign(t testing.TB, year int, deadline time.Time, codes ...string) {
	t.Helper()
	apitest.OpenCampaign(t, as(uAdmin), year, deadline, codes...)
}

func waitPhase(t testing.TB, year int, phase string) workflows.CampaignStatus {
	t.Helper()
	return apitest.WaitPhase(t, as(uAdmin), year, phase)
}

func unitState(t testing.TB, year int, code string) workflows.UnitState {
	t.Helper()
	return apitest.UnitState(t, as(uAdmin), year, code)
}
