package workflows

import (
	"strings"
	"testing"
	"time"

	"ictindex/activities"
)

// publishedAt runs a one-unit campaign to its publication at 10 h.
func publishedAt(t *testing.T) (*harness, CampaignInput, *int) {
	t.Helper()
	h := newHarness(t)
	published, _ := mockCampaign(h)
	snv, figs := sample(t, "SNV")
	in := CampaignInput{Year: 2026, Settings: settings(), Units: []activities.UnitRef{snv},
		Decision: activities.DecisionMeta{Signer: "Nguyễn Văn A"}}
	id := UnitWorkflowID(2026, "SNV")
	h.update(time.Hour, id, "save", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: figs})
	h.update(time.Hour+time.Minute, id, "submit", UpdateSubmit, ActorArgs{By: "snv"})
	h.update(2*time.Hour, "", "close", UpdateCloseCollection, ActorArgs{By: "admin"})
	h.update(3*time.Hour, id, "finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.update(10*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader"})
	return h, in, published
}

func (h *harness) statusAt(at time.Duration, into *CampaignStatus) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err == nil {
			err = v.Get(into)
		}
		if err != nil {
			h.t.Error(err)
		}
	}, at)
}

// TestCorrectedDecision: after publication a leader issues a corrected
// decision with a reason; it takes the next issuance, names the one it
// replaces, and becomes the decision in force; the year closes on the
// department's word and the campaign ends with the correction.
func TestCorrectedDecision(t *testing.T) {
	h, in, published := publishedAt(t)
	h.update(5*time.Hour, "", "reissue early", UpdateReissue, ReissueArgs{By: "leader", Reason: "sai tên đơn vị"})
	h.update(11*time.Hour, "", "reissue no reason", UpdateReissue, ReissueArgs{By: "leader", Reason: "  "})
	h.update(11*time.Hour+time.Minute, "", "reissue no by", UpdateReissue, ReissueArgs{Reason: "x"})
	h.update(12*time.Hour, "", "reissue", UpdateReissue, ReissueArgs{By: "leader", Reason: "Sai tên đơn vị ở Phụ lục 01"})
	var after CampaignStatus
	h.statusAt(13*time.Hour, &after)
	h.update(14*time.Hour, "", "close", UpdateCloseYear, ActorArgs{By: "admin"})
	h.update(14*time.Hour+time.Minute, "", "close twice", UpdateCloseYear, ActorArgs{By: "admin"})
	h.update(14*time.Hour+2*time.Minute, "", "reissue closed", UpdateReissue, ReissueArgs{By: "leader", Reason: "x"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("publish", "reissue", "close")
	h.refused("reissue early", "status")
	h.refused("reissue no reason", "reason")
	h.refused("reissue no by", "by")
	for _, l := range []string{"close twice", "reissue closed"} { // the campaign has ended
		if err, seen := h.results[l]; seen && err == nil {
			t.Errorf("update %q was accepted after the year closed", l)
		}
	}
	if len(after.Issuances) != 2 || after.Phase != PhasePublished {
		t.Fatalf("after the correction: phase %s, %d issuances", after.Phase, len(after.Issuances))
	}
	second := after.Issuances[1]
	if second.Index != 2 || second.Replaces == nil || second.Replaces.Index != 1 || second.Replaces.Number != "01/QĐ-UBND" ||
		second.Reason != "Sai tên đơn vị ở Phụ lục 01" {
		t.Fatalf("the correction: %+v", second)
	}
	if cur := after.Current(); cur == nil || cur.Index != 2 || after.Decision.Key != activities.SignedKey(2026, 2) {
		t.Fatalf("in force: %+v, decision %+v", cur, after.Decision)
	}
	if by := after.ReplacedBy(1); by == nil || by.Number != "02/QĐ-UBND" {
		t.Fatalf("replaced by: %+v", by)
	}
	if *published != 2 {
		t.Fatalf("published %d times", *published)
	}
	var res CampaignResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Issuance == nil || res.Issuance.Index != 2 ||
		res.Decision.Key != activities.SignedKey(2026, 2) {
		t.Fatalf("%+v %v", res, err)
	}
	var notice activities.Notice
	for _, n := range h.notices {
		if n.Kind == "published" {
			notice = n
		}
	}
	if !strings.Contains(notice.Body, "thay thế Quyết định số 01/QĐ-UBND") {
		t.Errorf("the last publication notice: %q", notice.Body)
	}
}

// TestCorrectionWindowCloses: left alone, the published year closes
// itself once the correction window has passed.
func TestCorrectionWindowCloses(t *testing.T) {
	h, in, _ := publishedAt(t)
	var open CampaignStatus
	h.statusAt(CorrectionWindow-time.Hour, &open)
	h.update(CorrectionWindow+11*time.Hour, "", "reissue late", UpdateReissue, ReissueArgs{By: "leader", Reason: "x"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if open.Closed || open.Phase != PhasePublished {
		t.Fatalf("before the window ends: %+v", open.Phase)
	}
	if _, seen := h.results["reissue late"]; seen {
		t.Error("the campaign was still open after its correction window")
	}
	var res CampaignResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Issuance == nil || res.Issuance.Index != 1 {
		t.Fatalf("%+v %v", res, err)
	}
}
