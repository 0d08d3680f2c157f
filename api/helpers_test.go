package api

import (
	"net/http"
	"testing"
	"time"

	"ictindex/api/apitest"
	"ictindex/scoring"
	"ictindex/workflows"
)

// caller is who a test request comes from; payload is a request body.
type (
	caller  = apitest.Caller
	payload = apitest.Payload
)

var (
	anonymous = caller{Name: "anonymous"}
	badToken  = caller{Name: "bad-token", Token: "ictx_not-a-real-token"}
)

// as is a user calling with their API token.
func as(name string) caller { return caller{Name: name, Token: env.tokens[name]} }

// login opens a cookie session.
func login(t *testing.T, name string) caller {
	t.Helper()
	st, body, resp := anonymous.Send(t, "POST", "/api/login", jsonBody(map[string]string{"username": name, "password": password}))
	if st != http.StatusOK {
		t.Fatalf("login %s: %d %s", name, st, body)
	}
	var lr loginResponse
	mustJSON(t, body, &lr)
	for _, ck := range resp.Cookies() {
		if ck.Name == SessionCookie {
			return caller{Name: name, Cookie: ck, CSRF: lr.CSRFToken}
		}
	}
	t.Fatal("login set no session cookie")
	return caller{}
}

var (
	jsonBody   = apitest.JSONBody
	rawJSON    = apitest.RawJSON
	fileBody   = apitest.FileBody
	mustJSON   = apitest.MustJSON
	vietnamese = apitest.Vietnamese
	pdfBytes   = apitest.PDFBytes
	unitPath   = apitest.UnitPath
)

// apiError decodes an error body and checks it is well formed, with a
// Vietnamese message.
func apiError(t *testing.T, body []byte) *Error {
	t.Helper()
	var eb struct {
		Error *Error `json:"error"`
	}
	mustJSON(t, body, &eb)
	if eb.Error == nil || eb.Error.Code == "" || eb.Error.Message == "" {
		t.Fatalf("not an error body: %s", body)
	}
	if !vietnamese(eb.Error.Message) {
		t.Errorf("message %q does not look Vietnamese", eb.Error.Message)
	}
	return eb.Error
}

func sample(t *testing.T, code string) scoring.Submission { return apitest.Sample(t, code) }

// openCampaign opens a campaign of sample units and waits until it
// collects.
func openCampaign(t *testing.T, year int, deadline time.Time, codes ...string) {
	t.Helper()
	apitest.OpenCampaign(t, as(uAdmin), year, deadline, codes...)
}

// waitPhase polls the campaign status until it reaches phase.
func waitPhase(t *testing.T, year int, phase string) workflows.CampaignStatus {
	t.Helper()
	return apitest.WaitPhase(t, as(uAdmin), year, phase)
}

// unitState reads a unit's state as the admin.
func unitState(t *testing.T, year int, code string) workflows.UnitState {
	t.Helper()
	return apitest.UnitState(t, as(uAdmin), year, code)
}
