package api

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"ictindex/scoring"
	"ictindex/templates"
	"ictindex/workflows"
)

// dtiSets are test sets of a decision on a 1,000-point scale with three
// annexes of its own codes (templates/testdata/sets).
var dtiSets = []string{"SBN", "HUYEN", "XA"}

func readDTI(t *testing.T, annex string) []byte {
	t.Helper()
	raw, err := os.ReadFile("../templates/testdata/sets/dti-2026-" + annex + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func yamlBody(raw []byte) payload { return payload{R: bytes.NewReader(raw), CType: "application/yaml"} }

// TestCriteriaSetImport: an admin imports a set (again: the same one
// back); a broken file is refused with every problem; others may not.
func TestCriteriaSetImport(t *testing.T) {
	needStack(t)
	raw := readDTI(t, "SBN")
	var si SetInfo
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/criteria-sets", yamlBody(raw), &si)
	if si.Ref.Key != "12-SBN" || si.Ref.Hash != templates.HashOf(raw) || si.Total != scoring.Whole(1000) || si.Embedded {
		t.Fatalf("imported: %+v", si)
	}
	var again SetInfo
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/criteria-sets", yamlBody(raw), &again)
	if again.Ref != si.Ref || !again.StoredAt.Equal(*si.StoredAt) {
		t.Errorf("the same bytes again gave %+v, first %+v", again, si)
	}
	var list struct {
		Sets []SetInfo `json:"sets"`
	}
	as(uAppraiser).Must(t, http.StatusOK, "GET", "/api/criteria-sets", payload{}, &list)
	var embedded, found int
	for _, s := range list.Sets {
		if s.Embedded {
			embedded++
		}
		if s.Ref == si.Ref {
			found++
		}
	}
	if embedded != 2 || found != 1 {
		t.Errorf("list: %d built in, the import %d times: %+v", embedded, found, list.Sets)
	}
	as(uAppraiser).Must(t, http.StatusForbidden, "POST", "/api/criteria-sets", yamlBody(raw), nil)

	for _, c := range []struct{ from, to, named string }{
		{"max: 400", "max: 450", "1.000"},                                         // the maxima no longer sum to the total
		{"figures: [data_platform]", "figures: [data_platfrom]", "data_platfrom"}, // an undeclared figure
	} {
		_, body, _ := as(uAdmin).Send(t, "POST", "/api/criteria-sets", yamlBody(bytes.Replace(raw, []byte(c.from), []byte(c.to), 1)))
		e := apiError(t, body)
		if e.Code != CodeValidation || len(e.Fields) == 0 || !strings.Contains(e.Message, "không hợp lệ") {
			t.Fatalf("broken set (%s): %+v", c.to, e)
		}
		joined := ""
		for _, f := range e.Fields {
			joined += f.Message + "\n"
		}
		if !strings.Contains(joined, c.named) {
			t.Errorf("the problems of %q do not name %q:\n%s", c.to, c.named, joined)
		}
	}
}

// TestCampaignOnImportedSets runs a small campaign on a decision that is
// only data: three annexes, other codes, 1,000 points. A set imported
// under the same key while it runs does not change its scores, and the
// units' histories replay on today's code.
func TestCampaignOnImportedSets(t *testing.T) {
	needStack(t)
	const year = 2041
	sets := map[string]templates.SetRef{}
	var units []map[string]any
	for _, annex := range dtiSets {
		var si SetInfo
		as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/criteria-sets", yamlBody(readDTI(t, annex)), &si)
		sets[annex] = si.Ref
		units = append(units, map[string]any{"code": "DV-" + annex, "name": "Đơn vị thử " + annex, "annex": annex})
	}
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/campaigns", jsonBody(map[string]any{
		"year": year, "deadline": time.Now().Add(10 * time.Minute), "units": units, "sets": sets, "objection_days": 0,
		"decision": map[string]string{"number": "7/QĐ-UBND", "signer": "Nguyễn Văn A"}}), nil)
	waitPhase(t, year, workflows.PhaseCollecting)

	// A new version of SBN, imported while the campaign runs: 600/200/200.
	changed := readDTI(t, "SBN")
	changed = bytes.Replace(changed, []byte("max: 400\n        levels:\n          - \"100%: 400\""), []byte("max: 600\n        levels:\n          - \"100%: 600\""), 1)
	changed = bytes.Replace(changed, []byte("max: 400"), []byte("max: 200"), 1)
	var newer SetInfo
	as(uAdmin).Must(t, http.StatusCreated, "POST", "/api/criteria-sets", yamlBody(changed), &newer)
	if newer.Ref.Key != "12-SBN" || newer.Ref.Hash == sets["SBN"].Hash {
		t.Fatalf("the changed set: %+v", newer.Ref)
	}

	// 40 of 50 staff sign (80 %), no outgoing documents this year (R11:
	// nothing arose, 0), the data platform connected.
	figs := map[string]any{"staff": 50, "staff_signature": 40, "docs_out": 0, "docs_out_signed": 0, "data_platform": true}
	for _, annex := range dtiSets {
		code := "DV-" + annex
		var st workflows.UnitState
		as(uAdmin).Must(t, http.StatusOK, "PUT", unitPath(year, code, "/figures"), jsonBody(map[string]any{"figures": figs}), &st)
		if st.Ref.Set != sets[annex] {
			t.Fatalf("%s is pinned to %+v, want %+v", code, st.Ref.Set, sets[annex])
		}
		as(uAdmin).Must(t, http.StatusOK, "POST", unitPath(year, code, "/submit"), payload{}, &st)
		as(uAppraiser).Must(t, http.StatusOK, "POST", unitPath(year, code, "/finish"), payload{}, &st)
	}
	as(uAdmin).Must(t, http.StatusOK, "POST", "/api/campaigns/"+itoa(year)+"/close", payload{}, nil)
	waitPhase(t, year, workflows.PhaseDrafted)

	var res scoring.Results
	as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/results.json", payload{}, &res)
	// SBN 400/400/200: 320 + 0 + 200; HUYEN 300/500/200: 240 + 0 + 200; XA 500/250/250: 400 + 0 + 250.
	want := map[string]string{"DV-SBN": "520,00", "DV-HUYEN": "440,00", "DV-XA": "650,00"}
	if len(res.Sheets) != 3 || len(res.Rankings) != 3 {
		t.Fatalf("results: %d sheets, %d rankings", len(res.Sheets), len(res.Rankings))
	}
	for _, sh := range res.Sheets {
		if got := sh.Final.String(); got != want[sh.Unit.Code] {
			t.Errorf("%s final %s, want %s (pinned set)", sh.Unit.Code, got, want[sh.Unit.Code])
		}
		for _, line := range sh.Lines {
			if line.Code == "A.2" && !strings.Contains(line.Appraised.Working, "không phát sinh") {
				t.Errorf("%s A.2 working %q, want R11 note", sh.Unit.Code, line.Appraised.Working)
			}
		}
	}
	for i, r := range res.Rankings {
		if r.Annex != []string{"HUYEN", "SBN", "XA"}[i] {
			t.Errorf("ranking %d is annex %s", i, r.Annex)
		}
	}

	pdf := as(uAdmin).Must(t, http.StatusOK, "GET", "/api/campaigns/"+itoa(year)+"/decision.pdf", payload{}, nil)
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	if p := os.Getenv("ICTINDEX_DUMP"); p != "" {
		_ = os.WriteFile(p+"-dti.pdf", pdf, 0o644)
	}
	for _, s := range []string{"Đơn vị thử SBN", "Đơn vị thử XA", "Phụ lục III", "Quyết định số 12/QĐ-UBND ngày 05/01/2026", "CHÍNH QUYỀN SỐ", "520,00", "1.000,00", "0/0 — không phát sinh → 0"} {
		if !strings.Contains(text, s) {
			t.Errorf("the decision lacks %q", s)
		}
	}

	// Each unit's history replays on this code, pinned set and all.
	rep := worker.NewWorkflowReplayer()
	workflows.Register(rep)
	for _, annex := range dtiSets {
		id := workflows.UnitWorkflowID(year, "DV-"+annex)
		hist := history(t, env.client, id)
		if err := rep.ReplayWorkflowHistory(nil, hist); err != nil {
			t.Errorf("replaying %s: %v", id, err)
		}
	}
}

// history reads a workflow's whole history.
func history(t *testing.T, c client.Client, id string) *historypb.History {
	t.Helper()
	h := &historypb.History{}
	it := c.GetWorkflowHistory(context.Background(), id, "", false, 0)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		h.Events = append(h.Events, ev)
	}
	return h
}
