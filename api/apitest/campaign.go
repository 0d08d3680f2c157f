package apitest

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// Sample is a sample-province unit's submission.
func Sample(t testing.TB, code string) scoring.Submission {
	t.Helper()
	for _, u := range templates.SampleProvince().Units {
		if u.Unit.Code == code {
			return u
		}
	}
	t.Fatalf("no sample unit %s", code)
	return scoring.Submission{}
}

// OpenCampaign opens, as admin, a campaign of sample units and waits until
// it collects.
func OpenCampaign(t testing.TB, admin Caller, year int, deadline time.Time, codes ...string) {
	t.Helper()
	admin.Must(t, http.StatusCreated, "POST", "/api/campaigns", JSONBody(map[string]any{
		"year": year, "deadline": deadline, "sample_units": codes, "objection_days": 0,
		"decision": map[string]string{"number": "15/QĐ-UBND", "signer": "Trịnh Xuân Trường"}}), nil)
	WaitPhase(t, admin, year, workflows.PhaseCollecting)
}

// WaitPhase polls the campaign status until it reaches phase.
func WaitPhase(t testing.TB, admin Caller, year int, phase string) workflows.CampaignStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var st workflows.CampaignStatus
	for {
		code, body, _ := admin.Send(t, "GET", "/api/campaigns/"+strconv.Itoa(year), Payload{})
		if code == http.StatusOK {
			MustJSON(t, body, &st)
			if st.Phase == phase {
				return st
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("campaign %d: phase %q, waiting for %q (last answer %d %s)", year, st.Phase, phase, code, body)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// UnitState reads a unit's state through the API.
func UnitState(t testing.TB, admin Caller, year int, code string) workflows.UnitState {
	t.Helper()
	var st workflows.UnitState
	admin.Must(t, http.StatusOK, "GET", UnitPath(year, code, ""), Payload{}, &st)
	return st
}

// UnitPath is a unit's API route.
func UnitPath(year int, code, rest string) string {
	return "/api/campaigns/" + strconv.Itoa(year) + "/units/" + code + rest
}
