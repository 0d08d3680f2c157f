package workflows

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"ictindex/activities"
	"ictindex/scoring"
)

func TestCampaignPublishesOnlyAfterApproval(t *testing.T) {
	h := newHarness(t)
	published, rankIn := mockCampaign(h)

	snv, snvFigs := sample(t, "SNV")
	tv, tvFigs := sample(t, "DPTTH")
	btg, _ := sample(t, "BTG")
	in := CampaignInput{Year: 2026, Settings: settings(), Units: []activities.UnitRef{snv, tv, btg},
		Decision: activities.DecisionMeta{Number: "15/QĐ-UBND", Date: scoring.Date{Year: 2027, Month: 1, Day: 5}, Signer: "Nguyễn Văn A"}}
	id := func(code string) string { return UnitWorkflowID(2026, code) }
	h.update(time.Hour, id("SNV"), "snv save", UpdateSaveFigures, SaveFiguresArgs{By: "snv", Figures: snvFigs})
	h.update(time.Hour+time.Minute, id("SNV"), "snv submit", UpdateSubmit, ActorArgs{By: "snv"})
	h.update(2*time.Hour, id("DPTTH"), "tv save", UpdateSaveFigures, SaveFiguresArgs{By: "tv", Figures: tvFigs})
	h.update(2*time.Hour+time.Minute, id("DPTTH"), "tv submit", UpdateSubmit, ActorArgs{By: "tv"})
	h.update(3*time.Hour, "", "publish early", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.update(4*time.Hour, "", "close no by", UpdateCloseCollection, ActorArgs{})
	h.update(100*time.Hour, "", "close", UpdateCloseCollection, ActorArgs{By: "admin"})
	h.update(100*time.Hour+time.Minute, "", "close twice", UpdateCloseCollection, ActorArgs{By: "admin"})
	h.update(100*time.Hour+2*time.Minute, id("BTG"), "btg late submit", UpdateSubmit, ActorArgs{By: "btg"})
	h.update(101*time.Hour, id("SNV"), "snv finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	h.update(102*time.Hour, id("DPTTH"), "tv finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	var collecting ShardStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflowByID(ShardWorkflowID(2026, 0, 3), QueryStatus)
		if err == nil {
			err = v.Get(&collecting)
		}
		if err != nil {
			t.Error(err)
		}
	}, 50*time.Hour)
	var drafted CampaignStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err == nil {
			err = v.Get(&drafted)
		}
		if err != nil {
			t.Error(err)
		}
	}, 105*time.Hour)
	h.update(110*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader", Note: "Đồng ý ban hành"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("snv save", "snv submit", "tv save", "tv submit", "close", "snv finish", "tv finish", "publish")
	h.refused("publish early", "status")
	h.refused("close no by", "by")
	h.refused("close twice", "status")
	if h.results["btg late submit"] == nil { // its workflow has completed as a non-submitter
		t.Error("a submission after collection closed was accepted")
	}
	if drafted.Phase != PhaseDrafted || *published != 0 && drafted.Decision == nil {
		t.Fatalf("at 105 h: phase %s", drafted.Phase)
	}
	if *published != 1 {
		t.Fatalf("published %d times", *published)
	}
	var res CampaignResult
	if err := h.env.GetWorkflowResult(&res); err != nil || res.Decision.Key != activities.SignedKey(2026, 1) || res.Results.VersionID != "r1" ||
		res.Issuance == nil || res.Issuance.Number != "01/QĐ-UBND" {
		t.Fatalf("%+v %v", res, err)
	}
	if drafted.Draft == nil || drafted.Draft.VersionID != "d1" {
		t.Errorf("the draft is not kept beside the issued decision: %+v", drafted.Draft)
	}
	if recs := h.docs.manifest(t, rankIn.Manifest); len(recs) != 3 || len(rankIn.Records) != 0 {
		t.Fatalf("ranked %d records by manifest, %d inline", len(recs), len(rankIn.Records))
	}
	if drafted.Total != 3 || len(drafted.Shards) != 1 || len(drafted.Units) != 0 {
		t.Fatalf("drafted: %d units, %d shards, %d inline", drafted.Total, len(drafted.Shards), len(drafted.Units))
	}
	if len(collecting.Units) != 3 || !collecting.Ready || collecting.Units[0].Unit.Code != "SNV" {
		t.Fatalf("the shard while collecting: %+v", collecting)
	}
	statuses := map[string]string{}
	for _, r := range h.records {
		statuses[r.Submission.Unit.Code] = r.Status
	}
	if statuses["SNV"] != UnitAppraised || statuses["DPTTH"] != UnitAppraised || statuses["BTG"] != UnitNotSubmitted {
		t.Fatalf("unit statuses %v", statuses)
	}
}

// mockCampaign mocks the campaign's archive activities: forms, ranking,
// draft and publication (counted); the last ranking's input is kept, the
// rankings counted in h.ranks.
func mockCampaign(h *harness) (published *int, rankIn *activities.RankInput) {
	acts := &activities.Activities{}
	published, rankIn = new(int), &activities.RankInput{}
	h.env.OnActivity(acts.IssueForms, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.IssueFormsInput) (activities.IssueFormsResult, error) {
			var out activities.IssueFormsResult
			for _, u := range in.Units {
				out.Forms = append(out.Forms, activities.DocumentRef{Key: activities.FormKey(in.Year, u.Unit.Code)})
			}
			return out, nil
		})
	h.env.OnActivity(acts.Rank, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.RankInput) (activities.RankResult, error) {
			*rankIn = in
			h.ranks++
			return activities.RankResult{Results: activities.DocumentRef{Key: activities.ResultsKey(in.Year), VersionID: fmt.Sprintf("r%d", h.ranks)}}, nil
		})
	h.env.OnActivity(acts.DraftDecision, mock.Anything, mock.Anything).Return(
		activities.DocumentRef{Key: activities.DecisionKey(2026), VersionID: "d1"}, nil)
	h.env.OnActivity(acts.Publish, mock.Anything, mock.Anything).Return(
		func(_ context.Context, in activities.PublishInput) (activities.PublishResult, error) {
			*published++
			return activities.PublishResult{Results: in.Results, Decision: in.Decision}, nil
		})
	return published, rankIn
}
