package api

import (
	"bytes"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// matrixRoute is one authenticated route with the roles allowed. Paths
// hold {year} and {code}; with own set, a submitter is allowed only on
// their own unit.
type matrixRoute struct {
	method, path string
	allowed      []string
	own          bool
	body         func(t *testing.T) payload
}

var (
	everyone   = []string{uAdmin, uAppraiser, uSubA, uSubB, uApprA, uLeader}
	deptOnly   = []string{uAdmin, uAppraiser, uLeader}
	apprAdmin  = []string{uAppraiser, uAdmin}
	unitWrite  = []string{uAdmin, uSubA, uSubB}
	unitRead   = []string{uAdmin, uAppraiser, uLeader, uSubA, uSubB, uApprA}
	unitSend   = []string{uAdmin, uSubB, uApprA} // unit A has an approver: its preparer hands over instead
	submitters = map[string]string{uSubA: unitA, uSubB: unitB, uApprA: unitA}
)

// matrix lists every authenticated route. Bodies are valid, so that a
// missing check would show as a state change. Close comes last: it ends
// collection for the allowed pass.
func matrix(year int) []matrixRoute {
	none := func(*testing.T) payload { return payload{} }
	js := func(v any) func(*testing.T) payload { return func(*testing.T) payload { return jsonBody(v) } }
	later := time.Now().Add(48 * time.Hour)
	return []matrixRoute{
		{"GET", "/api/me", everyone, false, none},
		{"GET", "/api/forms/PL01.xlsx", everyone, false, none},
		{"GET", "/api/criteria-sets", deptOnly, false, none},
		{"POST", "/api/criteria-sets", []string{uAdmin}, false, func(t *testing.T) payload {
			set, err := os.ReadFile("../templates/testdata/sets/dti-2026-XA.yaml")
			if err != nil {
				t.Fatal(err)
			}
			return payload{R: bytes.NewReader(set), CType: "application/yaml"}
		}},
		{"GET", "/api/campaigns/{year}", everyone, false, none},
		{"POST", "/api/campaigns", []string{uAdmin}, false, js(map[string]any{"year": year, "sample_units": []string{unitA},
			"decision": map[string]string{"number": "1/QĐ-UBND", "signer": "A"}})},
		{"POST", "/api/campaigns/{year}/publish", []string{uLeader}, false, none},
		{"GET", "/api/campaigns/{year}/decision.pdf", deptOnly, false, none},
		{"GET", "/api/campaigns/{year}/results.json", deptOnly, false, none},
		{"GET", "/api/campaigns/{year}/results.xlsx", deptOnly, false, none},
		{"GET", "/api/campaigns/{year}/notices", deptOnly, false, none},
		{"GET", "/api/campaigns/{year}/draft.pdf", deptOnly, false, none},
		{"GET", "/api/campaigns/{year}/issued.pdf", deptOnly, false, none},
		{"POST", "/api/campaigns/{year}/signed", []string{uLeader}, false, func(*testing.T) payload { return pdfBody(pdfBytes(500)) }},
		{"POST", "/api/campaigns/{year}/reissue", []string{uLeader}, false, js(map[string]any{"reason": "sai tên đơn vị"})},
		{"POST", "/api/campaigns/{year}/close-year", []string{uAdmin}, false, none},
		{"GET", "/api/campaigns/{year}/issuances/1/decision.pdf", deptOnly, false, none},
		{"POST", "/api/campaigns/{year}/objections/extend", []string{uAdmin}, false, js(map[string]any{"days": 1})},
		{"POST", "/api/campaigns/{year}/objections/close", []string{uAdmin}, false, js(map[string]any{"reason": "Đủ phản hồi"})},
		{"POST", "/api/campaigns/{year}/objections/1/answer", apprAdmin, false, js(map[string]any{"reason": "Không có căn cứ"})},
		{"GET", "/api/campaigns/{year}/objections/1/evidence/0", everyone, false, none},
		{"POST", "/api/campaigns/{year}/units/{code}/objections", []string{uAdmin, uSubA, uSubB, uApprA}, true,
			js(map[string]any{"kind": "deduction", "target": "late", "explanation": "Đường truyền gián đoạn"})},
		{"GET", "/api/campaigns/{year}/units/{code}", unitRead, true, none},
		{"GET", "/api/campaigns/{year}/units/{code}/form.xlsx", unitRead, true, none},
		{"PUT", "/api/campaigns/{year}/units/{code}/figures", unitWrite, true, js(map[string]any{"figures": map[string]any{"steering_committee": true}})},
		{"POST", "/api/campaigns/{year}/units/{code}/import", unitWrite, true, func(t *testing.T) payload {
			form, err := templates.Form(templates.MustLoad(scoring.AnnexPL01), nil, year)
			if err != nil {
				t.Fatal(err)
			}
			return fileBody("", "PL01.xlsx", form)
		}},
		{"POST", "/api/campaigns/{year}/units/{code}/evidence", unitWrite, true, func(*testing.T) payload {
			return fileBody("I.1", "kiem-chung.pdf", pdfBytes(500))
		}},
		{"GET", "/api/campaigns/{year}/units/{code}/evidence/0", unitRead, true, none},
		{"GET", "/api/campaigns/{year}/units/{code}/previous", unitRead, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/evidence/carry", unitWrite, true,
			js(map[string]any{"key": "2031/X/I.1/a.pdf", "version_id": "v1"})},
		{"POST", "/api/campaigns/{year}/units/{code}/evidence/0/confirm", unitWrite, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/hand-over", unitWrite, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/return", []string{uAdmin, uApprA}, true, js(map[string]any{"note": "Sửa lại"})},
		{"POST", "/api/campaigns/{year}/units/{code}/submit", unitSend, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/withdraw", unitSend, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/submit", unitSend, true, none},
		{"POST", "/api/campaigns/{year}/units/{code}/take", apprAdmin, false, none},
		{"POST", "/api/campaigns/{year}/units/{code}/extend", []string{uAdmin}, false, js(map[string]any{"deadline": later, "reason": "Sự cố mạng"})},
		{"POST", "/api/campaigns/{year}/units/{code}/revision", apprAdmin, false, js(map[string]any{"deadline": later, "reason": "Bổ sung"})},
		{"POST", "/api/campaigns/{year}/units/{code}/corrections", apprAdmin, false, js(map[string]any{"figure": "steering_committee", "value": false, "reason": "Sai"})},
		{"POST", "/api/campaigns/{year}/units/{code}/quality-flags", apprAdmin, false, js(map[string]any{"criterion": "I.1", "reason": "Thiếu"})},
		{"POST", "/api/campaigns/{year}/units/{code}/free-email", apprAdmin, false, js(map[string]any{"reason": "Công văn 12"})},
		{"POST", "/api/campaigns/{year}/units/{code}/finish", apprAdmin, false, none},
		{"POST", "/api/logout", everyone, false, none},
		{"POST", "/api/campaigns/{year}/close", []string{uAdmin}, false, none},
	}
}

// snapshot is what a forbidden call must leave untouched.
type snapshot struct {
	Phase    string
	Campaign int
	Units    map[string]workflows.UnitState
}

func takeSnapshot(t *testing.T, year int) snapshot {
	t.Helper()
	st := waitPhase(t, year, workflows.PhaseCollecting)
	s := snapshot{Phase: st.Phase, Campaign: len(st.History), Units: map[string]workflows.UnitState{}}
	for _, code := range []string{unitA, unitB} {
		s.Units[code] = unitState(t, year, code)
	}
	return s
}

// TestAccessMatrix calls every route as every role — admin, appraiser,
// the submitters of units A and B, leader, anonymous, a bad token — on
// both units, and checks who gets in. Forbidden calls run first and must
// leave the campaign and both units exactly as they were.
func TestAccessMatrix(t *testing.T) {
	needStack(t)
	const year = 2032
	openCampaign(t, year, time.Now().Add(time.Hour), unitA, unitB)
	// Each unit has one evidence document for the download route.
	for _, code := range []string{unitA, unitB} {
		as(uAdmin).Must(t, http.StatusCreated, "POST", unitPath(year, code, "/evidence"), fileBody("I.1", "co-san.pdf", pdfBytes(300)), nil)
	}
	callers := []caller{as(uAdmin), as(uAppraiser), as(uSubA), as(uSubB), as(uApprA), as(uLeader), anonymous, badToken}
	type call struct {
		r     matrixRoute
		who   caller
		path  string
		allow bool
	}
	var calls []call
	for _, r := range matrix(year) {
		units := []string{""}
		if strings.Contains(r.path, "{code}") {
			units = []string{unitA, unitB}
		}
		for _, code := range units {
			path := strings.NewReplacer("{year}", itoa(year), "{code}", code).Replace(r.path)
			for _, who := range callers {
				allow := slices.Contains(r.allowed, who.Name)
				if own, isSub := submitters[who.Name]; allow && isSub && r.own && own != code {
					allow = false
				}
				calls = append(calls, call{r, who, path, allow})
			}
		}
	}
	before := takeSnapshot(t, year)
	t.Run("refused", func(t *testing.T) {
		for _, c := range calls {
			if c.allow {
				continue
			}
			st, body, _ := c.who.Send(t, c.r.method, c.path, c.r.body(t))
			want := http.StatusForbidden
			if c.who.Token == "" || c.who.Name == badToken.Name {
				want = http.StatusUnauthorized
			}
			if st != want {
				t.Errorf("%s %s as %s: %d, want %d: %s", c.r.method, c.path, c.who.Name, st, want, body)
				continue
			}
			e := apiError(t, body)
			if (want == http.StatusForbidden) != (e.Code == CodeForbidden) {
				t.Errorf("%s %s as %s: code %q", c.r.method, c.path, c.who.Name, e.Code)
			}
		}
		after := takeSnapshot(t, year)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("refused calls changed state:\nbefore %+v\nafter  %+v", before, after)
		}
	})
	t.Run("allowed", func(t *testing.T) {
		for _, c := range calls {
			if !c.allow {
				continue
			}
			st, body, _ := c.who.Send(t, c.r.method, c.path, c.r.body(t))
			if st == http.StatusUnauthorized || st == http.StatusForbidden || st >= 500 {
				t.Errorf("%s %s as %s: %d: %s", c.r.method, c.path, c.who.Name, st, body)
			}
		}
	})
}

// TestPublicRoutes: health, readiness, metrics and the OpenAPI document
// need no login.
func TestPublicRoutes(t *testing.T) {
	needStack(t)
	for _, path := range []string{"/healthz", "/readyz", "/api/openapi.yaml", "/metrics"} {
		anonymous.Must(t, http.StatusOK, "GET", path, payload{}, nil)
	}
	body := anonymous.Must(t, http.StatusOK, "GET", "/metrics", payload{}, nil)
	if !strings.Contains(string(body), `ictindex_http_requests_total{method="GET",route="/healthz",status="200"}`) {
		t.Errorf("metrics lack the request counter:\n%.2000s", body)
	}
	_, body, _ = anonymous.Send(t, "GET", "/api/nowhere", payload{})
	if e := apiError(t, body); e.Code != CodeNotFound {
		t.Errorf("unknown route: %+v", e)
	}
}
