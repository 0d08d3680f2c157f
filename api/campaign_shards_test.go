package api

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/workflows"
)

// TestShardedCampaignStatus opens seven units on a server with a fan-out
// of three: the campaign runs them in three shards, and its status lists
// every unit in order — read from the roster before the shards answer and
// from the shards after — and answers pages of them.
func TestShardedCampaignStatus(t *testing.T) {
	needStack(t)
	const year = 2047
	s, err := New(Config{SessionKey: []byte(rand.Text() + rand.Text())[:32], Fanout: 3},
		Deps{Temporal: env.client, Store: env.store, Users: env.users})
	if err != nil {
		t.Fatal(err)
	}
	codes := []string{"SNV", "STC", "TPLC", "SYT", "SGDDT", "HBX", "HBH"}
	var req OpenCampaignRequest
	for _, code := range codes {
		sub := sample(t, code)
		req.Units = append(req.Units, UnitRequest{Code: code, Name: sub.Unit.Name, Annex: sub.Annex, Flags: sub.Flags})
	}
	deadline := time.Now().Add(10 * time.Minute)
	noWindow := 0 // ranked at once, without preliminary results
	req.Year, req.Deadline, req.ObjectionDays = year, &deadline, &noWindow
	req.Decision = DecisionRequest{Number: "15/QĐ-UBND", Signer: "Nguyễn Văn A"}
	ctx := context.Background()
	resp, err := s.OpenCampaign(ctx, req, time.Now())
	if err != nil || resp.Units != len(codes) {
		t.Fatalf("open: %+v %v", resp, err)
	}
	first, err := s.cache.readCampaign(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	sameUnits(t, "just opened", first, codes)
	var st workflows.CampaignStatus
	for st.Phase != workflows.PhaseCollecting {
		time.Sleep(100 * time.Millisecond)
		if st, err = s.cache.readCampaign(ctx, year); err != nil {
			t.Fatal(err)
		}
	}
	if st.Total != len(codes) || len(st.Shards) != 3 || st.Roster == nil {
		t.Fatalf("collecting: %d units, shards %+v", st.Total, st.Shards)
	}
	sameUnits(t, "collecting", st, codes)

	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(query string) (int, pagedStatus) {
		r, _ := http.NewRequest("GET", srv.URL+fmt.Sprintf("/api/campaigns/%d", year)+query, nil)
		r.Header.Set("Authorization", "Bearer "+env.tokens[uAdmin])
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var ps pagedStatus
		if res.StatusCode == http.StatusOK {
			if err := json.NewDecoder(res.Body).Decode(&ps); err != nil {
				t.Fatal(err)
			}
		}
		return res.StatusCode, ps
	}
	code, ps := get("?offset=2&limit=3")
	if code != http.StatusOK || ps.UnitsPage != (unitPage{Offset: 2, Limit: 3, Total: 7}) {
		t.Fatalf("page: %d %+v", code, ps.UnitsPage)
	}
	sameUnits(t, "page 2–4", ps.CampaignStatus, codes[2:5])
	if code, ps = get("?offset=6"); code != http.StatusOK || len(ps.Units) != 1 || ps.Units[0].Unit.Code != "HBH" {
		t.Fatalf("last page: %d %+v", code, ps.Units)
	}
	for _, bad := range []string{"?limit=0", "?limit=1001", "?offset=-1", "?offset=x"} {
		if code, _ := get(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
	// A unit's form is rendered at its first download, archived, and the
	// same bytes are served after.
	form := func() []byte {
		r, _ := http.NewRequest("GET", srv.URL+unitPath(year, "SNV", "/form.xlsx"), nil)
		r.Header.Set("Authorization", "Bearer "+env.tokens[uAdmin])
		res, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		data, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("form: %d %s", res.StatusCode, data)
		}
		return data
	}
	xlsx := form()
	if !bytes.Equal(form(), xlsx) {
		t.Error("the second download differs from the first")
	}
	if archived, err := env.store.GetDocument(ctx, activities.FormKey(year, "SNV"), ""); err != nil || !bytes.Equal(archived, xlsx) {
		t.Errorf("the form is not archived as served: %v", err)
	}
	if !strings.Contains(sharedStrings(t, xlsx), sample(t, "SNV").Unit.Name) {
		t.Error("the form does not name its unit")
	}
	// Closing reaches the units through the shards.
	var closed workflows.CampaignStatus
	if err := s.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateCloseCollection, workflows.ActorArgs{By: uAdmin}, &closed); err != nil {
		t.Fatal(err)
	}
	sameUnits(t, "closed", closed, codes)
	for deadline := time.Now().Add(time.Minute); ; {
		st, err := s.cache.readCampaign(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, u := range st.Units {
			if u.Done && u.Status == workflows.UnitNotSubmitted {
				done++
			}
		}
		if done == len(codes) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after closing: %+v", st.Units)
		}
		time.Sleep(200 * time.Millisecond)
	}
	drafted := waitPhase(t, year, workflows.PhaseDrafted)
	if len(drafted.Places) != len(codes) || drafted.PlacesDoc == nil {
		t.Fatalf("drafted: %d places", len(drafted.Places))
	}
	for _, p := range drafted.Places {
		if p.Rank != 0 || p.Final != scoring.Fixed(0) {
			t.Errorf("a non-submitter placed: %+v", p)
		}
	}
}

// sharedStrings is the text of an XLSX file's shared strings.
func sharedStrings(t *testing.T, xlsx []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	f, err := z.Open("xl/sharedStrings.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, _ := io.ReadAll(f)
	return string(data)
}

// sameUnits checks a status lists the units, in order.
func sameUnits(t *testing.T, when string, st workflows.CampaignStatus, codes []string) {
	t.Helper()
	if len(st.Units) != len(codes) {
		t.Fatalf("%s: %d units, want %d", when, len(st.Units), len(codes))
	}
	for i, u := range st.Units {
		if u.Unit.Code != codes[i] {
			t.Fatalf("%s: unit %d is %s, want %s", when, i, u.Unit.Code, codes[i])
		}
	}
}
